"""Issue #23 (seed 003): learning time comes from recorded course activity — the province's
course units, each with a duration, and their completion events — never typed minutes: one
completion per unit, at most a course day per day, inside the course period, recorded by the
course's organiser and never by the learner."""

from __future__ import annotations

import datetime as dt

import pytest

from skillcert.accounts.actors import COMMAND
from skillcert.audit.models import AuditEvent
from skillcert.common.errors import DomainError
from skillcert.personnel.demo import course_units_seed
from skillcert.personnel.models import CourseCompletion, CourseUnit, LearningRecord, Registration
from skillcert.personnel.services import course_completion_record, course_unit_update

from .conftest import register, registration_through

TODAY = dt.date(2026, 3, 20)  # inside the March plan (published 03-02, exam 03-31)
DAY = dt.date(2026, 3, 10)


@pytest.fixture
def reg(world, march_plan) -> Registration:
    return registration_through(world, march_plan, today=dt.date(2026, 3, 5))


@pytest.fixture
def units(world) -> list[CourseUnit]:
    """The five demo units of Jiangsu, two hours each."""
    return course_units_seed(world.jiangsu, COMMAND)


def complete(reg, unit, *, actor, day=DAY):
    return course_completion_record(
        registration=reg, unit=unit, completed_on=day, actor=actor, today=TODAY
    )


def learned(reg) -> int:
    reg.refresh_from_db()
    return reg.learned_minutes


def test_a_completion_credits_the_units_duration_with_an_event_and_an_audit_row(world, reg, units):
    row = complete(reg, units[0], actor=world.personas.city_nanjing)
    assert learned(reg) == 120
    assert (row.unit, row.completed_on, row.minutes, row.recorded_by) == (
        units[0],
        DAY,
        120,
        world.personas.city_nanjing,
    )
    assert reg.events.last().note == (
        "2026-03-10 完成课件“技能人才评价政策与制度体系”120分钟（累计120/600分钟）"
    )
    event = AuditEvent.objects.get(action="personnel.course_completion_record")
    assert event.actor == world.personas.city_nanjing
    assert event.changes["learned_minutes"] == [0, 120]
    assert not LearningRecord.objects.exists()  # the typed-minutes table is no longer written


def test_the_service_takes_no_typed_minutes(world, reg, units):
    with pytest.raises(TypeError):
        course_completion_record(  # type: ignore[call-arg]
            registration=reg,
            unit=units[0],
            completed_on=DAY,
            minutes=480,
            actor=world.personas.province,
            today=TODAY,
        )
    assert learned(reg) == 0


def test_a_unit_is_credited_once(world, reg, units):
    complete(reg, units[0], actor=world.personas.province)
    with pytest.raises(DomainError) as err:
        complete(reg, units[0], actor=world.personas.city_nanjing, day=dt.date(2026, 3, 11))
    assert err.value.code == "personnel.unit_completed"
    assert learned(reg) == 120
    assert CourseCompletion.objects.count() == 1


def test_a_day_holds_at_most_eight_hours_of_units(world, reg, units):
    for unit in units[:4]:
        complete(reg, unit, actor=world.personas.province)
    with pytest.raises(DomainError) as err:
        complete(reg, units[4], actor=world.personas.province)
    assert err.value.code == "personnel.learning_day_full"
    assert "已计入480分钟" in err.value.message
    assert learned(reg) == 480
    complete(reg, units[4], actor=world.personas.province, day=dt.date(2026, 3, 11))
    assert learned(reg) == 600


def test_nothing_is_credited_once_the_required_time_is_reached(world, reg, units):
    extra = CourseUnit.objects.create(
        province=world.jiangsu, topic="policy", title="补充课件", minutes=60
    )
    for i, unit in enumerate(units):
        complete(reg, unit, actor=world.personas.province, day=DAY + dt.timedelta(days=i))
    with pytest.raises(DomainError) as err:
        complete(reg, extra, actor=world.personas.province, day=dt.date(2026, 3, 18))
    assert err.value.code == "personnel.course_complete"
    assert learned(reg) == 600


def test_an_inactive_or_another_provinces_unit_is_refused(world, reg, units, personas):
    course_unit_update(
        unit=units[0],
        topic=units[0].topic,
        title=units[0].title,
        minutes=120,
        active=False,
        actor=personas.province,
    )
    units[0].refresh_from_db()
    other = CourseUnit.objects.create(
        province_id="110000", topic="policy", title="北京课件", minutes=60
    )
    for unit in (units[0], other):
        with pytest.raises(DomainError) as err:
            complete(reg, unit, actor=world.personas.province)
        assert err.value.code == "personnel.unit_not_in_course"
    assert learned(reg) == 0


def test_learner_cannot_record_own_completion(world, reg, units):
    with pytest.raises(DomainError) as err:
        complete(reg, units[0], actor=world.personas.examiner)
    assert err.value.code == "personnel.learning_self_reported"
    assert learned(reg) == 0


def test_an_officer_cannot_record_their_own_learning_either(world, march_plan, units):
    own = register(world.personas, seq=3, user=world.personas.province, name="省培训")
    reg = registration_through(
        world, march_plan, person=own, actor=world.personas.province, today=dt.date(2026, 3, 5)
    )
    with pytest.raises(DomainError) as err:
        complete(reg, units[0], actor=world.personas.province)
    assert err.value.code == "personnel.learning_self_reported"
    assert learned(reg) == 0


def test_another_citys_officer_and_the_employers_clerk_cannot_record(world, reg, units):
    for actor in (world.personas.city_suzhou, world.personas.clerk_a):
        with pytest.raises(DomainError) as err:
            complete(reg, units[0], actor=actor)
        assert err.value.code == "personnel.forbidden"
    assert learned(reg) == 0


@pytest.mark.parametrize(
    "day",
    [
        dt.date(2026, 3, 1),  # before the plan was published
        dt.date(2026, 3, 21),  # after "today": completions are recorded, not forecast
        dt.date(2026, 4, 1),  # after the month-end exam
    ],
)
def test_day_outside_the_course_period_or_in_the_future_is_refused(world, reg, units, day):
    with pytest.raises(DomainError) as err:
        complete(reg, units[0], actor=world.personas.province, day=day)
    assert err.value.code == "personnel.learning_day_invalid"
    assert learned(reg) == 0


def test_examiner_posting_minutes_on_the_page_is_refused_and_credits_nothing(
    world, reg, units, time_machine
):
    time_machine.move_to(dt.datetime(2026, 3, 20, 10, tzinfo=dt.UTC))
    client = world.personas.client_for(world.personas.examiner)
    url = f"/personnel/registrations/{reg.pk}/learning/"
    for _ in range(3):
        response = client.post(
            url, {"unit": units[0].pk, "minutes": 1440, "completed_on": "2026-03-10"}
        )
        assert response.status_code == 403
    assert learned(reg) == 0
    assert not CourseCompletion.objects.exists()


def test_officer_records_a_completion_through_the_page(world, reg, units, time_machine):
    time_machine.move_to(dt.datetime(2026, 3, 20, 10, tzinfo=dt.UTC))
    client = world.personas.client_for(world.personas.province)
    page = client.get(f"/personnel/registrations/{reg.pk}/").content.decode()
    assert "课件学习" in page and "技能人才评价政策与制度体系（120分钟）" in page
    assert 'name="minutes"' not in page  # no typed minutes on the page
    url = f"/personnel/registrations/{reg.pk}/learning/"
    # A typed "minutes" is ignored: the unit's duration is what counts.
    done = client.post(
        url, {"unit": units[0].pk, "completed_on": "2026-03-10", "minutes": 480}, follow=True
    )
    assert "课件完成记录已计入" in done.content.decode()
    assert learned(reg) == 120
    again = client.post(url, {"unit": units[0].pk, "completed_on": "2026-03-11"}, follow=True)
    assert "已完成，不重复计入" in again.content.decode()
    missing = client.post(url, {"completed_on": "2026-03-11"}, follow=True)
    assert "请选择已完成的课件" in missing.content.decode()
    no_day = client.post(url, {"unit": units[1].pk}, follow=True)
    assert "请填写完成日期" in no_day.content.decode()
    assert learned(reg) == 120
    assert "完成课件“技能人才评价政策与制度体系”" in (
        client.get(f"/personnel/registrations/{reg.pk}/").content.decode()
    )
