"""What the scoring services share: row locks, the batch lifecycle, score parsing and the
pass decision."""

from __future__ import annotations

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
from skillcert.scoring.selectors import scoring_rules_for

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


def decide(result: Result) -> None:
    """Pass decision for exam-route results (other routes were decided on entry)."""
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
    rule = scoring_rules_for(occupation_id=result.occupation_id, level=result.level)
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
