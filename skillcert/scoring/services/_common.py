"""What the scoring services share: row locks, the batch lifecycle, score parsing and the
pass decision."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import Any

import numpy as np

from skillcert.applications.notifications import Notice
from skillcert.audit.lifecycle import Lifecycle
from skillcert.common.errors import DomainError
from skillcert.scoring import rules
from skillcert.scoring.models import (
    BATCH_TRANSITIONS,
    BatchStatus,
    PartState,
    Result,
    ResultBatch,
    ResultStatus,
    Route,
)
from skillcert.scoring.selectors import ScoringRules, scoring_rules_for

BATCH_LABELS = dict(BatchStatus.choices)
PART_FIELDS = {"theory": "theory", "practical": "practical", "panel": "panel"}

# Audit actions "result_batch.<action>".
RESULT_BATCH: Lifecycle[str] = Lifecycle("result_batch", BATCH_TRANSITIONS, BATCH_LABELS)


def lock_batch(batch: ResultBatch) -> ResultBatch:
    return (
        ResultBatch.objects.select_for_update()
        .select_related("organization", "plan")
        .get(pk=batch.pk)
    )


def lock_result(result: Result) -> Result:
    return (
        Result.objects.select_for_update().select_related("batch__organization").get(pk=result.pk)
    )


# Ids per `WHERE id IN (...)` (SQLite's default limit on bound variables is 999).
UPDATE_CHUNK = 900


def results_update_by_value(rows: Iterable[Result], fields: Sequence[str]) -> int:
    """Write `fields` (attribute names: `theory_paper_id`, not `theory_paper`) of many
    results already locked by the caller: one `UPDATE ... WHERE id IN (...)` per distinct
    tuple of values, ids in primary-key order. Scores repeat (a file of a thousand scores
    holds a few dozen values), so this is a few dozen short statements where `bulk_update`
    sends a CASE with a branch per row and field, which SQLite evaluates slowly.
    Returns the statements sent."""
    groups: dict[tuple[Any, ...], list[int]] = defaultdict(list)
    for row in rows:
        groups[tuple(getattr(row, f) for f in fields)].append(row.pk)
    sent = 0
    for values, ids in sorted(groups.items(), key=lambda kv: min(kv[1])):
        ids.sort()
        for start in range(0, len(ids), UPDATE_CHUNK):
            Result.objects.filter(pk__in=ids[start : start + UPDATE_CHUNK]).update(
                **dict(zip(fields, values, strict=True))
            )
            sent += 1
    return sent


def require_writable(result: Result) -> None:
    if result.status == ResultStatus.REGISTERED:
        raise DomainError(
            "scoring.registered", f"考生 {result.candidate_ref} 的成绩已登记备案，不能修改"
        )
    if result.batch.status != BatchStatus.ENTERING:
        raise DomainError(
            "scoring.entry_locked",
            f"成绩批次状态为“{BATCH_LABELS[result.batch.status]}”，录入已锁定",
        )


def as_score_or_none(value: float | Decimal | None) -> Decimal | None:
    return None if value is None else as_score(value)


def as_score(value: float | Decimal) -> Decimal:
    return Decimal(str(rules.round_score(value)))


def score_arg(value: Any, *, field: str, maximum: float = 100.0) -> float:
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise DomainError("scoring.score_invalid", f"{field} 应为数字", field=field) from None
    if not np.isfinite(number) or not 0 <= number <= maximum:
        raise DomainError("scoring.score_range", f"{field} 应在 0 到 {maximum:g} 之间", field=field)
    return rules.round_score(number)


def result_notice(result: Result, subject: str, body: str) -> Notice:
    application = result.application
    return Notice(application.candidate_id, application.pk, subject, body)


def theory_from(result: Result, paper_total: float, subjective: float) -> Decimal | None:
    if result.theory_objective is None:
        return None
    raw = float(result.theory_objective) + subjective
    return as_score_or_none(min(100.0, raw * 100.0 / paper_total) if paper_total else raw)


def paper_total_for(result: Result) -> float:
    paper = result.theory_paper
    return float(paper.total_score) if paper is not None else 100.0


def decide(
    result: Result, rules_of: dict[tuple[int, int | None], ScoringRules] | None = None
) -> None:
    """Pass decision for exam-route results (other routes were decided on entry). `rules_of`
    keeps each occupation and level's rules for a caller deciding a whole batch."""
    if result.route != Route.EXAM:
        return
    for part in ("theory", "practical", "panel"):
        state = getattr(result, f"{part}_state")
        if state in (PartState.ABSENT, PartState.VOIDED):
            result.passed = False
            result.decision_note = f"{rules.PART_NAMES[part]}{PartState(state).label}"
            return
    exempt = [
        p
        for p in ("theory", "practical", "panel")
        if getattr(result, f"{p}_state") in (PartState.EXEMPT, PartState.NOT_REQUIRED)
    ]
    key = (result.occupation_id, result.level)
    cached = None if rules_of is None else rules_of.get(key)
    rule = cached or scoring_rules_for(occupation_id=result.occupation_id, level=result.level)
    if rules_of is not None:
        rules_of[key] = rule
    decision = rules.pass_decision(
        level=result.level,
        scores={
            p: float(getattr(result, f"{p}_score"))
            if getattr(result, f"{p}_score") is not None
            else None
            for p in ("theory", "practical", "panel")
        },
        pass_marks=rule.pass_marks(),
        exempt=exempt,
    )
    result.passed = decision.passed
    result.decision_note = (
        "合格"
        if decision.passed
        else "、".join(rules.PART_NAMES[p] for p in decision.failed_parts) + "未达合格线"
    )
