import datetime as dt

import pytest
from django.utils import timezone

from skillcert.applications.models import Notification
from skillcert.common.errors import DomainError
from skillcert.exams.models import AdmissionTicket, TicketJob, TimeSlot
from skillcert.exams.services import district_postpone, seats_assign
from skillcert.exams.tests.factories import EXAM_DAY, FILED_ON


@pytest.fixture
def both_seated(sitting_setup, personas):
    for slot in sitting_setup.theory.values():
        seats_assign(slot=slot, seed=7, actor=personas.province)
    return sitting_setup


def _days(district):
    return [timezone.localtime(s.starts_at) for s in TimeSlot.objects.filter(district=district)]


def test_postponing_one_district_moves_only_its_slots_reissues_and_notifies(
    both_seated, personas, django_capture_on_commit_callbacks
):
    setup = both_seated
    suzhou_before = _days(setup.suzhou)
    new_day = EXAM_DAY + dt.timedelta(days=14)
    with django_capture_on_commit_callbacks(execute=True):
        district = district_postpone(
            district=setup.nanjing,
            new_first_day=new_day,
            reason="台风预警",
            actor=personas.province,
            today=FILED_ON,
        )
    assert district.status == "postponed"
    (moved,) = _days(setup.nanjing)
    assert moved.date() == new_day and (moved.hour, moved.minute) == (9, 0)
    assert _days(setup.suzhou) == suzhou_before
    nanjing_tickets = AdmissionTicket.objects.filter(district=setup.nanjing)
    assert set(nanjing_tickets.values_list("revision", flat=True)) == {2}
    assert set(
        AdmissionTicket.objects.filter(district=setup.suzhou).values_list("revision", flat=True)
    ) == {1}
    notes = Notification.objects.filter(subject="南京市考区考试延期")
    assert notes.count() == 40
    assert all("台风预警" in body for body in notes.values_list("body", flat=True))
    job = TicketJob.objects.get(district=setup.nanjing)
    assert job.status == "done" and job.done == 40


@pytest.mark.parametrize(
    ("kwargs", "code"),
    [
        ({"reason": " "}, "exams.reason_required"),
        ({"new_first_day": EXAM_DAY}, "exams.postpone_date"),
        ({"new_first_day": EXAM_DAY - dt.timedelta(days=3)}, "exams.postpone_date"),
        (
            {
                "new_first_day": EXAM_DAY + dt.timedelta(days=7),
                "today": EXAM_DAY + dt.timedelta(days=8),
            },
            "exams.postpone_date",
        ),
    ],
)
def test_bad_postponements_are_refused(both_seated, personas, kwargs, code):
    args = {
        "district": both_seated.nanjing,
        "new_first_day": EXAM_DAY + dt.timedelta(days=7),
        "reason": "台风",
        "actor": personas.province,
        "today": FILED_ON,
    } | kwargs
    before = _days(both_seated.nanjing)
    with pytest.raises(DomainError) as exc:
        district_postpone(**args)
    assert exc.value.code == code
    assert _days(both_seated.nanjing) == before
    assert not Notification.objects.exists()
    assert set(AdmissionTicket.objects.values_list("revision", flat=True)) == {1}


def test_only_the_province_postpones(both_seated, personas):
    with pytest.raises(DomainError) as exc:
        district_postpone(
            district=both_seated.nanjing,
            new_first_day=EXAM_DAY + dt.timedelta(days=7),
            reason="台风",
            actor=personas.city_nanjing,
        )
    assert exc.value.code == "exams.forbidden"
