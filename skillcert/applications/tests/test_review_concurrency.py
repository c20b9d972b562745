"""Two reviewers deciding the same application at the same moment: exactly one decision takes
effect, the other is told the application has moved on; one history row, one seat change."""

import threading

import pytest
from django.db import connection

from skillcert.accounts.actors import SystemActor
from skillcert.accounts.models import Role
from skillcert.accounts.services import role_grant, user_create
from skillcert.applications.models import Application, ReviewEvent, Status, Tier
from skillcert.applications.services import (
    application_create,
    application_review,
    application_submit,
)
from skillcert.common.errors import DomainError
from skillcert.plans.models import EvaluationPlan
from skillcert.plans.tests.factories import make_candidate

TEST_ACTOR = SystemActor("test")


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_approve_and_reject_at_once_exactly_one_decides(personas, plan, hr):
    user = user_create(
        username="rc1", password="Correct-Horse-2026", full_name="c", actor=TEST_ACTOR
    )
    role_grant(user=user, role=Role.CANDIDATE, actor=TEST_ACTOR)
    draft = application_create(
        candidate=make_candidate(91, user=user), plan=plan, occupation=hr, level=4, actor=user
    )
    application = application_submit(application=draft, actor=user)
    second = user_create(
        username="clerk2", password="Correct-Horse-2026", full_name="二", actor=TEST_ACTOR
    )
    role_grant(user=second, role=Role.ORG_CLERK, organization=plan.organization, actor=TEST_ACTOR)
    seats_before = EvaluationPlan.objects.get(pk=plan.pk).seats_taken

    barrier = threading.Barrier(2)
    outcomes: dict[str, str] = {}

    def decide(name: str, actor, decision: str, reason: str) -> None:
        try:
            barrier.wait()
            application_review(
                application=Application.objects.get(pk=application.pk),
                tier=Tier.ORG,
                decision=decision,
                reason=reason,
                actor=actor,
            )
            outcomes[name] = "ok"
        except DomainError as exc:
            outcomes[name] = exc.code
        finally:
            connection.close()

    threads = [
        threading.Thread(target=decide, args=("approve", personas.clerk_a, "approve", "")),
        threading.Thread(target=decide, args=("reject", second, "reject", "材料不全")),
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()

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
