"""Re-checks: the candidate asks within the window; the organisation re-adds the recorded
marks (no re-marking) and the decision follows."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from skillcert.accounts.actors import Actor, actor_user
from skillcert.applications.notifications import notify
from skillcert.audit.services import audit_record, audited_create
from skillcert.common.errors import DomainError
from skillcert.scoring import rules
from skillcert.scoring.models import (
    PanelMark,
    PartState,
    PracticalSheet,
    Recheck,
    RecheckStatus,
    Result,
    ResultStatus,
    Script,
    ScriptStatus,
)
from skillcert.scoring.selectors import (
    scoring_rules_for,
)
from skillcert.scoring.services._access import (
    acting_person,
    forbidden,
    require_org_or_officer,
)
from skillcert.scoring.services._common import (
    PART_FIELDS,
    as_score_or_none,
    decide,
    lock_result,
    paper_total_for,
    result_notice,
    theory_from,
)


def recheck_request(
    *, result: Result, subject: str, reason: str = "", actor: Actor, today: dt.date | None = None
) -> Recheck:
    """The candidate asks for a re-check of one subject within the window."""
    today = today or timezone.localdate()
    if subject not in PART_FIELDS:
        raise DomainError("recheck.subject_invalid", f"未知科目 {subject!r}", field="subject")
    with transaction.atomic():
        result = lock_result(result)
        user = acting_person(actor)
        if user is not None and result.application.candidate.user_id != user.pk:
            raise forbidden("只能为本人的成绩申请复查")
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
        return audited_create(
            Recheck,
            actor=actor,
            action="recheck.request",
            changes={"subject": subject},
            audit_obj=result,
            result=result,
            subject=subject,
            reason=reason[:300],
        )


def _readd(result: Result, subject: str) -> Decimal | None:
    """Re-add the recorded marks (no re-marking)."""
    if subject == "theory":
        scripts = list(Script.objects.filter(result=result))
        if any(s.status != ScriptStatus.FINAL for s in scripts):
            return result.theory_score
        subjective = sum(float(s.final_score or 0) for s in scripts)
        return (
            theory_from(result, paper_total_for(result), subjective)
            if scripts
            else (
                theory_from(result, paper_total_for(result), 0.0)
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
        return as_score_or_none(rules.practical_final(totals, rule=rule.practical_rule))
    marks = list(PanelMark.objects.filter(result=result))
    if not marks:
        return result.panel_score
    return as_score_or_none(rules.mean_score([float(m.score) for m in marks]))


def recheck_complete(*, recheck: Recheck, outcome: str = "", actor: Actor) -> Recheck:
    """Re-add and re-record the subject's marks; a change updates the score and the decision.
    Audited and notified either way."""
    with transaction.atomic():
        recheck = Recheck.objects.select_for_update().get(pk=recheck.pk)
        result = lock_result(recheck.result)
        require_org_or_officer(actor, result.batch, "办理复查")
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
            decide(result)
            result.save(update_fields=[f"{subject}_score", "passed", "decision_note", "updated_at"])
        recheck.status = RecheckStatus.COMPLETED
        recheck.outcome = (outcome.strip() or ("成绩更正" if recheck.changed else "成绩无误"))[:300]
        recheck.handled_by = actor_user(actor)
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
                result_notice(
                    result,
                    "成绩复查结果",
                    f"{label}复查完成：{recheck.outcome}，复查后成绩 {after}。"
                    + ("评定结果已随之更正。" if recheck.changed else ""),
                )
            ]
        )
    return recheck
