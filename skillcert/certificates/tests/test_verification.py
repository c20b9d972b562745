import json

import pytest
from django.core.management import call_command
from django.test import Client

from skillcert.accounts.actors import SystemActor
from skillcert.certificates.credentials import is_revoked, verify_credential
from skillcert.certificates.keys import public_keys
from skillcert.certificates.selectors import (
    certificate_query,
    certificate_verify_token,
    status_list_credential,
)
from skillcert.certificates.services import (
    certificate_reissue,
    certificate_revoke,
)
from skillcert.plans.tests.factories import make_id

SYSTEM_TEST = SystemActor("test")


def test_token_verifies_online_and_offline(certificate):
    online = certificate_verify_token(certificate.token)
    assert online.valid and online.status == "valid"
    assert online.payload is not None
    assert online.payload["n"] == certificate.number
    assert online.payload["id"].startswith("3201") and "*" in online.payload["id"]
    assert certificate_verify_token(certificate.token, offline=True).valid


def test_tampered_and_malformed_tokens_are_refused(certificate):
    kid, body, sig = certificate.token.split(".")
    assert certificate_verify_token(f"{kid}.{body}x.{sig}").reason in {"bad_signature", "malformed"}
    assert certificate_verify_token("nonsense").reason == "malformed"
    assert certificate_verify_token(f"other.{body}.{sig}").reason == "unknown_key"


def test_revoked_certificate_shows_as_revoked(certificate):
    certificate_revoke(
        certificate=certificate, reason="撤销", document_no="文号1", actor=SYSTEM_TEST
    )
    outcome = certificate_verify_token(certificate.token)
    assert not outcome.valid
    assert outcome.reason == "revoked"
    assert certificate_verify_token(
        certificate.token, offline=True
    ).valid  # the signature still holds


def test_a_superseded_certificate_is_marked_in_the_status_list(certificate):
    reissued = certificate_reissue(certificate=certificate, reason="遗失补发", actor=SYSTEM_TEST)
    status_list = status_list_credential(certificate.status_list)
    assert status_list is not None
    encoded = status_list["credentialSubject"]["encodedList"]
    assert is_revoked(encoded, certificate.status_index)
    assert not is_revoked(encoded, reissued.status_index)
    assert certificate_verify_token(certificate.token).reason == "superseded"


def test_query_needs_number_name_and_id_number_together(certificate):
    assert (
        certificate_query(number=certificate.number, name="考生1", id_number=make_id(1))
        == certificate
    )
    assert certificate_query(number=certificate.number, name="别人", id_number=make_id(1)) is None
    assert certificate_query(number=certificate.number, name="考生1", id_number=make_id(2)) is None
    assert certificate_query(number="not-a-number", name="考生1", id_number=make_id(1)) is None


def test_verify_token_command_contract(certificate, capsys):
    call_command("certificates", "verify-token", certificate.token)
    assert json.loads(capsys.readouterr().out) == {
        "valid": True,
        "number": certificate.number,
        "status": "valid",
    }
    call_command("certificates", "verify-token", certificate.token, "--offline")
    assert json.loads(capsys.readouterr().out)["status"] == "offline"
    with pytest.raises(SystemExit) as exit_info:
        call_command("certificates", "verify-token", "x.y.z")
    assert exit_info.value.code == 1
    assert json.loads(capsys.readouterr().out)["valid"] is False


def test_pdf_command_writes_the_certificate(certificate, tmp_path, capsys):
    out = tmp_path / "cert.pdf"
    call_command("certificates", "pdf", "--number", certificate.number, "--out", str(out))
    assert out.read_bytes().startswith(b"%PDF-")


def test_export_writes_rows_and_a_checksum(certificate, tmp_path, capsys):
    call_command(
        "certificates", "export", "--since", "2020-01-01", "--format", "csv", "--out", str(tmp_path)
    )
    files = sorted(p.name for p in tmp_path.iterdir())
    assert files == [
        "certificates-since-2020-01-01.csv",
        "certificates-since-2020-01-01.csv.sha256",
    ]
    text = (tmp_path / files[0]).read_text(encoding="utf-8-sig")
    assert certificate.number in text and "三级/高级工" in text


def test_public_pages_and_documents(certificate, personas):
    client = Client()
    page = client.get(f"/v/{certificate.token}")
    assert page.status_code == 200 and "证书真实有效" in page.content.decode()
    assert "三级/高级工" in page.content.decode()  # the level as printed on the certificate
    bad = client.get("/v/a.b.c")
    assert "证书真实有效" not in bad.content.decode()
    query = client.post(
        "/certificates/verify/",
        {"number": certificate.number, "name": "考生1", "id_number": make_id(1)},
    )
    assert certificate.number in query.content.decode()
    miss = client.post(
        "/certificates/verify/",
        {"number": certificate.number, "name": "考生1", "id_number": make_id(5)},
    )
    assert "未查到" in miss.content.decode()
    keys = client.get("/certificates/keys.json").json()
    assert keys["keys"][0]["crv"] == "Ed25519"
    certificate_revoke(certificate=certificate, reason="r", document_no="d", actor=SYSTEM_TEST)
    status_list = client.get(f"/certificates/status/{certificate.status_list}").json()
    assert is_revoked(status_list["credentialSubject"]["encodedList"], certificate.status_index)
    kid = status_list["proof"]["verificationMethod"].split("#")[1]
    assert verify_credential(status_list, public_key=public_keys()[kid])


def test_downloads_are_scoped(certificate, personas):
    own = personas.client_for(personas.clerk_a)
    assert own.get(f"/certificates/{certificate.number}/certificate.pdf").status_code == 200
    credential = own.get(f"/certificates/{certificate.number}/credential.json").json()
    assert credential["credentialStatus"]["statusListIndex"] == str(certificate.status_index)
    kid = credential["proof"][0]["verificationMethod"].split("#")[1]
    assert verify_credential(credential, public_key=public_keys()[kid])
    other = personas.client_for(personas.clerk_b)
    assert other.get(f"/certificates/{certificate.number}/certificate.pdf").status_code == 404
    assert other.get(f"/certificates/{certificate.number}/").status_code == 404
    assert (
        personas.client_for(personas.city_suzhou)
        .get(f"/certificates/{certificate.number}/")
        .status_code
        == 404
    )
    assert (
        personas.client_for(personas.city_nanjing)
        .get(f"/certificates/{certificate.number}/")
        .status_code
        == 200
    )


def test_api_verify_and_query(certificate):
    client = Client()
    ok = client.post(
        "/api/v1/certificates/verify", {"token": certificate.token}, content_type="application/json"
    ).json()
    assert ok["valid"] and ok["number"] == certificate.number
    miss = client.post(
        "/api/v1/certificates/query",
        {"number": certificate.number, "name": "x", "id_number": "y"},
        content_type="application/json",
    ).json()
    assert miss == {
        "valid": False,
        "reason": "not_found",
        "status": "unknown",
        "number": None,
        "name": None,
        "id_number": None,
        "occupation": None,
        "level": None,
        "organization": None,
        "issue_date": None,
    }
