import datetime as dt

import pytest

from skillcert.accounts.actors import COMMAND
from skillcert.audit.models import AuditEvent
from skillcert.common.errors import DomainError
from skillcert.personnel.demo import course_units_seed
from skillcert.personnel.models import (
    CourseCompletion,
    CourseUnit,
    PersonCertificate,
    Registration,
    RegistrationEvent,
    TrainingPlan,
)
from skillcert.personnel.services import (
    course_completion_record,
    exam_result_record,
    person_certificate_add,
    pledge_sign,
    registration_city_review,
    registration_province_review,
    registration_recommend,
    registration_withdraw,
)

from .conftest import certify, learn_course, publish, registration_through

OPEN_DAY = dt.date(2026, 3, 5)


def submit(world, plan, person=None, user=None, day=OPEN_DAY, **kw):
    return registration_through(world, plan, person=person, actor=user, today=day, **kw)


def _learn(reg, actor, *, on=dt.date(2026, 3, 10)):
    """The completion of the first of the province's course units not yet completed, on `on`,
    recorded by `actor` on 2026-03-20."""
    course_units_seed(reg.plan.province, COMMAND)
    unit = (
        CourseUnit.objects.filter(province=reg.plan.province)
        .exclude(completions__registration=reg)
        .order_by("id")
        .first()
    )
    assert unit is not None
    return course_completion_record(
        registration=reg, unit=unit, completed_on=on, actor=actor, today=dt.date(2026, 3, 20)
    )


def test_plan_dates_come_from_the_working_day_calendar(march_plan):
    assert march_plan.published_on == dt.date(2026, 3, 2)  # 03-01 is a Sunday
    # The first five working days of March: 03-02 .. 03-06 (seed 003's table).
    assert march_plan.registration_closes_on == dt.date(2026, 3, 6)
    assert march_plan.exam_on == dt.date(2026, 3, 31)
    assert march_plan.mode == "online"
    assert AuditEvent.objects.filter(action="personnel.plan_publish").count() == 1


def test_senior_plan_closes_ten_working_days_after_publication_and_is_on_site(world):
    plan = publish(world, 5, role="senior_examiner", minutes=960)
    # May 2026: 05-01..05-05 Labour Day holiday, 05-09 (Sat) a make-up working day.
    assert plan.published_on == dt.date(2026, 5, 6)
    assert plan.registration_closes_on == dt.date(2026, 5, 18)  # the 10th working day
    assert plan.mode == "onsite"


@pytest.mark.parametrize(
    ("month", "who", "code"),
    [
        (3, "province", "personnel.plan_exists"),  # a second plan for the same month
        (4, "city_nanjing", "personnel.forbidden"),  # a city officer publishes no plan
    ],
)
def test_plan_publication_refused_leaves_only_the_existing_plan(
    world, march_plan, month, who, code
):
    with pytest.raises(DomainError) as err:
        publish(world, month, actor=world.personas.user(who))
    assert err.value.code == code
    assert list(TrainingPlan.objects.all()) == [march_plan]


def test_registration_records_the_qualification_check_for_reviewers(world, march_plan):
    certify(world, number="1632000000000001", actor=world.personas.examiner)
    reg = submit(world, march_plan)
    assert reg.status == "submitted"
    assert reg.qualification["qualified"] is True
    assert reg.qualification["matched_clause"] == "ldgx-examiner-2023/a"
    assert reg.employer_id == world.personas.org_a.pk and reg.region_id == "320102"
    assert RegistrationEvent.objects.get(registration=reg).action == "submit"


def test_registration_rejected_after_window_closes(world, march_plan):
    with pytest.raises(DomainError) as err:
        submit(world, march_plan, day=dt.date(2026, 3, 9))
    assert err.value.code == "personnel.registration_closed"
    assert "2026-03-06" in err.value.message
    assert not Registration.objects.exists()


def test_registration_on_the_closing_day_is_accepted(world, march_plan):
    assert submit(world, march_plan, day=dt.date(2026, 3, 6)).pk


def test_registration_rejected_before_publication(world, march_plan):
    with pytest.raises(DomainError) as err:
        submit(world, march_plan, day=dt.date(2026, 2, 27))
    assert err.value.code == "personnel.registration_not_open"
    assert not Registration.objects.exists()


def test_duplicate_registration_for_the_same_plan_is_rejected(world, march_plan):
    submit(world, march_plan)
    with pytest.raises(DomainError) as err:
        submit(world, march_plan, level_high=4)
    assert err.value.code == "personnel.duplicate_registration"
    assert Registration.objects.count() == 1


def test_registration_must_be_made_by_the_person(world, march_plan):
    with pytest.raises(DomainError) as err:
        submit(world, march_plan, user=world.personas.clerk_a)
    assert err.value.code == "personnel.forbidden"
    assert not Registration.objects.exists()


def test_registration_with_reversed_level_range_is_rejected(world, march_plan):
    with pytest.raises(DomainError) as err:
        submit(world, march_plan, level_high=5, level_low=3)
    assert err.value.code == "personnel.level_range"
    assert not Registration.objects.exists()


def test_specialty_of_another_occupation_is_rejected(world, march_plan):
    with pytest.raises(DomainError) as err:
        submit(world, march_plan, specialty=world.welder_specialty)
    assert err.value.code == "personnel.specialty_mismatch"


def test_review_runs_unit_then_city_then_province(world, march_plan):
    reg = submit(world, march_plan)
    registration_recommend(registration=reg, actor=world.personas.clerk_a)
    registration_city_review(registration=reg, approve=True, actor=world.personas.city_nanjing)
    registration_province_review(registration=reg, approve=True, actor=world.personas.province)
    reg.refresh_from_db()
    assert reg.status == "province_approved"
    assert list(reg.events.values_list("action", flat=True)) == [
        "submit",
        "recommend",
        "city_review",
        "province_review",
    ]


@pytest.mark.parametrize(
    ("stage", "step", "who", "code"),
    [
        # the city cannot review before the unit recommends
        ("submitted", "city_review", "city_nanjing", "status.transition_not_allowed"),
        # a city officer cannot review another city's applicant
        ("recommended", "city_review", "city_suzhou", "personnel.forbidden"),
        # another organisation's clerk cannot recommend
        ("submitted", "recommend", "clerk_b", "personnel.forbidden"),
        # a city officer cannot do the province's review
        ("city_approved", "province_review", "city_nanjing", "personnel.forbidden"),
    ],
)
def test_a_review_step_out_of_turn_or_scope_is_refused(world, march_plan, stage, step, who, code):
    reg = registration_through(world, march_plan, stage, today=OPEN_DAY)
    actor = world.personas.user(who)
    with pytest.raises(DomainError) as err:
        if step == "recommend":
            registration_recommend(registration=reg, actor=actor)
        elif step == "city_review":
            registration_city_review(registration=reg, approve=True, actor=actor)
        else:
            registration_province_review(registration=reg, approve=True, actor=actor)
    assert err.value.code == code
    reg.refresh_from_db()
    assert reg.status == stage


def test_city_rejection_needs_a_reason_and_ends_the_registration(world, march_plan):
    reg = submit(world, march_plan)
    registration_recommend(registration=reg, actor=world.personas.clerk_a)
    with pytest.raises(DomainError) as err:
        registration_city_review(registration=reg, approve=False, actor=world.personas.city_nanjing)
    assert err.value.code == "personnel.note_required"
    registration_city_review(
        registration=reg,
        approve=False,
        note="证书与申报职业不符",
        actor=world.personas.city_nanjing,
    )
    with pytest.raises(DomainError) as err:
        _learn(reg, world.personas.city_nanjing)
    assert err.value.code == "personnel.registration_inactive"


def test_learner_cannot_sit_the_exam_before_reaching_the_course_duration(world, march_plan):
    reg = submit(world, march_plan)
    assert learn_course(reg, actor=world.personas.city_nanjing, minutes=480) == 480
    with pytest.raises(DomainError) as err:
        exam_result_record(registration=reg, score=90, actor=world.personas.province)
    assert err.value.code == "personnel.course_incomplete"
    assert "要求600分钟，已学习480分钟" in err.value.message
    reg.refresh_from_db()
    assert reg.exam_score is None
    _learn(reg, world.personas.city_nanjing, on=dt.date(2026, 3, 20))
    exam_result_record(registration=reg, score=90, actor=world.personas.province)
    reg.refresh_from_db()
    assert reg.exam_score == 90 and reg.learned_minutes == 600
    assert CourseCompletion.objects.filter(registration=reg).count() == 5


def test_someone_else_cannot_credit_learning_time(world, march_plan):
    reg = submit(world, march_plan)
    with pytest.raises(DomainError) as err:
        _learn(reg, world.personas.candidate)
    assert err.value.code == "personnel.forbidden"
    reg.refresh_from_db()
    assert reg.learned_minutes == 0


def test_pledge_only_after_passing(world, march_plan):
    reg = submit(world, march_plan)
    learn_course(reg, actor=world.personas.province)
    exam_result_record(registration=reg, score=59, actor=world.personas.province)
    with pytest.raises(DomainError) as err:
        pledge_sign(registration=reg, actor=world.personas.examiner)
    assert err.value.code == "personnel.exam_not_passed"
    reg.refresh_from_db()
    assert reg.pledge_signed_at is None


def test_withdrawn_registration_cannot_continue(world, march_plan):
    reg = submit(world, march_plan)
    registration_withdraw(registration=reg, actor=world.personas.examiner)
    reg.refresh_from_db()
    assert reg.status == "withdrawn"
    with pytest.raises(DomainError) as exc:
        registration_recommend(registration=reg, actor=world.personas.clerk_a)
    assert exc.value.code == "status.transition_not_allowed"


def test_certificate_number_registered_twice_is_rejected(world):
    kw = {
        "person": world.person,
        "occupation": world.ldgx,
        "level": 3,
        "number": "X1",
        "issued_on": dt.date(2019, 1, 1),
        "actor": world.personas.examiner,
    }
    person_certificate_add(**kw)
    with pytest.raises(DomainError) as err:
        person_certificate_add(**kw)
    assert err.value.code == "personnel.certificate_duplicate"
    assert PersonCertificate.objects.count() == 1
