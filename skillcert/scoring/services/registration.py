"""Registration (登记备案): the organisation submits, the authority registers or returns;
registered results never change and feed certificates. Both steps are refused while a
supervision hold is in force, and for a social assessment without the on-site supervisor's
report (or a reason for its absence the authority accepted)."""

from __future__ import annotations

import datetime as dt

from django.apps import apps
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from skillcert.accounts.actors import Actor, actor_user
from skillcert.common.errors import DomainError
from skillcert.organizations.permits import organization_permit_check
from skillcert.scoring.models import (
    BatchStatus,
    Recheck,
    RecheckStatus,
    Result,
    ResultBatch,
    ResultStatus,
)
from skillcert.scoring.services._access import (
    forbidden,
    officer_over,
    org_staff_of,
)
from skillcert.scoring.services._common import RESULT_BATCH, lock_batch


def _supervision_hold(batch: ResultBatch) -> str:
    if not apps.is_installed("skillcert.supervision"):
        return ""
    from skillcert.supervision.selectors import registration_blocked

    hold = registration_blocked(batch.plan)
    return str(getattr(hold, "reason", "") or "质量督导报告未提交") if hold is not None else ""


def _onsite_report_missing(batch: ResultBatch) -> str:
    """A social assessment's results are registered only with the report of the on-site
    quality supervisor the authority appointed, or a reason the authority accepted for its
    absence (seed 004 §十八)."""
    if not apps.is_installed("skillcert.supervision"):
        return ""
    from skillcert.supervision.selectors import onsite_report_missing

    return onsite_report_missing(batch.plan)


def _supervision_check(batch: ResultBatch) -> None:
    hold = _supervision_hold(batch)
    if hold:
        raise DomainError(
            "registration.supervision_hold", f"本批次列入质量督导抽查，暂缓登记：{hold}"
        )
    missing = _onsite_report_missing(batch)
    if missing:
        raise DomainError(
            "registration.supervisor_report_missing",
            f"社会化评价须有现场质量督导报告方可登记备案：{missing}",
            field="batch",
        )


def batch_registration_submit(
    *, batch: ResultBatch, actor: Actor, today: dt.date | None = None
) -> ResultBatch:
    """After every district is published and every re-check window has closed, the
    organisation submits the batch for registration (登记备案)."""
    today = today or timezone.localdate()
    with transaction.atomic():
        batch = lock_batch(batch)
        if not org_staff_of(actor, batch.organization_id):
            raise forbidden("只有本评价机构可以提交登记备案")
        organization_permit_check(org=batch.organization, action="register_results", day=today)
        if Result.objects.filter(batch=batch, status=ResultStatus.SUBMITTED).exists():
            raise DomainError("registration.unpublished", "仍有考区的成绩未发布")
        closes = Result.objects.filter(batch=batch).aggregate(m=Max("recheck_closes_on"))["m"]
        if closes is not None and today <= closes:
            raise DomainError(
                "registration.recheck_window_open", f"复查期至 {closes} 结束，之后方可登记备案"
            )
        if Recheck.objects.filter(result__batch=batch, status=RecheckStatus.REQUESTED).exists():
            raise DomainError("registration.recheck_pending", "仍有未办结的复查申请")
        _supervision_check(batch)
        batch.registration_submitted_at = timezone.now()
        RESULT_BATCH.move(
            batch,
            BatchStatus.REGISTRATION,
            actor=actor,
            action="registration_submit",
            update_fields=("registration_submitted_at",),
        )
    return batch


def batch_register(*, batch: ResultBatch, actor: Actor) -> ResultBatch:
    """The authority confirms the registration: results become immutable and feed certificates."""
    with transaction.atomic():
        batch = lock_batch(batch)
        if not officer_over(actor, batch.organization.region_id):
            raise forbidden("只有主管部门可以确认登记备案")
        organization_permit_check(
            org=batch.organization, action="register_results", day=timezone.localdate()
        )
        _supervision_check(batch)
        RESULT_BATCH.check(batch.status, BatchStatus.REGISTERED)
        now = timezone.now()
        count = Result.objects.filter(batch=batch, status=ResultStatus.PUBLISHED).update(
            status=ResultStatus.REGISTERED, registered_at=now
        )
        batch.registered_at = now
        batch.registered_by = actor_user(actor)
        RESULT_BATCH.move(
            batch,
            BatchStatus.REGISTERED,
            actor=actor,
            action="register",
            update_fields=("registered_at", "registered_by"),
            changes={"results": count},
        )
    return batch


def batch_registration_return(*, batch: ResultBatch, reason: str, actor: Actor) -> ResultBatch:
    if not reason.strip():
        raise DomainError("scoring.reason_required", "退回登记须填写原因", field="reason")
    with transaction.atomic():
        batch = lock_batch(batch)
        if not officer_over(actor, batch.organization.region_id):
            raise forbidden("只有主管部门可以退回登记备案")
        RESULT_BATCH.move(
            batch,
            BatchStatus.PUBLISHED,
            actor=actor,
            action="registration_return",
            changes={"reason": reason.strip()[:500]},
        )
    return batch
