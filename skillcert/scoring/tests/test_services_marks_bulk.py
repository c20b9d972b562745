"""`marks_submit_bulk` and `results_part_state_set_bulk`: a marker's sheet and the entry
account's absence list in one call each, the same checks as one row at a time, all or
nothing, one audit event over every row; and their API routes."""

from __future__ import annotations

import hashlib
import json
from decimal import Decimal
from typing import Any

import pytest

from skillcert.accounts.actors import SystemActor
from skillcert.audit.models import AuditEvent
from skillcert.common.errors import DomainError
from skillcert.scoring.models import Mark, PartState, Result, Script, ScriptStatus
from skillcert.scoring.services import (
    PartStateRow,
    marks_submit_bulk,
    responses_score,
    results_part_state_set_bulk,
    scripts_create,
)

SYSTEM_TEST = SystemActor("test")
BASE = "/api/v1/scoring"


def _scripts(world: Any) -> list[Script]:
    responses_score(paper_code="P-HR4-A", text=world.csv(), actor=SYSTEM_TEST)
    scripts_create(batch=world.batch, paper=world.paper, actor=world.personas.clerk_a)
    return list(Script.objects.order_by("pk"))


def _sheets(scores: dict[int, dict[int, float]]) -> dict[int, dict[int, float]]:
    """{script pk: {round: score}} -> {marker person pk: {mark pk: score}}."""
    by_marker: dict[int, dict[int, float]] = {}
    for mark in Mark.objects.filter(script_id__in=scores, score__isnull=True).order_by("pk"):
        if mark.round in scores[mark.script_id]:
            by_marker.setdefault(mark.marker_id, {})[mark.pk] = scores[mark.script_id][mark.round]
    return by_marker


def _submit_all(world: Any, sheets: dict[int, dict[int, float]]) -> None:
    users = {p.pk: p.user for p in world.markers}
    for marker_id, scores in sorted(sheets.items()):
        marks_submit_bulk(batch=world.batch, scores=scores, actor=users[marker_id])


def test_markers_sheets_settle_scripts_as_one_mark_at_a_time_would(world: Any) -> None:
    close, far, very_far, _ = _scripts(world)
    _submit_all(
        world,
        _sheets({close.pk: {1: 50, 2: 54}, far.pk: {1: 20, 2: 50}, very_far.pk: {1: 0, 2: 60}}),
    )
    close.refresh_from_db()
    assert (close.status, close.final_score) == (ScriptStatus.FINAL, Decimal("52.0"))
    result = Result.objects.get(pk=close.result_id)
    assert (result.theory_state, result.theory_score) == (PartState.SCORED, Decimal("92.0"))
    for script in (far, very_far):
        script.refresh_from_db()
        assert script.status == ScriptStatus.NEEDS_THIRD
        third = Mark.objects.get(script=script, round=3)
        assert third.marker_id not in {m.marker_id for m in script.marks.filter(round__lt=3)}
    _submit_all(world, _sheets({far.pk: {3: 48}, very_far.pk: {3: 30}}))
    far.refresh_from_db()
    very_far.refresh_from_db()
    assert (far.status, far.final_score) == (ScriptStatus.FINAL, Decimal("49.0"))
    assert very_far.status == ScriptStatus.NEEDS_ARBITRATION
    events = AuditEvent.objects.filter(action="mark.submit_bulk").order_by("pk")
    assert sum(e.changes["count"] for e in events) == 8  # six first and second, two third
    for event in events:
        rows = event.changes["rows"]
        canonical = json.dumps(rows, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
        assert event.changes["rows_sha256"] == hashlib.sha256(canonical.encode()).hexdigest()
    assert not AuditEvent.objects.filter(action="mark.submit").exists()


def test_a_bad_marking_sheet_is_refused_whole(world: Any) -> None:
    scripts = _scripts(world)
    mine = Mark.objects.filter(script=scripts[0], round=1).select_related("marker__user").get()
    marker = mine.marker.user
    others = Mark.objects.exclude(marker_id=mine.marker_id).filter(round__lt=3).order_by("pk")
    also_mine = (
        Mark.objects.filter(marker_id=mine.marker_id).exclude(pk=mine.pk).order_by("pk").first()
    )
    assert also_mine is not None
    cases: list[tuple[dict[int, Any], str]] = [
        ({mine.pk: 10, others[0].pk: 10}, "scoring.forbidden"),
        ({mine.pk: 10, also_mine.pk: 61}, "scoring.score_range"),
        ({mine.pk: "abc"}, "scoring.score_invalid"),
        ({mine.pk: 10, 999999: 10}, "marking.mark_not_in_batch"),
    ]
    for scores, code in cases:
        with pytest.raises(DomainError) as err:
            marks_submit_bulk(batch=world.batch, scores=scores, actor=marker)
        assert err.value.code == code
        assert not Mark.objects.filter(marker_id=mine.marker_id, score__isnull=False).exists()
    marks_submit_bulk(batch=world.batch, scores={mine.pk: 10}, actor=marker)
    with pytest.raises(DomainError) as err:
        marks_submit_bulk(batch=world.batch, scores={mine.pk: 12}, actor=marker)
    assert err.value.code == "marking.already_marked"
    assert AuditEvent.objects.filter(action="mark.submit_bulk").count() == 1


def test_the_entry_account_records_the_absence_list_in_one_call(world: Any) -> None:
    chief = world.users["chief"]
    first, level_two = world.result(0), world.result(4)
    rows = [
        PartStateRow(first.pk, "theory", PartState.ABSENT, "缺考"),
        PartStateRow(first.pk, "practical", PartState.ABSENT, "缺考"),
        PartStateRow(level_two.pk, "panel", PartState.VOIDED, "违纪"),
    ]
    assert results_part_state_set_bulk(batch=world.batch, rows=rows, actor=chief) == 3
    first, level_two = world.result(0), world.result(4)
    assert (first.theory_state, first.practical_state) == (PartState.ABSENT, PartState.ABSENT)
    assert level_two.panel_state == PartState.VOIDED
    event = AuditEvent.objects.get(action="result.part_state_bulk")
    audited = event.changes["rows"]
    assert [r["part"] for r in audited] == ["theory", "practical", "panel"]
    canonical = json.dumps(audited, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    assert event.changes["rows_sha256"] == hashlib.sha256(canonical.encode()).hexdigest()


def test_a_bad_absence_list_is_refused_whole(world: Any) -> None:
    chief = world.users["chief"]
    first = world.result(0)
    good = PartStateRow(first.pk, "theory", PartState.ABSENT, "缺考")
    for rows, code, actor in [
        ([good, PartStateRow(first.pk, "essay", PartState.ABSENT)], "scoring.part_invalid", chief),
        ([good, PartStateRow(first.pk, "practical", "scored")], "scoring.state_invalid", chief),
        ([good, good], "scoring.result_repeated", chief),
        ([good, PartStateRow(999999, "theory", "absent")], "scoring.result_not_in_batch", chief),
        ([good, PartStateRow(first.pk, "panel", "absent")], "scoring.part_not_required", chief),
        ([good], "scoring.forbidden", world.users["m1"]),
    ]:
        with pytest.raises(DomainError) as err:
            results_part_state_set_bulk(batch=world.batch, rows=rows, actor=actor)
        assert err.value.code == code
        assert world.result(0).theory_state == PartState.PENDING
    assert not AuditEvent.objects.filter(action="result.part_state_bulk").exists()


def _post(client: Any, path: str, body: dict[str, Any]) -> Any:
    return client.post(f"{BASE}{path}", body, content_type="application/json")


def test_api_a_marker_submits_their_sheet_and_the_entry_account_the_absences(
    world: Any,
) -> None:
    scripts = _scripts(world)
    mark = Mark.objects.filter(script=scripts[0], round=1).select_related("marker__user").get()
    marker = world.personas.client_for(mark.marker.user)
    path = f"/batches/{world.batch.pk}/marks"
    repeated = _post(
        marker, path, {"marks": [{"mark": mark.pk, "score": 5}, {"mark": mark.pk, "score": 6}]}
    )
    assert repeated.status_code == 400 and repeated.json()["code"] == "marking.mark_repeated"
    done = _post(marker, path, {"marks": [{"mark": mark.pk, "score": 5}]})
    assert done.status_code == 200 and done.json() == {"count": 1}
    mark.refresh_from_db()
    assert mark.score == Decimal("5.0")
    outsider = world.personas.client_for(world.personas.clerk_b)
    assert _post(outsider, path, {"marks": [{"mark": mark.pk, "score": 5}]}).status_code == 404

    chief = world.personas.client_for(world.users["chief"])
    body = {"rows": [{"result": world.result(1).pk, "part": "practical", "state": "absent"}]}
    states = f"/batches/{world.batch.pk}/part-states"
    refused = _post(world.personas.client_for(world.users["m1"]), states, body)
    assert refused.status_code == 403
    done = _post(chief, states, body)
    assert done.status_code == 200 and done.json() == {"count": 1}
    assert world.result(1).practical_state == PartState.ABSENT
