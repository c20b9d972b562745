"""Organisation writes outside the filing workflow: registering an organisation, suspension
and resumption, revocation, voluntary exit and dropping scope lines. Filing itself lives in
`filing.py`, credit in `credit.py`, annual reports in `annual_reports.py`."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone

from skillcert.accounts.actors import Actor, actor_user
from skillcert.audit.services import audit_record, audited_create
from skillcert.common.errors import DomainError
from skillcert.common.identifiers import validate_uscc
from skillcert.organizations.core import required_text
from skillcert.organizations.locks import org_lock
from skillcert.organizations.models import (
    OPEN_FILING_STATUSES,
    CreditEvent,
    CreditEventKind,
    EvaluationOrg,
    FilingApplication,
    FilingStatus,
    OrgEvent,
    OrgEventKind,
    OrgKind,
    OrgScope,
    OrgStatus,
)
from skillcert.organizations.permissions import (
    require_officer_over,
    require_province_officer_over,
    require_staff_or_officer,
)
from skillcert.organizations.transitions import ORG_LIFECYCLE

if TYPE_CHECKING:
    from skillcert.regions.models import Region


def organization_create(
    *,
    name: str,
    kind: str,
    uscc: str,
    region: Region,
    actor: Actor,
    contact_name: str = "",
    contact_phone: str = "",
    address: str = "",
) -> EvaluationOrg:
    name = name.strip()
    if not name:
        raise DomainError("org.name_required", "请填写机构名称", field="name")
    if kind not in OrgKind.values:
        raise DomainError("org.kind_invalid", f"机构类型“{kind}”无效", field="kind")
    uscc = validate_uscc(uscc)
    return audited_create(
        EvaluationOrg,
        actor=actor,
        action="org.create",
        changes={
            "name": [None, name],
            "kind": [None, kind],
            "uscc": [None, uscc],
            "region": [None, region.code],
        },
        clash=DomainError("org.uscc_taken", f"统一社会信用代码 {uscc} 已登记", field="uscc"),
        name=name,
        kind=kind,
        uscc=uscc,
        region=region,
        contact_name=contact_name.strip(),
        contact_phone=contact_phone.strip(),
        address=address.strip(),
    )


def _move(
    *,
    org: EvaluationOrg,
    target: OrgStatus,
    event: OrgEventKind,
    actor: Actor,
    reason: str,
    document_no: str = "",
    close_scope: bool = False,
) -> EvaluationOrg:
    """Move the (locked) organisation to `target`, writing its event row and audit event."""
    data: dict[str, int] = {}
    ORG_LIFECYCLE.move(
        org,
        target,
        actor=actor,
        action=event,
        changes={"reason": [None, reason], "document_no": [None, document_no]},
    )
    if close_scope:
        data["scope_closed"] = _close_scope(org)
    OrgEvent.objects.create(
        org=org,
        kind=event,
        reason=reason,
        document_no=document_no,
        data=data,
        actor=actor_user(actor),
    )
    return org


def _close_scope(org: EvaluationOrg) -> int:
    """End every scope line of a filing that ends; returns how many were closed."""
    closed = OrgScope.objects.filter(org=org, active=True).update(
        active=False, until=timezone.localdate()
    )
    # Open applications die with the filing; a new filing starts from scratch.
    FilingApplication.objects.filter(org=org, status__in=OPEN_FILING_STATUSES).update(
        status=FilingStatus.WITHDRAWN, decided_at=timezone.now()
    )
    return closed


# A sanction's event kinds and the word its messages use.
SANCTIONS: dict[OrgStatus, tuple[OrgEventKind, CreditEventKind, str]] = {
    OrgStatus.SUSPENDED: (OrgEventKind.SUSPENDED, CreditEventKind.SUSPENDED, "暂停"),
    OrgStatus.REVOKED: (OrgEventKind.REVOKED, CreditEventKind.REVOKED, "撤销"),
}


def _sanction(
    *, org: EvaluationOrg, target: OrgStatus, reason: str, document_no: str, actor: Actor
) -> EvaluationOrg:
    """An authority's sanction (suspension, revocation), with its reason and 文号: the move,
    and the same fact written to the organisation's integrity file."""
    event, credit_kind, word = SANCTIONS[target]
    reason = required_text(reason, "org.reason_required", f"请填写{word}原因", "reason")
    document_no = required_text(document_no, "org.document_required", "请填写文号", "document_no")
    with transaction.atomic():
        org = org_lock(org.pk)
        _move(
            org=org,
            target=target,
            event=event,
            actor=actor,
            reason=reason,
            document_no=document_no,
            close_scope=target == OrgStatus.REVOKED,
        )
        CreditEvent.objects.create(
            org=org,
            kind=credit_kind,
            occurred_on=timezone.localdate(),
            description=reason,
            document_no=document_no,
            actor=actor_user(actor),
        )
    return org


def organization_suspend(
    *, org: EvaluationOrg, reason: str, document_no: str, actor: Actor
) -> EvaluationOrg:
    """Suspend certification (暂停): no plans or certificates until resumed."""
    require_officer_over(actor, org)
    return _sanction(
        org=org, target=OrgStatus.SUSPENDED, reason=reason, document_no=document_no, actor=actor
    )


def organization_resume(*, org: EvaluationOrg, reason: str, actor: Actor) -> EvaluationOrg:
    require_officer_over(actor, org)
    reason = required_text(reason, "org.reason_required", "请填写恢复原因（整改情况）", "reason")
    with transaction.atomic():
        org = org_lock(org.pk)
        if org.status != OrgStatus.SUSPENDED:
            raise DomainError(
                "org.not_suspended", f"机构当前状态为“{OrgStatus(org.status).label}”，无需恢复"
            )
        _move(
            org=org, target=OrgStatus.FILED, event=OrgEventKind.RESUMED, actor=actor, reason=reason
        )
    return org


def organization_revoke(
    *, org: EvaluationOrg, reason: str, document_no: str, actor: Actor
) -> EvaluationOrg:
    """Revoke the filing (province only). The number stays on record and is never reissued."""
    require_province_officer_over(actor, org)
    return _sanction(
        org=org, target=OrgStatus.REVOKED, reason=reason, document_no=document_no, actor=actor
    )


def organization_exit(*, org: EvaluationOrg, reason: str, actor: Actor) -> EvaluationOrg:
    """Voluntary exit (退出), asked by the organisation or recorded by an officer."""
    require_staff_or_officer(actor, org)
    reason = required_text(reason, "org.reason_required", "请填写退出原因", "reason")
    with transaction.atomic():
        org = org_lock(org.pk)
        _move(
            org=org,
            target=OrgStatus.EXITED,
            event=OrgEventKind.EXITED,
            actor=actor,
            reason=reason,
            close_scope=True,
        )
    return org


def organization_scope_drop(
    *, org: EvaluationOrg, scope_ids: list[int], reason: str, actor: Actor
) -> int:
    """Drop scope lines without review (narrowing needs no approval). Returns lines dropped."""
    require_staff_or_officer(actor, org)
    reason = required_text(reason, "org.reason_required", "请填写缩减原因", "reason")
    if not scope_ids:
        raise DomainError("org.scope_lines_required", "请选择要缩减的认定范围", field="scope")
    with transaction.atomic():
        org = org_lock(org.pk)
        if org.status not in (OrgStatus.FILED, OrgStatus.SUSPENDED):
            raise DomainError(
                "org.not_filed", f"机构当前状态为“{OrgStatus(org.status).label}”，没有可缩减的范围"
            )
        rows = list(
            OrgScope.objects.filter(org=org, active=True, pk__in=scope_ids).select_related(
                "occupation"
            )
        )
        if len(rows) != len(set(scope_ids)):
            raise DomainError("org.scope_line_unknown", "所选认定范围不存在或已移出", field="scope")
        if OrgScope.objects.filter(org=org, active=True).count() == len(rows):
            raise DomainError(
                "org.scope_would_be_empty",
                "不能移出全部认定范围；如不再开展认定，请申请退出",
                field="scope",
            )
        OrgScope.objects.filter(pk__in=[r.pk for r in rows]).update(
            active=False, until=timezone.localdate()
        )
        dropped = sorted(f"{r.occupation.code}/{r.level}" for r in rows)
        OrgEvent.objects.create(
            org=org,
            kind=OrgEventKind.SCOPE_DROPPED,
            reason=reason,
            data={"dropped": dropped},
            actor=actor_user(actor),
        )
        audit_record(
            actor=actor,
            action="org.scope_dropped",
            obj=org,
            changes={"scope_dropped": [None, dropped], "reason": [None, reason]},
        )
    return len(rows)
