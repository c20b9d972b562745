import pytest

from conftest import make_user
from skillcert.accounts.models import Role
from skillcert.applications.models import Application, Status
from skillcert.applications.services import application_create, application_submit
from skillcert.common.errors import DomainError
from skillcert.common.tests.concurrency import race
from skillcert.plans.models import EvaluationPlan
from skillcert.plans.tests.factories import make_candidate


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_parallel_submissions_never_exceed_capacity(personas, plan, hr):
    EvaluationPlan.objects.filter(pk=plan.pk).update(capacity=3)
    drafts = []
    for i in range(8):
        user = make_user(f"q{i}", Role.CANDIDATE)
        candidate = make_candidate(60 + i, user=user)
        drafts.append(
            (
                application_create(
                    candidate=candidate, plan=plan, occupation=hr, level=4, actor=user
                ),
                user,
            )
        )
    outcomes = race(
        *[lambda a=app, u=user: application_submit(application=a, actor=u) for app, user in drafts]
    )
    assert sorted(outcomes) == ["ok"] * 3 + ["plan.quota_exceeded"] * 5
    assert EvaluationPlan.objects.get(pk=plan.pk).seats_taken == 3
    assert Application.objects.filter(status=Status.ORG_REVIEW).count() == 3


def test_reserve_refuses_the_seat_past_capacity(personas, plan):
    from skillcert.plans.services import plan_seats_reserve

    EvaluationPlan.objects.filter(pk=plan.pk).update(capacity=2)
    plan_seats_reserve(plan_id=plan.pk, count=2)
    with pytest.raises(DomainError) as exc:
        plan_seats_reserve(plan_id=plan.pk, count=1)
    assert exc.value.code == "plan.quota_exceeded"
    assert EvaluationPlan.objects.get(pk=plan.pk).seats_taken == 2
