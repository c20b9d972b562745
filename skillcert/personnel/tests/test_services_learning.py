"""M11: learning time comes from the course's attendance, recorded by the organiser — never
typed in by the learner — one bounded record per day, never past the plan's required time."""

from __future__ import annotations

import datetime as dt

import pytest

from skillcert.audit.models import AuditEvent
from skillcert.common.errors import DomainError
from skillcert.personnel.models import LearningRecord, Registration
from skillcert.personnel.services import learning_record

from .conftest import register, registration_through

TODAY = dt.date(2026, 3, 20)  # inside the March plan (published 03-02, exam 03-31)


@pytest.fixture
def reg(world, march_plan) -> Registration:
    return registration_through(world, march_plan, today=dt.date(2026, 3, 5))


def record(reg, *, actor, minutes, day=dt.date(2026, 3, 10)):
    return learning_record(
        registration=reg, attended_on=day, minutes=minutes, actor=actor, today=TODAY
    )


def learned(reg) -> int:
    reg.refresh_from_db()
    return reg.learned_minutes


def test_examiner_posting_a_days_minutes_three_times_is_refused_and_credits_nothing(
    world, reg, time_machine
):
    time_machine.move_to(dt.datetime(2026, 3, 20, 10, tzinfo=dt.UTC))
    client = world.personas.client_for(world.personas.examiner)
    url = f"/personnel/registrations/{reg.pk}/learning/"
    for _ in range(3):
        response = client.post(url, {"minutes": 1440, "attended_on": "2026-03-10"})
        assert response.status_code == 403
    assert learned(reg) == 0
    assert not LearningRecord.objects.exists()
    assert not AuditEvent.objects.filter(action="personnel.learning_record").exists()


def test_learner_cannot_record_own_minutes_through_the_service(world, reg):
    with pytest.raises(DomainError) as err:
        record(reg, actor=world.personas.examiner, minutes=60)
    assert err.value.code == "personnel.learning_self_reported"
    assert learned(reg) == 0


def test_an_officer_cannot_record_their_own_learning_either(world, march_plan):
    own = register(world.personas, seq=3, user=world.personas.province, name="省培训")
    reg = registration_through(
        world, march_plan, person=own, actor=world.personas.province, today=dt.date(2026, 3, 5)
    )
    with pytest.raises(DomainError) as err:
        record(reg, actor=world.personas.province, minutes=60)
    assert err.value.code == "personnel.learning_self_reported"
    assert learned(reg) == 0


def test_another_citys_officer_and_the_employers_clerk_cannot_record(world, reg):
    for actor in (world.personas.city_suzhou, world.personas.clerk_a):
        with pytest.raises(DomainError) as err:
            record(reg, actor=actor, minutes=60)
        assert err.value.code == "personnel.forbidden"
    assert learned(reg) == 0


def test_officer_records_a_day_with_an_event_and_an_audit_row(world, reg):
    record(reg, actor=world.personas.city_nanjing, minutes=240)
    assert learned(reg) == 240
    row = LearningRecord.objects.get()
    assert (row.attended_on, row.minutes, row.recorded_by) == (
        dt.date(2026, 3, 10),
        240,
        world.personas.city_nanjing,
    )
    assert reg.events.last().note == "2026-03-10 学习240分钟（累计240/600分钟）"
    event = AuditEvent.objects.get(action="personnel.learning_record")
    assert event.actor == world.personas.city_nanjing
    assert event.changes["learned_minutes"] == [0, 240]


def test_a_day_holds_at_most_eight_hours(world, reg):
    with pytest.raises(DomainError) as err:
        record(reg, actor=world.personas.province, minutes=481)
    assert err.value.code == "personnel.minutes_invalid"
    record(reg, actor=world.personas.province, minutes=480)
    assert learned(reg) == 480


def test_a_day_is_recorded_once(world, reg):
    record(reg, actor=world.personas.province, minutes=120)
    with pytest.raises(DomainError) as err:
        record(reg, actor=world.personas.city_nanjing, minutes=120)
    assert err.value.code == "personnel.learning_day_recorded"
    assert learned(reg) == 120


def test_total_never_goes_past_the_plans_required_time(world, reg):
    record(reg, actor=world.personas.province, minutes=480, day=dt.date(2026, 3, 10))
    with pytest.raises(DomainError) as err:
        record(reg, actor=world.personas.province, minutes=121, day=dt.date(2026, 3, 11))
    assert err.value.code == "personnel.minutes_over_remaining"
    assert "最多还能记录120分钟" in err.value.message
    record(reg, actor=world.personas.province, minutes=120, day=dt.date(2026, 3, 11))
    with pytest.raises(DomainError) as err:
        record(reg, actor=world.personas.province, minutes=1, day=dt.date(2026, 3, 12))
    assert err.value.code == "personnel.course_complete"
    assert learned(reg) == 600
    assert LearningRecord.objects.count() == 2


@pytest.mark.parametrize(
    "day",
    [
        dt.date(2026, 3, 1),  # before the plan was published
        dt.date(2026, 3, 21),  # after "today": attendance is recorded, not forecast
        dt.date(2026, 4, 1),  # after the month-end exam
    ],
)
def test_day_outside_the_course_period_or_in_the_future_is_refused(world, reg, day):
    with pytest.raises(DomainError) as err:
        record(reg, actor=world.personas.province, minutes=60, day=day)
    assert err.value.code == "personnel.learning_day_invalid"
    assert learned(reg) == 0


def test_officer_records_through_the_page_within_the_bounds(world, reg, time_machine):
    time_machine.move_to(dt.datetime(2026, 3, 20, 10, tzinfo=dt.UTC))
    client = world.personas.client_for(world.personas.province)
    url = f"/personnel/registrations/{reg.pk}/learning/"
    client.post(url, {"minutes": 480, "attended_on": "2026-03-10"})
    refused = client.post(url, {"minutes": 1440, "attended_on": "2026-03-11"}, follow=True)
    assert "每天的学习时长应为 1 到 480 分钟" in refused.content.decode()
    missing = client.post(url, {"minutes": 60}, follow=True)
    assert "请填写学习日期" in missing.content.decode()
    assert learned(reg) == 480
