"""CSRF on every form: a POST without the token is refused (403) on every page of the
permission matrix and on every session-authenticated API write, before any view runs."""

from __future__ import annotations

import pytest
from django.test import Client

from conftest import PASSWORD
from skillcert.operations.tests.test_permission_matrix import _placeholders, _rows

# The refusal comes from the middleware before any view or query runs: the same on any
# database, so the SQLite pass runs it.
pytestmark = pytest.mark.once

PAGE_ROWS = [r for r in _rows() if r["method"] == "GET" and not r["key"].startswith("api:")]
# Anonymous by design (no session, so nothing for a forged request to ride on).
PUBLIC_API = {"/api/v1/certificates/verify", "/api/v1/certificates/query", "/api/v1/scoring/query"}
PUBLIC_API |= {"/api/v1/supervision/complaints"}
API_WRITES = [
    r for r in _rows() if r["method"] == "POST" and r["path"].rstrip("/") not in PUBLIC_API
]


def test_every_page_refuses_a_post_without_the_token(personas):
    client = personas.client_for(personas.superuser, csrf_checks=True)
    accepted = []
    for row in PAGE_ROWS:
        path = row["path"].format(**_placeholders(row["path"], personas))
        response = client.post(path, {"x": "1"}, REMOTE_ADDR="127.0.0.1")
        if response.status_code != 403:
            accepted.append(f"{path} → {response.status_code}")
    assert len(PAGE_ROWS) > 50
    assert not accepted, "POST without CSRF token not refused: " + "; ".join(accepted)


def test_login_form_refuses_a_post_without_the_token_even_with_the_right_password(personas):
    client = Client(enforce_csrf_checks=True)
    response = client.post(
        "/accounts/login/", {"username": personas.clerk_a.username, "password": PASSWORD}
    )
    assert response.status_code == 403
    assert "_auth_user_id" not in client.session


@pytest.mark.parametrize("row", API_WRITES, ids=lambda r: r["path"])
def test_session_api_writes_refuse_a_post_without_the_token(row, personas):
    client = personas.client_for(personas.province, csrf_checks=True)
    path = row["path"].format(**_placeholders(row["path"], personas))
    response = client.post(path, "{}", content_type="application/json", REMOTE_ADDR="127.0.0.1")
    assert response.status_code == 403
