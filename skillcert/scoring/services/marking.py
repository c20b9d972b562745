"""Blind double marking: scripts dealt to two markers, a third marker when the two marks are
too far apart, and arbitration by the chief marker."""

from __future__ import annotations

import secrets
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils import timezone

from skillcert.audit.services import audit_record
from skillcert.common.errors import DomainError
from skillcert.itembank.choices import ItemType
from skillcert.scoring import rules
from skillcert.scoring.models import (
    BatchDuty,
    BatchStaff,
    BatchStatus,
    Mark,
    MarkRound,
    PartState,
    Result,
    ResultBatch,
    Script,
    ScriptStatus,
)
from skillcert.scoring.selectors import (
    person_of_user,
    staff_person_ids,
)
from skillcert.scoring.services._access import (
    acting_person,
    forbidden,
    require_org_or_officer,
)
from skillcert.scoring.services._common import (
    as_score_or_none,
    lock_batch,
    paper_total_for,
    require_writable,
    score_arg,
    theory_from,
)

if TYPE_CHECKING:
    from skillcert.accounts.actors import Actor
    from skillcert.itembank.models import Paper
    from skillcert.personnel.models import Person


def scripts_create(*, batch: ResultBatch, paper: Paper, actor: Actor) -> int:
    """One blind script per candidate and subjective item of the paper; each script goes to
    two different markers (balanced). Candidates recorded absent or voided get none."""
    with transaction.atomic():
        batch = lock_batch(batch)
        require_org_or_officer(actor, batch, "分发主观题答卷")
        if batch.status != BatchStatus.ENTERING:
            raise DomainError("scoring.entry_locked", "成绩批次已提交，不能分发答卷")
        markers = staff_person_ids(batch=batch, duty=BatchDuty.MARKER)
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
    markers = [m for m in staff_person_ids(batch=batch, duty=BatchDuty.MARKER) if m not in taken]
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
        script.final_score = as_score_or_none(outcome.final)
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
    total = paper_total_for(result)
    result.theory_score = theory_from(result, total, subjective)
    result.theory_state = PartState.SCORED
    result.save(update_fields=["theory_score", "theory_state", "updated_at"])


def mark_submit(*, mark: Mark, score: Any, actor: Actor) -> Mark:
    """A marker records their mark; they see only the blind code (never the candidate or the
    other mark). Two marks within the threshold settle the script; otherwise a third marker
    marks, and the chief marker arbitrates when the third is still too far."""
    with transaction.atomic():
        mark = Mark.objects.select_for_update().select_related("script", "marker").get(pk=mark.pk)
        script = Script.objects.select_for_update().get(pk=mark.script_id)
        result = Result.objects.select_related("batch").get(pk=script.result_id)
        require_writable(result)
        user = acting_person(actor)
        if user is not None and mark.marker.user_id != user.pk:
            raise forbidden("只能录入分配给本人的评分")
        if mark.score is not None:
            raise DomainError("marking.already_marked", "该答卷已评分，不能重复评分", field="score")
        if mark.round == MarkRound.ARBITRATION:
            raise DomainError("marking.arbitration_only", "仲裁分由阅卷组长录入", field="score")
        value = score_arg(score, field="score", maximum=float(script.max_score))
        mark.score = as_score_or_none(value)
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


def _arbitrator(actor: Actor, batch: ResultBatch) -> Person:
    """A person arbitrates as themselves (a chief marker of the batch); a trusted process as
    the batch's first chief marker."""
    user = acting_person(actor)
    if user is None:
        chief = BatchStaff.objects.filter(batch=batch, duty=BatchDuty.CHIEF_MARKER).first()
        if chief is None:
            raise DomainError("marking.no_chief", "本批次未指定阅卷组长")
        return chief.person
    person = person_of_user(user)
    if (
        person is None
        or not BatchStaff.objects.filter(
            batch=batch, person=person, duty=BatchDuty.CHIEF_MARKER
        ).exists()
    ):
        raise forbidden("只有本批次的阅卷组长可以仲裁")
    return person


def script_arbitrate(*, script: Script, score: Any, actor: Actor) -> Script:
    with transaction.atomic():
        script = Script.objects.select_for_update().get(pk=script.pk)
        result = Result.objects.select_related("batch").get(pk=script.result_id)
        require_writable(result)
        if script.status != ScriptStatus.NEEDS_ARBITRATION:
            raise DomainError("marking.no_arbitration", "该答卷无需仲裁", field="script")
        person = _arbitrator(actor, result.batch)
        value = score_arg(score, field="score", maximum=float(script.max_score))
        if Mark.objects.filter(script=script, marker=person).exists():
            raise DomainError("marking.chief_marked", "阅卷组长已评过该答卷，应由其他组长仲裁")
        Mark.objects.create(
            script=script,
            round=MarkRound.ARBITRATION,
            marker=person,
            score=as_score_or_none(value),
            marked_at=timezone.now(),
        )
        script.final_score = as_score_or_none(value)
        script.status = ScriptStatus.FINAL
        script.save(update_fields=["final_score", "status"])
        _theory_refresh(script.result_id)
        audit_record(actor=actor, action="script.arbitrate", obj=script, changes={"score": value})
    return script
