"""The second factor cannot be chosen, skipped or outlived with the password alone."""

import datetime as dt
from typing import Any

import pytest
from django.test import Client
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from conftest import PASSWORD
from skillcert.accounts.actors import SystemActor
from skillcert.accounts.models import ApiToken, TotpEnrolmentCode
from skillcert.accounts.services import api_token_create, totp_enrolment_issue
from skillcert.audit.models import AuditEvent
from skillcert.common.errors import DomainError


def _logged_in(username):
    client = Client()
    client.post("/accounts/login/", {"username": username, "password": PASSWORD})
    return client


def test_a_stolen_password_cannot_bind_an_authenticator(personas):
    attacker = _logged_in("province")
    page = attacker.get("/accounts/otp/").content.decode()
    assert "绑定码" in page and "密钥" not in page  # no key shown without a binding code
    refused = attacker.post("/accounts/otp/", {"token": "123456"})
    assert "密钥" not in refused.content.decode()
    for _ in range(4):
        wrong = attacker.post("/accounts/otp/", {"enrolment_code": "AAAA-BBBB-CCCC"})
        assert "没有有效的绑定码" in wrong.content.decode()
    assert not TOTPDevice.objects.filter(user=personas.province, confirmed=True).exists()


def test_five_wrong_binding_codes_spend_the_code(personas):
    code = totp_enrolment_issue(user=personas.province, actor=SystemActor("test"))
    attacker = _logged_in("province")
    for n in range(5):
        page = attacker.post("/accounts/otp/", {"enrolment_code": f"WRONG-CODE-{n:04d}"})
    assert "错误次数过多，已作废" in page.content.decode()
    late = attacker.post("/accounts/otp/", {"enrolment_code": code})
    assert "没有有效的绑定码" in late.content.decode()
    assert AuditEvent.objects.filter(action="user.totp_enrolment_locked").exists()


def test_an_expired_binding_code_is_refused(personas, time_machine):
    time_machine.move_to(dt.datetime(2026, 6, 1, 9, tzinfo=dt.UTC), tick=False)
    code = totp_enrolment_issue(user=personas.province, actor=SystemActor("test"))
    time_machine.shift(dt.timedelta(days=8))
    page = _logged_in("province").post("/accounts/otp/", {"enrolment_code": code})
    assert "没有有效的绑定码" in page.content.decode()


def test_the_binding_code_shows_the_key_once_and_binding_completes(personas, settings):
    settings.OTP_TOTP_THROTTLE_FACTOR = 0
    code = totp_enrolment_issue(user=personas.province, actor=SystemActor("test"))
    assert not TotpEnrolmentCode.objects.get().digest.endswith(code.replace("-", ""))
    officer = _logged_in("province")
    keyed = officer.post("/accounts/otp/", {"enrolment_code": code}).content.decode()
    assert "密钥" in keyed
    device = TOTPDevice.objects.get(user=personas.province)
    done = officer.post("/accounts/otp/", {"token": f"{totp(device.bin_key):06d}"})
    assert done.status_code == 302
    assert not TotpEnrolmentCode.objects.exists()  # spent
    # another session with the password only gets the ordinary code prompt, never the key
    other = _logged_in("province").get("/accounts/otp/").content.decode()
    assert "动态口令验证" in other and "密钥" not in other


def test_only_a_platform_administrator_issues_binding_codes(personas):
    with pytest.raises(DomainError) as caught:
        totp_enrolment_issue(user=personas.city_nanjing, actor=personas.province)
    assert caught.value.code == "totp.enrolment_forbidden"
    assert totp_enrolment_issue(user=personas.city_nanjing, actor=personas.superuser)


def test_the_password_cannot_be_changed_before_the_second_factor(personas):
    attacker = _logged_in("province")
    response = attacker.post(
        "/accounts/password/",
        {
            "old_password": PASSWORD,
            "new_password1": "Attacker-Owns-2026",
            "new_password2": "Attacker-Owns-2026",
        },
    )
    assert response.status_code == 302 and response["Location"].startswith("/accounts/otp/")
    personas.province.refresh_from_db()
    assert personas.province.check_password(PASSWORD)


def test_an_officer_gets_an_api_token_only_after_the_second_factor(personas):
    with pytest.raises(DomainError) as caught:
        api_token_create(
            user=personas.province,
            name="脚本",
            actor=personas.province,
            second_factor_verified=False,
        )
    assert caught.value.code == "api_token.second_factor_required"
    assert api_token_create(
        user=personas.province, name="脚本", actor=personas.province, second_factor_verified=True
    )


def test_tokens_expire(personas, time_machine):
    time_machine.move_to(dt.datetime(2026, 6, 1, 9, tzinfo=dt.UTC), tick=False)
    token = api_token_create(
        user=personas.clerk_a,
        name="脚本",
        actor=personas.clerk_a,
        second_factor_verified=False,
        days=30,
    )
    bearer: dict[str, Any] = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
    assert Client().get("/api/v1", **bearer).status_code == 200
    time_machine.shift(dt.timedelta(days=31))
    assert Client().get("/api/v1", **bearer).status_code == 401
    assert ApiToken.objects.get().expires_at is not None


def test_the_admin_lists_and_revokes_tokens_but_cannot_type_one(personas):
    admin = personas.client_for(personas.superuser)
    assert admin.get("/admin/accounts/apitoken/add/").status_code == 403
