"""Concurrent writes on one batch or one result (PostgreSQL row locks, real threads): two
officers acting on the same registration, two handlers of the same re-check, re-checks of two
subjects of one result, and two entries of the same score — exactly one wins where only one
may, nothing is lost, and the audit trail tells the same story as the rows."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone

from skillcert.applications.models import Notification
from skillcert.audit.models import AuditEvent
from skillcert.audit.services import audit_verify
from skillcert.common.tests.concurrency import race
from skillcert.scoring.models import (
    BatchStatus,
    Recheck,
    RecheckStatus,
    Result,
    ResultBatch,
    ResultStatus,
)
from skillcert.scoring.services import (
    batch_register,
    batch_registration_return,
    batch_registration_submit,
    recheck_complete,
    recheck_request,
    result_score_enter,
)
from skillcert.scoring.tests.flows import onsite_report_in, published_batch

pytestmark = [pytest.mark.postgres_only, pytest.mark.django_db(transaction=True)]


def _in_registration(world: Any) -> ResultBatch:
    published_batch(world)
    Result.objects.filter(batch=world.batch).update(
        recheck_closes_on=timezone.localdate() - dt.timedelta(days=1)
    )
    onsite_report_in(world.plan, officer=world.personas.province)
    return batch_registration_submit(batch=world.batch, actor=world.personas.clerk_a)


def _chain_intact() -> bool:
    return audit_verify()[1] is None


def test_register_and_return_at_once_exactly_one_takes_effect(world: Any) -> None:
    batch = _in_registration(world)
    personas = world.personas
    outcomes = race(
        lambda: batch_register(batch=batch, actor=personas.province),
        lambda: batch_registration_return(
            batch=batch, reason="材料不全", actor=personas.city_nanjing
        ),
    )
    assert sorted(outcomes) == ["ok", "status.transition_not_allowed"]
    batch.refresh_from_db()
    registered = AuditEvent.objects.filter(action="result_batch.register").count()
    returned = AuditEvent.objects.filter(action="result_batch.registration_return").count()
    assert registered + returned == 1
    statuses = set(Result.objects.filter(batch=batch).values_list("status", flat=True))
    if outcomes[0] == "ok":
        assert batch.status == BatchStatus.REGISTERED and registered == 1
        assert statuses == {ResultStatus.REGISTERED}
    else:
        assert batch.status == BatchStatus.PUBLISHED and returned == 1
        assert statuses == {ResultStatus.PUBLISHED} and batch.registered_at is None
    assert _chain_intact()


def test_two_officers_registering_at_once_register_once(world: Any) -> None:
    batch = _in_registration(world)
    officers = [world.personas.province, world.personas.city_nanjing]
    outcomes = race(*[lambda o=o: batch_register(batch=batch, actor=o) for o in officers])
    assert sorted(outcomes) == ["ok", "status.transition_not_allowed"]
    winner = officers[outcomes.index("ok")]
    batch.refresh_from_db()
    assert batch.status == BatchStatus.REGISTERED and batch.registered_by_id == winner.pk
    event = AuditEvent.objects.get(action="result_batch.register")
    assert event.actor_id == winner.pk and event.changes["results"] == 5
    assert _chain_intact()


def _recheck(world: Any, subject: str) -> Recheck:
    own = world.result(0)
    Result.objects.filter(pk=own.pk).update(
        recheck_closes_on=timezone.localdate() + dt.timedelta(days=5)
    )
    return recheck_request(
        result=own, subject=subject, actor=world.personas.candidate, today=timezone.localdate()
    )


def test_the_same_recheck_completed_twice_at_once_completes_once(world: Any) -> None:
    published_batch(world)
    recheck = _recheck(world, "practical")
    Result.objects.filter(pk=world.result(0).pk).update(practical_score=Decimal("70.0"))
    handlers = [world.personas.clerk_a, world.personas.city_nanjing]
    outcomes = race(*[lambda h=h: recheck_complete(recheck=recheck, actor=h) for h in handlers])
    assert sorted(outcomes) == ["ok", "recheck.done"]
    recheck.refresh_from_db()
    assert recheck.status == RecheckStatus.COMPLETED
    assert (recheck.before, recheck.after) == (Decimal("70.0"), Decimal("80.0"))
    assert recheck.handled_by_id == handlers[outcomes.index("ok")].pk
    assert AuditEvent.objects.filter(action="recheck.complete").count() == 1
    assert Notification.objects.filter(subject="成绩复查结果").count() == 1
    assert _chain_intact()


def test_rechecks_of_two_subjects_at_once_keep_both_corrections(world: Any) -> None:
    """Each completion re-decides the pass from both subjects: without the row lock the later
    one would decide on the other subject's stale score."""
    published_batch(world)
    theory, practical = _recheck(world, "theory"), _recheck(world, "practical")
    # both totals recorded wrongly (the marks say theory 82, practical 80)
    Result.objects.filter(pk=world.result(0).pk).update(
        theory_score=Decimal("50.0"), practical_score=Decimal("50.0"), passed=False
    )
    outcomes = race(
        lambda: recheck_complete(recheck=theory, actor=world.personas.clerk_a),
        lambda: recheck_complete(recheck=practical, actor=world.personas.city_nanjing),
    )
    assert outcomes == ["ok", "ok"]
    result = world.result(0)
    assert (result.theory_score, result.practical_score) == (Decimal("82.0"), Decimal("80.0"))
    assert result.passed and result.decision_note == "合格"
    events = list(AuditEvent.objects.filter(action="recheck.complete").order_by("id"))
    assert [e.changes["passed"] for e in events] == [False, True]
    assert {e.changes["subject"] for e in events} == {"theory", "practical"}
    assert _chain_intact()


def test_two_entries_of_the_same_score_at_once_chain_in_the_audit(world: Any) -> None:
    chief = world.users["chief"]
    target = world.result(0)
    outcomes = race(
        lambda: result_score_enter(result=target, part="practical", score=70, actor=chief),
        lambda: result_score_enter(result=target, part="practical", score=90, actor=chief),
    )
    assert outcomes == ["ok", "ok"]
    events = list(
        AuditEvent.objects.filter(action="result.enter", object_id=str(target.pk)).order_by("id")
    )
    assert len(events) == 2
    first, second = (e.changes["score"] for e in events)
    assert first[0] is None  # the first entry saw the empty part
    assert Decimal(str(second[0])) == Decimal(str(first[1]))  # the second saw the first's
    assert world.result(0).practical_score == Decimal(str(second[1]))
    assert _chain_intact()
