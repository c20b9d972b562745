"""Two reviewers deciding the same application at the same moment: exactly one decision takes
effect, the other is told the application has moved on; one history row, one seat change."""

import pytest

from conftest import make_user
from skillcert.accounts.models import Role
from skillcert.applications.models import Application, ReviewEvent, Status, Tier
from skillcert.applications.services import (
    application_create,
    application_review,
    application_submit,
)
from skillcert.common.tests.concurrency import race
from skillcert.plans.models import EvaluationPlan
from skillcert.plans.tests.factories import make_candidate


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_approve_and_reject_at_once_exactly_one_decides(personas, plan, hr):
    user = make_user("rc1", Role.CANDIDATE)
    draft = application_create(
        candidate=make_candidate(91, user=user), plan=plan, occupation=hr, level=4, actor=user
    )
    application = application_submit(application=draft, actor=user)
    second = make_user("clerk2", Role.ORG_CLERK, organization=plan.organization)
    seats_before = EvaluationPlan.objects.get(pk=plan.pk).seats_taken

    def decide(actor, decision: str, reason: str) -> None:
        application_review(
            application=Application.objects.get(pk=application.pk),
            tier=Tier.ORG,
            decision=decision,
            reason=reason,
            actor=actor,
        )

    approve, reject = race(
        lambda: decide(personas.clerk_a, "approve", ""),
        lambda: decide(second, "reject", "材料不全"),
    )
    outcomes = {"approve": approve, "reject": reject}

    assert sorted(outcomes.values()) == ["ok", "review.wrong_stage"]
    winner = next(name for name, code in outcomes.items() if code == "ok")
    final = Application.objects.get(pk=application.pk)
    events = ReviewEvent.objects.filter(application=final, tier=Tier.ORG)
    assert events.count() == 1
    seats_after = EvaluationPlan.objects.get(pk=plan.pk).seats_taken
    if winner == "reject":
        assert final.status == Status.REJECTED and seats_after == seats_before - 1
    else:
        assert final.status != Status.REJECTED and seats_after == seats_before
