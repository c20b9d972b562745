"""`results_score_enter_bulk`: a file of one part's scores entered in one call by the batch's
dedicated account, all or nothing, with one audit event that commits to every row."""

from __future__ import annotations

import hashlib
import json
from decimal import Decimal
from typing import Any

import pytest

from skillcert.audit.models import AuditEvent
from skillcert.common.errors import DomainError
from skillcert.scoring.models import PartState, Result
from skillcert.scoring.services import results_score_enter_bulk


def test_enters_every_score_and_records_one_event_over_the_rows(world: Any) -> None:
    chief = world.users["chief"]
    scores = {world.result(0).pk: 66, world.result(1).pk: "72.5"}
    assert (
        results_score_enter_bulk(batch=world.batch, part="practical", scores=scores, actor=chief)
        == 2
    )
    first, second = world.result(0), world.result(1)
    assert (first.practical_score, first.practical_state) == (Decimal("66.0"), PartState.SCORED)
    assert second.practical_score == Decimal("72.5")
    event = AuditEvent.objects.get(action="result.enter_bulk")
    rows = event.changes["rows"]
    assert [r["id"] for r in rows] == sorted(scores)
    canonical = json.dumps(rows, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    assert event.changes["rows_sha256"] == hashlib.sha256(canonical.encode()).hexdigest()


def test_refuses_the_whole_file_on_a_bad_score_a_stranger_or_another_account(
    world: Any,
) -> None:
    chief = world.users["chief"]
    good = world.result(0).pk
    with pytest.raises(DomainError) as err:
        results_score_enter_bulk(
            batch=world.batch,
            part="practical",
            scores={good: 66, world.result(1).pk: 101},
            actor=chief,
        )
    assert err.value.code == "scoring.score_range"
    with pytest.raises(DomainError) as err:
        results_score_enter_bulk(
            batch=world.batch, part="practical", scores={good: 66, 10**9: 70}, actor=chief
        )
    assert err.value.code == "scoring.result_not_in_batch"
    with pytest.raises(DomainError) as err:
        results_score_enter_bulk(
            batch=world.batch, part="practical", scores={good: 66}, actor=world.personas.clerk_a
        )
    assert err.value.code == "scoring.forbidden"
    with pytest.raises(DomainError) as err:
        results_score_enter_bulk(batch=world.batch, part="essay", scores={good: 66}, actor=chief)
    assert err.value.code == "scoring.part_invalid"
    assert Result.objects.get(pk=good).practical_score is None
    assert not AuditEvent.objects.filter(action="result.enter_bulk").exists()
