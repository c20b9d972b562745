import pytest
from django.core.management import call_command
from django.db import connection

from skillcert.accounts.actors import SystemActor
from skillcert.audit.models import AuditEvent
from skillcert.audit.services import audit_record, audit_verify

pytestmark = pytest.mark.django_db


def _three_events():
    for n in range(3):
        audit_record(
            actor=SystemActor("test"),
            action="test.event",
            object_type="x",
            object_id=str(n),
            changes={"n": [None, n]},
        )
    return list(AuditEvent.objects.order_by("id"))


def test_events_link_to_their_predecessor_and_verify():
    events = _three_events()
    assert events[1].prev_hash == events[0].hash
    assert events[2].prev_hash == events[1].hash
    checked, broken = audit_verify()
    assert checked == 3
    assert broken is None


def test_verify_command_reports_ok(capsys):
    _three_events()
    call_command("audit", "verify")
    assert "审计链完整" in capsys.readouterr().out


def test_row_altered_directly_in_the_database_is_detected(capsys):
    events = _three_events()
    table = AuditEvent._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE {table} SET object_repr = %s WHERE id = %s", ["篡改", events[1].id])  # noqa: S608
    _, broken = audit_verify()
    assert broken is not None
    assert broken.event_id == events[1].id
    with pytest.raises(SystemExit) as exit_info:
        call_command("audit", "verify")
    assert exit_info.value.code == 1
    assert f"#{events[1].id}" in capsys.readouterr().err


def test_deleted_middle_row_is_detected():
    events = _three_events()
    AuditEvent.objects.filter(id=events[1].id)._raw_delete(connection.alias)
    _, broken = audit_verify()
    assert broken is not None
    assert broken.event_id == events[2].id


def test_deleted_last_row_is_detected():
    events = _three_events()
    AuditEvent.objects.filter(id=events[2].id)._raw_delete(connection.alias)
    _, broken = audit_verify()
    assert broken is not None


def test_application_cannot_edit_or_delete_events():
    event = _three_events()[0]
    event.object_repr = "changed"
    with pytest.raises(PermissionError, match="审计事件不可修改"):
        event.save()
    with pytest.raises(PermissionError, match="审计事件不可删除"):
        event.delete()


def test_event_records_actor_request_id_and_ip(personas):
    client = personas.client_for(personas.province)
    response = client.post(
        "/workdays/days/save/",
        {"day-date": "2027-05-03", "day-kind": "holiday", "day-name": "劳动节"},
        HTTP_X_REQUEST_ID="req-123",
        REMOTE_ADDR="10.1.2.3",
    )
    assert response.status_code == 302
    event = AuditEvent.objects.get(action="workdays.day_set")
    assert event.actor_id == personas.province.pk
    assert event.request_id == "req-123"
    assert event.ip == "10.1.2.3"
    assert event.changes["kind"] == [None, "holiday"]


def test_audit_page_visible_to_the_province_only_and_filters(personas):
    audit_record(
        actor=SystemActor("test"),
        action="org.special",
        object_type="x",
        object_id="1",
        object_repr="甲",
    )
    # the trail names candidates and addresses province-wide: not for a city
    city = personas.client_for(personas.city_nanjing)
    assert city.get("/audit/").status_code == 404
    assert "审计日志" not in city.get("/dashboard/").content.decode()
    client = personas.client_for(personas.province)
    response = client.get("/audit/?action=org.special")
    assert response.status_code == 200
    assert "org.special" in response.content.decode()
    export = client.get("/audit/?action=org.special&export=xlsx")
    assert export["Content-Type"].startswith("application/vnd.openxmlformats")
    assert personas.client_for(personas.clerk_a).get("/audit/").status_code == 404


def test_numbers_the_database_cannot_keep_as_written_still_verify():
    # jsonb has no negative zero and no NaN: what is hashed must be what is read back
    audit_record(
        actor=SystemActor("test"),
        action="test.numbers",
        changes={"zero": -0.0, "nan": float("nan"), "inf": float("-inf"), "x": [-0.0, 0.25]},
    )
    checked, broken = audit_verify()
    assert (checked, broken) == (1, None)
    stored = AuditEvent.objects.get(action="test.numbers").changes
    assert stored == {"zero": 0.0, "nan": "nan", "inf": "-inf", "x": [0.0, 0.25]}


# --- a keyed chain, the actor inside it, published anchors (L5) ------------------------------

import datetime as dt  # noqa: E402
import hashlib  # noqa: E402
import json  # noqa: E402
from typing import Any  # noqa: E402

from skillcert.audit.chain import GENESIS, HASHED_FIELDS, event_digest  # noqa: E402
from skillcert.audit.models import AuditChainHead  # noqa: E402


def _rewrite_plain(table, event, **changes):
    """What someone with write access to the table (but not the key) can do: change a row
    and recompute its hash and every later one as plain SHA-256."""
    rows: list[dict[str, Any]] = [dict(r) for r in AuditEvent.objects.order_by("id").values()]
    prev = GENESIS
    with connection.cursor() as cursor:
        for row in rows:
            if row["id"] == event.id:
                row.update(changes)
            digest = event_digest(
                prev_hash=prev,
                **{k: row[k] for k in HASHED_FIELDS},
            )
            cursor.execute(
                f"UPDATE {table} SET prev_hash=%s, hash=%s, object_repr=%s WHERE id=%s",  # noqa: S608
                [prev, digest, row["object_repr"], row["id"]],
            )
            prev = digest
    AuditChainHead.objects.filter(id=1).update(last_hash=prev)


def test_new_events_are_keyed_and_a_recomputed_chain_without_the_key_is_detected():
    events = _three_events()
    assert all(e.keyed for e in events)
    plain = hashlib.sha256(b"").hexdigest()
    assert events[0].hash != plain
    _rewrite_plain(AuditEvent._meta.db_table, events[1], object_repr="篡改")
    _, broken = audit_verify()
    assert broken is not None and broken.event_id == events[0].id


def test_an_unkeyed_row_after_keyed_ones_is_a_break():
    events = _three_events()
    table = AuditEvent._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE {table} SET keyed = %s WHERE id = %s", [False, events[2].id])  # noqa: S608
    _, broken = audit_verify()
    assert broken is not None and broken.event_id == events[2].id
    assert "未加密钥" in broken.reason


def test_the_actor_id_must_match_the_hashed_actor(personas):
    audit_record(actor=personas.clerk_a, action="test.actor", object_type="x", object_id="1")
    event = AuditEvent.objects.get(action="test.actor")
    assert event.actor_ref.startswith(f"{personas.clerk_a.pk}:")
    AuditEvent.objects.filter(pk=event.pk).update(actor_id=personas.clerk_b.pk)
    _, broken = audit_verify()
    assert broken is not None and "操作人" in broken.reason


def test_published_anchors_catch_a_chain_rewritten_even_with_the_key(tmp_path, capsys):
    events = _three_events()
    call_command("audit", "anchor", "--out", str(tmp_path))
    published = json.loads(capsys.readouterr().out)
    assert published["last_event_id"] == events[-1].id
    with pytest.raises(Exception, match="已存在"):
        call_command("audit", "anchor", "--out", str(tmp_path))
    call_command("audit", "verify", "--anchors", str(tmp_path))
    assert "与 1 个已发布锚点一致" in capsys.readouterr().out
    # someone holding the key rewrites the last row and recomputes its hash properly
    from skillcert.audit.services import chain_key

    row: dict[str, Any] = dict(AuditEvent.objects.filter(pk=events[-1].id).values().get())
    row["object_repr"] = "改写"
    digest = event_digest(
        key=chain_key(),
        prev_hash=row["prev_hash"],
        **{k: row[k] for k in HASHED_FIELDS},
    )
    table = AuditEvent._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} SET hash=%s, object_repr=%s WHERE id=%s",  # noqa: S608
            [digest, "改写", row["id"]],
        )
    AuditChainHead.objects.filter(id=1).update(last_hash=digest)
    assert audit_verify()[1] is None  # the chain alone cannot tell
    with pytest.raises(SystemExit) as exited:
        call_command("audit", "verify", "--anchors", str(tmp_path))
    assert exited.value.code == 1
    assert "审计链被改写" in capsys.readouterr().err


def test_a_forged_anchor_is_refused(tmp_path, capsys):
    _three_events()
    call_command("audit", "anchor", "--out", str(tmp_path))
    capsys.readouterr()
    path = next(tmp_path.glob("audit-anchor-*.json"))
    anchor = json.loads(path.read_text())
    anchor["last_hash"] = "0" * 64
    path.write_text(json.dumps(anchor))
    with pytest.raises(SystemExit) as exited:
        call_command("audit", "verify", "--anchors", str(tmp_path))
    assert exited.value.code == 1
    assert "签名不正确" in capsys.readouterr().err
    assert dt.date.fromisoformat(anchor["day"])
