"""The public verification endpoints take the short middleware stack (no session, CSRF,
authentication or messages), cache the rendered page per certificate status, and still show a
revocation at once, with the same security headers."""

from __future__ import annotations

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from skillcert.accounts.actors import SystemActor
from skillcert.certificates.services import certificate_revoke

SYSTEM_TEST = SystemActor("test")
SECURITY_HEADERS = (
    "Content-Security-Policy",
    "X-Frame-Options",
    "X-Content-Type-Options",
    "Referrer-Policy",
    "Cross-Origin-Opener-Policy",
    "X-Request-ID",
)


def test_a_revocation_shows_at_once_on_the_cached_page(certificate):
    client = Client()
    path = f"/v/{certificate.token}"
    for _ in range(2):  # the second answer comes from the page cache
        page = client.get(path).content.decode()
        assert "证书真实有效" in page and certificate.number in page
    certificate_revoke(
        certificate=certificate, reason="撤销", document_no="文号9", actor=SYSTEM_TEST
    )
    page = client.get(path).content.decode()
    assert "证书真实有效" not in page
    assert "该证书已被撤销" in page and "撤销）" in page


def test_a_revocation_shows_at_once_in_the_api(certificate):
    client = Client()

    def status() -> dict:
        response = client.post(
            "/api/v1/certificates/verify",
            {"token": certificate.token},
            content_type="application/json",
        )
        assert response.status_code == 200
        return response.json()

    assert status()["valid"] is True
    certificate_revoke(
        certificate=certificate, reason="撤销", document_no="文号9", actor=SYSTEM_TEST
    )
    assert status() == status() | {"valid": False, "reason": "revoked", "status": "revoked"}


def test_the_page_keeps_its_security_headers_and_sets_no_cookie(certificate):
    response = Client().get(f"/v/{certificate.token}")
    assert response.status_code == 200
    for header in SECURITY_HEADERS:
        assert header in response.headers, header
    assert "frame-ancestors 'none'" in response["Content-Security-Policy"]
    assert response["X-Frame-Options"] == "DENY"
    assert not response.cookies
    assert "Cookie" not in response.get("Vary", "")


def test_the_page_reads_only_the_certificate_status(certificate, settings):
    settings.SKILLCERT_THROTTLE_LOCAL_PERCENT = 10  # as served: a first hit writes no counter
    client = Client()
    with CaptureQueriesContext(connection) as queries:
        assert client.get(f"/v/{certificate.token}", REMOTE_ADDR="198.51.100.77").status_code == 200
    assert len(queries.captured_queries) == 1
    sql = queries.captured_queries[0]["sql"]
    assert "certificates_certificate" in sql and "holder_name" not in sql


def test_a_signed_in_user_gets_the_page_with_their_menu(certificate, personas):
    client = personas.client_for(personas.clerk_a)
    page = client.get(f"/v/{certificate.token}").content.decode()
    assert "证书真实有效" in page
    assert "工作台" in page  # the signed-in menu: the full stack served it
    assert "工作台" not in Client().get(f"/v/{certificate.token}").content.decode()


def test_a_tampered_token_is_refused_on_the_short_stack(certificate):
    kid, body, signature = certificate.token.split(".")
    response = Client().get(f"/v/{kid}.{body}.{signature[:-4]}AAAA")
    assert response.status_code == 200
    page = response.content.decode()
    assert "证书真实有效" not in page and "签名不符" in page
    assert Client().get("/v/").status_code == 404
