"""`practical_sheets_submit_bulk`: a practical examiner's scoring sheets for many candidates
in one call, the same checks as one sheet at a time, all or nothing, one audit event over
every sheet."""

from __future__ import annotations

import hashlib
import json
from decimal import Decimal
from typing import Any

import pytest

from skillcert.audit.models import AuditEvent
from skillcert.common.errors import DomainError
from skillcert.scoring.models import PartState, PracticalSheet
from skillcert.scoring.services import practical_sheet_submit, practical_sheets_submit_bulk


def _items(total: float) -> list[dict[str, Any]]:
    return [
        {"item": "1", "max": 50, "score": total / 2},
        {"item": "2", "max": 50, "score": total / 2},
    ]


def test_the_last_examiners_sheets_complete_the_practical_scores(world: Any) -> None:
    first, second, third = world.examiners
    targets = [world.result(0), world.result(1)]
    for examiner, total in ((first, 70), (second, 80)):
        for target in targets:
            practical_sheet_submit(result=target, items=_items(total), actor=examiner.user)
    recorded = practical_sheets_submit_bulk(
        batch=world.batch, sheets={t.pk: _items(90) for t in targets}, actor=third.user
    )
    assert recorded == 2
    for target in targets:
        target = world.result(targets.index(target))
        assert (target.practical_state, target.practical_score) == (
            PartState.SCORED,
            Decimal("80.0"),
        )
    untouched = world.result(2)
    assert untouched.practical_state == PartState.PENDING
    event = AuditEvent.objects.get(action="practical.sheet_bulk")
    rows = event.changes["rows"]
    assert [r["result"] for r in rows] == [t.pk for t in targets]
    assert rows[0]["total"] == "90.0"
    canonical = json.dumps(rows, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    assert event.changes["rows_sha256"] == hashlib.sha256(canonical.encode()).hexdigest()


def test_one_examiners_sheets_leave_the_score_pending_until_all_have_scored(world: Any) -> None:
    target = world.result(0)
    practical_sheets_submit_bulk(
        batch=world.batch, sheets={target.pk: _items(60)}, actor=world.examiners[0].user
    )
    target = world.result(0)
    assert (target.practical_state, target.practical_score) == (PartState.PENDING, None)
    assert PracticalSheet.objects.filter(result=target).count() == 1


def test_refuses_the_whole_file_for_a_bad_item_a_repeat_or_a_non_examiner(world: Any) -> None:
    examiner = world.examiners[0]
    a, b = world.result(0), world.result(1)
    with pytest.raises(DomainError) as err:
        practical_sheets_submit_bulk(
            batch=world.batch,
            sheets={a.pk: _items(70), b.pk: [{"item": "1", "max": 50, "score": 51}]},
            actor=examiner.user,
        )
    assert err.value.code == "scoring.score_range"
    assert str(b.pk) in err.value.message or "items[1].score" in err.value.message
    practical_sheet_submit(result=b, items=_items(70), actor=examiner.user)
    with pytest.raises(DomainError) as err:
        practical_sheets_submit_bulk(
            batch=world.batch, sheets={a.pk: _items(70), b.pk: _items(70)}, actor=examiner.user
        )
    assert err.value.code == "practical.sheet_twice"
    with pytest.raises(DomainError) as err:
        practical_sheets_submit_bulk(
            batch=world.batch, sheets={a.pk: _items(70)}, actor=world.users["m1"]
        )
    assert err.value.code == "scoring.forbidden"
    assert not PracticalSheet.objects.filter(result=a).exists()
    assert not AuditEvent.objects.filter(action="practical.sheet_bulk").exists()
