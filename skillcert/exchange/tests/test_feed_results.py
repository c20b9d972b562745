"""Registered results reach the feed when the authority confirms the registration (登记备案),
and the receiving registry keeps them per contributing province."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from skillcert.exchange.selectors import registry_counts
from skillcert.exchange.services import batch_build, batch_import
from skillcert.exchange.tests.conftest import TEST_ACTOR
from skillcert.scoring.models import Result
from skillcert.scoring.services import batch_register, batch_registration_submit
from skillcert.scoring.tests.conftest import _module_world, world  # noqa: F401 - the scoring scenario
from skillcert.scoring.tests.flows import onsite_report_in, published_batch

pytestmark = pytest.mark.django_db


def _registered(world: Any) -> Any:
    """Register the published batch: re-check window over, on-site report in."""
    Result.objects.filter(batch=world.batch).update(
        recheck_closes_on=timezone.localdate() - dt.timedelta(days=1)
    )
    onsite_report_in(world.plan, officer=world.personas.province)
    batch_registration_submit(batch=world.batch, actor=world.personas.clerk_a)
    return batch_register(batch=world.batch, actor=world.personas.province)


def test_registration_sends_the_batch_results_and_nothing_before(
    world: Any, self_peer: Any
) -> None:
    published_batch(world)
    assert [e for e in batch_build(after=0)["entries"] if e["type"] == "result_batch"] == []
    batch = _registered(world)
    (entry,) = [e for e in batch_build(after=0)["entries"] if e["type"] == "result_batch"]
    assert entry["event"] == "result_batch.register"
    record = entry["record"]
    assert record["plan"] == world.plan.code
    results = Result.objects.filter(batch=batch).select_related("application__candidate")
    assert sorted(r["candidate_ref"] for r in record["results"]) == sorted(
        r.candidate_ref for r in results
    )
    first = next(r for r in results if r.candidate_ref == record["results"][0]["candidate_ref"])
    assert record["results"][0]["id_number"] == first.application.candidate.id_number
    assert record["results"][0]["registered_at"].endswith("+08:00")

    batch_import(document=batch_build(after=0), actor=TEST_ACTOR)
    assert registry_counts()["results"] == len(record["results"])
    assert batch_import(document=batch_build(after=0), actor=TEST_ACTOR).applied == 0
    assert registry_counts()["results"] == len(record["results"])
