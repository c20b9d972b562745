"""Recording audit events. Call `audit_record` inside the service's transaction, so the
event commits or rolls back with the change it describes."""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping
from typing import Any

from django.db import models, transaction
from django.utils import timezone

from skillcert.audit.chain import GENESIS, ChainBreak, event_digest, find_first_break
from skillcert.audit.models import AuditChainHead, AuditEvent
from skillcert.common.middleware import client_ip_var, request_id_var

_VERIFY_FIELDS = (
    "id",
    "prev_hash",
    "hash",
    "created_at",
    "actor_ref",
    "action",
    "object_type",
    "object_id",
    "object_repr",
    "changes",
    "request_id",
    "ip",
)


def _jsonable(value: Any) -> Any:
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, models.Model):
        return value.pk
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, float) and not isinstance(value, bool):
        # Stored as PostgreSQL jsonb, a number comes back as numeric: -0.0 returns as 0.0 and
        # NaN/Infinity are refused, so the hash would no longer match what is read back.
        if not math.isfinite(value):
            return str(value)
        return value + 0.0 if value else 0.0
    if value is None or isinstance(value, str | int | bool):
        return value
    return str(value)


def diff_fields(before: Mapping[str, Any], after: Mapping[str, Any]) -> dict[str, list[Any]]:
    """{field: [before, after]} for the fields whose value changed."""
    return {
        key: [_jsonable(before.get(key)), _jsonable(after.get(key))]
        for key in sorted(set(before) | set(after))
        if before.get(key) != after.get(key)
    }


def audit_record(
    *,
    actor: Any,
    action: str,
    obj: models.Model | None = None,
    object_type: str = "",
    object_id: str = "",
    object_repr: str = "",
    changes: Mapping[str, Any] | None = None,
) -> AuditEvent:
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id or str(obj.pk)
        object_repr = object_repr or str(obj)[:200]
    actor_ref = ""
    actor_id = None
    if actor is not None and getattr(actor, "is_authenticated", False):
        actor_id = actor.pk
        actor_ref = f"{actor.pk}:{actor.get_username()}"
    elif isinstance(actor, str):
        actor_ref = actor  # a system process, e.g. "system:demo"
    with transaction.atomic():
        head, _ = AuditChainHead.objects.select_for_update().get_or_create(
            id=1, defaults={"last_hash": GENESIS}
        )
        created_at = timezone.now()
        payload = {
            "created_at": created_at,
            "actor_ref": actor_ref,
            "action": action,
            "object_type": object_type,
            "object_id": object_id,
            "object_repr": object_repr[:200],
            "changes": _jsonable(dict(changes or {})),
            "request_id": request_id_var.get() if request_id_var.get() != "-" else "",
            "ip": client_ip_var.get(),
        }
        digest = event_digest(prev_hash=head.last_hash, **payload)
        event = AuditEvent.objects.create(
            actor_id=actor_id, prev_hash=head.last_hash, hash=digest, **payload
        )
        head.last_hash = digest
        head.last_event_id = event.pk
        head.save(update_fields=["last_hash", "last_event_id"])
    return event


def audit_verify() -> tuple[int, ChainBreak | None]:
    """Walk the chain in id order. Returns (rows checked, first break or None). A chain that
    verifies but whose head does not match the newest row has lost rows at its end."""
    checked = 0

    def rows() -> Any:
        nonlocal checked
        for row in (
            AuditEvent.objects.order_by("id").values(*_VERIFY_FIELDS).iterator(chunk_size=5000)
        ):
            checked += 1
            yield row

    found = find_first_break(rows())
    if found is not None:
        return checked, found
    head = AuditChainHead.objects.filter(id=1).first()
    last = AuditEvent.objects.order_by("-id").values("id", "hash").first()
    if head is not None and (last is None or head.last_hash != last["hash"]):
        return checked, ChainBreak(head.last_event_id, "链头与最后一条记录不一致（末尾记录被删除）")
    return checked, None
