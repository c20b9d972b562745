import datetime as dt

import pytest

from skillcert.audit.models import AuditEvent
from skillcert.common.errors import DomainError
from skillcert.personnel.models import (
    LearningRecord,
    PersonCertificate,
    Registration,
    RegistrationEvent,
    TrainingPlan,
)
from skillcert.personnel.services import (
    exam_result_record,
    learning_record,
    person_certificate_add,
    pledge_sign,
    registration_city_review,
    registration_province_review,
    registration_recommend,
    registration_submit,
    registration_withdraw,
    training_plan_publish,
)

from .conftest import learn_course

OPEN_DAY = dt.date(2026, 3, 5)


def submit(world, plan, person=None, user=None, day=OPEN_DAY, **kw):
    person = person or world.person
    return registration_submit(
        plan=plan,
        person=person,
        occupation=kw.pop("occupation", world.ldgx),
        level_high=kw.pop("level_high", 3),
        level_low=kw.pop("level_low", 5),
        actor=user or world.personas.examiner,
        today=day,
        **kw,
    )


def test_plan_dates_come_from_the_working_day_calendar(march_plan):
    assert march_plan.published_on == dt.date(2026, 3, 2)  # 03-01 is a Sunday
    assert march_plan.registration_closes_on == dt.date(2026, 3, 9)
    assert march_plan.exam_on == dt.date(2026, 3, 31)
    assert march_plan.mode == "online"
    assert AuditEvent.objects.filter(action="personnel.plan_publish").count() == 1


def test_senior_plan_closes_ten_working_days_after_publication_and_is_on_site(world):
    plan = training_plan_publish(
        province=world.jiangsu,
        year=2026,
        month=5,
        role="senior_examiner",
        required_minutes=960,
        actor=world.personas.province,
    )
    # May 2026: 05-01..05-05 Labour Day holiday, 05-09 (Sat) a make-up working day.
    assert plan.published_on == dt.date(2026, 5, 6)
    assert plan.registration_closes_on == dt.date(2026, 5, 19)
    assert plan.mode == "onsite"


def test_second_plan_for_the_same_month_is_rejected(world, march_plan):
    with pytest.raises(DomainError) as err:
        training_plan_publish(
            province=world.jiangsu,
            year=2026,
            month=3,
            role="examiner",
            required_minutes=60,
            actor=world.personas.province,
        )
    assert err.value.code == "personnel.plan_exists"
    assert TrainingPlan.objects.count() == 1


def test_city_officer_cannot_publish_a_plan(world):
    with pytest.raises(DomainError) as err:
        training_plan_publish(
            province=world.jiangsu,
            year=2026,
            month=4,
            role="examiner",
            required_minutes=60,
            actor=world.personas.city_nanjing,
        )
    assert err.value.code == "personnel.forbidden"
    assert not TrainingPlan.objects.exists()


def test_registration_records_the_qualification_check_for_reviewers(world, march_plan):
    person_certificate_add(
        person=world.person,
        occupation=world.ldgx,
        level=3,
        number="1632000000000001",
        issued_on=dt.date(2019, 6, 1),
        actor=world.personas.examiner,
    )
    reg = submit(world, march_plan)
    assert reg.status == "submitted"
    assert reg.qualification["qualified"] is True
    assert reg.qualification["matched_clause"] == "ldgx-examiner-2023/a"
    assert reg.employer_id == world.personas.org_a.pk and reg.region_id == "320102"
    assert RegistrationEvent.objects.get(registration=reg).action == "submit"


def test_registration_rejected_after_window_closes(world, march_plan):
    with pytest.raises(DomainError) as err:
        submit(world, march_plan, day=dt.date(2026, 3, 10))
    assert err.value.code == "personnel.registration_closed"
    assert "2026-03-09" in err.value.message
    assert not Registration.objects.exists()


def test_registration_on_the_closing_day_is_accepted(world, march_plan):
    assert submit(world, march_plan, day=dt.date(2026, 3, 9)).pk


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


def test_city_cannot_review_before_the_unit_recommends(world, march_plan):
    reg = submit(world, march_plan)
    with pytest.raises(DomainError) as err:
        registration_city_review(registration=reg, approve=True, actor=world.personas.city_nanjing)
    assert err.value.code == "status.transition_not_allowed"
    reg.refresh_from_db()
    assert reg.status == "submitted"


def test_city_officer_cannot_review_another_citys_applicant(world, march_plan):
    reg = submit(world, march_plan)
    registration_recommend(registration=reg, actor=world.personas.clerk_a)
    with pytest.raises(DomainError) as err:
        registration_city_review(registration=reg, approve=True, actor=world.personas.city_suzhou)
    assert err.value.code == "personnel.forbidden"
    reg.refresh_from_db()
    assert reg.status == "recommended"


def test_other_organisations_clerk_cannot_recommend(world, march_plan):
    reg = submit(world, march_plan)
    with pytest.raises(DomainError) as exc:
        registration_recommend(registration=reg, actor=world.personas.clerk_b)
    assert exc.value.code == "personnel.forbidden"
    reg.refresh_from_db()
    assert reg.status == "submitted"


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
        learning_record(
            registration=reg,
            attended_on=dt.date(2026, 3, 10),
            minutes=30,
            actor=world.personas.city_nanjing,
            today=dt.date(2026, 3, 20),
        )
    assert err.value.code == "personnel.registration_inactive"


def test_city_officer_cannot_do_the_province_review(world, march_plan):
    reg = submit(world, march_plan)
    registration_recommend(registration=reg, actor=world.personas.clerk_a)
    registration_city_review(registration=reg, approve=True, actor=world.personas.city_nanjing)
    with pytest.raises(DomainError) as exc:
        registration_province_review(
            registration=reg, approve=True, actor=world.personas.city_nanjing
        )
    assert exc.value.code == "personnel.forbidden"
    reg.refresh_from_db()
    assert reg.status == "city_approved"


def test_learner_cannot_sit_the_exam_before_reaching_the_course_duration(world, march_plan):
    reg = submit(world, march_plan)
    learn_course(reg, actor=world.personas.city_nanjing, minutes=400)
    with pytest.raises(DomainError) as err:
        exam_result_record(registration=reg, score=90, actor=world.personas.province)
    assert err.value.code == "personnel.course_incomplete"
    assert "要求600分钟，已学习400分钟" in err.value.message
    reg.refresh_from_db()
    assert reg.exam_score is None
    learning_record(
        registration=reg,
        attended_on=dt.date(2026, 3, 20),
        minutes=200,
        actor=world.personas.city_nanjing,
        today=dt.date(2026, 3, 20),
    )
    exam_result_record(registration=reg, score=90, actor=world.personas.province)
    reg.refresh_from_db()
    assert reg.exam_score == 90 and reg.learned_minutes == 600
    assert LearningRecord.objects.filter(registration=reg).count() == 2


def test_someone_else_cannot_credit_learning_time(world, march_plan):
    reg = submit(world, march_plan)
    with pytest.raises(DomainError) as err:
        learning_record(
            registration=reg,
            attended_on=dt.date(2026, 3, 10),
            minutes=60,
            actor=world.personas.candidate,
            today=dt.date(2026, 3, 20),
        )
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
