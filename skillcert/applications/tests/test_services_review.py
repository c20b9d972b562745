from decimal import Decimal

import pytest

from conftest import make_user
from skillcert.accounts.actors import SystemActor
from skillcert.accounts.models import Role
from skillcert.applications.models import Notification, ReviewEvent, SampleDraw, Status, Tier
from skillcert.applications.sampling import draw_sample
from skillcert.applications.services import (
    application_create,
    application_resubmit,
    application_review,
    application_submit,
    application_withdraw,
    applications_approve_bulk,
    sample_draw,
)
from skillcert.candidates.models import WorkPeriod
from skillcert.common.errors import DomainError
from skillcert.plans.models import EvaluationPlan
from skillcert.plans.tests.factories import make_candidate, set_rates

TEST_ACTOR = SystemActor("test")


def _submitted(plan, hr, candidate, actor):
    app = application_create(candidate=candidate, plan=plan, occupation=hr, level=4, actor=actor)
    return application_submit(application=app, actor=actor)


@pytest.fixture
def submitted(personas, plan, hr, candidate_person):
    return _submitted(plan, hr, candidate_person, personas.candidate)


def _org_review(application, personas, decision="approve", reason=""):
    """clerk_a's decision on `application` at the organisation's tier."""
    return application_review(
        application=application,
        tier=Tier.ORG,
        decision=decision,
        reason=reason,
        actor=personas.clerk_a,
    )


def test_full_review_walks_three_tiers(personas, submitted, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        app = _org_review(submitted, personas)
        assert app.status == Status.CITY_REVIEW
        app = application_review(
            application=app, tier=Tier.CITY, decision="approve", actor=personas.city_nanjing
        )
        assert app.status == Status.PROVINCE_REVIEW
        app = application_review(
            application=app, tier=Tier.PROVINCE, decision="approve", actor=personas.province
        )
    assert app.status == Status.APPROVED
    events = list(ReviewEvent.objects.filter(application=app).values_list("transition", "actor"))
    assert events == [
        ("submit", personas.candidate.pk),
        ("org_approve", personas.clerk_a.pk),
        ("city_approve", personas.city_nanjing.pk),
        ("province_approve", personas.province.pk),
    ]
    # the submission happened outside the captured block: one notice per decision here
    assert Notification.objects.filter(application=app).count() == 3


def test_wrong_reviewer_is_refused(personas, submitted):
    for actor, tier in (
        (personas.clerk_b, Tier.ORG),
        (personas.city_nanjing, Tier.ORG),
        (personas.candidate, Tier.ORG),
    ):
        with pytest.raises(DomainError) as exc:
            application_review(application=submitted, tier=tier, decision="approve", actor=actor)
        assert exc.value.code == "review.forbidden"
    with pytest.raises(DomainError) as exc:
        application_review(
            application=submitted, tier=Tier.CITY, decision="approve", actor=personas.city_nanjing
        )
    assert exc.value.code == "review.wrong_stage"
    submitted.refresh_from_db()
    assert submitted.status == Status.ORG_REVIEW


def test_other_city_cannot_review(personas, submitted):
    app = _org_review(submitted, personas)
    with pytest.raises(DomainError) as exc:
        application_review(
            application=app, tier=Tier.CITY, decision="approve", actor=personas.city_suzhou
        )
    assert exc.value.code == "review.forbidden"


def test_reject_and_return_need_a_reason(personas, submitted):
    for decision in ("reject", "return"):
        with pytest.raises(DomainError) as exc:
            application_review(
                application=submitted, tier=Tier.ORG, decision=decision, actor=personas.clerk_a
            )
        assert exc.value.code == "review.reason_required"


def test_reject_releases_the_seat(personas, plan, submitted):
    app = _org_review(submitted, personas, "reject", "工作证明与社保记录不符")
    assert app.status == Status.REJECTED
    assert EvaluationPlan.objects.get(pk=plan.pk).seats_taken == 0


def test_returned_application_is_corrected_and_resubmitted(personas, plan, submitted):
    app = _org_review(submitted, personas, "return", "请补充工作年限证明")
    assert app.status == Status.RETURNED
    WorkPeriod.objects.create(candidate=app.candidate, start="2010-01-01", end="2012-01-01")
    app = application_resubmit(application=app, actor=personas.candidate)
    assert app.status == Status.ORG_REVIEW
    assert len(app.profile_snapshot["work"]) == 2
    assert EvaluationPlan.objects.get(pk=plan.pk).seats_taken == 1  # the seat was kept


def test_withdraw_is_refused_once_final_review_started(personas, submitted):
    app = _org_review(submitted, personas)
    app = application_review(
        application=app, tier=Tier.CITY, decision="approve", actor=personas.city_nanjing
    )
    with pytest.raises(DomainError) as exc:
        application_withdraw(application=app, actor=personas.candidate)
    assert exc.value.code == "application.withdraw_too_late"


def test_bulk_approval_moves_the_whole_filtered_list(personas, plan, hr):
    apps = []

    for i in range(4):
        user = make_user(f"c{i}", Role.CANDIDATE)
        apps.append(_submitted(plan, hr, make_candidate(20 + i, user=user), user))
    count = applications_approve_bulk(
        application_ids=[a.pk for a in apps], tier=Tier.ORG, actor=personas.clerk_a
    )
    assert count == 4
    assert {a.status for a in type(apps[0]).objects.filter(pk__in=[a.pk for a in apps])} == {
        Status.CITY_REVIEW
    }
    assert ReviewEvent.objects.filter(transition="org_approve").count() == 4
    # a second call finds nothing left in the org queue
    assert (
        applications_approve_bulk(
            application_ids=[a.pk for a in apps], tier=Tier.ORG, actor=personas.clerk_a
        )
        == 0
    )
    # another organisation's clerk approves nothing
    assert (
        applications_approve_bulk(
            application_ids=[a.pk for a in apps], tier=Tier.CITY, actor=personas.city_suzhou
        )
        == 0
    )


def test_sampled_city_review_is_reproducible(personas, plan, hr):
    plan = set_rates(plan, "0.3", "0")
    ids = []
    for i in range(10):
        user = make_user(f"s{i}", Role.CANDIDATE)
        app = _submitted(plan, hr, make_candidate(40 + i, user=user), user)
        app = _org_review(app, personas)
        assert app.status == Status.ORG_PASSED
        ids.append(app.pk)
    draw = sample_draw(plan=plan, tier=Tier.CITY, actor=personas.city_nanjing, seed=12345)
    assert draw.population == sorted(ids)
    assert draw.sampled == draw_sample(ids, rate=Decimal("0.3"), seed=12345)
    assert len(draw.sampled) == 3
    statuses = dict(type(app).objects.filter(pk__in=ids).values_list("pk", "status"))
    assert {pk for pk, s in statuses.items() if s == Status.CITY_REVIEW} == set(draw.sampled)
    assert {s for pk, s in statuses.items() if pk not in draw.sampled} == {Status.CITY_PASSED}
    # province rate 0: nobody goes to the province queue, all pass
    for pk in draw.sampled:
        application_review(
            application=type(app).objects.get(pk=pk),
            tier=Tier.CITY,
            decision="approve",
            actor=personas.city_nanjing,
        )
    final = sample_draw(plan=plan, tier=Tier.PROVINCE, actor=personas.province, seed=7)
    assert final.sampled == []
    assert set(type(app).objects.filter(pk__in=ids).values_list("status", flat=True)) == {
        Status.APPROVED
    }
    assert SampleDraw.objects.count() == 2


def test_sample_draw_refuses_empty_population_and_wrong_officer(personas, plan):
    with pytest.raises(DomainError) as exc:
        sample_draw(plan=plan, tier=Tier.CITY, actor=personas.city_suzhou)
    assert exc.value.code == "review.forbidden"
    with pytest.raises(DomainError) as exc:
        sample_draw(plan=plan, tier=Tier.CITY, actor=personas.city_nanjing)
    assert exc.value.code == "sample.empty"


def test_bulk_approval_and_draw_take_no_query_per_application(
    personas, plan, hr, django_assert_max_num_queries
):
    """A tier approves (and a draw moves) a plan's thousands of rows at once: the queries do
    not grow with the rows (no deferred column read per row). Eight rows: 11 and 14 today."""
    plan = set_rates(plan, "0.5", "1")
    apps = []
    for i in range(8):
        user = make_user(f"q{i}", Role.CANDIDATE)
        apps.append(_submitted(plan, hr, make_candidate(60 + i, user=user), user))
    with django_assert_max_num_queries(14):
        count = applications_approve_bulk(
            application_ids=[a.pk for a in apps], tier=Tier.ORG, actor=personas.clerk_a
        )
    assert count == 8
    with django_assert_max_num_queries(17):
        draw = sample_draw(plan=plan, tier=Tier.CITY, actor=personas.city_nanjing, seed=3)
    assert len(draw.population) == 8 and len(draw.sampled) == 4
