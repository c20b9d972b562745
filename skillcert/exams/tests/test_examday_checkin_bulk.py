"""A site's door-scanner list checked in at once (`checkins_record_bulk`, API
`POST /api/v1/exams/slots/{pk}/sites/{site_pk}/checkins`): each row as the one-ticket
check-in records it, all or nothing, one audit event that commits to every row."""

from __future__ import annotations

import hashlib
import json
from typing import Any

import pytest

from skillcert.audit.models import AuditEvent
from skillcert.common.errors import DomainError
from skillcert.exams.examday import absences_mark_site, checkin_record, checkins_record_bulk
from skillcert.exams.models import Attendance, Seat, StaffAssignment
from skillcert.exams.selectors import policy_for
from skillcert.exams.tests.factories import EXAM_DAY, at


@pytest.fixture
def door(door_tickets):
    slot, room, tickets = door_tickets
    checks = dict.fromkeys(policy_for(province_code="320000").entry_checklist, True)
    return slot, room, tickets, checks


def test_bulk_check_in_records_each_row_like_the_single_form(door, personas):
    slot, room, tickets, checks = door
    arrivals = [
        (tickets[0].ticket_no, at(EXAM_DAY, 8, 40)),
        (tickets[1].ticket_no, at(EXAM_DAY, 9, 31)),
    ]
    rows = checkins_record_bulk(
        slot=slot, site=room.site, arrivals=arrivals, checks=checks, actor=personas.examiner
    )
    assert [r.status for r in rows] == ["present", "refused_late"]
    stored = Attendance.objects.get(seat__application_id=tickets[0].application_id)
    assert stored.seat.room == room and stored.arrived_at == at(EXAM_DAY, 8, 40)
    assert stored.checks == checks and stored.recorded_by == personas.examiner
    event = AuditEvent.objects.get(action="exams.checkin_bulk")
    assert not AuditEvent.objects.filter(action="exams.checkin").exists()
    audited = event.changes["rows"]
    assert [r["ticket"] for r in audited] == [tickets[0].ticket_no, tickets[1].ticket_no]
    assert [r["id"] for r in audited] == [r.pk for r in rows]
    canonical = json.dumps(audited, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    assert event.changes["rows_sha256"] == hashlib.sha256(canonical.encode()).hexdigest()


def _refused(door, personas, arrivals, checks=None, actor=None) -> DomainError:
    slot, room, _tickets, default_checks = door
    with pytest.raises(DomainError) as exc:
        checkins_record_bulk(
            slot=slot,
            site=room.site,
            arrivals=arrivals,
            checks=default_checks if checks is None else checks,
            actor=actor or personas.examiner,
        )
    assert (
        not Attendance.objects.filter(seat__slot=slot)
        .exclude(seat__application_id=_tickets[0].application_id)
        .exists()
    )
    return exc.value


def test_unknown_repeated_or_early_tickets_refuse_the_whole_list_naming_the_line(door, personas):
    _slot, _room, tickets, _checks = door
    first = (tickets[1].ticket_no, at(EXAM_DAY, 8, 40))
    error = _refused(door, personas, [first, ("2699999999999", at(EXAM_DAY, 8, 41))])
    assert error.code == "exams.ticket_unknown" and "第2行" in error.message
    error = _refused(door, personas, [first, first])
    assert error.code == "exams.already_checked_in" and "第2行" in error.message
    error = _refused(door, personas, [first, (tickets[2].ticket_no, at(EXAM_DAY, 6, 0))])
    assert error.code == "exams.no_slot_now" and "第2行" in error.message


def test_a_ticket_already_checked_in_or_a_failed_check_refuses_the_list(door, personas):
    _slot, _room, tickets, checks = door
    checkin_record(
        ticket=tickets[0], checks=checks, actor=personas.examiner, at=at(EXAM_DAY, 8, 40)
    )
    arrivals = [
        (tickets[1].ticket_no, at(EXAM_DAY, 8, 41)),
        (tickets[0].ticket_no, at(EXAM_DAY, 8, 42)),
    ]
    error = _refused(door, personas, arrivals)
    assert error.code == "exams.already_checked_in" and "第2行" in error.message
    error = _refused(door, personas, arrivals[:1], checks=checks | {"人像比对": False})
    assert error.code == "exams.check_failed" and "人像比对" in error.message


def test_outsiders_and_understaffed_rooms_are_refused(door, personas):
    slot, room, tickets, _checks = door
    arrivals = [(tickets[1].ticket_no, at(EXAM_DAY, 8, 40))]
    error = _refused(door, personas, arrivals, actor=personas.clerk_b)
    assert error.code == "exams.not_site_staff"
    StaffAssignment.objects.filter(slot=slot, room=room, person__name="监考丙").delete()
    error = _refused(door, personas, arrivals)
    assert error.code == "exams.room_understaffed"


API = "/api/v1/exams/slots/{slot}/sites/{site}/checkins"


def _body(tickets: list[Any], checks: dict[str, bool]) -> dict[str, Any]:
    return {
        "checks": checks,
        "arrivals": [
            {"ticket_no": t.ticket_no, "arrived_at": at(EXAM_DAY, 8, 40).isoformat()}
            for t in tickets
        ],
    }


def test_api_takes_the_scanner_list_of_the_sites_staff(door, personas):
    slot, room, tickets, checks = door
    path = API.format(slot=slot.pk, site=room.site_id)
    client = personas.client_for(personas.examiner)
    answer = client.post(path, _body(tickets[:3], checks), content_type="application/json")
    assert answer.status_code == 200, answer.content
    assert answer.json() == {"slot": slot.pk, "site": room.site_id, "count": 3, "refused_late": 0}
    again = client.post(path, _body(tickets[:1], checks), content_type="application/json")
    assert again.status_code == 400 and again.json()["code"] == "exams.already_checked_in"
    outsider = personas.client_for(personas.clerk_b)
    hidden = outsider.post(path, _body(tickets[3:4], checks), content_type="application/json")
    assert hidden.status_code == 404
    assert Attendance.objects.filter(seat__slot=slot).count() == 3


def test_site_absences_mark_every_room_once_the_late_limit_passed(door, personas):
    slot, room, tickets, checks = door
    checkins_record_bulk(
        slot=slot,
        site=room.site,
        arrivals=[(tickets[0].ticket_no, at(EXAM_DAY, 8, 40))],
        checks=checks,
        actor=personas.examiner,
    )
    with pytest.raises(DomainError) as exc:
        absences_mark_site(slot=slot, site=room.site, actor=personas.examiner, at=at(EXAM_DAY, 9))
    assert exc.value.code == "exams.too_early"
    seats = Seat.objects.filter(slot=slot, room__site=room.site)
    absent = absences_mark_site(
        slot=slot, site=room.site, actor=personas.examiner, at=at(EXAM_DAY, 9, 31)
    )
    assert absent == seats.count() - 1
    assert Attendance.objects.filter(seat__in=seats, status="absent").count() == absent
    event = AuditEvent.objects.get(action="exams.absences_mark_site")
    canonical = json.dumps(
        event.changes["rows"], ensure_ascii=False, sort_keys=True, separators=(",", ":")
    )
    assert event.changes["rows_sha256"] == hashlib.sha256(canonical.encode()).hexdigest()
    outsider = personas.client_for(personas.clerk_b)
    path = f"/api/v1/exams/slots/{slot.pk}/sites/{room.site_id}/absences"
    assert outsider.post(path).status_code == 404
