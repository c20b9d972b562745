"""A room starts with its first check-in, and not below the staffing ratio (DOMAIN §4:
theory rooms ≥ 2 invigilators, 1 per 15), unless the province recorded an exception for
the slot."""

from __future__ import annotations

import pytest

from skillcert.common.errors import DomainError
from skillcert.exams.examday import checkin_record, room_staffing_shortfall
from skillcert.exams.models import AdmissionTicket, Attendance, StaffAssignment
from skillcert.exams.selectors import policy_for
from skillcert.exams.services import seats_assign
from skillcert.exams.tests.factories import EXAM_DAY, at
from skillcert.plans.tests.factories import make_person
from skillcert.supervision.services import ratio_override_record


@pytest.fixture
def room_with_one_invigilator(sitting_setup, personas, hr):
    slot = sitting_setup.theory["320100"]
    seats_assign(slot=slot, seed=7, actor=personas.province)
    room = sitting_setup.rooms["nj1"]
    first = make_person(80, roles=[("examiner", hr, 1, 5)], name="监考甲", user=personas.examiner)
    StaffAssignment.objects.create(
        slot=slot, site=room.site, room=room, person=first, duty="invigilator"
    )
    ticket = AdmissionTicket.objects.filter(
        application__seats__slot=slot, application__seats__room=room
    ).earliest("ticket_no")
    checks = dict.fromkeys(policy_for(province_code="320000").entry_checklist, True)
    return slot, room, ticket, checks


def test_room_below_the_invigilator_ratio_does_not_start(room_with_one_invigilator, personas):
    slot, room, ticket, checks = room_with_one_invigilator
    assert "需监考员2人，仅安排1人" in room_staffing_shortfall(slot=slot, room=room)
    with pytest.raises(DomainError) as exc:
        checkin_record(
            ticket=ticket, checks=checks, actor=personas.examiner, at=at(EXAM_DAY, 8, 40)
        )
    assert exc.value.code == "exams.room_understaffed" and exc.value.field == "room"
    assert not Attendance.objects.exists()


def test_room_starts_once_staffed_to_the_ratio(room_with_one_invigilator, personas, hr):
    slot, room, ticket, checks = room_with_one_invigilator
    second = make_person(81, roles=[("examiner", hr, 1, 5)], name="监考乙")
    StaffAssignment.objects.create(
        slot=slot, site=room.site, room=room, person=second, duty="invigilator"
    )
    assert room_staffing_shortfall(slot=slot, room=room) == ""
    row = checkin_record(
        ticket=ticket, checks=checks, actor=personas.examiner, at=at(EXAM_DAY, 8, 40)
    )
    assert row.status == "present"


def test_province_exception_lets_the_room_start(room_with_one_invigilator, personas):
    slot, _room, ticket, checks = room_with_one_invigilator
    ratio_override_record(
        slot=slot, reason="考前一名监考员突发疾病，由考点主任全程在场", actor=personas.province
    )
    row = checkin_record(
        ticket=ticket, checks=checks, actor=personas.examiner, at=at(EXAM_DAY, 8, 40)
    )
    assert row.status == "present"
