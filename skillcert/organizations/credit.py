"""The integrity file (诚信档案), abnormal list (异常名录) and blacklist (黑名单): officers
record events and list or de-list organisations with reason, document number and period."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from skillcert.accounts.actors import Actor, actor_user
from skillcert.audit.services import audit_record
from skillcert.common.errors import DomainError
from skillcert.organizations.core import required_text
from skillcert.organizations.locks import org_lock
from skillcert.organizations.models import (
    MANUAL_CREDIT_EVENT_KINDS,
    CreditEvent,
    CreditEventKind,
    CreditList,
    CreditListing,
    EvaluationOrg,
)
from skillcert.organizations.permissions import (
    require_officer_over,
    require_province_officer_over,
)

_LISTED_EVENT = {
    CreditList.ABNORMAL: CreditEventKind.ABNORMAL_LISTED,
    CreditList.BLACKLIST: CreditEventKind.BLACKLISTED,
}
_REMOVED_EVENT = {
    CreditList.ABNORMAL: CreditEventKind.ABNORMAL_REMOVED,
    CreditList.BLACKLIST: CreditEventKind.BLACKLIST_REMOVED,
}


def _today() -> dt.date:
    return timezone.localdate()


def listing_in_force_q(day: dt.date, prefix: str = "") -> Q:
    """Listings in force on `day` (not removed, period covers the day). `prefix` lets the
    condition be used from the organisation side (`listings__`)."""
    return Q(**{f"{prefix}removed_at__isnull": True, f"{prefix}starts_on__lte": day}) & (
        Q(**{f"{prefix}ends_on__isnull": True}) | Q(**{f"{prefix}ends_on__gte": day})
    )


def listings_in_force(*, org_ids: list[int], day: dt.date) -> QuerySet[CreditListing]:
    return CreditListing.objects.filter(listing_in_force_q(day), org_id__in=org_ids)


def blacklisting_of(*, org: EvaluationOrg, day: dt.date) -> CreditListing | None:
    return (
        CreditListing.objects.filter(
            listing_in_force_q(day), org=org, list_kind=CreditList.BLACKLIST
        )
        .order_by("-starts_on")
        .first()
    )


def ensure_not_blacklisted(*, org: EvaluationOrg, day: dt.date, code: str) -> None:
    listing = blacklisting_of(org=org, day=day)
    if listing is not None:
        until = f"至 {listing.ends_on}" if listing.ends_on else "（无固定期限）"
        raise DomainError(
            code,
            f"{org.name}已于 {listing.starts_on} 列入黑名单{until}，"
            f"依据 {listing.document_no}，不能办理备案",
        )


def credit_event_record(
    *,
    org: EvaluationOrg,
    kind: str,
    occurred_on: dt.date,
    description: str,
    actor: Actor,
    document_no: str = "",
) -> CreditEvent:
    """An officer records a supervision finding or an upheld complaint."""
    require_officer_over(actor, org)
    if kind not in MANUAL_CREDIT_EVENT_KINDS:
        raise DomainError(
            "credit.kind_not_manual",
            "只能手工记录“质量督导发现问题”或“投诉查实”，其他事项由系统自动记录",
            field="kind",
        )
    description = required_text(
        description, "credit.description_required", "请填写情况说明", "description"
    )
    if occurred_on > _today():
        raise DomainError("credit.date_in_future", "发生日期不能晚于今天", field="occurred_on")
    changes = {"kind": [None, kind], "occurred_on": [None, occurred_on]}
    with transaction.atomic():
        return _credit_line(
            org, kind, occurred_on, description, document_no.strip(), actor, "credit_event", changes
        )


def _credit_line(
    org: EvaluationOrg,
    kind: str,
    occurred_on: dt.date,
    description: str,
    document_no: str,
    actor: Actor,
    action: str,
    changes: dict[str, Any],
) -> CreditEvent:
    """A line of the organisation's integrity file, with its audit event "org.<action>"."""
    event = CreditEvent.objects.create(
        org=org,
        kind=kind,
        occurred_on=occurred_on,
        description=description,
        document_no=document_no,
        actor=actor_user(actor),
    )
    audit_record(actor=actor, action=f"org.{action}", obj=org, changes=changes)
    return event


def _close_expired_listing(org: EvaluationOrg, list_kind: str, starts_on: dt.date) -> None:
    """Refuse a second listing while one is in force; close one that ran out without a
    removal decision (as expired) so the new one can open."""
    open_row = CreditListing.objects.filter(
        org=org, list_kind=list_kind, removed_at__isnull=True
    ).first()
    if open_row is None:
        return
    if open_row.ends_on is None or open_row.ends_on >= starts_on:
        raise DomainError(
            "credit.already_listed",
            f"{org.name}已在{CreditList(list_kind).label}中"
            f"（{open_row.starts_on}起，{open_row.document_no}）",
            field="list_kind",
        )
    open_row.removed_at = timezone.now()
    open_row.removal_reason = "期满自动移出"
    open_row.save(update_fields=["removed_at", "removal_reason"])


def credit_listing_add(
    *,
    org: EvaluationOrg,
    list_kind: str,
    reason: str,
    document_no: str,
    starts_on: dt.date,
    actor: Actor,
    ends_on: dt.date | None = None,
) -> CreditListing:
    """Put an organisation on the abnormal list (city or province) or the blacklist
    (province only), with reason, document number and period."""
    if list_kind == CreditList.BLACKLIST:
        require_province_officer_over(actor, org)
    elif list_kind == CreditList.ABNORMAL:
        require_officer_over(actor, org)
    else:
        raise DomainError("credit.list_invalid", "名录类型无效", field="list_kind")
    reason = required_text(reason, "credit.reason_required", "请填写列入原因", "reason")
    document_no = required_text(
        document_no, "credit.document_required", "请填写列入文号", "document_no"
    )
    if ends_on is not None and ends_on < starts_on:
        raise DomainError("credit.period_invalid", "期满日期不能早于列入日期", field="ends_on")
    with transaction.atomic():
        org = org_lock(org.pk)
        _close_expired_listing(org, list_kind, starts_on)
        listing = CreditListing.objects.create(
            org=org,
            list_kind=list_kind,
            reason=reason,
            document_no=document_no,
            starts_on=starts_on,
            ends_on=ends_on,
            listed_by=actor_user(actor),
        )
        changes = {
            "list": [None, list_kind],
            "document_no": [None, document_no],
            "starts_on": [None, starts_on],
            "ends_on": [None, ends_on],
        }
        kind = _LISTED_EVENT[CreditList(list_kind)]
        _credit_line(org, kind, starts_on, reason, document_no, actor, f"{list_kind}_add", changes)
    return listing


def credit_listing_remove(
    *, listing: CreditListing, reason: str, document_no: str, actor: Actor
) -> CreditListing:
    org = listing.org
    if listing.list_kind == CreditList.BLACKLIST:
        require_province_officer_over(actor, org)
    else:
        require_officer_over(actor, org)
    reason = required_text(reason, "credit.reason_required", "请填写移出原因", "reason")
    document_no = required_text(
        document_no, "credit.document_required", "请填写移出文号", "document_no"
    )
    with transaction.atomic():
        org_lock(org.pk)
        row = CreditListing.objects.select_for_update().get(pk=listing.pk)
        if row.removed_at is not None:
            raise DomainError(
                "credit.already_removed",
                f"该记录已于 {timezone.localtime(row.removed_at):%Y-%m-%d} 移出",
            )
        row.removed_at = timezone.now()
        row.removed_by = actor_user(actor)
        row.removal_reason = reason
        row.removal_document_no = document_no
        row.save(
            update_fields=["removed_at", "removed_by", "removal_reason", "removal_document_no"]
        )
        changes = {"listing": [row.pk, None], "document_no": [None, document_no]}
        kind = _REMOVED_EVENT[CreditList(row.list_kind)]
        action = f"{row.list_kind}_remove"
        _credit_line(org, kind, _today(), reason, document_no, actor, action, changes)
    return row
