"""`panel_marks_submit_bulk`: a panel member's marking sheet for the batch in one call, the
same checks as one mark at a time, all or nothing, one audit event over every mark."""

from __future__ import annotations

import hashlib
import json
from decimal import Decimal
from typing import Any

import pytest

from skillcert.audit.models import AuditEvent
from skillcert.common.errors import DomainError
from skillcert.scoring.models import PanelMark, PartState
from skillcert.scoring.services import panel_mark_submit, panel_marks_submit_bulk


def test_the_last_members_sheet_completes_the_panel_score(world: Any) -> None:
    target = world.result(4)  # level 2: reviewed by the panel
    first, second, third = world.panel
    panel_mark_submit(result=target, score=70, actor=first.user)
    panel_mark_submit(result=target, score=80, actor=second.user)
    recorded = panel_marks_submit_bulk(batch=world.batch, scores={target.pk: 75}, actor=third.user)
    assert recorded == 1
    target = world.result(4)
    assert (target.panel_score, target.panel_state) == (Decimal("75.0"), PartState.SCORED)
    event = AuditEvent.objects.get(action="panel.mark_bulk")
    rows = event.changes["rows"]
    assert rows == [{"result": target.pk, "score": "75.0"}]
    canonical = json.dumps(rows, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    assert event.changes["rows_sha256"] == hashlib.sha256(canonical.encode()).hexdigest()


def test_refuses_the_whole_sheet_for_a_level_without_panel_a_repeat_or_a_non_member(
    world: Any,
) -> None:
    target = world.result(4)
    member = world.panel[0]
    with pytest.raises(DomainError) as err:
        panel_marks_submit_bulk(
            batch=world.batch, scores={target.pk: 75, world.result(0).pk: 80}, actor=member.user
        )
    assert err.value.code == "panel.not_required"
    panel_mark_submit(result=target, score=70, actor=member.user)
    with pytest.raises(DomainError) as err:
        panel_marks_submit_bulk(batch=world.batch, scores={target.pk: 75}, actor=member.user)
    assert err.value.code == "panel.mark_twice"
    with pytest.raises(DomainError) as err:
        panel_marks_submit_bulk(
            batch=world.batch, scores={target.pk: 75}, actor=world.users["chief"]
        )
    assert err.value.code == "scoring.forbidden"
    assert PanelMark.objects.filter(result=target).count() == 1
    assert not AuditEvent.objects.filter(action="panel.mark_bulk").exists()
