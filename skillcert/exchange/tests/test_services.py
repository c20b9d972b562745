"""The feed, signed batches, and applying them to the registry (one database playing both
installations; the two-database round trip is test_round_trip.py)."""

from __future__ import annotations

import copy
import io
import json
import urllib.error
from email.message import Message
from typing import Any

import pytest
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from skillcert.certificates.keys import current_signing_key
from skillcert.certificates.services import certificate_revoke
from skillcert.common.errors import DomainError
from skillcert.exchange.core import FORMAT, batch_sign, batch_verify, jwks_public_keys
from skillcert.exchange.models import Delivery, ReceivedBatch, ReceivedEntry
from skillcert.exchange.selectors import registry_certificate_verify, registry_counts
from skillcert.exchange.services import batch_build, batch_import, peer_push, peer_register
from skillcert.exchange.tasks import exchange_push_run
from skillcert.exchange.tests.conftest import TEST_ACTOR

pytestmark = pytest.mark.django_db


def _certificate_entries(batch: dict[str, Any]) -> list[dict[str, Any]]:
    return [e for e in batch["entries"] if e["type"] == "certificate"]


def test_feed_carries_filed_organisation_and_issued_certificates_with_full_id(issued, self_peer):
    batch = batch_build(after=0)
    assert batch["format"] == FORMAT
    entries = _certificate_entries(batch)
    assert [e["record"]["number"] for e in entries] == [c.number for c in issued]
    assert entries[0]["event"] == "certificate.issued"
    # the national registry checks holders by the full ID number
    assert entries[0]["record"]["id_number"] == issued[0].id_number
    (org,) = [e for e in batch["entries"] if e["type"] == "organization"]
    assert org["record"]["filing_number"] == issued[0].number[:13]
    assert org["record"]["scope"][0]["level"] == 3
    sequences = [e["sequence"] for e in batch["entries"]]
    assert sequences == sorted(sequences) and batch["next"] == sequences[-1]
    assert batch_verify(batch, public_keys=jwks_public_keys(self_peer.public_keys))


def test_feed_continues_after_its_cursor(issued):
    first = batch_build(after=0, limit=1)
    rest = batch_build(after=first["next"])
    assert len(first["entries"]) == 1
    assert first["entries"][0]["sequence"] not in [e["sequence"] for e in rest["entries"]]
    assert batch_build(after=rest["next"])["entries"] == []


def test_import_applies_entries_and_redelivery_changes_nothing(issued, self_peer):
    batch = batch_build(after=0)
    receipt = batch_import(document=batch, actor=TEST_ACTOR)
    assert receipt.applied == len(batch["entries"])
    counts = registry_counts()
    assert counts == {"organizations": 1, "results": 0, "certificates": 2, "revoked": 0}

    again = batch_import(document=copy.deepcopy(batch), actor=TEST_ACTOR)
    assert again.applied == 0
    assert registry_counts() == counts
    assert ReceivedEntry.objects.count() == len(batch["entries"])
    answer = registry_certificate_verify(number=issued[0].number, id_number=issued[0].id_number)
    assert answer is not None and answer.status == "valid"
    assert answer.province == self_peer.province


def test_revocation_reaches_the_registry_and_an_old_batch_does_not_undo_it(
    issued, self_peer, personas
):
    old = batch_build(after=0)
    batch_import(document=old, actor=TEST_ACTOR)
    certificate_revoke(
        certificate=issued[0], reason="骗取证书", document_no="苏人社〔2026〕1号", actor=TEST_ACTOR
    )
    newer = batch_build(after=old["next"])
    assert [e["event"] for e in newer["entries"]] == ["certificate.revoke"]
    batch_import(document=newer, actor=TEST_ACTOR)
    # the first batch arrives again, overlapping: nothing rolls back
    batch_import(document=old, actor=TEST_ACTOR)
    answer = registry_certificate_verify(number=issued[0].number)
    assert answer is not None and answer.status == "revoked"
    assert registry_counts()["revoked"] == 1


def test_verify_needs_the_matching_id_number_when_given(issued, self_peer):
    batch_import(document=batch_build(after=0), actor=TEST_ACTOR)
    assert (
        registry_certificate_verify(number=issued[0].number, id_number="110101199003070000") is None
    )
    assert registry_certificate_verify(number="S000000000000") is None


# --- refusals: each leaves the registry as it was ------------------------------------------


def _refused(document: Any, code: str) -> None:
    before = (registry_counts(), ReceivedBatch.objects.count())
    with pytest.raises(DomainError) as caught:
        batch_import(document=document, actor=TEST_ACTOR)
    assert getattr(caught.value, "code", None) == code
    assert (registry_counts(), ReceivedBatch.objects.count()) == before


def test_refuses_a_tampered_batch(issued, self_peer):
    batch = batch_build(after=0)
    _certificate_entries(batch)[0]["record"]["status"] = "revoked"
    _refused(batch, "exchange.signature_invalid")


def test_refuses_a_batch_signed_by_another_key(issued, self_peer):
    batch = batch_build(after=0)
    batch["signature"]["kid"] = "someone-else"
    _refused(batch, "exchange.signature_invalid")


def test_refuses_an_unsigned_batch(issued, self_peer):
    batch = batch_build(after=0)
    del batch["signature"]
    _refused(batch, "exchange.signature_invalid")


def test_refuses_an_unknown_sender(issued):
    _refused(batch_build(after=0), "exchange.peer_unknown")


def test_refuses_another_format_version(issued, self_peer):
    batch = batch_build(after=0)
    batch["format"] = "skillcert-exchange/2"
    _refused(batch, "exchange.format_unsupported")


@pytest.mark.parametrize(
    ("change", "field"),
    [
        (lambda b: b.update(after=-1), "after"),
        (lambda b: b.update(entries="x"), "entries"),
        (lambda b: b.pop("province"), "province"),
        (lambda b: b["entries"].reverse(), "entries[1]"),
        (lambda b: b["entries"][0].update(type="person"), "entries[0]"),
    ],
)
def test_refuses_a_malformed_batch_naming_the_field(issued, self_peer, change, field):
    batch = batch_build(after=0)
    change(batch)
    with pytest.raises(DomainError) as caught:
        batch_import(document=batch, actor=TEST_ACTOR)
    assert caught.value.code == "exchange.batch_malformed"
    assert caught.value.field == field
    assert registry_counts()["certificates"] == 0


def _resigned(batch: dict[str, Any]) -> dict[str, Any]:
    """The batch, changed by the test, signed again with this installation's key: the
    checks after the signature's."""
    kid, key = current_signing_key()
    return batch_sign({k: v for k, v in batch.items() if k != "signature"}, kid=kid, key=key)


def test_refuses_a_signed_entry_with_a_bad_record_naming_it(issued, self_peer):
    batch = batch_build(after=0)
    entry = _certificate_entries(batch)[1]
    entry["record"]["level"] = 9
    with pytest.raises(DomainError) as caught:
        batch_import(document=_resigned(batch), actor=TEST_ACTOR)
    assert caught.value.code == "exchange.entry_invalid"
    assert caught.value.field == f"entries.{entry['sequence']}.level"
    assert registry_counts()["certificates"] == 0  # all or nothing
    assert ReceivedEntry.objects.count() == 0


def test_refuses_a_province_other_than_the_peers(issued, self_peer):
    batch = batch_build(after=0)
    batch["province"] = "11" if self_peer.province != "11" else "12"
    _refused(_resigned(batch), "exchange.province_mismatch")


def _other_peer(personas: Any, self_peer: Any) -> Any:
    return peer_register(
        name="另一安装",
        installation="other-installation",
        province=self_peer.province,
        role="contributor",
        public_keys=self_peer.public_keys,
        actor=personas.province,
    )


def test_refuses_a_certificate_number_another_peer_reported(issued, self_peer, personas):
    batch_import(document=batch_build(after=0), actor=TEST_ACTOR)
    _other_peer(personas, self_peer)
    batch = batch_build(after=0)
    batch["installation"] = "other-installation"
    batch["entries"] = _certificate_entries(batch)
    _refused(_resigned(batch), "exchange.number_clash")


def test_batches_api_refuses_a_batch_of_another_peer(issued, self_peer, personas):
    _other_peer(personas, self_peer)
    batch = batch_build(after=0)
    batch["installation"] = "other-installation"
    answer = Client().post(
        "/api/v1/exchange/batches",
        json.dumps(_resigned(batch)),
        content_type="application/json",
        headers={"Authorization": f"Bearer {self_peer.api_token}"},
    )
    assert answer.status_code == 403 and answer.json()["code"] == "exchange.peer_mismatch"
    assert registry_counts()["certificates"] == 0


def test_refuses_a_bad_cursor_and_limit(db):
    with pytest.raises(DomainError) as caught:
        batch_build(after=-5)
    assert caught.value.code == "exchange.cursor_invalid"
    with pytest.raises(DomainError) as caught:
        batch_build(after=0, limit=0)
    assert caught.value.code == "exchange.limit_invalid"


def test_peer_registration_is_for_province_officers_and_checks_keys(personas):
    with pytest.raises(DomainError) as caught:
        peer_register(
            name="x",
            installation="x",
            province="11",
            role="national",
            public_keys={"keys": []},
            actor=personas.clerk_a,
        )
    assert caught.value.code == "exchange.forbidden"
    with pytest.raises(DomainError) as caught:
        peer_register(
            name="x",
            installation="x",
            province="11",
            role="national",
            public_keys={"keys": [{"kty": "RSA"}]},
            actor=personas.province,
        )
    assert caught.value.code == "exchange.keys_invalid"


# --- the API -----------------------------------------------------------------------------------


def test_feed_api_refuses_anonymous_and_non_peers(issued, self_peer, personas, client):
    assert Client().get("/api/v1/exchange/feed").status_code == 401
    anonymous = Client().post("/api/v1/exchange/batches", "{}", content_type="application/json")
    assert anonymous.status_code == 401
    clerk = personas.client("clerk_a")
    answer = clerk.get("/api/v1/exchange/feed")
    assert answer.status_code == 403
    assert answer.json()["code"] == "exchange.peer_forbidden"
    posted = clerk.post("/api/v1/exchange/batches", "{}", content_type="application/json")
    assert posted.status_code == 403


def test_feed_api_serves_a_signed_batch_to_a_peer(issued, self_peer):
    auth = {"Authorization": f"Bearer {self_peer.api_token}"}
    answer = Client().get("/api/v1/exchange/feed?after=0&limit=2", headers=auth)
    assert answer.status_code == 200
    batch = answer.json()
    assert batch["province"] == self_peer.province
    # the limit counts feed events; an unfiled organisation's event carries no entry
    full = batch_build(after=0)["entries"]
    assert batch["entries"] == [e for e in full if e["sequence"] <= batch["next"]]
    assert batch["entries"] and len(batch["entries"]) <= 2
    assert batch_verify(batch, public_keys=jwks_public_keys(self_peer.public_keys))
    bad = Client().get("/api/v1/exchange/feed?after=-1", headers=auth)
    assert bad.status_code == 400 and bad.json()["code"] == "exchange.cursor_invalid"


def test_batches_api_applies_once_and_refuses_tampering(issued, self_peer):
    auth = {"Authorization": f"Bearer {self_peer.api_token}"}
    batch = batch_build(after=0)
    post = lambda doc: Client().post(  # noqa: E731
        "/api/v1/exchange/batches", json.dumps(doc), content_type="application/json", headers=auth
    )
    assert post(batch).json()["applied"] == len(batch["entries"])
    assert post(batch).json()["applied"] == 0
    tampered = copy.deepcopy(batch)
    tampered["entries"][-1]["record"]["holder_name"] = "张三"
    answer = post(tampered)
    assert answer.status_code == 400 and answer.json()["code"] == "exchange.signature_invalid"
    assert (
        Client()
        .post("/api/v1/exchange/batches", "{", content_type="application/json", headers=auth)
        .json()["code"]
        == "exchange.batch_malformed"
    )


# --- push ----------------------------------------------------------------------------------------


def test_push_records_failed_attempts_with_backoff_then_delivers(issued, self_peer, monkeypatch):
    self_peer.url = "https://peer.example/api/v1/exchange/batches"
    self_peer.save()
    sent: list[dict[str, Any]] = []

    def refuse(request: Any, timeout: int) -> Any:
        raise urllib.error.URLError("connection refused")

    monkeypatch.setattr("urllib.request.urlopen", refuse)
    delivery = peer_push(peer=self_peer, actor=TEST_ACTOR)
    assert delivery is not None and delivery.status == "pending" and delivery.attempts == 1
    assert "无法连接对端" in delivery.last_error
    assert peer_push(peer=self_peer, actor=TEST_ACTOR) is None  # backing off

    class Accepted(io.BytesIO):
        def __enter__(self) -> Any:
            return self

        def __exit__(self, *exc: Any) -> None:
            return None

    def accept(request: Any, timeout: int) -> Any:
        sent.append(json.loads(request.data))
        return Accepted(b"{}")

    monkeypatch.setattr("urllib.request.urlopen", accept)
    Delivery.objects.filter(pk=delivery.pk).update(next_attempt_at=None)
    delivery = peer_push(peer=self_peer, actor=TEST_ACTOR)
    assert delivery is not None and delivery.status == "delivered" and delivery.attempts == 2
    self_peer.refresh_from_db()
    assert self_peer.pushed_through == delivery.next == sent[0]["next"]
    assert peer_push(peer=self_peer, actor=TEST_ACTOR) is None  # nothing new


# --- the command ------------------------------------------------------------------------------


def test_export_command_writes_a_batch_and_refuses_a_bad_cursor(issued, tmp_path, capsys):
    out = tmp_path / "batch.json"
    call_command("exchange", "export", "--after", "0", "--out", str(out))
    assert len(_certificate_entries(json.loads(out.read_text()))) == 2
    with pytest.raises(SystemExit) as exit_:
        call_command("exchange", "export", "--after", "abc")
    assert exit_.value.code == 2
    with pytest.raises(SystemExit) as exit_:
        call_command("exchange", "export", "--after", "-3")
    assert exit_.value.code == 2
    assert "exchange.cursor_invalid" in capsys.readouterr().err


def test_import_command_refuses_unreadable_input(db, tmp_path, capsys):
    bad = tmp_path / "bad.json"
    bad.write_text("not json")
    with pytest.raises(SystemExit) as exit_:
        call_command("exchange", "import", str(bad))
    assert exit_.value.code == 2
    with pytest.raises(SystemExit) as exit_:
        call_command("exchange", "import", str(tmp_path / "missing.json"))
    assert exit_.value.code == 2
    assert "无法读取文件" in capsys.readouterr().err


def test_the_push_task_runs_one_round_for_every_peer_with_an_address(
    issued, self_peer, monkeypatch
):
    self_peer.url = "https://peer.example/api/v1/exchange/batches"
    self_peer.save()

    def refuse(request: Any, timeout: int) -> Any:
        raise urllib.error.HTTPError(
            request.full_url, 400, "Bad Request", Message(), io.BytesIO(b"{}")
        )

    monkeypatch.setattr("urllib.request.urlopen", refuse)
    result = exchange_push_run.enqueue()
    assert result.return_value == {self_peer.installation: "pending"}
    (delivery,) = Delivery.objects.all()
    assert "对端拒收（HTTP 400）" in delivery.last_error


def test_the_worker_schedule_pushes_when_there_is_something_to_send(issued, self_peer, monkeypatch):
    from skillcert.exchange.selectors import push_due
    from skillcert.operations.schedule import schedule_tick

    now = timezone.now()
    assert not push_due(now=now)  # a peer without an address is never pushed to
    self_peer.url = "https://peer.example/api/v1/exchange/batches"
    self_peer.save()
    assert push_due(now=now)

    def refuse(request: Any, timeout: int) -> Any:
        raise urllib.error.URLError("connection refused")

    monkeypatch.setattr("urllib.request.urlopen", refuse)
    assert "exchange_push" in schedule_tick(now=now)  # the test backend runs it at once
    (delivery,) = Delivery.objects.all()
    retry_at = delivery.next_attempt_at
    assert delivery.status == "pending" and retry_at is not None and retry_at > now
    # backing off: nothing is due until the next attempt's time
    assert not push_due(now=now)
    assert "exchange_push" not in schedule_tick(now=now)
    assert push_due(now=retry_at)
    assert Delivery.objects.count() == 1
