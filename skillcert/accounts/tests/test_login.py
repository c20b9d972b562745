import pytest
from django.test import Client
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from conftest import PASSWORD
from skillcert.accounts.actors import SystemActor
from skillcert.accounts.models import User
from skillcert.accounts.services import totp_enrolment_issue


def test_login_page_is_chinese(db):
    response = Client().get("/accounts/login/")
    assert response.status_code == 200
    assert "登录" in response.content.decode()
    policy = response["Content-Security-Policy"]
    assert "default-src 'self'" in policy
    assert "unsafe-inline" not in policy


def test_clerk_logs_in_and_sees_dashboard(personas):
    client = Client()
    response = client.post("/accounts/login/", {"username": "clerk_a", "password": PASSWORD})
    assert response.status_code == 302
    dashboard = client.get("/dashboard/")
    assert dashboard.status_code == 200
    assert "本机构" in dashboard.content.decode()


def test_five_wrong_passwords_lock_the_account(personas):
    client = Client()
    for _ in range(5):
        response = client.post(
            "/accounts/login/", {"username": "clerk_a", "password": "wrong-password"}
        )
    assert response.status_code == 429
    assert "锁定" in response.content.decode()
    # Even the right password is refused while locked.
    response = client.post("/accounts/login/", {"username": "clerk_a", "password": PASSWORD})
    assert response.status_code == 429


def test_wrong_password_message_is_chinese(personas):
    response = Client().post("/accounts/login/", {"username": "clerk_a", "password": "nope-nope"})
    assert "用户名或密码不正确" in response.content.decode()


def test_officer_must_pass_second_factor(personas, settings):
    settings.OTP_TOTP_THROTTLE_FACTOR = 0  # the retry below comes within the throttle delay
    client = Client()
    client.post("/accounts/login/", {"username": "province", "password": PASSWORD})
    response = client.get("/dashboard/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/otp/")
    enrol = client.get("/accounts/otp/")
    assert "绑定身份验证器" in enrol.content.decode() and "绑定码" in enrol.content.decode()
    code = totp_enrolment_issue(user=personas.province, actor=SystemActor("test"))
    keyed = client.post("/accounts/otp/", {"enrolment_code": code.lower()})
    assert "密钥" in keyed.content.decode()
    device = TOTPDevice.objects.get(user__username="province")
    wrong = client.post(
        "/accounts/otp/", {"token": "000000" if totp(device.bin_key) != 0 else "111111"}
    )
    assert "动态口令不正确" in wrong.content.decode()
    device.refresh_from_db()
    ok = client.post(
        "/accounts/otp/", {"token": f"{totp(device.bin_key):06d}", "next": "/dashboard/"}
    )
    assert ok.status_code == 302
    assert client.get("/dashboard/").status_code == 200
    device.refresh_from_db()
    assert device.confirmed


def test_officer_api_access_needs_second_factor_too(personas):
    client = personas.client_for(personas.province, verified=False)
    response = client.get("/api/v1")
    assert response.status_code == 403
    assert response.json()["code"] == "auth.second_factor_required"


def test_password_change_invalidates_other_sessions(personas):
    first, second = Client(), Client()
    for client in (first, second):
        client.post("/accounts/login/", {"username": "clerk_a", "password": PASSWORD})
    response = first.post(
        "/accounts/password/",
        {
            "old_password": PASSWORD,
            "new_password": "Another-Horse-2027",
            "new_password2": "Another-Horse-2027",
        },
    )
    assert response.status_code == 302
    assert first.get("/dashboard/").status_code == 200
    assert second.get("/dashboard/").status_code == 302  # logged out


def test_weak_new_password_is_rejected_with_reason(personas):
    client = personas.client_for(personas.clerk_a)
    response = client.post(
        "/accounts/password/",
        {"old_password": PASSWORD, "new_password": "12345678", "new_password2": "12345678"},
    )
    assert response.status_code == 200
    assert User.objects.get(username="clerk_a").check_password(PASSWORD)


@pytest.mark.parametrize("path", ["/dashboard/", "/audit/", "/organizations/", "/workdays/"])
def test_anonymous_is_sent_to_login(db, path):
    response = Client().get(path)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")
