"""Scoring writes: batches and results, objective scoring from answer files, blind double
marking, practical sheets, panel review, entry by the dedicated account, publication per
district, re-checks, registration and enterprise self-evaluation. Every write is atomic, checks
who acts, moves statuses through the named transitions and records an audit event. Registered
results never change (`_writable`)."""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import numpy as np
from django.apps import apps
from django.db import transaction
from django.db.models import Max, Q
from django.utils import timezone

from skillcert.accounts.models import User
from skillcert.accounts.scope import scope_for
from skillcert.applications.models import Application
from skillcert.applications.notifications import Notice, notify
from skillcert.audit.services import audit_record
from skillcert.common.errors import DomainError, Forbidden
from skillcert.common.transitions import check_transition
from skillcert.itembank.models import AccessPurpose, Item, ItemType, Paper, PaperStatus
from skillcert.itembank.services import (
    ItemStatistics,
    item_contents_read,
    items_statistics_feedback,
)
from skillcert.occupations.models import Occupation
from skillcert.personnel.models import Person
from skillcert.personnel.selectors import may_assess
from skillcert.plans.models import EvaluationPlan, PlanKind, PlanMethod
from skillcert.scoring import objective, rules
from skillcert.scoring.models import (
    BATCH_TRANSITIONS,
    BatchStaff,
    BatchStatus,
    Duty,
    EnterpriseScheme,
    ItemAnalysis,
    Mark,
    MarkRound,
    PanelMark,
    PartState,
    PracticalSheet,
    Publication,
    Recheck,
    RecheckStatus,
    Result,
    ResultBatch,
    ResultStatus,
    Route,
    Script,
    ScriptStatus,
)
from skillcert.scoring.responses import read_responses
from skillcert.scoring.selectors import (
    candidate_ids_for_plan,
    person_of_user,
    previous_panel,
    recheck_workdays,
    scoring_rules_for,
    staff_person_ids,
)
from skillcert.workdays.selectors import workdays_add

BATCH_LABELS = dict(BatchStatus.choices)
PART_FIELDS = {"theory": "theory", "practical": "practical", "panel": "panel"}
DECIDED_STATES = (PartState.SCORED, PartState.ABSENT, PartState.VOIDED, PartState.EXEMPT)
EVIDENCE_METHODS = {
    "self_assessment": "自我评价",
    "peer_review": "同行评议",
    "opinion_survey": "民意调查",
    "production_records": "生产记录",
    "assessment": "考核测评",
}
CANDIDATE_KINDS = {
    "employee": "本单位职工",
    "apprentice": "学徒",
    "dispatched": "劳务派遣人员",
    "school_student": "合作院校学生",
}
ENTERPRISE_METHODS = frozenset(PlanMethod.values) - {PlanMethod.EXAM}


def _forbidden(message: str) -> DomainError:
    return Forbidden("scoring.forbidden", message)


def _user(actor: Any) -> User | None:
    return actor if isinstance(actor, User) else None


def _officer_over(actor: Any, region_code: str) -> bool:
    user = _user(actor)
    if user is None:
        return True  # system actors (commands, demo)
    scope = scope_for(user)
    return scope.is_officer and scope.covers_region_code(region_code)


def _org_staff_of(actor: Any, organization_id: int) -> bool:
    user = _user(actor)
    if user is None:
        return True
    scope = scope_for(user)
    return scope.is_platform or (scope.is_org_staff and organization_id in scope.organization_ids)


def _require_org_or_officer(actor: Any, batch: ResultBatch, what: str) -> None:
    if not (
        _org_staff_of(actor, batch.organization_id)
        or _officer_over(actor, batch.organization.region_id)
    ):
        raise _forbidden(f"只有本评价机构或主管部门可以{what}")


def _require_entry_account(actor: Any, batch: ResultBatch) -> None:
    user = _user(actor)
    if user is None:
        return
    if batch.entry_account_id is None:
        raise DomainError("scoring.entry_account_missing", "本批次尚未指定成绩录入专用账号")
    if user.pk != batch.entry_account_id:
        raise _forbidden("只有本批次的成绩录入专用账号可以录入或确认成绩")


def _lock_batch(batch: ResultBatch) -> ResultBatch:
    return (
        ResultBatch.objects.select_for_update()
        .select_related("organization", "plan")
        .get(pk=batch.pk)
    )


def _lock_result(result: Result) -> Result:
    return (
        Result.objects.select_for_update().select_related("batch__organization").get(pk=result.pk)
    )


def _writable(result: Result) -> None:
    if result.status == ResultStatus.REGISTERED:
        raise DomainError(
            "scoring.registered", f"考生 {result.candidate_ref} 的成绩已登记备案，不能修改"
        )
    if result.batch.status != BatchStatus.ENTERING:
        raise DomainError(
            "scoring.entry_locked",
            f"成绩批次状态为“{BATCH_LABELS[result.batch.status]}”，录入已锁定",
        )


def _move_batch(batch: ResultBatch, target: str) -> None:
    check_transition(
        allowed=BATCH_TRANSITIONS, current=batch.status, target=target, labels=BATCH_LABELS
    )
    batch.status = target


def _dec(value: float | Decimal | None) -> Decimal | None:
    return None if value is None else _d(value)


def _d(value: float | Decimal) -> Decimal:
    return Decimal(str(rules.round_score(value)))


def _score_arg(value: Any, *, field: str, maximum: float = 100.0) -> float:
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise DomainError("scoring.score_invalid", f"{field} 应为数字", field=field) from None
    if not np.isfinite(number) or not 0 <= number <= maximum:
        raise DomainError("scoring.score_range", f"{field} 应在 0 到 {maximum:g} 之间", field=field)
    return rules.round_score(number)


def _notice(result: Result, subject: str, body: str) -> Notice:
    application = result.application
    return Notice(application.candidate_id, application.pk, subject, body)


# --- batches ---


def _route_for(plan: EvaluationPlan) -> str:
    if plan.method == PlanMethod.COMPETITION:
        return Route.COMPETITION
    if plan.kind == PlanKind.ENTERPRISE:
        return Route.SELF_EVALUATION
    return Route.EXAM


def batch_open(*, plan: EvaluationPlan, actor: Any) -> ResultBatch:
    """The plan's result batch, with one result per approved application (idempotent: new
    approvals are added; while entry is open, ids switch to ticket numbers once tickets exist)."""
    if not (
        _org_staff_of(actor, plan.organization_id)
        or _officer_over(actor, plan.organization.region_id)
    ):
        raise _forbidden("只有本评价机构或主管部门可以建立成绩批次")
    with transaction.atomic():
        route = _route_for(plan)
        offering = plan.offerings.order_by("pk").first()
        threshold = (
            scoring_rules_for(occupation_id=offering.occupation_id, level=offering.level)
            if offering
            else None
        )
        batch, created = ResultBatch.objects.get_or_create(
            plan=plan,
            defaults={
                "organization_id": plan.organization_id,
                "route": route,
                "double_mark_threshold": Decimal(str(threshold.double_mark_threshold))
                if threshold
                else Decimal("10"),
            },
        )
        batch = _lock_batch(batch)
        refs = candidate_ids_for_plan(plan=plan)
        existing = {r.application_id: r for r in Result.objects.filter(batch=batch)}
        applications = Application.objects.in_bulk([r.application_id for r in refs])
        new: list[Result] = []
        changed: list[Result] = []
        for ref in refs:
            row = existing.get(ref.application_id)
            if row is not None:
                if row.status == ResultStatus.DRAFT and (row.candidate_ref, row.district) != (
                    ref.ref,
                    ref.district,
                ):
                    row.candidate_ref, row.district = ref.ref, ref.district
                    changed.append(row)
                continue
            app = applications[ref.application_id]
            not_exam = route != Route.EXAM
            new.append(
                Result(
                    batch=batch,
                    application=app,
                    organization_id=plan.organization_id,
                    occupation_id=app.occupation_id,
                    specialty_id=app.specialty_id,
                    level=app.level,
                    route=route,
                    candidate_ref=ref.ref,
                    district=ref.district,
                    theory_state=PartState.NOT_REQUIRED if not_exam else PartState.PENDING,
                    practical_state=PartState.NOT_REQUIRED if not_exam else PartState.PENDING,
                    panel_state=PartState.PENDING
                    if app.level in (1, 2) and not not_exam
                    else PartState.NOT_REQUIRED,
                )
            )
        if (new or changed) and batch.status != BatchStatus.ENTERING:
            raise DomainError("scoring.entry_locked", "成绩批次已提交，不能再加入考生")
        Result.objects.bulk_create(new, batch_size=1000)
        Result.objects.bulk_update(changed, ["candidate_ref", "district"], batch_size=1000)
        if created or new or changed:
            audit_record(
                actor=actor,
                action="result_batch.open" if created else "result_batch.sync",
                obj=batch,
                changes={"added": len(new), "renumbered": len(changed), "route": batch.route},
            )
    return batch


def batch_entry_account_set(*, batch: ResultBatch, user: User, actor: Any) -> ResultBatch:
    """Designate the dedicated entry account: the batch's chief examiner (a chief marker of
    the batch) for social assessment, a staff account of the enterprise for self-evaluation."""
    with transaction.atomic():
        batch = _lock_batch(batch)
        _require_org_or_officer(actor, batch, "指定成绩录入账号")
        if batch.status != BatchStatus.ENTERING:
            raise DomainError("scoring.entry_locked", "成绩批次已提交，不能更换录入账号")
        if batch.route == Route.EXAM:
            person = person_of_user(user)
            if (
                person is None
                or not BatchStaff.objects.filter(
                    batch=batch, person=person, duty=Duty.CHIEF_MARKER
                ).exists()
            ):
                raise DomainError(
                    "scoring.entry_account_role",
                    "社会化评价的成绩录入账号应为本批次的主考（阅卷组长）",
                    field="user",
                )
        else:
            scope = scope_for(user)
            if batch.organization_id not in scope.organization_ids:
                raise DomainError(
                    "scoring.entry_account_role",
                    "企业自主评价的成绩录入账号应为本企业的账号",
                    field="user",
                )
        before = batch.entry_account_id
        batch.entry_account = user
        batch.save(update_fields=["entry_account"])
        audit_record(
            actor=actor,
            action="result_batch.entry_account",
            obj=batch,
            changes={"entry_account": [before, user.pk]},
        )
    return batch


def staff_set(
    *, batch: ResultBatch, duty: str, people: Sequence[Person], actor: Any
) -> list[BatchStaff]:
    """Set the markers, chief markers, practical examiners or review panel of a batch. Practical
    examiners and the panel: at least 3, an odd number; the panel rotates at least half against
    the organisation's previous panel; everyone passes the recusal and rotation check."""
    if duty not in Duty.values:
        raise DomainError("scoring.duty_invalid", f"未知职责 {duty!r}", field="duty")
    with transaction.atomic():
        batch = _lock_batch(batch)
        _require_org_or_officer(actor, batch, "安排阅卷和考评人员")
        if batch.status != BatchStatus.ENTERING:
            raise DomainError("scoring.entry_locked", "成绩批次已提交，不能调整人员")
        ids = sorted({p.pk for p in people})
        if duty in (Duty.PRACTICAL, Duty.PANEL):
            rules.panel_composition(
                ids, previous=previous_panel(batch=batch) if duty == Duty.PANEL else ()
            )
        if duty == Duty.MARKER and len(ids) < 2:
            raise DomainError("scoring.markers_too_few", "双评需至少2名阅卷员", field="people")
        today = timezone.localdate()
        offerings = list(batch.plan.offerings.select_related("occupation"))
        for person in people:
            # recusal and rotation hold whatever the occupation; the qualification must cover
            # at least one occupation and level the person will assess in this batch
            targets: list[tuple[Occupation | None, int | None]] = [(None, None)]
            if duty in (Duty.PRACTICAL, Duty.PANEL) and offerings:
                targets = [
                    (o.occupation, o.level)
                    for o in offerings
                    if duty == Duty.PRACTICAL or o.level in (1, 2)
                ] or targets
            verdicts = [
                may_assess(
                    person=person,
                    on=today,
                    organization=batch.organization,
                    occupation=occupation,
                    level=level,
                )
                for occupation, level in targets
            ]
            if not any(v.allowed for v in verdicts):
                raise DomainError(
                    "scoring.recusal",
                    f"{person.name}：{verdicts[0].explanation()}",
                    field="people",
                )
        current = BatchStaff.objects.filter(batch=batch, duty=duty)
        removed = set(current.values_list("person_id", flat=True)) - set(ids)
        if removed and _has_work(batch, duty, removed):
            raise DomainError(
                "scoring.staff_has_marks", "已评分的人员不能移出本批次", field="people"
            )
        current.filter(person_id__in=removed).delete()
        have = set(current.values_list("person_id", flat=True))
        BatchStaff.objects.bulk_create(
            [BatchStaff(batch=batch, person_id=pk, duty=duty) for pk in ids if pk not in have]
        )
        audit_record(
            actor=actor,
            action="result_batch.staff",
            obj=batch,
            changes={"duty": duty, "people": ids},
        )
        return list(BatchStaff.objects.filter(batch=batch, duty=duty).order_by("person_id"))


def _has_work(batch: ResultBatch, duty: str, person_ids: set[int]) -> bool:
    if duty in (Duty.MARKER, Duty.CHIEF_MARKER):
        return Mark.objects.filter(script__result__batch=batch, marker_id__in=person_ids).exists()
    if duty == Duty.PRACTICAL:
        return PracticalSheet.objects.filter(
            result__batch=batch, examiner_id__in=person_ids
        ).exists()
    return PanelMark.objects.filter(result__batch=batch, member_id__in=person_ids).exists()


# --- objective scoring ---


@dataclass
class ScoreReport:
    paper: Paper
    form: str
    max_score: float
    rows: list[tuple[str, float]]  # (candidate id, objective score)
    analysis: objective.Analysis | None
    flagged: list[str] = field(default_factory=list)


def form_letter(paper: Paper) -> str:
    return objective.OPTION_LETTERS[(paper.form_number - 1) % len(objective.OPTION_LETTERS)]


def _key_mask(item_type: str, key: Any) -> int:
    if item_type == ItemType.TRUE_FALSE:
        return 1 if key is True else 2
    if isinstance(key, list):
        return objective.parse_choice("".join(str(k) for k in key))
    return objective.parse_choice(str(key))


def paper_objective_key(*, paper: Paper, actor: Any) -> tuple[objective.ObjectiveKey, list[Item]]:
    """The sealed paper's objective items in paper order and their key (reading the key is
    logged in the item bank's access log)."""
    if paper.status not in (PaperStatus.SEALED, PaperStatus.RELEASED, PaperStatus.USED):
        raise DomainError(
            "scoring.paper_not_sealed", f"试卷 {paper.code} 尚未封存，不能评分", field="paper"
        )
    entries = list(paper.paper_items.select_related("item").order_by("position"))
    items = [pi.item for pi in entries if pi.item.item_type in objective.ITEM_TYPES]
    if not items:
        raise DomainError(
            "scoring.no_objective_items", f"试卷 {paper.code} 没有客观题", field="paper"
        )
    contents = item_contents_read(items=items, actor=actor, purpose=AccessPurpose.VIEW)
    offering = paper.blueprint
    rule = scoring_rules_for(occupation_id=offering.occupation_id, level=offering.level)
    key = objective.ObjectiveKey(
        item_ids=tuple(it.code for it in items),
        types=tuple(it.item_type for it in items),
        keys=np.array(
            [_key_mask(it.item_type, contents[it.pk].get("key")) for it in items], dtype=np.uint8
        ),
        scores=np.array([float(it.score) for it in items], dtype=np.float64),
        partial_credit=rule.partial_credit,
        partial_ratio=rule.partial_ratio,
    )
    return key, items


def _open_results_for(paper: Paper, actor: Any) -> dict[str, Result]:
    """Results, by candidate id, of batches still open for entry whose plan offers the paper's
    occupation and level (batches are opened/synchronised on the way)."""
    bp = paper.blueprint
    plans = EvaluationPlan.objects.filter(
        offerings__occupation_id=bp.occupation_id, offerings__level=bp.level
    ).exclude(result_batch__status__in=[s for s in BatchStatus.values if s != BatchStatus.ENTERING])
    by_ref: dict[str, Result] = {}
    user = _user(actor)
    if user is not None:
        scope = scope_for(user)
        if scope.is_officer:
            plans = plans.filter(scope.region_q("organization__region"))
        else:
            plans = plans.filter(scope.organization_q("organization_id"))
    for plan in plans.distinct().order_by("pk"):
        batch = batch_open(plan=plan, actor=actor)
        for row in Result.objects.filter(
            batch=batch, occupation_id=bp.occupation_id, level=bp.level
        ).select_related("batch"):
            by_ref[row.candidate_ref] = row
    return by_ref


def _theory_from(result: Result, paper_total: float, subjective: float) -> Decimal | None:
    if result.theory_objective is None:
        return None
    raw = float(result.theory_objective) + subjective
    return _dec(min(100.0, raw * 100.0 / paper_total) if paper_total else raw)


def responses_score(
    *, paper_code: str, text: str, actor: Any, with_analysis: bool = True
) -> ScoreReport:
    """Score an answer file against the sealed paper's key and record each candidate's
    objective score; the whole file is rejected when it does not match the paper."""
    paper = (
        Paper.objects.select_related("blueprint__occupation")
        .filter(code=paper_code.strip())
        .first()
    )
    if paper is None:
        raise DomainError("scoring.paper_unknown", f"没有编号为 {paper_code} 的试卷", field="paper")
    user = _user(actor)
    if user is not None and not (scope_for(user).is_officer or scope_for(user).is_org_staff):
        raise _forbidden("只有评价机构或主管部门可以导入作答评分")
    with transaction.atomic():
        key, items = paper_objective_key(paper=paper, actor=actor)
        results = _open_results_for(paper, actor)
        form = form_letter(paper)
        batch_file = read_responses(
            text, form=form, item_count=len(items), known_candidates=frozenset(results)
        )
        totals = objective.score_totals(key, batch_file.responses)
        has_subjective = paper.paper_items.filter(
            item__item_type__in=[ItemType.SUBJECTIVE]
        ).exists()
        paper_total = float(paper.total_score)
        rows = [results[c] for c in batch_file.candidate_ids]
        locked = {
            r.pk: r
            for r in Result.objects.select_for_update()
            .filter(pk__in=sorted(r.pk for r in rows))
            .order_by("pk")
        }
        updated: list[Result] = []
        for cid, total in zip(batch_file.candidate_ids, totals, strict=True):
            row = locked[results[cid].pk]
            if row.theory_state in (PartState.ABSENT, PartState.VOIDED):
                raise DomainError(
                    "responses.absent_candidate",
                    f"考生 {cid} 已记录为{PartState(row.theory_state).label}，不能有作答",
                    field="file",
                )
            row.theory_objective = _dec(float(total))
            row.theory_paper = paper
            if not has_subjective:
                row.theory_score = _theory_from(row, paper_total, 0.0)
                row.theory_state = PartState.SCORED
            updated.append(row)
        Result.objects.bulk_update(
            updated,
            ["theory_paper", "theory_objective", "theory_score", "theory_state"],
            batch_size=1000,
        )
        analysis = None
        flagged: list[str] = []
        if with_analysis and len(batch_file.candidate_ids) >= 2:
            analysis = objective.analyse(key, batch_file.responses, totals)
            flagged = _analysis_store(paper, items, analysis, rows[0].batch, actor)
        for batch_id in sorted({r.batch_id for r in updated}):
            audit_record(
                actor=actor,
                action="result.objective",
                obj=ResultBatch.objects.get(pk=batch_id),
                changes={
                    "paper": paper.code,
                    "scored": sum(1 for r in updated if r.batch_id == batch_id),
                },
            )
    return ScoreReport(
        paper,
        form,
        float(key.scores.sum()),
        [(c, float(t)) for c, t in zip(batch_file.candidate_ids, totals, strict=True)],
        analysis,
        flagged,
    )


def _analysis_store(
    paper: Paper, items: list[Item], analysis: objective.Analysis, batch: ResultBatch, actor: Any
) -> list[str]:
    data = analysis.as_dict()
    ItemAnalysis.objects.create(
        paper=paper,
        batch=batch,
        candidates=analysis.candidates,
        alpha=analysis.alpha,
        mean=analysis.mean,
        std=analysis.std,
        distribution=analysis.distribution,
        items=data["items"],
        flagged=sum(1 for s in analysis.items if s.flags),
        created_by=_user(actor),
    )
    by_code = {it.code: it for it in items}
    return items_statistics_feedback(
        stats=[
            ItemStatistics(by_code[s.item_id].pk, s.facility, s.point_biserial, tuple(s.flags))
            for s in analysis.items
        ],
        source=f"试卷 {paper.code} 试题分析",
        actor=actor,
    )


# --- part states entered by the dedicated account ---


def result_part_state_set(
    *, result: Result, part: str, state: str, reason: str = "", actor: Any
) -> Result:
    """Record a part as absent, voided (misconduct) or exempt — never a silent zero."""
    if part not in PART_FIELDS:
        raise DomainError("scoring.part_invalid", f"未知科目 {part!r}", field="part")
    if state not in (PartState.ABSENT, PartState.VOIDED, PartState.EXEMPT):
        raise DomainError("scoring.state_invalid", "状态应为缺考、违纪作废或免考", field="state")
    with transaction.atomic():
        result = _lock_result(result)
        _require_entry_account(actor, result.batch)
        _writable(result)
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


def result_score_enter(*, result: Result, part: str, score: Any, actor: Any) -> Result:
    """The dedicated account enters a part's score directly (e.g. a practical scored on paper
    sheets outside the platform)."""
    if part not in PART_FIELDS:
        raise DomainError("scoring.part_invalid", f"未知科目 {part!r}", field="part")
    value = _score_arg(score, field=part)
    with transaction.atomic():
        result = _lock_result(result)
        _require_entry_account(actor, result.batch)
        _writable(result)
        if getattr(result, f"{part}_state") == PartState.NOT_REQUIRED:
            raise DomainError("scoring.part_not_required", "该考生不考核此科目", field="part")
        before = getattr(result, f"{part}_score")
        setattr(result, f"{part}_score", _dec(value))
        setattr(result, f"{part}_state", PartState.SCORED)
        result.save(update_fields=[f"{part}_score", f"{part}_state", "updated_at"])
        audit_record(
            actor=actor,
            action="result.enter",
            obj=result,
            changes={"part": part, "score": [before, value]},
        )
    return result


# --- blind double marking ---


def scripts_create(*, batch: ResultBatch, paper: Paper, actor: Any) -> int:
    """One blind script per candidate and subjective item of the paper; each script goes to
    two different markers (balanced). Candidates recorded absent or voided get none."""
    with transaction.atomic():
        batch = _lock_batch(batch)
        _require_org_or_officer(actor, batch, "分发主观题答卷")
        if batch.status != BatchStatus.ENTERING:
            raise DomainError("scoring.entry_locked", "成绩批次已提交，不能分发答卷")
        markers = staff_person_ids(batch=batch, duty=Duty.MARKER)
        if len(markers) < 2:
            raise DomainError("scoring.markers_too_few", "双评需至少2名阅卷员", field="markers")
        subjective = list(
            paper.paper_items.filter(item__item_type=ItemType.SUBJECTIVE)
            .select_related("item")
            .order_by("position")
        )
        if not subjective:
            raise DomainError(
                "scoring.no_subjective_items", f"试卷 {paper.code} 没有主观题", field="paper"
            )
        bp = paper.blueprint
        candidates = list(
            Result.objects.filter(batch=batch, occupation_id=bp.occupation_id, level=bp.level)
            .exclude(theory_state__in=[PartState.ABSENT, PartState.VOIDED, PartState.EXEMPT])
            .order_by("pk")
        )
        done = set(Script.objects.filter(result__batch=batch).values_list("result_id", "position"))
        scripts = [
            Script(
                result=r,
                position=pi.position,
                blind_code=secrets.token_hex(6).upper(),
                max_score=pi.item.score,
            )
            for r in candidates
            for pi in subjective
            if (r.pk, pi.position) not in done
        ]
        Script.objects.bulk_create(scripts, batch_size=1000)
        marks: list[Mark] = []
        n = len(markers)
        start = Mark.objects.filter(script__result__batch=batch).count()
        for i, script in enumerate(scripts):
            first = markers[(start + i) % n]
            second = markers[(start + i + 1) % n]
            marks.append(Mark(script=script, round=MarkRound.FIRST, marker_id=first))
            marks.append(Mark(script=script, round=MarkRound.SECOND, marker_id=second))
        Mark.objects.bulk_create(marks, batch_size=1000)
        audit_record(
            actor=actor,
            action="scripts.create",
            obj=batch,
            changes={"paper": paper.code, "scripts": len(scripts)},
        )
    return len(scripts)


def _third_marker(script: Script, batch: ResultBatch) -> int | None:
    taken = set(script.marks.values_list("marker_id", flat=True))
    markers = [m for m in staff_person_ids(batch=batch, duty=Duty.MARKER) if m not in taken]
    if not markers:
        return None
    load = {m: Mark.objects.filter(marker_id=m, score__isnull=True).count() for m in markers}
    return min(markers, key=lambda m: (load[m], m))


def _script_settle(script: Script, batch: ResultBatch) -> None:
    marks = {m.round: m for m in script.marks.all()}
    scored = [marks[r] for r in (1, 2, 3) if r in marks and marks[r].score is not None]
    if len(scored) < 2 or (MarkRound.THIRD in marks and marks[MarkRound.THIRD].score is None):
        return
    outcome = rules.double_marking(
        [float(m.score) for m in scored if m.score is not None],
        threshold=float(batch.double_mark_threshold),
    )
    if outcome.status == "final":
        script.final_score = _dec(outcome.final)
        script.status = ScriptStatus.FINAL
    elif outcome.status == "needs_third":
        script.status = ScriptStatus.NEEDS_THIRD
        third = _third_marker(script, batch)
        if third is not None:
            Mark.objects.create(script=script, round=MarkRound.THIRD, marker_id=third)
        else:
            script.status = ScriptStatus.NEEDS_ARBITRATION
    else:
        script.status = ScriptStatus.NEEDS_ARBITRATION
    script.save(update_fields=["final_score", "status"])
    if script.status == ScriptStatus.FINAL:
        _theory_refresh(script.result_id)


def _theory_refresh(result_id: int) -> None:
    """When every script of the candidate has its final score, theory = objective + subjective
    (scaled to 100 by the paper total when it is not 100)."""
    result = Result.objects.select_for_update().get(pk=result_id)
    scripts = list(Script.objects.filter(result=result))
    if not scripts or any(s.status != ScriptStatus.FINAL for s in scripts):
        return
    if result.theory_objective is None:
        return
    subjective = sum(float(s.final_score or 0) for s in scripts)
    total = _paper_total_for(result)
    result.theory_score = _theory_from(result, total, subjective)
    result.theory_state = PartState.SCORED
    result.save(update_fields=["theory_score", "theory_state", "updated_at"])


def _paper_total_for(result: Result) -> float:
    paper = result.theory_paper
    return float(paper.total_score) if paper is not None else 100.0


def mark_submit(*, mark: Mark, score: Any, actor: Any) -> Mark:
    """A marker records their mark; they see only the blind code (never the candidate or the
    other mark). Two marks within the threshold settle the script; otherwise a third marker
    marks, and the chief marker arbitrates when the third is still too far."""
    with transaction.atomic():
        mark = Mark.objects.select_for_update().select_related("script", "marker").get(pk=mark.pk)
        script = Script.objects.select_for_update().get(pk=mark.script_id)
        result = Result.objects.select_related("batch").get(pk=script.result_id)
        _writable(result)
        user = _user(actor)
        if user is not None and mark.marker.user_id != user.pk:
            raise _forbidden("只能录入分配给本人的评分")
        if mark.score is not None:
            raise DomainError("marking.already_marked", "该答卷已评分，不能重复评分", field="score")
        if mark.round == MarkRound.ARBITRATION:
            raise DomainError("marking.arbitration_only", "仲裁分由阅卷组长录入", field="score")
        value = _score_arg(score, field="score", maximum=float(script.max_score))
        mark.score = _dec(value)
        mark.marked_at = timezone.now()
        mark.save(update_fields=["score", "marked_at"])
        _script_settle(script, result.batch)
        audit_record(
            actor=actor,
            action="mark.submit",
            obj=script,
            changes={"round": mark.round, "score": value, "status": script.status},
        )
    return mark


def script_arbitrate(*, script: Script, score: Any, actor: Any) -> Script:
    with transaction.atomic():
        script = Script.objects.select_for_update().get(pk=script.pk)
        result = Result.objects.select_related("batch").get(pk=script.result_id)
        _writable(result)
        if script.status != ScriptStatus.NEEDS_ARBITRATION:
            raise DomainError("marking.no_arbitration", "该答卷无需仲裁", field="script")
        person = person_of_user(actor) if isinstance(actor, User) else None
        if isinstance(actor, User):
            if (
                person is None
                or not BatchStaff.objects.filter(
                    batch=result.batch, person=person, duty=Duty.CHIEF_MARKER
                ).exists()
            ):
                raise _forbidden("只有本批次的阅卷组长可以仲裁")
        else:
            chief = BatchStaff.objects.filter(batch=result.batch, duty=Duty.CHIEF_MARKER).first()
            if chief is None:
                raise DomainError("marking.no_chief", "本批次未指定阅卷组长")
            person = chief.person
        assert person is not None
        value = _score_arg(score, field="score", maximum=float(script.max_score))
        if Mark.objects.filter(script=script, marker=person).exists():
            raise DomainError("marking.chief_marked", "阅卷组长已评过该答卷，应由其他组长仲裁")
        Mark.objects.create(
            script=script,
            round=MarkRound.ARBITRATION,
            marker=person,
            score=_dec(value),
            marked_at=timezone.now(),
        )
        script.final_score = _dec(value)
        script.status = ScriptStatus.FINAL
        script.save(update_fields=["final_score", "status"])
        _theory_refresh(script.result_id)
        audit_record(actor=actor, action="script.arbitrate", obj=script, changes={"score": value})
    return script


# --- practical and panel ---


def _assessor(actor: Any, result: Result, duty: str, given: Person | None) -> Person:
    user = _user(actor)
    person = given if user is None else person_of_user(user)
    if (
        person is None
        or not BatchStaff.objects.filter(batch=result.batch, person=person, duty=duty).exists()
    ):
        label = "操作技能考评员" if duty == Duty.PRACTICAL else "综合评审专家"
        raise _forbidden(f"只有本批次的{label}可以评分")
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
    actor: Any,
    examiner: Person | None = None,
) -> PracticalSheet:
    """One examiner's scoring sheet; when every examiner of the batch has scored, the final
    practical score follows the standard's rule (mean, or drop highest and lowest)."""
    if not items:
        raise DomainError("practical.sheet_empty", "评分表没有评分项", field="items")
    cleaned: list[dict[str, Any]] = []
    for i, row in enumerate(items, start=1):
        maximum = _score_arg(row.get("max"), field=f"items[{i}].max")
        value = _score_arg(row.get("score"), field=f"items[{i}].score", maximum=maximum)
        cleaned.append({"item": str(row.get("item") or i), "max": maximum, "score": value})
    if sum(r["max"] for r in cleaned) > 100:
        raise DomainError("practical.sheet_total", "评分表各项满分之和不能超过100", field="items")
    total = rules.round_score(sum(Decimal(str(r["score"])) for r in cleaned))
    with transaction.atomic():
        result = _lock_result(result)
        _writable(result)
        if result.practical_state in (PartState.ABSENT, PartState.VOIDED, PartState.NOT_REQUIRED):
            raise DomainError(
                "practical.not_sitting",
                f"考生操作技能状态为“{PartState(result.practical_state).label}”，不能评分",
            )
        person = _assessor(actor, result, Duty.PRACTICAL, examiner)
        if PracticalSheet.objects.filter(result=result, examiner=person).exists():
            raise DomainError("practical.sheet_twice", "本人已提交该考生的评分表")
        sheet = PracticalSheet.objects.create(
            result=result, examiner=person, items=cleaned, total=_d(total)
        )
        examiners = staff_person_ids(batch=result.batch, duty=Duty.PRACTICAL)
        sheets = list(PracticalSheet.objects.filter(result=result).order_by("pk"))
        if len(sheets) == len(examiners):
            rule = scoring_rules_for(occupation_id=result.occupation_id, level=result.level)
            final = rules.practical_final(
                [float(s.total) for s in sheets], rule=rule.practical_rule
            )
            result.practical_score = _dec(final)
            result.practical_state = PartState.SCORED
            result.save(update_fields=["practical_score", "practical_state", "updated_at"])
        audit_record(
            actor=actor,
            action="practical.sheet",
            obj=result,
            changes={"examiner": person.pk, "total": total},
        )
    return sheet


def panel_mark_submit(
    *, result: Result, score: Any, note: str = "", actor: Any, member: Person | None = None
) -> PanelMark:
    """A panel member's mark (levels 2 and 1); the panel score is the members' mean."""
    value = _score_arg(score, field="score")
    with transaction.atomic():
        result = _lock_result(result)
        _writable(result)
        if result.level not in (1, 2) or result.panel_state == PartState.NOT_REQUIRED:
            raise DomainError("panel.not_required", "只有二级、一级需要综合评审", field="result")
        person = _assessor(actor, result, Duty.PANEL, member)
        if PanelMark.objects.filter(result=result, member=person).exists():
            raise DomainError("panel.mark_twice", "本人已评过该考生")
        mark = PanelMark.objects.create(
            result=result, member=person, score=_d(value), note=note[:300]
        )
        members = staff_person_ids(batch=result.batch, duty=Duty.PANEL)
        marks = list(PanelMark.objects.filter(result=result))
        if len(marks) == len(members):
            result.panel_score = _dec(rules.mean_score([float(m.score) for m in marks]))
            result.panel_state = PartState.SCORED
            result.save(update_fields=["panel_score", "panel_state", "updated_at"])
        audit_record(
            actor=actor,
            action="panel.mark",
            obj=result,
            changes={"member": person.pk, "score": value},
        )
    return mark


# --- submission, reopening ---


def _decide(result: Result) -> None:
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


def batch_submit(*, batch: ResultBatch, actor: Any) -> ResultBatch:
    """The dedicated account submits the batch: pass decisions are taken and entry locks."""
    with transaction.atomic():
        batch = _lock_batch(batch)
        _require_entry_account(actor, batch)
        _move_batch(batch, BatchStatus.SUBMITTED)
        results = list(Result.objects.select_for_update().filter(batch=batch).order_by("pk"))
        if not results:
            raise DomainError("scoring.batch_empty", "成绩批次中没有考生")
        for row in results:
            missing = _incomplete(row)
            if missing:
                raise DomainError(
                    "scoring.entry_incomplete",
                    f"考生 {row.candidate_ref} 的{missing}尚未评定（缺考、违纪须如实记录）",
                    field=row.candidate_ref,
                )
            _decide(row)
            row.status = ResultStatus.SUBMITTED
        Result.objects.bulk_update(results, ["passed", "decision_note", "status"], batch_size=1000)
        batch.submitted_at = timezone.now()
        batch.save(update_fields=["status", "submitted_at"])
        audit_record(
            actor=actor,
            action="result_batch.submit",
            obj=batch,
            changes={
                "status": [BatchStatus.ENTERING, batch.status],
                "results": len(results),
                "passed": sum(1 for r in results if r.passed),
            },
        )
    return batch


def batch_reopen(*, batch: ResultBatch, reason: str, actor: Any) -> ResultBatch:
    """An officer reopens a submitted batch for corrections, with a reason."""
    if not reason.strip():
        raise DomainError("scoring.reason_required", "重新开放录入须填写原因", field="reason")
    with transaction.atomic():
        batch = _lock_batch(batch)
        if not _officer_over(actor, batch.organization.region_id):
            raise _forbidden("只有主管部门可以重新开放成绩录入")
        before = batch.status
        _move_batch(batch, BatchStatus.ENTERING)
        Result.objects.filter(batch=batch, status=ResultStatus.SUBMITTED).update(
            status=ResultStatus.DRAFT
        )
        batch.reopened_count += 1
        batch.save(update_fields=["status", "reopened_count"])
        audit_record(
            actor=actor,
            action="result_batch.reopen",
            obj=batch,
            changes={"status": [before, batch.status], "reason": reason.strip()[:500]},
        )
    return batch


# --- publication ---


def batch_publish(
    *, batch: ResultBatch, district: str = "", actor: Any, today: dt.date | None = None
) -> Publication:
    """Publish the batch's results (of one district, or every district not yet published).
    The re-check window runs from the publication day."""
    district = district.strip()
    today = today or timezone.localdate()
    with transaction.atomic():
        batch = _lock_batch(batch)
        _require_org_or_officer(actor, batch, "发布成绩")
        if batch.status not in (BatchStatus.SUBMITTED, BatchStatus.PUBLISHED):
            raise DomainError(
                "scoring.publish_status",
                f"成绩批次状态为“{BATCH_LABELS[batch.status]}”，不能发布",
            )
        rows = Result.objects.select_for_update().filter(batch=batch, status=ResultStatus.SUBMITTED)
        if district:
            rows = rows.filter(district=district)
        results = list(rows.select_related("application").order_by("pk"))
        if not results:
            raise DomainError(
                "scoring.nothing_to_publish",
                f"考区“{district}”没有待发布的成绩" if district else "没有待发布的成绩",
                field="district",
            )
        if Publication.objects.filter(batch=batch, district=district).exists():
            raise DomainError("scoring.published_twice", "该考区已发布", field="district")
        closes = workdays_add(today, recheck_workdays(region_code=batch.organization.region_id))
        now = timezone.now()
        for row in results:
            row.status = ResultStatus.PUBLISHED
            row.published_at = now
            row.recheck_closes_on = closes
        Result.objects.bulk_update(
            results, ["status", "published_at", "recheck_closes_on"], batch_size=1000
        )
        publication = Publication.objects.create(
            batch=batch,
            district=district,
            published_at=now,
            recheck_closes_on=closes,
            published_by=_user(actor),
            count=len(results),
        )
        if batch.status == BatchStatus.SUBMITTED:
            _move_batch(batch, BatchStatus.PUBLISHED)
            batch.save(update_fields=["status"])
        audit_record(
            actor=actor,
            action="result_batch.publish",
            obj=batch,
            changes={"district": district, "count": len(results), "recheck_closes_on": closes},
        )
        notify(
            [
                _notice(
                    r,
                    "成绩已发布",
                    f"您的评价成绩已发布，如有异议可在 {closes:%Y年%m月%d日} 前申请复查。",
                )
                for r in results
            ]
        )
    return publication


# --- re-check ---


def recheck_request(
    *, result: Result, subject: str, reason: str = "", actor: Any, today: dt.date | None = None
) -> Recheck:
    """The candidate asks for a re-check of one subject within the window."""
    today = today or timezone.localdate()
    if subject not in PART_FIELDS:
        raise DomainError("recheck.subject_invalid", f"未知科目 {subject!r}", field="subject")
    with transaction.atomic():
        result = _lock_result(result)
        user = _user(actor)
        if user is not None and result.application.candidate.user_id != user.pk:
            raise _forbidden("只能为本人的成绩申请复查")
        if result.status != ResultStatus.PUBLISHED:
            raise DomainError("recheck.not_published", "成绩尚未发布或已登记，不能申请复查")
        if result.recheck_closes_on is None or today > result.recheck_closes_on:
            raise DomainError(
                "recheck.window_closed",
                f"复查申请期限已过（截止 {result.recheck_closes_on}）",
                field="subject",
            )
        if getattr(result, f"{subject}_state") != PartState.SCORED:
            raise DomainError(
                "recheck.subject_not_scored", "该科目没有可复查的成绩", field="subject"
            )
        if Recheck.objects.filter(result=result, subject=subject).exists():
            raise DomainError("recheck.duplicate", "该科目已申请过复查", field="subject")
        recheck = Recheck.objects.create(result=result, subject=subject, reason=reason[:300])
        audit_record(
            actor=actor, action="recheck.request", obj=result, changes={"subject": subject}
        )
    return recheck


def _readd(result: Result, subject: str) -> Decimal | None:
    """Re-add the recorded marks (no re-marking)."""
    if subject == "theory":
        scripts = list(Script.objects.filter(result=result))
        if any(s.status != ScriptStatus.FINAL for s in scripts):
            return result.theory_score
        subjective = sum(float(s.final_score or 0) for s in scripts)
        return (
            _theory_from(result, _paper_total_for(result), subjective)
            if scripts
            else (
                _theory_from(result, _paper_total_for(result), 0.0)
                if result.theory_objective is not None
                else result.theory_score
            )
        )
    if subject == "practical":
        sheets = list(PracticalSheet.objects.filter(result=result).order_by("pk"))
        if not sheets:
            return result.practical_score
        totals = [rules.round_score(sum(Decimal(str(i["score"])) for i in s.items)) for s in sheets]
        rule = scoring_rules_for(occupation_id=result.occupation_id, level=result.level)
        return _dec(rules.practical_final(totals, rule=rule.practical_rule))
    marks = list(PanelMark.objects.filter(result=result))
    if not marks:
        return result.panel_score
    return _dec(rules.mean_score([float(m.score) for m in marks]))


def recheck_complete(*, recheck: Recheck, outcome: str = "", actor: Any) -> Recheck:
    """Re-add and re-record the subject's marks; a change updates the score and the decision.
    Audited and notified either way."""
    with transaction.atomic():
        recheck = Recheck.objects.select_for_update().get(pk=recheck.pk)
        result = _lock_result(recheck.result)
        _require_org_or_officer(actor, result.batch, "办理复查")
        if recheck.status != RecheckStatus.REQUESTED:
            raise DomainError("recheck.done", "该复查已办结")
        if result.status == ResultStatus.REGISTERED:
            raise DomainError("scoring.registered", "成绩已登记备案，不能修改")
        subject = recheck.subject
        before = getattr(result, f"{subject}_score")
        after = _readd(result, subject)
        recheck.before, recheck.after = before, after
        recheck.changed = before != after
        if recheck.changed:
            setattr(result, f"{subject}_score", after)
            _decide(result)
            result.save(update_fields=[f"{subject}_score", "passed", "decision_note", "updated_at"])
        recheck.status = RecheckStatus.COMPLETED
        recheck.outcome = (outcome.strip() or ("成绩更正" if recheck.changed else "成绩无误"))[:300]
        recheck.handled_by = _user(actor)
        recheck.handled_at = timezone.now()
        recheck.save()
        audit_record(
            actor=actor,
            action="recheck.complete",
            obj=result,
            changes={
                "subject": subject,
                "score": [before, after],
                "changed": recheck.changed,
                "passed": result.passed,
            },
        )
        label = rules.PART_NAMES[subject]
        notify(
            [
                _notice(
                    result,
                    "成绩复查结果",
                    f"{label}复查完成：{recheck.outcome}，复查后成绩 {after}。"
                    + ("评定结果已随之更正。" if recheck.changed else ""),
                )
            ]
        )
    return recheck


# --- registration ---


def _supervision_hold(batch: ResultBatch) -> str:
    if not apps.is_installed("skillcert.supervision"):
        return ""
    from skillcert.supervision.selectors import registration_blocked

    hold = registration_blocked(batch.plan)
    return str(getattr(hold, "reason", "") or "质量督导报告未提交") if hold is not None else ""


def batch_registration_submit(
    *, batch: ResultBatch, actor: Any, today: dt.date | None = None
) -> ResultBatch:
    """After every district is published and every re-check window has closed, the
    organisation submits the batch for registration (登记备案)."""
    today = today or timezone.localdate()
    with transaction.atomic():
        batch = _lock_batch(batch)
        if not _org_staff_of(actor, batch.organization_id):
            raise _forbidden("只有本评价机构可以提交登记备案")
        if Result.objects.filter(batch=batch, status=ResultStatus.SUBMITTED).exists():
            raise DomainError("registration.unpublished", "仍有考区的成绩未发布")
        closes = Result.objects.filter(batch=batch).aggregate(m=Max("recheck_closes_on"))["m"]
        if closes is not None and today <= closes:
            raise DomainError(
                "registration.recheck_window_open", f"复查期至 {closes} 结束，之后方可登记备案"
            )
        if Recheck.objects.filter(result__batch=batch, status=RecheckStatus.REQUESTED).exists():
            raise DomainError("registration.recheck_pending", "仍有未办结的复查申请")
        hold = _supervision_hold(batch)
        if hold:
            raise DomainError(
                "registration.supervision_hold", f"本批次列入质量督导抽查，暂缓登记：{hold}"
            )
        before = batch.status
        _move_batch(batch, BatchStatus.REGISTRATION)
        batch.registration_submitted_at = timezone.now()
        batch.save(update_fields=["status", "registration_submitted_at"])
        audit_record(
            actor=actor,
            action="result_batch.registration_submit",
            obj=batch,
            changes={"status": [before, batch.status]},
        )
    return batch


def batch_register(*, batch: ResultBatch, actor: Any) -> ResultBatch:
    """The authority confirms the registration: results become immutable and feed certificates."""
    with transaction.atomic():
        batch = _lock_batch(batch)
        if not _officer_over(actor, batch.organization.region_id):
            raise _forbidden("只有主管部门可以确认登记备案")
        hold = _supervision_hold(batch)
        if hold:
            raise DomainError(
                "registration.supervision_hold", f"本批次列入质量督导抽查，暂缓登记：{hold}"
            )
        before = batch.status
        _move_batch(batch, BatchStatus.REGISTERED)
        now = timezone.now()
        count = Result.objects.filter(batch=batch, status=ResultStatus.PUBLISHED).update(
            status=ResultStatus.REGISTERED, registered_at=now
        )
        batch.registered_at = now
        batch.registered_by = _user(actor)
        batch.save(update_fields=["status", "registered_at", "registered_by"])
        audit_record(
            actor=actor,
            action="result_batch.register",
            obj=batch,
            changes={"status": [before, batch.status], "results": count},
        )
    return batch


def batch_registration_return(*, batch: ResultBatch, reason: str, actor: Any) -> ResultBatch:
    if not reason.strip():
        raise DomainError("scoring.reason_required", "退回登记须填写原因", field="reason")
    with transaction.atomic():
        batch = _lock_batch(batch)
        if not _officer_over(actor, batch.organization.region_id):
            raise _forbidden("只有主管部门可以退回登记备案")
        before = batch.status
        _move_batch(batch, BatchStatus.PUBLISHED)
        batch.save(update_fields=["status"])
        audit_record(
            actor=actor,
            action="result_batch.registration_return",
            obj=batch,
            changes={"status": [before, batch.status], "reason": reason.strip()[:500]},
        )
    return batch


# --- enterprise self-evaluation, competition, direct channel ---


def enterprise_scheme_set(
    *,
    plan: EvaluationPlan,
    occupation: Occupation,
    methods: Sequence[str],
    weights: Mapping[str, Any],
    evidence: Mapping[str, Sequence[str]],
    actor: Any,
    pass_mark: Any = 60,
    conduct_pass_mark: Any = 60,
    candidate_kinds: Sequence[str] = ("employee",),
) -> EnterpriseScheme:
    """An enterprise plan's design for one occupation: methods (one or a mix), the four
    dimensions' weights (summing to 1) and methods of evidence, and the pass marks."""
    if not _org_staff_of(actor, plan.organization_id):
        raise _forbidden("只有本企业可以设置评价方案")
    if plan.kind != PlanKind.ENTERPRISE:
        raise DomainError(
            "enterprise.plan_kind", "只有企业自主评价计划可以设置评价方案", field="plan"
        )
    if not plan.offerings.filter(occupation=occupation).exists():
        raise DomainError(
            "enterprise.occupation", f"计划未包含职业 {occupation.name}", field="occupation"
        )
    bad = [m for m in methods if m not in ENTERPRISE_METHODS]
    if not methods or bad:
        raise DomainError(
            "enterprise.methods",
            "评价方式应为过程考核、结果认定、业绩评审、技能竞赛、校企合作中的一种或多种",
            field="methods",
        )
    clean_weights: dict[str, float] = {}
    for dim in rules.DIMENSIONS:
        try:
            clean_weights[dim] = float(weights.get(dim, 0))
        except (TypeError, ValueError):
            raise DomainError(
                "enterprise.weights", f"{dim}的权重应为数字", field="weights"
            ) from None
        if clean_weights[dim] <= 0 or clean_weights[dim] > 1:
            raise DomainError("enterprise.weights", f"{dim}的权重应在 0 到 1 之间", field="weights")
    if abs(sum(clean_weights.values()) - 1.0) > 1e-6:
        raise DomainError(
            "enterprise.weights",
            f"四个维度的权重之和应为 1，当前为 {sum(clean_weights.values()):g}",
            field="weights",
        )
    clean_evidence: dict[str, list[str]] = {}
    for dim in rules.DIMENSIONS:
        chosen = list(evidence.get(dim, ()))
        if not chosen or any(e not in EVIDENCE_METHODS for e in chosen):
            raise DomainError(
                "enterprise.evidence",
                f"{dim}的评价方法应从自我评价、同行评议、民意调查、生产记录、考核测评中选择",
                field="evidence",
            )
        clean_evidence[dim] = chosen
    kinds = [k for k in candidate_kinds if k in CANDIDATE_KINDS]
    if len(kinds) != len(candidate_kinds) or not kinds:
        raise DomainError(
            "enterprise.candidate_kinds",
            "参评人员类别应为本单位职工、学徒、劳务派遣人员或合作院校学生",
            field="candidate_kinds",
        )
    marks = (
        _score_arg(pass_mark, field="pass_mark"),
        _score_arg(conduct_pass_mark, field="conduct_pass_mark"),
    )
    with transaction.atomic():
        scheme, created = EnterpriseScheme.objects.update_or_create(
            plan=plan,
            occupation=occupation,
            defaults={
                "methods": list(dict.fromkeys(methods)),
                "weights": clean_weights,
                "evidence": clean_evidence,
                "pass_mark": Decimal(str(marks[0])),
                "conduct_pass_mark": Decimal(str(marks[1])),
                "candidate_kinds": kinds,
            },
        )
        audit_record(
            actor=actor,
            action="enterprise_scheme.set",
            obj=scheme,
            changes={"methods": scheme.methods, "weights": clean_weights, "created": created},
        )
    return scheme


def result_evaluate_enterprise(*, result: Result, scores: Mapping[str, Any], actor: Any) -> Result:
    """The enterprise account records the four dimensions; 品德 failing fails the evaluation."""
    clean = {d: _score_arg(scores.get(d), field=d) for d in rules.DIMENSIONS}
    with transaction.atomic():
        result = _lock_result(result)
        _require_entry_account(actor, result.batch)
        _writable(result)
        if result.route != Route.SELF_EVALUATION:
            raise DomainError("enterprise.route", "该成绩不是企业自主评价", field="result")
        scheme = EnterpriseScheme.objects.filter(
            plan_id=result.batch.plan_id, occupation_id=result.occupation_id
        ).first()
        if scheme is None:
            raise DomainError("enterprise.scheme_missing", "该职业尚未设置企业评价方案")
        outcome = rules.enterprise_evaluation(
            scores=clean,
            weights={k: float(v) for k, v in scheme.weights.items()},
            pass_mark=float(scheme.pass_mark),
            conduct_pass_mark=float(scheme.conduct_pass_mark),
        )
        result.dimension_scores = clean
        result.weighted_score = _dec(outcome.weighted)
        result.passed = outcome.passed
        result.decision_note = outcome.reason or "合格"
        result.save(
            update_fields=[
                "dimension_scores",
                "weighted_score",
                "passed",
                "decision_note",
                "updated_at",
            ]
        )
        audit_record(
            actor=actor,
            action="result.enterprise",
            obj=result,
            changes={"scores": clean, "weighted": outcome.weighted, "passed": outcome.passed},
        )
    return result


def result_recognise(*, result: Result, route: str, passed: bool, note: str, actor: Any) -> Result:
    """A level recognised through a skill competition (entered by the entry account) or the
    high-skill direct channel (decided by the authority); registered through the same path."""
    if route not in (Route.COMPETITION, Route.DIRECT):
        raise DomainError(
            "recognition.route", "认定途径应为技能竞赛或高技能人才直评", field="route"
        )
    if not note.strip():
        raise DomainError(
            "recognition.note", "须填写认定依据（竞赛名次或直评决定文号）", field="note"
        )
    with transaction.atomic():
        result = _lock_result(result)
        _writable(result)
        if route == Route.DIRECT:
            if not _officer_over(actor, result.batch.organization.region_id):
                raise _forbidden("高技能人才直评由主管部门认定")
        else:
            _require_entry_account(actor, result.batch)
        before = result.route
        result.route = route
        result.passed = bool(passed)
        result.decision_note = note.strip()[:200]
        for part in ("theory", "practical", "panel"):
            setattr(result, f"{part}_state", PartState.NOT_REQUIRED)
        result.save()
        audit_record(
            actor=actor,
            action="result.recognise",
            obj=result,
            changes={
                "route": [before, route],
                "passed": result.passed,
                "note": result.decision_note,
            },
        )
    return result


def results_for_refs(*, batch: ResultBatch, refs: Sequence[str]) -> dict[str, Result]:
    return {r.candidate_ref: r for r in Result.objects.filter(batch=batch, candidate_ref__in=refs)}


def results_pending(batch: ResultBatch) -> int:
    return (
        Result.objects.filter(batch=batch)
        .filter(
            Q(theory_state=PartState.PENDING)
            | Q(practical_state=PartState.PENDING)
            | Q(panel_state=PartState.PENDING)
        )
        .count()
    )
