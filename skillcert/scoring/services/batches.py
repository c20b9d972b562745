"""Result batches: opening (one result per approved application), the dedicated entry
account, and the people who mark, examine and review."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import TYPE_CHECKING

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from skillcert.accounts.scope import scope_for
from skillcert.applications.selectors import applications_by_id
from skillcert.audit.services import audit_record
from skillcert.common.errors import DomainError
from skillcert.exams.selectors import exam_day_outcomes
from skillcert.personnel import recusal
from skillcert.personnel.recusal import ASSESSING_ROLES
from skillcert.personnel.selectors import assessor_facts_of, policy_for, staffing_refusals
from skillcert.personnel.services import Staffed, practice_records_sync
from skillcert.plans.choices import PlanKind, PlanMethod
from skillcert.scoring import rules
from skillcert.scoring.models import (
    BatchDuty,
    BatchStaff,
    BatchStatus,
    Mark,
    PanelMark,
    PartState,
    PracticalSheet,
    Result,
    ResultBatch,
    ResultStatus,
    Route,
)
from skillcert.scoring.selectors import (
    CandidateRef,
    candidate_ids_for_plan,
    person_of_user,
    previous_panel,
    scoring_rules_for,
)
from skillcert.scoring.services._access import (
    forbidden,
    officer_over,
    org_staff_of,
    require_org_or_officer,
)
from skillcert.scoring.services._common import (
    lock_batch,
)

if TYPE_CHECKING:
    from skillcert.accounts.actors import Actor
    from skillcert.accounts.models import User
    from skillcert.applications.models import Application
    from skillcert.occupations.models import Occupation
    from skillcert.personnel.models import Person
    from skillcert.plans.models import EvaluationPlan


def _route_for(plan: EvaluationPlan) -> str:
    if plan.method == PlanMethod.COMPETITION:
        return Route.COMPETITION
    if plan.kind == PlanKind.ENTERPRISE:
        return Route.SELF_EVALUATION
    return Route.EXAM


def _batch_get_or_create(plan: EvaluationPlan) -> tuple[ResultBatch, bool]:
    offering = plan.offerings.order_by("pk").first()
    threshold = (
        scoring_rules_for(occupation_id=offering.occupation_id, level=offering.level)
        if offering
        else None
    )
    return ResultBatch.objects.get_or_create(
        plan=plan,
        defaults={
            "organization_id": plan.organization_id,
            "route": _route_for(plan),
            "double_mark_threshold": Decimal(str(threshold.double_mark_threshold))
            if threshold
            else Decimal("10"),
        },
    )


def _new_result(batch: ResultBatch, app: Application, ref: CandidateRef) -> Result:
    not_exam = batch.route != Route.EXAM
    return Result(
        batch=batch,
        application=app,
        organization_id=batch.organization_id,
        occupation_id=app.occupation_id,
        specialty_id=app.specialty_id,
        level=app.level,
        route=batch.route,
        candidate_ref=ref.ref,
        district=ref.district,
        theory_state=PartState.NOT_REQUIRED if not_exam else PartState.PENDING,
        practical_state=PartState.NOT_REQUIRED if not_exam else PartState.PENDING,
        panel_state=PartState.PENDING
        if app.level in (1, 2) and not not_exam
        else PartState.NOT_REQUIRED,
    )


def _results_sync(batch: ResultBatch, plan: EvaluationPlan) -> tuple[list[Result], list[Result]]:
    """New results for new approvals, and draft results whose id or district changed (those
    as rows holding only the primary key and the two new values: a re-sync with nothing to
    change, as on every answer file, reads plain values and builds no rows)."""
    refs = candidate_ids_for_plan(plan=plan)
    existing = {
        app_id: (pk, status, candidate_ref, district)
        for app_id, pk, status, candidate_ref, district in Result.objects.filter(
            batch=batch
        ).values_list("application_id", "pk", "status", "candidate_ref", "district")
    }
    missing = [r.application_id for r in refs if r.application_id not in existing]
    applications = applications_by_id(ids=missing) if missing else {}
    new: list[Result] = []
    changed: list[Result] = []
    for ref in refs:
        row = existing.get(ref.application_id)
        if row is None:
            new.append(_new_result(batch, applications[ref.application_id], ref))
        elif row[1] == ResultStatus.DRAFT and row[2:] != (ref.ref, ref.district):
            changed.append(Result(pk=row[0], candidate_ref=ref.ref, district=ref.district))
    return new, changed


def _exam_day_carry_over(
    batch: ResultBatch, plan: EvaluationPlan, new: list[Result]
) -> tuple[list[Result], int]:
    """Absences and voiding misconduct decisions recorded on exam day, put on the parts still
    pending (new results, and draft ones while entry is open): the entry account does not
    type them in again, and a part already scored or recorded is left as it is.
    Returns the existing results changed and the number of parts recorded."""
    outcomes = exam_day_outcomes(plan=plan)
    if not outcomes:
        return [], 0
    rows = {r.application_id: r for r in new}
    if batch.status == BatchStatus.ENTERING:
        # Only rows with a part still pending can change (after the first sync, none).
        pending = Q()
        for subject in sorted({o.subject for o in outcomes}):
            pending |= Q(**{f"{subject}_state": PartState.PENDING})
        existing = Result.objects.filter(
            pending,
            batch=batch,
            status=ResultStatus.DRAFT,
            application_id__in=sorted({o.application_id for o in outcomes} - set(rows)),
        ).order_by("pk")
        rows.update({r.application_id: r for r in existing})
    touched: dict[int, Result] = {}
    parts = 0
    for outcome in outcomes:
        row = rows.get(outcome.application_id)
        if row is None or getattr(row, f"{outcome.subject}_state") != PartState.PENDING:
            continue
        setattr(row, f"{outcome.subject}_state", outcome.state)
        setattr(row, f"{outcome.subject}_score", None)
        parts += 1
        if row.pk is not None:
            touched[row.pk] = row
    return [touched[pk] for pk in sorted(touched)], parts


def batch_open(*, plan: EvaluationPlan, actor: Actor) -> ResultBatch:
    """The plan's result batch, with one result per approved application (idempotent: new
    approvals are added; while entry is open, ids switch to ticket numbers once tickets exist)."""
    if not (
        org_staff_of(actor, plan.organization_id)
        or officer_over(actor, plan.organization.region_id)
    ):
        raise forbidden("只有本评价机构或主管部门可以建立成绩批次")
    with transaction.atomic():
        batch, created = _batch_get_or_create(plan)
        batch = lock_batch(batch)
        new, changed = _results_sync(batch, plan)
        if (new or changed) and batch.status != BatchStatus.ENTERING:
            raise DomainError("scoring.entry_locked", "成绩批次已提交，不能再加入考生")
        carried, parts = _exam_day_carry_over(batch, plan, new)
        Result.objects.bulk_create(new, batch_size=1000)
        Result.objects.bulk_update(changed, ["candidate_ref", "district"], batch_size=1000)
        Result.objects.bulk_update(
            carried,
            [
                f"{part}_{what}"
                for part in ("theory", "practical", "panel")
                for what in ("state", "score")
            ],
            batch_size=1000,
        )
        if created or new or changed or parts:
            audit_record(
                actor=actor,
                action="result_batch.open" if created else "result_batch.sync",
                obj=batch,
                changes={
                    "added": len(new),
                    "renumbered": len(changed),
                    "route": batch.route,
                    "exam_day_parts": parts,
                },
            )
    return batch


def batch_entry_account_set(*, batch: ResultBatch, user: User, actor: Actor) -> ResultBatch:
    """Designate the dedicated entry account: the batch's chief examiner (a chief marker of
    the batch) for social assessment, a staff account of the enterprise for self-evaluation."""
    with transaction.atomic():
        batch = lock_batch(batch)
        require_org_or_officer(actor, batch, "指定成绩录入账号")
        if batch.status != BatchStatus.ENTERING:
            raise DomainError("scoring.entry_locked", "成绩批次已提交，不能更换录入账号")
        if batch.route == Route.EXAM:
            person = person_of_user(user)
            if (
                person is None
                or not BatchStaff.objects.filter(
                    batch=batch, person=person, duty=BatchDuty.CHIEF_MARKER
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


def _require_may_assess(batch: ResultBatch, duty: str, people: Sequence[Person]) -> None:
    """Recusal and rotation hold whatever the occupation; the qualification must cover at
    least one occupation and level the person will assess in this batch; and the person must
    be active with an examiner role for one of the batch's occupations that passes its
    qualification check today (a province override lets a failed check through)."""
    today = timezone.localdate()
    offerings = list(batch.plan.offerings.select_related("occupation"))
    targets: list[tuple[Occupation | None, int | None]] = [(None, None)]
    if duty in (BatchDuty.PRACTICAL, BatchDuty.PANEL) and offerings:
        targets = [
            (o.occupation, o.level)
            for o in offerings
            if duty == BatchDuty.PRACTICAL or o.level in (1, 2)
        ] or targets
    occupation_ids = {o.occupation_id for o in offerings} or None
    organization = batch.organization
    # Everyone's recusal facts and qualification standing are read at once (a few queries
    # for the whole list); each person gets the answers `may_assess` / `staffing_refusal`
    # give one at a time, and the first refused person in the given order is named.
    max_consecutive = policy_for(province_code=organization.region_id).max_consecutive_sittings
    facts = assessor_facts_of(people=people)
    refusals = staffing_refusals(
        people=people, roles=ASSESSING_ROLES, on=today, occupation_ids=occupation_ids
    )
    for person in people:
        verdicts = [
            recusal.may_assess(
                facts[person.pk],
                recusal.Assignment(
                    on=today,
                    organization_id=organization.pk,
                    organization_name=organization.name,
                    occupation_code=occupation.code if occupation else "",
                    level=level,
                ),
                max_consecutive=max_consecutive or 1,
            )
            for occupation, level in targets
        ]
        if not any(v.allowed for v in verdicts):
            raise DomainError(
                "scoring.recusal", f"{person.name}：{verdicts[0].explanation()}", field="people"
            )
        refusal = refusals[person.pk]
        if refusal:
            raise DomainError(
                "scoring.staff_unqualified",
                f"{person.name}不能担任{BatchDuty(duty).label}：{refusal}",
                field="people",
            )


# What each batch duty is in the person's practice record (执业记录).
_PRACTICE_DUTY: dict[str, str] = {
    BatchDuty.MARKER: "examiner",
    BatchDuty.CHIEF_MARKER: "examiner",
    BatchDuty.PRACTICAL: "examiner",
    BatchDuty.PANEL: "panel",
}


def staff_set(
    *, batch: ResultBatch, duty: str, people: Sequence[Person], actor: Actor
) -> list[BatchStaff]:
    """Set the markers, chief markers, practical examiners or review panel of a batch. Practical
    examiners and the panel: at least 3, an odd number; the panel rotates at least half against
    the organisation's previous panel; everyone passes the recusal and rotation check. The
    people staffed get a practice record at the organisation (one per batch and duty)."""
    if duty not in BatchDuty.values:
        raise DomainError("scoring.duty_invalid", f"未知职责 {duty!r}", field="duty")
    with transaction.atomic():
        batch = lock_batch(batch)
        require_org_or_officer(actor, batch, "安排阅卷和考评人员")
        if batch.status != BatchStatus.ENTERING:
            raise DomainError("scoring.entry_locked", "成绩批次已提交，不能调整人员")
        ids = sorted({p.pk for p in people})
        if duty in (BatchDuty.PRACTICAL, BatchDuty.PANEL):
            rules.panel_composition(
                ids, previous=previous_panel(batch=batch) if duty == BatchDuty.PANEL else ()
            )
        if duty == BatchDuty.MARKER and len(ids) < 2:
            raise DomainError("scoring.markers_too_few", "双评需至少2名阅卷员", field="people")
        _require_may_assess(batch, duty, people)
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
        practice_records_sync(
            source=f"scoring.batch:{batch.pk}:{duty}",
            held_on=timezone.localdate(),
            staffed=[
                Staffed(
                    person_id=pk,
                    organization_id=batch.organization_id,
                    duty=_PRACTICE_DUTY[duty],
                )
                for pk in ids
            ],
            actor=actor,
        )
        audit_record(
            actor=actor,
            action="result_batch.staff",
            obj=batch,
            changes={"duty": duty, "people": ids},
        )
        return list(BatchStaff.objects.filter(batch=batch, duty=duty).order_by("person_id"))


def _has_work(batch: ResultBatch, duty: str, person_ids: set[int]) -> bool:
    if duty in (BatchDuty.MARKER, BatchDuty.CHIEF_MARKER):
        return Mark.objects.filter(script__result__batch=batch, marker_id__in=person_ids).exists()
    if duty == BatchDuty.PRACTICAL:
        return PracticalSheet.objects.filter(
            result__batch=batch, examiner_id__in=person_ids
        ).exists()
    return PanelMark.objects.filter(result__batch=batch, member_id__in=person_ids).exists()
