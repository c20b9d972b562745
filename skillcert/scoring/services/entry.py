"""Entry by the dedicated account: part scores and part states (absent, voided, exempt),
then the submission that takes the pass decisions and locks entry, and its reopening."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils import timezone

from skillcert.audit.services import audit_record, audit_record_batch
from skillcert.common.batch_input import all_locked
from skillcert.common.errors import DomainError
from skillcert.scoring import rules
from skillcert.scoring.models import (
    BatchStatus,
    PartState,
    Result,
    ResultBatch,
    ResultStatus,
    Route,
)
from skillcert.scoring.services._access import (
    forbidden,
    officer_over,
    require_entry_account,
)
from skillcert.scoring.services._common import (
    PART_FIELDS,
    RESULT_BATCH,
    as_score_or_none,
    decide,
    lock_batch,
    lock_result,
    require_writable,
    results_update_by_value,
    score_arg,
)

if TYPE_CHECKING:
    from skillcert.accounts.actors import Actor
    from skillcert.scoring.selectors import ScoringRules


def result_part_state_set(
    *, result: Result, part: str, state: str, reason: str = "", actor: Actor
) -> Result:
    """Record a part as absent, voided (misconduct) or exempt — never a silent zero."""
    if part not in PART_FIELDS:
        raise DomainError("scoring.part_invalid", f"未知科目 {part!r}", field="part")
    if state not in (PartState.ABSENT, PartState.VOIDED, PartState.EXEMPT):
        raise DomainError("scoring.state_invalid", "状态应为缺考、违纪作废或免考", field="state")
    with transaction.atomic():
        result = lock_result(result)
        require_entry_account(actor, result.batch)
        require_writable(result)
        if getattr(result, f"{part}_state") == PartState.NOT_REQUIRED:
            raise DomainError("scoring.part_not_required", "该考生不考核此科目", field="part")
        before = getattr(result, f"{part}_state")
        setattr(result, f"{part}_state", state)
        setattr(result, f"{part}_score", None)
        result.save(update_fields=[f"{part}_state", f"{part}_score", "updated_at"])
        audit_record(
            actor=actor,
            action="result.part_state",
            obj=result,
            changes={"part": part, "state": [before, state], "reason": reason[:300]},
        )
    return result


@dataclass(frozen=True)
class PartStateRow:
    """One line of `results_part_state_set_bulk`: a result of the batch, its part, the state
    (absent, voided or exempt) and the reason."""

    result: int
    part: str
    state: str
    reason: str = ""


def results_part_state_set_bulk(
    *, batch: ResultBatch, rows: Sequence[PartStateRow], actor: Actor
) -> int:
    """The dedicated account records many parts as absent, voided or exempt at once (the
    exam day's absence and misconduct list): the same checks as `result_part_state_set`,
    all or nothing, a (result, part) listed once. The results are locked in primary-key
    order, written in one UPDATE per (part, state), and one audit event commits to every
    row (the SHA-256 of the rows' canonical JSON). Returns how many parts were recorded."""
    if not rows:
        return 0
    _part_state_rows_check(rows)
    ids = sorted({row.result for row in rows})
    with transaction.atomic():
        batch = lock_batch(batch)
        require_entry_account(actor, batch)
        locked = all_locked(
            Result.objects.filter(batch=batch),
            ids,
            lambda: DomainError(
                "scoring.result_not_in_batch", "有成绩不属于本批次的考生", field="rows"
            ),
        )
        groups, audited = _part_states_plan(rows, {r.pk: r for r in locked}, batch)
        now = timezone.now()
        for (part, state), pks in sorted(groups.items()):
            Result.objects.filter(pk__in=sorted(pks)).update(
                **{f"{part}_state": state, f"{part}_score": None, "updated_at": now}
            )
        audit_record_batch(
            actor=actor,
            action="result.part_state_bulk",
            obj=batch,
            rows=audited,
        )
    return len(audited)


def _part_state_rows_check(rows: Sequence[PartStateRow]) -> None:
    seen: set[tuple[int, str]] = set()
    for row in rows:
        if row.part not in PART_FIELDS:
            raise DomainError("scoring.part_invalid", f"未知科目 {row.part!r}", field="rows")
        if row.state not in (PartState.ABSENT, PartState.VOIDED, PartState.EXEMPT):
            raise DomainError("scoring.state_invalid", "状态应为缺考、违纪作废或免考", field="rows")
        if (row.result, row.part) in seen:
            raise DomainError(
                "scoring.result_repeated",
                f"成绩 {row.result} 的{rules.PART_NAMES[row.part]}在名单中出现了两次，"
                "请核对后重新提交",
                field="rows",
            )
        seen.add((row.result, row.part))


def _part_states_plan(
    rows: Sequence[PartStateRow], results: Mapping[int, Result], batch: ResultBatch
) -> tuple[dict[tuple[str, str], list[int]], list[dict[str, Any]]]:
    """The locked results' ids by (part, state) to write, and the audit rows, in list order;
    each row checked as `result_part_state_set` checks it."""
    groups: dict[tuple[str, str], list[int]] = defaultdict(list)
    audited = []
    for row in rows:
        result = results[row.result]
        result.batch = batch
        require_writable(result)
        before = getattr(result, f"{row.part}_state")
        if before == PartState.NOT_REQUIRED:
            raise DomainError(
                "scoring.part_not_required",
                f"考生 {result.candidate_ref} 不考核{rules.PART_NAMES[row.part]}",
                field="rows",
            )
        groups[(row.part, row.state)].append(result.pk)
        audited.append(
            {
                "result": result.pk,
                "candidate": result.candidate_ref,
                "part": row.part,
                "state": [before, row.state],
                "reason": row.reason[:300],
            }
        )
    return groups, audited


def result_score_enter(*, result: Result, part: str, score: Any, actor: Actor) -> Result:
    """The dedicated account enters a part's score directly (e.g. a practical scored on paper
    sheets outside the platform)."""
    if part not in PART_FIELDS:
        raise DomainError("scoring.part_invalid", f"未知科目 {part!r}", field="part")
    value = score_arg(score, field=part)
    with transaction.atomic():
        result = lock_result(result)
        require_entry_account(actor, result.batch)
        require_writable(result)
        if getattr(result, f"{part}_state") == PartState.NOT_REQUIRED:
            raise DomainError("scoring.part_not_required", "该考生不考核此科目", field="part")
        before = getattr(result, f"{part}_score")
        setattr(result, f"{part}_score", as_score_or_none(value))
        setattr(result, f"{part}_state", PartState.SCORED)
        result.save(update_fields=[f"{part}_score", f"{part}_state", "updated_at"])
        audit_record(
            actor=actor,
            action="result.enter",
            obj=result,
            changes={"part": part, "score": [before, value]},
        )
    return result


def results_score_enter_bulk(
    *, batch: ResultBatch, part: str, scores: Mapping[int, Any], actor: Actor
) -> int:
    """The dedicated account enters one part's scores for many candidates at once (a file of
    paper-sheet scores): `scores` maps result ids of the batch to scores. The same checks as
    `result_score_enter`, all or nothing; the rows are locked in primary-key order, written
    in one UPDATE per chunk, and one audit event commits to every row (the SHA-256 of the
    rows' canonical JSON). Returns how many scores were entered."""
    if part not in PART_FIELDS:
        raise DomainError("scoring.part_invalid", f"未知科目 {part!r}", field="part")
    values = {int(pk): score_arg(score, field=part) for pk, score in scores.items()}
    if not values:
        return 0
    with transaction.atomic():
        batch = lock_batch(batch)
        require_entry_account(actor, batch)
        results = list(
            Result.objects.select_for_update()
            .filter(batch=batch, pk__in=sorted(values))
            .order_by("pk")
        )
        if len(results) != len(values):
            raise DomainError(
                "scoring.result_not_in_batch", "有成绩不属于本批次的考生", field="scores"
            )
        rows = []
        now = timezone.now()
        for result in results:
            result.batch = batch
            require_writable(result)
            if getattr(result, f"{part}_state") == PartState.NOT_REQUIRED:
                raise DomainError(
                    "scoring.part_not_required",
                    f"考生 {result.candidate_ref} 不考核此科目",
                    field="part",
                )
            before = getattr(result, f"{part}_score")
            value = values[result.pk]
            setattr(result, f"{part}_score", as_score_or_none(value))
            setattr(result, f"{part}_state", PartState.SCORED)
            result.updated_at = now
            rows.append(
                {
                    "id": result.pk,
                    "candidate": result.candidate_ref,
                    "before": None if before is None else str(before),
                    "score": str(as_score_or_none(value)),
                }
            )
        results_update_by_value(results, [f"{part}_score", f"{part}_state", "updated_at"])
        audit_record_batch(
            actor=actor,
            action="result.enter_bulk",
            obj=batch,
            rows=rows,
            part=part,
        )
    return len(results)


def _incomplete(result: Result) -> str:
    if result.route == Route.EXAM:
        pending = [
            rules.PART_NAMES[p]
            for p in ("theory", "practical", "panel")
            if getattr(result, f"{p}_state") == PartState.PENDING
        ]
        return "、".join(pending)
    if result.route == Route.SELF_EVALUATION and result.weighted_score is None:
        return "四个维度评价"
    if not result.decision_note:
        return "认定结论"
    return ""


def batch_submit(*, batch: ResultBatch, actor: Actor) -> ResultBatch:
    """The dedicated account submits the batch: pass decisions are taken and entry locks."""
    with transaction.atomic():
        batch = lock_batch(batch)
        require_entry_account(actor, batch)
        RESULT_BATCH.check(batch.status, BatchStatus.SUBMITTED)
        results = list(Result.objects.select_for_update().filter(batch=batch).order_by("pk"))
        if not results:
            raise DomainError("scoring.batch_empty", "成绩批次中没有考生")
        rules_of: dict[tuple[int, int | None], ScoringRules] = {}
        for row in results:
            missing = _incomplete(row)
            if missing:
                raise DomainError(
                    "scoring.entry_incomplete",
                    f"考生 {row.candidate_ref} 的{missing}尚未评定（缺考、违纪须如实记录）",
                    field=row.candidate_ref,
                )
            decide(row, rules_of)
            row.status = ResultStatus.SUBMITTED
        # One UPDATE per outcome (a CASE over a thousand ids is slow on SQLite).
        outcomes: dict[tuple[bool | None, str], list[int]] = {}
        for row in results:
            outcomes.setdefault((row.passed, row.decision_note), []).append(row.pk)
        for (passed, note), ids in sorted(outcomes.items(), key=lambda kv: kv[1][0]):
            Result.objects.filter(pk__in=ids).update(
                passed=passed, decision_note=note, status=ResultStatus.SUBMITTED
            )
        batch.submitted_at = timezone.now()
        RESULT_BATCH.move(
            batch,
            BatchStatus.SUBMITTED,
            actor=actor,
            action="submit",
            update_fields=("submitted_at",),
            changes={"results": len(results), "passed": sum(1 for r in results if r.passed)},
        )
    return batch


def batch_reopen(*, batch: ResultBatch, reason: str, actor: Actor) -> ResultBatch:
    """An officer reopens a submitted batch for corrections, with a reason."""
    if not reason.strip():
        raise DomainError("scoring.reason_required", "重新开放录入须填写原因", field="reason")
    with transaction.atomic():
        batch = lock_batch(batch)
        if not officer_over(actor, batch.organization.region_id):
            raise forbidden("只有主管部门可以重新开放成绩录入")
        RESULT_BATCH.check(batch.status, BatchStatus.ENTERING)
        Result.objects.filter(batch=batch, status=ResultStatus.SUBMITTED).update(
            status=ResultStatus.DRAFT
        )
        batch.reopened_count += 1
        RESULT_BATCH.move(
            batch,
            BatchStatus.ENTERING,
            actor=actor,
            action="reopen",
            update_fields=("reopened_count",),
            changes={"reason": reason.strip()[:500]},
        )
    return batch
