"""Serious findings: an officer writes them to the organisation's integrity file (诚信档案)
and may suspend the registration of its results until the hold is lifted."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from skillcert.accounts.actors import Actor, actor_user
from skillcert.audit.services import audit_record
from skillcert.common.errors import DomainError
from skillcert.organizations.choices import CreditEventKind
from skillcert.organizations.credit import credit_event_record
from skillcert.organizations.permissions import require_officer_over
from skillcert.supervision.models import (
    Finding,
    RegistrationHold,
    Severity,
    Visit,
    VisitStatus,
)
from skillcert.supervision.services._shared import required, today

HOLD_SCOPES = ("", "plan", "org")


def _check_escalation(finding: Finding, visit: Visit, hold: str, document_no: str) -> None:
    if finding.severity != Severity.SERIOUS:
        raise DomainError(
            "supervision.finding_not_serious", "只有严重问题报送诚信档案", field="finding"
        )
    if visit.status == VisitStatus.ASSIGNED:
        raise DomainError(
            "supervision.visit_not_reported", "督导报告提交后才能报送诚信档案", field="finding"
        )
    if hold not in HOLD_SCOPES:
        raise DomainError("supervision.hold_invalid", "暂停登记范围无效", field="hold")
    if hold and not document_no:
        raise DomainError(
            "supervision.document_required", "暂停成绩登记须填写决定文号", field="document_no"
        )


def finding_escalate(
    *, finding: Finding, actor: Actor, document_no: str = "", hold: str = ""
) -> Finding:
    """Record a serious finding in the organisation's integrity file (诚信档案) and, when
    `hold` is "plan" or "org", suspend the registration of that plan's (or all the
    organisation's) results until an officer lifts it."""
    visit = Visit.objects.select_related("org", "plan").get(pk=finding.visit_id)
    org = visit.org
    require_officer_over(actor, org)
    document_no = document_no.strip()
    _check_escalation(finding, visit, hold, document_no)
    with transaction.atomic():
        locked = Finding.objects.select_for_update().get(pk=finding.pk)
        if locked.escalated_at is not None:
            raise DomainError(
                "supervision.finding_already_escalated", "该问题已报送诚信档案", field="finding"
            )
        event = credit_event_record(
            org=org,
            kind=CreditEventKind.SUPERVISION_FINDING,
            occurred_on=timezone.localdate(visit.reported_at) if visit.reported_at else today(),
            description=f"质量督导（计划 {visit.plan.code}）发现严重问题：{locked.description}",
            document_no=document_no,
            actor=actor,
        )
        locked.escalated_at, locked.credit_event = timezone.now(), event
        locked.save(update_fields=["escalated_at", "credit_event"])
        if hold:
            RegistrationHold.objects.create(
                org=org,
                plan=visit.plan if hold == "plan" else None,
                finding=locked,
                reason=locked.description,
                document_no=document_no,
                placed_by=actor_user(actor),
            )
        audit_record(
            actor=actor,
            action="supervision.finding_escalate",
            obj=locked,
            changes={"credit_event": [None, event.pk], "hold": [None, hold or None]},
        )
    return locked


def registration_hold_lift(
    *, hold: RegistrationHold, reason: str, actor: Actor
) -> RegistrationHold:
    require_officer_over(actor, hold.org)
    reason = required(reason, "supervision.reason_required", "请填写恢复登记的原因", "reason")
    with transaction.atomic():
        locked = RegistrationHold.objects.select_for_update().get(pk=hold.pk)
        if locked.lifted_at is not None:
            raise DomainError("supervision.hold_already_lifted", "该暂停已解除")
        locked.lifted_at, locked.lift_reason = timezone.now(), reason
        locked.save(update_fields=["lifted_at", "lift_reason"])
        audit_record(
            actor=actor,
            action="supervision.hold_lift",
            obj=locked,
            changes={"lifted": [False, True], "reason": [None, reason]},
        )
    return locked
