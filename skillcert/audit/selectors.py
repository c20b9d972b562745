from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Q, QuerySet

from skillcert.accounts.scope import Scope
from skillcert.audit.models import AuditChainHead, AuditEvent


def audit_events(
    *,
    scope: Scope,
    action: str = "",
    actions: list[str] | None = None,
    actor: str = "",
    object_type: str = "",
    q: str = "",
    since: dt.date | None = None,
    until: dt.date | None = None,
) -> QuerySet[AuditEvent]:
    """Officers see the whole trail (the province audits everyone); nobody else sees any.
    `action` is a code prefix; `actions` (when given) the exact codes to show."""
    if not scope.is_officer:
        return AuditEvent.objects.none()
    events = AuditEvent.objects.select_related("actor")
    filters: dict[str, Any] = {}
    if action:
        filters["action__startswith"] = action
    if actions is not None:
        filters["action__in"] = actions
    if object_type:
        filters["object_type"] = object_type
    if since:
        filters["created_at__date__gte"] = since
    if until:
        filters["created_at__date__lte"] = until
    events = events.filter(**filters)
    if actor:
        events = events.filter(actor_ref__icontains=actor)
    if q:
        events = events.filter(Q(object_repr__icontains=q) | Q(object_id=q))
    return events.order_by("-id")


def audit_events_of_object(*, object_type: str, object_id: str) -> QuerySet[AuditEvent]:
    """One object's trail, newest first. Not scoped: the caller has checked access to the
    object (a plan's history on its page)."""
    return AuditEvent.objects.filter(object_type=object_type, object_id=object_id).order_by("-id")


def audit_chain_head_table() -> str:
    """The table holding the chain head (a backup reads it with plain SQL)."""

    return AuditChainHead._meta.db_table
