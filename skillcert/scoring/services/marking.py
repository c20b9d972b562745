"""Blind double marking: scripts dealt to two markers, a third marker when the two marks are
too far apart, and arbitration by the chief marker."""

from __future__ import annotations

import secrets
from collections import defaultdict
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.db.models import Count
from django.utils import timezone

from skillcert.audit.services import audit_record, audit_record_batch
from skillcert.common.batch_input import all_locked
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
    results_update_by_value,
    score_arg,
    theory_from,
)

if TYPE_CHECKING:
    import datetime as dt

    from skillcert.accounts.actors import Actor
    from skillcert.accounts.models import User
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


def _marking_outcome(marks: Mapping[int, Mark], batch: ResultBatch) -> rules.DoubleMarking | None:
    """The double-marking rule over a script's marks by round, or None while a mark it
    needs is still open."""
    scored = [marks[r] for r in (1, 2, 3) if r in marks and marks[r].score is not None]
    if len(scored) < 2 or (MarkRound.THIRD in marks and marks[MarkRound.THIRD].score is None):
        return None
    return rules.double_marking(
        [float(m.score) for m in scored if m.score is not None],
        threshold=float(batch.double_mark_threshold),
    )


def _script_settle(script: Script, batch: ResultBatch) -> None:
    outcome = _marking_outcome({m.round: m for m in script.marks.all()}, batch)
    if outcome is None:
        return
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


# --- a marker's sheet at once -----------------------------------------------------------------


def _third_markers_load(batch: ResultBatch) -> tuple[list[int], dict[int, int]]:
    """The batch's markers and each one's unmarked marks (anywhere), read once for a sheet:
    `_third_marker`'s inputs, kept up to date by the caller as third marks are dealt."""
    markers = staff_person_ids(batch=batch, duty=BatchDuty.MARKER)
    load = dict.fromkeys(markers, 0)
    for marker_id, count in (
        Mark.objects.filter(marker_id__in=markers, score__isnull=True)
        .order_by()
        .values("marker_id")
        .annotate(n=Count("id"))
        .values_list("marker_id", "n")
    ):
        load[marker_id] = count
    return markers, load


def _scripts_settle(scripts: list[Script], batch: ResultBatch) -> None:
    """`_script_settle` of many locked scripts, in primary-key order, from their marks read
    in one query: final scripts and those needing a third marker or arbitration are written
    in one UPDATE per outcome, third marks inserted together (each to the least-loaded
    marker who has not marked the script, as `_third_marker` deals them), and the theory
    score of each candidate whose scripts are now all final refreshed."""
    marks: dict[int, dict[int, Mark]] = defaultdict(dict)
    for mark in Mark.objects.filter(script__in=scripts).order_by("pk"):
        marks[mark.script_id][mark.round] = mark
    markers: list[int] | None = None
    load: dict[int, int] = {}
    thirds: list[Mark] = []
    settled: list[Script] = []
    for script in scripts:
        given = marks[script.pk]
        outcome = _marking_outcome(given, batch)
        if outcome is None:
            continue
        if outcome.status == "final":
            script.final_score = as_score_or_none(outcome.final)
            script.status = ScriptStatus.FINAL
        elif outcome.status == "needs_third":
            if markers is None:
                markers, load = _third_markers_load(batch)
            taken = {m.marker_id for m in given.values()}
            free = [m for m in markers if m not in taken]
            if free:
                third = min(free, key=lambda m: (load[m], m))
                load[third] += 1
                thirds.append(Mark(script=script, round=MarkRound.THIRD, marker_id=third))
                script.status = ScriptStatus.NEEDS_THIRD
            else:
                script.status = ScriptStatus.NEEDS_ARBITRATION
        else:
            script.status = ScriptStatus.NEEDS_ARBITRATION
        settled.append(script)
    Mark.objects.bulk_create(thirds, batch_size=1000)
    outcomes: dict[tuple[Any, str], list[int]] = defaultdict(list)
    for script in settled:
        outcomes[(script.final_score, script.status)].append(script.pk)
    for (final_score, status), ids in outcomes.items():
        Script.objects.filter(pk__in=ids).update(final_score=final_score, status=status)
    _theories_refresh(sorted({s.result_id for s in settled if s.status == ScriptStatus.FINAL}))


def _theories_refresh(result_ids: list[int]) -> None:
    """`_theory_refresh` of many candidates: their rows and scripts read in two queries, the
    theory scores written in one UPDATE per value."""
    if not result_ids:
        return
    results = list(
        Result.objects.select_for_update(of=("self",))  # the paper may be null: not locked
        .filter(pk__in=result_ids)
        .select_related("theory_paper")
        .order_by("pk")
    )
    scripts: dict[int, list[Script]] = defaultdict(list)
    for script in Script.objects.filter(result_id__in=result_ids).order_by("pk"):
        scripts[script.result_id].append(script)
    now = timezone.now()
    scored: list[Result] = []
    for result in results:
        rows = scripts[result.pk]
        if not rows or any(s.status != ScriptStatus.FINAL for s in rows):
            continue
        if result.theory_objective is None:
            continue
        subjective = sum(float(s.final_score or 0) for s in rows)
        result.theory_score = theory_from(result, paper_total_for(result), subjective)
        result.theory_state = PartState.SCORED
        result.updated_at = now
        scored.append(result)
    results_update_by_value(scored, ["theory_score", "theory_state", "updated_at"])


def marks_submit_bulk(*, batch: ResultBatch, scores: Mapping[int, Any], actor: Actor) -> int:
    """A marker's marks for many of their scripts of the batch at once (their marking sheet):
    `scores` maps the ids of their marks to scores. The same checks as `mark_submit`, all or
    nothing; the marks and their scripts are locked in primary-key order, the marks written
    in one UPDATE per score, then every script with its marks in is settled as
    `mark_submit` settles it (final, a third marker, or arbitration), and one audit event
    commits to every mark (the SHA-256 of the marks' canonical JSON). Returns how many
    marks were recorded."""
    if not scores:
        return 0
    ids = sorted(int(pk) for pk in scores)
    with transaction.atomic():
        batch = lock_batch(batch)
        user = acting_person(actor)
        marks, scripts = _marking_sheet_lock(batch, ids)
        now = timezone.now()
        rows = _marks_score(marks, scripts, scores=scores, user=user, now=now)
        _marks_write(marks, now=now)
        _scripts_settle([scripts[pk] for pk in sorted(scripts)], batch)
        audit_record_batch(
            actor=actor,
            action="mark.submit_bulk",
            obj=batch,
            rows=rows,
            scripts={
                status: sum(1 for s in scripts.values() if s.status == status)
                for status in sorted({s.status for s in scripts.values()})
            },
        )
    return len(marks)


def _marking_sheet_lock(batch: ResultBatch, ids: list[int]) -> tuple[list[Mark], dict[int, Script]]:
    """The marks `ids` (every one the batch's) and their scripts, each locked in primary-key
    order; their candidates' results must still be writable."""
    marks = all_locked(
        Mark.objects.filter(script__result__batch=batch).select_related("marker"),
        ids,
        lambda: DomainError(
            "marking.mark_not_in_batch", "有评分不属于本批次的答卷", field="scores"
        ),
    )
    scripts = {
        s.pk: s
        for s in Script.objects.select_for_update()
        .filter(pk__in=sorted({m.script_id for m in marks}))
        .order_by("pk")
    }
    for result in Result.objects.filter(pk__in={s.result_id for s in scripts.values()}):
        result.batch = batch
        require_writable(result)
    return marks, scripts


def _marks_score(
    marks: list[Mark],
    scripts: Mapping[int, Script],
    *,
    scores: Mapping[int, Any],
    user: User | None,
    now: dt.datetime,
) -> list[dict[str, Any]]:
    """Each mark given its score, checked as `mark_submit` checks it; the audit rows."""
    rows = []
    for mark in marks:
        script = scripts[mark.script_id]
        if user is not None and mark.marker.user_id != user.pk:
            raise forbidden("只能录入分配给本人的评分")
        if mark.score is not None:
            raise DomainError(
                "marking.already_marked",
                f"答卷 {script.blind_code} 已评分，不能重复评分",
                field="scores",
            )
        if mark.round == MarkRound.ARBITRATION:
            raise DomainError("marking.arbitration_only", "仲裁分由阅卷组长录入", field="scores")
        try:
            value = score_arg(scores[mark.pk], field="score", maximum=float(script.max_score))
        except DomainError as error:
            raise DomainError(
                error.code, f"答卷 {script.blind_code}：{error.message}", field="scores"
            ) from None
        mark.score = as_score_or_none(value)
        mark.marked_at = now
        rows.append(
            {
                "mark": mark.pk,
                "script": script.pk,
                "round": mark.round,
                "score": str(mark.score),
            }
        )
    return rows


def _marks_write(marks: list[Mark], *, now: dt.datetime) -> None:
    by_score: dict[Any, list[int]] = defaultdict(list)
    for mark in marks:
        by_score[mark.score].append(mark.pk)
    for score, pks in by_score.items():
        Mark.objects.filter(pk__in=pks).update(score=score, marked_at=now)
