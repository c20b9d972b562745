"""One address trying many usernames is stopped (django-axes only locks one username)."""

from django.test import Client

from conftest import PASSWORD


def _try(client, username, password, address):
    return client.post(
        "/accounts/login/", {"username": username, "password": password}, REMOTE_ADDR=address
    )


def test_thirty_failures_from_one_address_stop_further_attempts(personas):
    attacker = Client()
    for n in range(30):
        response = _try(attacker, f"user{n}", "wrong-password-1", "203.0.113.7")
        assert response.status_code == 200  # the form again, with the error
    refused = _try(attacker, "clerk_a", PASSWORD, "203.0.113.7")
    assert refused.status_code == 429
    assert "登录失败次数过多" in refused.content.decode()
    assert "_auth_user_id" not in attacker.session  # even the right password is not tried


def test_another_address_and_successful_logins_are_not_affected(personas):
    for n in range(30):
        _try(Client(), f"user{n}", "wrong-password-1", "203.0.113.7")
    assert _try(Client(), "clerk_a", PASSWORD, "198.51.100.4").status_code == 302
    office = Client()
    for _ in range(40):  # successes are not failures
        assert _try(office, "clerk_b", PASSWORD, "198.51.100.9").status_code == 302
        office.logout()
