"""Staffing a whole sitting at once (`staff_assign_bulk`, API
`POST /api/v1/exams/sittings/{pk}/staff`): the same placements as staffing its slots one by
one, each slot with its own run and audit event."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import transaction

from skillcert.audit.models import AuditEvent
from skillcert.common.errors import DomainError
from skillcert.exams.models import StaffAssignment, StaffingRun
from skillcert.exams.services import seats_assign
from skillcert.exams.staffing_services import staff_assign, staff_assign_bulk
from skillcert.personnel.models import PracticeRecord
from skillcert.plans.tests.factories import make_person


@pytest.fixture
def two_districts(sitting_setup, personas, hr):
    for i in range(6):
        make_person(10 + i, roles=[("examiner", hr, 1, 5)])
    slots = [sitting_setup.theory["320100"], sitting_setup.theory["320500"]]
    for slot in slots:
        seats_assign(slot=slot, seed=7, actor=personas.province)
    return slots


def _placements(slots: list[Any]) -> list[tuple[int, int, int, str]]:
    rows = StaffAssignment.objects.filter(slot__in=slots)
    return sorted(
        (slot, room or 0, person, duty)
        for slot, room, person, duty in rows.values_list("slot_id", "room_id", "person_id", "duty")
    )


def _practice() -> list[tuple[int, int, str]]:
    return sorted(PracticeRecord.objects.values_list("person_id", "organization_id", "source"))


def test_bulk_staffing_places_as_the_slots_staffed_one_by_one(two_districts, personas):
    slots = two_districts
    with transaction.atomic():
        for slot in slots:
            staff_assign(slot=slot, seed=1, actor=personas.province)
        one_by_one, practice = _placements(slots), _practice()
        transaction.set_rollback(True)
    runs = staff_assign_bulk(slots=list(reversed(slots)), seed=1, actor=personas.province)
    assert [r.slot_id for r in runs] == [s.pk for s in slots]
    assert _placements(slots) == one_by_one and _practice() == practice
    first, second = ({p for s, _r, p, _d in one_by_one if s == slot.pk} for slot in slots)
    assert first and second and not first & second
    assert AuditEvent.objects.filter(action="exams.staff_assign").count() == 2
    assert StaffingRun.objects.filter(slot__in=slots).count() == 2


def test_bulk_staffing_is_refused_outside_the_officers_districts(two_districts, personas):
    with pytest.raises(DomainError) as exc:
        staff_assign_bulk(slots=two_districts, seed=1, actor=personas.city_nanjing)
    assert exc.value.code == "exams.forbidden"
    assert not StaffAssignment.objects.exists()


def test_api_staffs_the_slots_the_officer_runs(two_districts, sitting_setup, personas):
    path = f"/api/v1/exams/sittings/{sitting_setup.sitting.pk}/staff"
    nanjing = personas.client_for(personas.city_nanjing)
    answer = nanjing.post(path, {"seed": 1}, content_type="application/json")
    assert answer.status_code == 200, answer.content
    assert [s["slot"] for s in answer.json()["slots"]] == [two_districts[0].pk]
    assert set(StaffAssignment.objects.values_list("slot_id", flat=True)) == {two_districts[0].pk}
    clerk = personas.client_for(personas.clerk_a)
    refused = clerk.post(path, {"seed": 1}, content_type="application/json")
    assert refused.status_code in (400, 404)
