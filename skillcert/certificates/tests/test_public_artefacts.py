"""The public verification artefacts: the issuer's DID document, the sharded status lists,
the credential's OB 3.0 fields, their CORS and caching headers, and the revoked PDF."""

import datetime as dt
import hashlib

import pypdfium2
import pytest
from django.test import Client

from skillcert.accounts.actors import SystemActor
from skillcert.certificates import issuing
from skillcert.certificates.credentials import (
    is_revoked,
    multikey_public,
    unbase58btc,
    verify_credential,
)
from skillcert.certificates.keys import issuer_did, public_key_bytes, public_keys
from skillcert.certificates.selectors import achievement_credential
from skillcert.certificates.services import Holder, certificate_issue_for, certificate_revoke
from skillcert.plans.tests.factories import file_org, make_candidate, make_id

SYSTEM_TEST = SystemActor("test")


@pytest.fixture
def issue(personas, hr):
    file_org(personas.org_a, [hr], (3,))

    def _issue(n):
        return certificate_issue_for(
            organization=personas.org_a,
            holder=Holder(make_candidate(n), hr, "", 3),
            actor=SYSTEM_TEST,
            issue_date=dt.date(2025, 6, 30),
        )

    return _issue


def test_issuer_is_a_did_web_under_the_installation(settings):
    settings.SKILLCERT_PUBLIC_URL = "https://zs.example.gov.cn"
    assert issuer_did() == "did:web:zs.example.gov.cn:certificates:issuer"
    settings.SKILLCERT_PUBLIC_URL = "http://127.0.0.1:8000/skill"
    assert issuer_did() == "did:web:127.0.0.1%3A8000:skill:certificates:issuer"


def test_multikey_is_the_ed25519_multicodec_key_in_base58btc():
    raw = bytes(range(32))
    encoded = multikey_public(raw)
    assert encoded.startswith("z6Mk")
    assert unbase58btc(encoded[1:]) == b"\xed\x01" + raw


def test_did_document_lists_every_published_key_as_assertion_method(db):
    response = Client().get("/certificates/issuer/did.json")
    assert response.status_code == 200
    document = response.json()
    assert document["id"] == issuer_did()
    methods = {vm["id"]: vm for vm in document["verificationMethod"]}
    assert set(methods) == {f"{issuer_did()}#{kid}" for kid in public_keys()}
    assert document["assertionMethod"] == list(methods)
    for kid, key in public_keys().items():
        method = methods[f"{issuer_did()}#{kid}"]
        assert method["type"] == "Multikey" and method["controller"] == issuer_did()
        assert method["publicKeyMultibase"] == multikey_public(public_key_bytes(key))


def test_public_artefacts_allow_any_origin_and_are_cached(issue):
    certificate = issue(1)
    client = Client()
    for url, max_age in (
        ("/certificates/keys.json", 86_400),
        ("/certificates/issuer/did.json", 86_400),
        (f"/certificates/status/{certificate.status_list}", 300),
    ):
        response = client.get(url, HTTP_ORIGIN="https://verifier.example")
        assert response.status_code == 200, url
        assert response["Access-Control-Allow-Origin"] == "*"
        assert response["Access-Control-Allow-Methods"] == "GET"
        assert f"max-age={max_age}" in response["Cache-Control"]
        assert "public" in response["Cache-Control"]
        assert client.post(url).status_code == 405


@pytest.mark.parametrize("number", ["0", "2", "2147483648", "99999999999999999999"])
def test_a_status_list_that_does_not_exist_is_not_found(db, number):
    assert Client().get(f"/certificates/status/{number}").status_code == 404


def test_full_lists_open_the_next_one_and_each_list_is_served(issue, monkeypatch):
    monkeypatch.setattr(issuing, "STATUS_LIST_FILL", 1)
    first, second = issue(1), issue(2)
    assert (first.status_list, second.status_list) == (1, 2)
    certificate_revoke(certificate=second, reason="撤销", document_no="文号1", actor=SYSTEM_TEST)
    client = Client()
    list_1 = client.get("/certificates/status/1").json()
    list_2 = client.get("/certificates/status/2").json()
    assert list_2["id"].endswith("/certificates/status/2")
    assert is_revoked(list_2["credentialSubject"]["encodedList"], second.status_index)
    assert not is_revoked(list_1["credentialSubject"]["encodedList"], first.status_index)
    kid = list_2["proof"]["verificationMethod"].split("#")[1]
    assert verify_credential(list_2, public_key=public_keys()[kid])
    assert list_2["issuer"] == issuer_did()


def test_indexes_are_drawn_at_random_within_the_list(issue):
    indexes = [issue(n).status_index for n in range(1, 7)]
    assert all(0 <= i < 131_072 for i in indexes)
    assert len(set(indexes)) == 6
    assert indexes != list(range(indexes[0], indexes[0] + 6))  # not handed out in sequence


def test_credential_follows_open_badges_3_and_the_eddsa_jcs_proof(issue):
    certificate = issue(1)
    credential = achievement_credential(certificate)
    assert credential["issuer"]["id"] == issuer_did()
    assert credential["validFrom"] == "2025-06-30T00:00:00+08:00"
    (proof,) = credential["proof"]
    assert proof["@context"] == credential["@context"]
    assert proof["verificationMethod"].startswith(f"{issuer_did()}#")
    assert proof["created"].endswith("+08:00")
    (identity,) = credential["credentialSubject"]["identifier"]
    assert identity["identityType"] == "nationalIdentityNumber" and identity["hashed"] is True
    digest = hashlib.sha256((make_id(1) + identity["salt"]).encode()).hexdigest()
    assert identity["identityHash"] == f"sha256${digest}"
    assert len(identity["salt"]) == 32
    assert credential["credentialSubject"]["source"]["name"] == certificate.organization_name
    assert credential["credentialStatus"]["statusListCredential"].endswith(
        f"/certificates/status/{certificate.status_list}"
    )
    # the same document every time: the proof is dated at registration, not at download
    assert achievement_credential(certificate) == credential
    kid = proof["verificationMethod"].split("#")[1]
    assert verify_credential(credential, public_key=public_keys()[kid])


def test_a_revoked_certificate_downloads_with_the_revocation_mark(issue, personas):
    certificate = issue(1)
    certificate_revoke(
        certificate=certificate, reason="撤销", document_no="文号1", actor=SYSTEM_TEST
    )
    clerk = personas.client_for(personas.clerk_a)
    response = clerk.get(f"/certificates/{certificate.number}/certificate.pdf")
    assert response.status_code == 200
    document = pypdfium2.PdfDocument(response.content)
    assert document.get_metadata_dict()["Title"] == f"职业技能等级证书 {certificate.number}"
    assert "已撤销" in document[0].get_textpage().get_text_range().replace(" ", "")
    withdrawn = clerk.get(f"/certificates/{certificate.number}/credential.json")
    assert withdrawn.status_code == 410 and withdrawn.json()["status"] == "revoked"
