"""The batch forms of a training plan's steps: the same outcome as the one-registration
services, one audit event committing to every row, all or nothing."""

import datetime as dt
import hashlib
import json

import pytest

from skillcert.accounts.actors import COMMAND
from skillcert.audit.models import AuditEvent
from skillcert.common.errors import DomainError
from skillcert.personnel.demo import course_schedule, course_units_seed
from skillcert.personnel.models import Card, CourseCompletion, Registration, RegistrationEvent
from skillcert.personnel.services import (
    Completion,
    card_issue,
    cards_issue_bulk,
    course_completions_record_bulk,
    exam_results_record_bulk,
    pledge_sign,
    registrations_recommend_bulk,
    registrations_review_bulk,
)

from .conftest import certify, publish, register, registration_through

ISSUE_DAY = dt.date(2026, 4, 10)


@pytest.fixture
def two(world):
    """The March plan (60 minutes) with the examiner persona's person and a second Nanjing
    person registered; both hold a 三级 certificate."""
    plan = publish(world, 3)
    second = register(world.personas, seq=3, name="钱第二")
    certify(world, number="JS2019000001")
    certify(world, second, number="JS2019000002")
    first = registration_through(world, plan)
    other = registration_through(world, plan, person=second, actor=COMMAND)
    return plan, [first, other]


def _rows_hash(event):
    canonical = json.dumps(
        event.changes["rows"], ensure_ascii=False, sort_keys=True, separators=(",", ":")
    )
    return hashlib.sha256(canonical.encode()).hexdigest()


def _through_review(world, plan, regs):
    p = world.personas
    ids = [r.pk for r in regs]
    registrations_recommend_bulk(plan=plan, registration_ids=ids, actor=p.city_nanjing)
    registrations_review_bulk(
        plan=plan, registration_ids=ids, review="city_review", approve=True, actor=p.city_nanjing
    )
    registrations_review_bulk(
        plan=plan, registration_ids=ids, review="province_review", approve=True, actor=p.province
    )


def _completions(plan, regs):
    units = course_units_seed(plan.province, COMMAND)
    schedule = course_schedule(units, first_day=plan.published_on, minutes=plan.required_minutes)
    return [Completion(r.pk, unit.pk, day) for r in regs for unit, day in schedule]


def test_bulk_reviews_move_every_row_with_its_history_and_one_audit_event(world, two):
    plan, regs = two
    _through_review(world, plan, regs)
    assert set(Registration.objects.values_list("status", flat=True)) == {"province_approved"}
    for reg in regs:
        actions = list(
            RegistrationEvent.objects.filter(registration=reg)
            .order_by("id")
            .values_list("action", flat=True)
        )
        assert actions == ["submit", "recommend", "city_review", "province_review"]
    event = AuditEvent.objects.get(action="personnel.registration_city_review_bulk")
    assert event.changes["count"] == 2
    assert event.changes["rows_sha256"] == _rows_hash(event)


def test_bulk_review_outside_the_officers_city_changes_nothing(world, two):
    plan, regs = two
    p = world.personas
    ids = [r.pk for r in regs]
    registrations_recommend_bulk(plan=plan, registration_ids=ids, actor=p.city_nanjing)
    with pytest.raises(DomainError) as err:
        registrations_review_bulk(
            plan=plan,
            registration_ids=ids,
            review="city_review",
            approve=True,
            actor=p.user("city_suzhou"),
        )
    assert err.value.code == "personnel.forbidden"
    assert set(Registration.objects.values_list("status", flat=True)) == {"recommended"}


def test_bulk_review_out_of_turn_names_the_row_and_changes_nothing(world, two):
    plan, regs = two
    p = world.personas
    registrations_recommend_bulk(plan=plan, registration_ids=[regs[0].pk], actor=p.city_nanjing)
    with pytest.raises(DomainError) as err:
        registrations_review_bulk(
            plan=plan,
            registration_ids=[r.pk for r in regs],
            review="city_review",
            approve=True,
            actor=p.city_nanjing,
        )
    assert err.value.code == "status.transition_not_allowed"
    assert "钱第二" in err.value.message
    assert Registration.objects.get(pk=regs[0].pk).status == "recommended"
    assert not AuditEvent.objects.filter(action__endswith="city_review_bulk").exists()


def test_bulk_rejection_needs_a_reason(world, two):
    plan, regs = two
    with pytest.raises(DomainError) as err:
        registrations_review_bulk(
            plan=plan,
            registration_ids=[regs[0].pk],
            review="city_review",
            approve=False,
            actor=world.personas.city_nanjing,
        )
    assert err.value.code == "personnel.note_required"


def test_registration_of_another_plan_is_refused(world, two):
    _, regs = two
    april = publish(world, 4)
    with pytest.raises(DomainError) as err:
        registrations_recommend_bulk(
            plan=april, registration_ids=[regs[0].pk], actor=world.personas.city_nanjing
        )
    assert err.value.code == "personnel.registration_not_in_plan"
    assert set(Registration.objects.values_list("status", flat=True)) == {"submitted"}


def test_completion_file_credits_learning_time_as_single_records_would(world, two):
    plan, regs = two
    _through_review(world, plan, regs)
    done = course_completions_record_bulk(
        plan=plan,
        completions=_completions(plan, regs),
        actor=world.personas.province,
        today=plan.exam_on,
    )
    assert done == 2  # one 120-minute unit reaches the plan's 60 minutes
    assert list(Registration.objects.order_by("pk").values_list("learned_minutes", flat=True)) == [
        120,
        120,
    ]
    event = AuditEvent.objects.get(action="personnel.course_completion_record_bulk")
    assert event.changes["rows_sha256"] == _rows_hash(event)


def test_completion_past_the_required_time_is_refused_whole(world, two):
    plan, regs = two
    _through_review(world, plan, regs)
    units = course_units_seed(plan.province, COMMAND)
    events = [
        Completion(regs[0].pk, units[0].pk, plan.published_on),
        Completion(regs[1].pk, units[0].pk, plan.published_on),
        Completion(regs[1].pk, units[1].pk, plan.published_on),
    ]
    with pytest.raises(DomainError) as err:
        course_completions_record_bulk(
            plan=plan, completions=events, actor=world.personas.province, today=plan.exam_on
        )
    assert err.value.code == "personnel.course_complete"
    assert "钱第二" in err.value.message
    assert not CourseCompletion.objects.exists()
    assert set(Registration.objects.values_list("learned_minutes", flat=True)) == {0}


def test_learner_cannot_report_own_completions_in_bulk(world, two):
    plan, regs = two
    _through_review(world, plan, regs)
    with pytest.raises(DomainError) as err:
        course_completions_record_bulk(
            plan=plan,
            completions=_completions(plan, regs[:1]),
            actor=world.personas.examiner,
            today=plan.exam_on,
        )
    assert err.value.code == "personnel.learning_self_reported"
    assert not CourseCompletion.objects.exists()


def _learned(world, plan, regs):
    _through_review(world, plan, regs)
    course_completions_record_bulk(
        plan=plan,
        completions=_completions(plan, regs),
        actor=world.personas.province,
        today=plan.exam_on,
    )


def test_score_sheet_records_every_score_in_one_audit_event(world, two):
    plan, regs = two
    _learned(world, plan, regs)
    count = exam_results_record_bulk(
        plan=plan, scores={regs[0].pk: 88, regs[1].pk: 40}, actor=world.personas.province
    )
    assert count == 2
    assert list(Registration.objects.order_by("pk").values_list("exam_score", flat=True)) == [
        88,
        40,
    ]
    notes = list(
        RegistrationEvent.objects.filter(action="exam")
        .order_by("id")
        .values_list("note", flat=True)
    )
    assert notes == ["考核成绩88分，合格", "考核成绩40分，不合格"]
    event = AuditEvent.objects.get(action="personnel.exam_result_record_bulk")
    assert event.changes["count"] == 2
    assert event.changes["rows_sha256"] == _rows_hash(event)


@pytest.mark.parametrize(
    ("scores", "code"),
    [
        ({0: 101, 1: 80}, "personnel.score_invalid"),
        ({0: 80, 1: 80, 2: 80}, "personnel.registration_not_in_plan"),
    ],
)
def test_bad_score_sheet_changes_nothing(world, two, scores, code):
    plan, regs = two
    _learned(world, plan, regs)
    ids = [r.pk for r in regs] + [10**6]
    with pytest.raises(DomainError) as err:
        exam_results_record_bulk(
            plan=plan,
            scores={ids[i]: s for i, s in scores.items()},
            actor=world.personas.province,
        )
    assert err.value.code == code
    assert set(Registration.objects.values_list("exam_score", flat=True)) == {None}


def test_score_before_the_course_is_complete_is_refused(world, two):
    plan, regs = two
    _through_review(world, plan, regs)
    with pytest.raises(DomainError) as err:
        exam_results_record_bulk(plan=plan, scores={regs[0].pk: 80}, actor=world.personas.province)
    assert err.value.code == "personnel.course_incomplete"


def test_bulk_cards_match_what_single_issue_gives(world, two):
    plan, regs = two
    _learned(world, plan, regs)
    exam_results_record_bulk(
        plan=plan, scores={r.pk: 80 for r in regs}, actor=world.personas.province
    )
    for reg in regs:  # the pledge is each person's own step
        pledge_sign(registration=reg, actor=COMMAND)
    cards = cards_issue_bulk(plan=plan, actor=world.personas.province, issued_on=ISSUE_DAY)
    assert [c.number for c in cards] == ["322026KP000001", "322026KP000002"]
    assert {c.collection_deadline for c in cards} == {dt.date(2026, 7, 8)}
    assert {c.valid_until for c in cards} == {dt.date(2029, 4, 9)}
    for reg in Registration.objects.all():
        assert reg.qualification["qualified"] is True
        assert reg.qualification["declaration_signed_on"] == "2026-01-05"
    event = AuditEvent.objects.get(action="personnel.card_issue_bulk")
    assert event.changes["rows_sha256"] == _rows_hash(event)
    # Nothing left to issue; a second call by id is refused for the row.
    assert cards_issue_bulk(plan=plan, actor=world.personas.province, issued_on=ISSUE_DAY) == []
    with pytest.raises(DomainError) as err:
        card_issue(registration=regs[0], actor=world.personas.province, issued_on=ISSUE_DAY)
    assert err.value.code == "personnel.card_exists"


def test_bulk_cards_refused_whole_when_one_is_not_ready(world, two):
    plan, regs = two
    _learned(world, plan, regs)
    exam_results_record_bulk(
        plan=plan, scores={r.pk: 80 for r in regs}, actor=world.personas.province
    )
    pledge_sign(registration=regs[0], actor=COMMAND)
    with pytest.raises(DomainError) as err:
        cards_issue_bulk(
            plan=plan,
            registration_ids=[r.pk for r in regs],
            actor=world.personas.province,
            issued_on=ISSUE_DAY,
        )
    assert err.value.code == "personnel.pledge_missing"
    assert "钱第二" in err.value.message
    assert not Card.objects.exists()


def test_bulk_cards_only_by_the_province(world, two):
    plan, _ = two
    with pytest.raises(DomainError) as err:
        cards_issue_bulk(plan=plan, actor=world.personas.city_nanjing, issued_on=ISSUE_DAY)
    assert err.value.code == "personnel.forbidden"
