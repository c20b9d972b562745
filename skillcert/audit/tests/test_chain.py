import pytest
from django.core.management import call_command
from django.db import connection

from skillcert.audit.models import AuditEvent
from skillcert.audit.services import audit_record, audit_verify, diff_fields

pytestmark = pytest.mark.django_db


def _three_events():
    for n in range(3):
        audit_record(
            actor="system:test",
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
    with pytest.raises(PermissionError):
        event.save()
    with pytest.raises(PermissionError):
        event.delete()


def test_event_records_actor_request_id_and_ip(personas):
    client = personas.client_for(personas.province)
    response = client.post(
        "/workdays/",
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


def test_diff_fields_lists_only_changed_values():
    assert diff_fields({"a": 1, "b": 2}, {"a": 1, "b": 3, "c": 4}) == {"b": [2, 3], "c": [None, 4]}


def test_audit_page_visible_to_the_province_only_and_filters(personas):
    audit_record(
        actor="system:test", action="org.special", object_type="x", object_id="1", object_repr="甲"
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
        actor="system:test",
        action="test.numbers",
        changes={"zero": -0.0, "nan": float("nan"), "inf": float("-inf"), "x": [-0.0, 0.25]},
    )
    checked, broken = audit_verify()
    assert (checked, broken) == (1, None)
    stored = AuditEvent.objects.get(action="test.numbers").changes
    assert stored == {"zero": 0.0, "nan": "nan", "inf": "-inf", "x": [0.0, 0.25]}
