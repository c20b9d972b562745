"""Practical examiners' scoring sheets and the review panel's marks."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils import timezone

from skillcert.audit.services import audit_record, audit_record_batch
from skillcert.common.batch_input import all_locked
from skillcert.common.errors import DomainError
from skillcert.personnel import recusal
from skillcert.personnel.selectors import assessor_facts, may_assess
from skillcert.scoring import rules
from skillcert.scoring.models import (
    BatchDuty,
    BatchStaff,
    PanelMark,
    PartState,
    PracticalSheet,
    Result,
    ResultBatch,
)
from skillcert.scoring.selectors import (
    person_of_user,
    scoring_rules_for,
    staff_person_ids,
)
from skillcert.scoring.services._access import (
    acting_person,
    forbidden,
)
from skillcert.scoring.services._common import (
    as_score,
    as_score_or_none,
    lock_batch,
    lock_result,
    require_writable,
    results_update_by_value,
    score_arg,
)

if TYPE_CHECKING:
    import datetime as dt

    from skillcert.accounts.actors import Actor
    from skillcert.personnel.models import Person


def _assessor(actor: Actor, result: Result, duty: str, given: Person | None) -> Person:
    person = _batch_assessor(actor, result.batch, duty, given)
    application = result.application
    verdict = may_assess(
        person=person, on=timezone.localdate(), candidate_id_number=application.candidate.id_number
    )
    if not verdict.allowed:
        raise DomainError("scoring.recusal", f"{person.name}：{verdict.explanation()}")
    return person


def practical_sheet_submit(
    *,
    result: Result,
    items: Sequence[Mapping[str, Any]],
    actor: Actor,
    examiner: Person | None = None,
) -> PracticalSheet:
    """One examiner's scoring sheet; when every examiner of the batch has scored, the final
    practical score follows the standard's rule (mean, or drop highest and lowest)."""
    cleaned = _sheet_items(items)
    total = rules.round_score(sum(Decimal(str(r["score"])) for r in cleaned))
    with transaction.atomic():
        result = lock_result(result)
        require_writable(result)
        if result.practical_state in (PartState.ABSENT, PartState.VOIDED, PartState.NOT_REQUIRED):
            raise DomainError(
                "practical.not_sitting",
                f"考生操作技能状态为“{PartState(result.practical_state).label}”，不能评分",
            )
        person = _assessor(actor, result, BatchDuty.PRACTICAL, examiner)
        if PracticalSheet.objects.filter(result=result, examiner=person).exists():
            raise DomainError("practical.sheet_twice", "本人已提交该考生的评分表")
        sheet = PracticalSheet.objects.create(
            result=result, examiner=person, items=cleaned, total=as_score(total)
        )
        examiners = staff_person_ids(batch=result.batch, duty=BatchDuty.PRACTICAL)
        sheets = list(PracticalSheet.objects.filter(result=result).order_by("pk"))
        if len(sheets) == len(examiners):
            rule = scoring_rules_for(occupation_id=result.occupation_id, level=result.level)
            final = rules.practical_final(
                [float(s.total) for s in sheets], rule=rule.practical_rule
            )
            result.practical_score = as_score_or_none(final)
            result.practical_state = PartState.SCORED
            result.save(update_fields=["practical_score", "practical_state", "updated_at"])
        audit_record(
            actor=actor,
            action="practical.sheet",
            obj=result,
            changes={"examiner": person.pk, "total": total},
        )
    return sheet


def _sheet_items(items: Sequence[Mapping[str, Any]], *, prefix: str = "") -> list[dict[str, Any]]:
    """A scoring sheet's items, checked: each score within its item's maximum, the maxima
    adding up to at most 100."""
    if not items:
        raise DomainError("practical.sheet_empty", f"{prefix}评分表没有评分项", field="items")
    cleaned: list[dict[str, Any]] = []
    for i, row in enumerate(items, start=1):
        maximum = score_arg(row.get("max"), field=f"{prefix}items[{i}].max")
        value = score_arg(row.get("score"), field=f"{prefix}items[{i}].score", maximum=maximum)
        cleaned.append({"item": str(row.get("item") or i), "max": maximum, "score": value})
    if sum(r["max"] for r in cleaned) > 100:
        raise DomainError(
            "practical.sheet_total", f"{prefix}评分表各项满分之和不能超过100", field="items"
        )
    return cleaned


def _batch_assessor(actor: Actor, batch: ResultBatch, duty: str, given: Person | None) -> Person:
    user = acting_person(actor)
    person = given if user is None else person_of_user(user)
    if (
        person is None
        or not BatchStaff.objects.filter(batch=batch, person=person, duty=duty).exists()
    ):
        label = "操作技能考评员" if duty == BatchDuty.PRACTICAL else "综合评审专家"
        raise forbidden(f"只有本批次的{label}可以评分")
    return person


def _results_locked(batch: ResultBatch, ids: Iterable[int], field: str) -> list[Result]:
    """The batch's results `ids`, locked in primary-key order; every id must be the batch's."""
    return all_locked(
        Result.objects.filter(batch=batch).select_related("application__candidate"),
        ids,
        lambda: DomainError("scoring.result_not_in_batch", "有成绩不属于本批次的考生", field=field),
    )


@dataclass(frozen=True)
class _AssessorSheet:
    """An examiner's or panel member's sheet for many candidates: the locked batch, the
    assessor, the candidates' results locked in primary-key order, and what the recusal rules
    need about the assessor, read once for the sheet."""

    batch: ResultBatch
    person: Person
    results: list[Result]
    facts: Any
    today: dt.date

    def require_not_recused(self, result: Result) -> None:
        _require_not_recused(self.facts, self.person, result, self.today)


def _assessor_sheet(
    batch: ResultBatch,
    actor: Actor,
    duty: str,
    given: Person | None,
    ids: Iterable[int],
    field: str,
) -> _AssessorSheet:
    batch = lock_batch(batch)
    person = _batch_assessor(actor, batch, duty, given)
    return _AssessorSheet(
        batch,
        person,
        _results_locked(batch, ids, field),
        assessor_facts(person=person),
        timezone.localdate(),
    )


def _require_not_recused(facts: Any, person: Person, result: Result, today: dt.date) -> None:
    verdict = recusal.may_assess(
        facts,
        recusal.Assignment(on=today, candidate_id_number=result.application.candidate.id_number),
        max_consecutive=1,
    )
    if not verdict.allowed:
        raise DomainError("scoring.recusal", f"{person.name}：{verdict.explanation()}")


def practical_sheets_submit_bulk(
    *,
    batch: ResultBatch,
    sheets: Mapping[int, Sequence[Mapping[str, Any]]],
    actor: Actor,
    examiner: Person | None = None,
) -> int:
    """One examiner's scoring sheets for many candidates of the batch at once: `sheets` maps
    result ids to the items of each sheet. The same checks as `practical_sheet_submit`, all or
    nothing; rows are locked in primary-key order, the sheets inserted in one statement, the
    final practical scores of the candidates every examiner has now scored written in one
    update, and one audit event commits to every sheet (the SHA-256 of the sheets' canonical
    JSON). Returns how many sheets were recorded."""
    cleaned = {
        int(pk): _sheet_items(items, prefix=f"{pk}：") for pk, items in sorted(sheets.items())
    }
    if not cleaned:
        return 0
    with transaction.atomic():
        sheet = _assessor_sheet(batch, actor, BatchDuty.PRACTICAL, examiner, cleaned, "sheets")
        new = _practical_sheets_new(sheet, cleaned)
        PracticalSheet.objects.bulk_create(new, batch_size=500)
        _practical_finals_write(sheet.batch, sheet.results)
        rows = [{"result": s.result_id, "items": s.items, "total": str(s.total)} for s in new]
        audit_record_batch(
            actor=actor,
            action="practical.sheet_bulk",
            obj=sheet.batch,
            rows=rows,
            examiner=sheet.person.pk,
        )
    return len(new)


def _practical_sheets_new(
    sheet: _AssessorSheet, cleaned: Mapping[int, list[dict[str, Any]]]
) -> list[PracticalSheet]:
    """The examiner's new sheets, one per result of `sheet`, each checked as
    `practical_sheet_submit` checks it (the examiner's earlier sheets read in one query)."""
    batch, person, results = sheet.batch, sheet.person, sheet.results
    scored = set(
        PracticalSheet.objects.filter(result__in=results, examiner=person).values_list(
            "result_id", flat=True
        )
    )
    new = []
    for result in results:
        result.batch = batch
        require_writable(result)
        if result.practical_state in (
            PartState.ABSENT,
            PartState.VOIDED,
            PartState.NOT_REQUIRED,
        ):
            raise DomainError(
                "practical.not_sitting",
                f"考生 {result.candidate_ref} 的操作技能状态为"
                f"“{PartState(result.practical_state).label}”，不能评分",
            )
        sheet.require_not_recused(result)
        if result.pk in scored:
            raise DomainError(
                "practical.sheet_twice", f"本人已提交考生 {result.candidate_ref} 的评分表"
            )
        items = cleaned[result.pk]
        total = rules.round_score(sum(Decimal(str(r["score"])) for r in items))
        new.append(
            PracticalSheet(result=result, examiner=person, items=items, total=as_score(total))
        )
    return new


def _practical_finals_write(batch: ResultBatch, results: list[Result]) -> None:
    """The final practical score of each result every examiner of the batch has now scored,
    by the standard's rule, from all the sheets read in one query; written in one update."""
    examiners = len(staff_person_ids(batch=batch, duty=BatchDuty.PRACTICAL))
    given: dict[int, list[float]] = defaultdict(list)
    for result_id, sheet_total in (
        PracticalSheet.objects.filter(result__in=results)
        .order_by("pk")
        .values_list("result_id", "total")
    ):
        given[result_id].append(float(sheet_total))
    rule_of: dict[tuple[int, int | None], Any] = {}
    complete = []
    now = timezone.now()
    for result in results:
        if len(given[result.pk]) != examiners:
            continue
        key = (result.occupation_id, result.level)
        if key not in rule_of:
            rule_of[key] = scoring_rules_for(occupation_id=key[0], level=key[1])
        final = rules.practical_final(given[result.pk], rule=rule_of[key].practical_rule)
        result.practical_score = as_score_or_none(final)
        result.practical_state = PartState.SCORED
        result.updated_at = now
        complete.append(result)
    results_update_by_value(complete, ["practical_score", "practical_state", "updated_at"])


def panel_mark_submit(
    *, result: Result, score: Any, note: str = "", actor: Actor, member: Person | None = None
) -> PanelMark:
    """A panel member's mark (levels 2 and 1); the panel score is the members' mean."""
    value = score_arg(score, field="score")
    with transaction.atomic():
        result = lock_result(result)
        require_writable(result)
        if result.level not in (1, 2) or result.panel_state == PartState.NOT_REQUIRED:
            raise DomainError("panel.not_required", "只有二级、一级需要综合评审", field="result")
        person = _assessor(actor, result, BatchDuty.PANEL, member)
        if PanelMark.objects.filter(result=result, member=person).exists():
            raise DomainError("panel.mark_twice", "本人已评过该考生")
        mark = PanelMark.objects.create(
            result=result, member=person, score=as_score(value), note=note[:300]
        )
        members = staff_person_ids(batch=result.batch, duty=BatchDuty.PANEL)
        marks = list(PanelMark.objects.filter(result=result))
        if len(marks) == len(members):
            result.panel_score = as_score_or_none(rules.mean_score([float(m.score) for m in marks]))
            result.panel_state = PartState.SCORED
            result.save(update_fields=["panel_score", "panel_state", "updated_at"])
        audit_record(
            actor=actor,
            action="panel.mark",
            obj=result,
            changes={"member": person.pk, "score": value},
        )
    return mark


def panel_marks_submit_bulk(
    *, batch: ResultBatch, scores: Mapping[int, Any], actor: Actor, member: Person | None = None
) -> int:
    """A panel member's marks for many candidates of the batch at once (the member's marking
    sheet): `scores` maps result ids to scores. The same checks as `panel_mark_submit`, all
    or nothing; rows are locked in primary-key order, the marks inserted in one statement,
    the panel scores of the candidates whose panel is now complete written in one update,
    and one audit event commits to every mark (the SHA-256 of the marks' canonical JSON).
    Returns how many marks were recorded."""
    values = {int(pk): score_arg(score, field="score") for pk, score in scores.items()}
    if not values:
        return 0
    with transaction.atomic():
        sheet = _assessor_sheet(batch, actor, BatchDuty.PANEL, member, values, "scores")
        batch, person, results = sheet.batch, sheet.person, sheet.results
        marked = set(
            PanelMark.objects.filter(result__in=results, member=person).values_list(
                "result_id", flat=True
            )
        )
        marks = []
        for result in results:
            result.batch = batch
            require_writable(result)
            if result.level not in (1, 2) or result.panel_state == PartState.NOT_REQUIRED:
                raise DomainError(
                    "panel.not_required", "只有二级、一级需要综合评审", field="result"
                )
            sheet.require_not_recused(result)
            if result.pk in marked:
                raise DomainError("panel.mark_twice", f"本人已评过考生 {result.candidate_ref}")
            marks.append(PanelMark(result=result, member=person, score=as_score(values[result.pk])))
        PanelMark.objects.bulk_create(marks, batch_size=500)
        members = len(staff_person_ids(batch=batch, duty=BatchDuty.PANEL))
        given: dict[int, list[float]] = defaultdict(list)
        for result_id, score in PanelMark.objects.filter(result__in=results).values_list(
            "result_id", "score"
        ):
            given[result_id].append(float(score))
        complete = []
        now = timezone.now()
        for result in results:
            if len(given[result.pk]) == members:
                result.panel_score = as_score_or_none(rules.mean_score(given[result.pk]))
                result.panel_state = PartState.SCORED
                result.updated_at = now
                complete.append(result)
        results_update_by_value(complete, ["panel_score", "panel_state", "updated_at"])
        rows = [{"result": m.result_id, "score": str(m.score)} for m in marks]
        audit_record_batch(
            actor=actor,
            action="panel.mark_bulk",
            obj=batch,
            rows=rows,
            member=person.pk,
        )
    return len(marks)
