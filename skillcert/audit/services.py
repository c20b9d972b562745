"""Recording audit events. Call `audit_record` inside the service's transaction, so the
event commits or rolls back with the change it describes."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import math
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import asdict, dataclass
from typing import Any, TypeVar

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, IntegrityError, models, transaction
from django.utils import timezone

from skillcert.accounts.actors import Actor, actor_ref, actor_user
from skillcert.audit.chain import (
    GENESIS,
    HASHED_FIELDS,
    ChainBreak,
    anchor_signature,
    event_digest,
    find_first_break,
)
from skillcert.audit.models import AuditChainHead, AuditEvent
from skillcert.common.errors import DomainError
from skillcert.common.middleware import client_ip_var, request_id_var

_VERIFY_FIELDS = ("id", "actor_id", "keyed", "prev_hash", "hash", *HASHED_FIELDS)


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


def chain_key() -> bytes:
    """The chain's HMAC key: SKILLCERT_AUDIT_KEY, or derived from the secret key (both kept
    outside the database)."""
    return bytes(settings.AUDIT_CHAIN_KEY)


def audit_record(
    *,
    actor: Actor | None,
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
    user = actor_user(actor)
    actor_id = user.pk if user is not None else None
    ref = actor_ref(actor)
    # No savepoint of its own: inside the service's transaction (where every event is
    # written) a failure here fails that transaction anyway, and the two statements saved are
    # a third of what an event costs; called outside one, this is the transaction.
    with transaction.atomic(savepoint=False):
        head, _ = AuditChainHead.objects.select_for_update().get_or_create(
            id=1, defaults={"last_hash": GENESIS}
        )
        created_at = timezone.now()
        payload = {
            "created_at": created_at,
            "actor_ref": ref,
            "action": action,
            "object_type": object_type,
            "object_id": object_id,
            "object_repr": object_repr[:200],
            "changes": _jsonable(dict(changes or {})),
            "request_id": request_id_var.get() if request_id_var.get() != "-" else "",
            "ip": client_ip_var.get(),
        }
        digest = event_digest(prev_hash=head.last_hash, key=chain_key(), **payload)
        event = AuditEvent.objects.create(
            actor_id=actor_id, prev_hash=head.last_hash, hash=digest, keyed=True, **payload
        )
        head.last_hash = digest
        head.last_event_id = event.pk
        head.save(update_fields=["last_hash", "last_event_id"])
    return event


def audit_record_many(
    *,
    actor: Actor | None,
    action: str,
    entries: Sequence[tuple[models.Model, Mapping[str, Any]]],
) -> list[AuditEvent]:
    """One event per (object, changes) entry, as `audit_record` writes them, chained in order
    under one lock on the chain head and inserted in one statement: for a batch whose every
    row must stay an event of its own (the exchange feed reads one per certificate)."""
    if not entries:
        return []
    user = actor_user(actor)
    ref = actor_ref(actor)
    request_id = request_id_var.get() if request_id_var.get() != "-" else ""
    ip = client_ip_var.get()
    key = chain_key()
    with transaction.atomic():
        head, _ = AuditChainHead.objects.select_for_update().get_or_create(
            id=1, defaults={"last_hash": GENESIS}
        )
        created_at = timezone.now()
        prev = head.last_hash
        events = []
        for obj, changes in entries:
            payload = {
                "created_at": created_at,
                "actor_ref": ref,
                "action": action,
                "object_type": obj._meta.label_lower,
                "object_id": str(obj.pk),
                "object_repr": str(obj)[:200],
                "changes": _jsonable(dict(changes)),
                "request_id": request_id,
                "ip": ip,
            }
            digest = event_digest(prev_hash=prev, key=key, **payload)
            events.append(
                AuditEvent(
                    actor_id=user.pk if user is not None else None,
                    prev_hash=prev,
                    hash=digest,
                    keyed=True,
                    **payload,
                )
            )
            prev = digest
        AuditEvent.objects.bulk_create(events, batch_size=500)
        head.last_hash = prev
        head.last_event_id = events[-1].pk
        head.save(update_fields=["last_hash", "last_event_id"])
    return events


def rows_sha256(rows: Sequence[Mapping[str, Any]]) -> str:
    """The SHA-256 of the rows' canonical JSON (sorted keys, no spaces, UTF-8): what a batch
    event stores beside its rows, so `audit verify` still detects an edited row."""
    canonical = json.dumps(rows, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


def audit_record_batch(
    *,
    actor: Actor | None,
    action: str,
    rows: Sequence[Mapping[str, Any]],
    obj: models.Model | None = None,
    object_type: str = "",
    object_id: str = "",
    object_repr: str = "",
    **extra: Any,
) -> AuditEvent:
    """One audit event for a batch form that commits to every row it wrote: `extra`, the
    count, the rows and `rows_sha256` of them."""
    rows = list(rows)
    return audit_record(
        actor=actor,
        action=action,
        obj=obj,
        object_type=object_type,
        object_id=object_id,
        object_repr=object_repr,
        changes={**extra, "count": len(rows), "rows": rows, "rows_sha256": rows_sha256(rows)},
    )


M = TypeVar("M", bound=models.Model)


def audited_create(
    model: type[M],
    *,
    actor: Actor | None,
    action: str,
    changes: Mapping[str, Any] | None = None,
    clash: DomainError | None = None,
    audit_obj: models.Model | None = None,
    **fields: Any,
) -> M:
    """Create one `model` row from `fields` and its audit event (about the row, or
    `audit_obj`) in one transaction. With `clash`, a row that breaks a unique constraint is
    refused with it (the caller's words for the clash) and nothing is written."""
    try:
        with transaction.atomic():
            row = model._default_manager.create(**fields)
            audit_record(
                actor=actor,
                action=action,
                obj=row if audit_obj is None else audit_obj,
                changes=changes,
            )
    except IntegrityError:
        if clash is None:
            raise
        raise clash from None
    return row


def audited_update(
    obj: models.Model,
    values: Mapping[str, Any],
    *,
    actor: Actor | None,
    action: str,
    always: bool = False,
) -> bool:
    """Write `values` onto `obj`; when one differs from what it holds (or `always`), save it
    and audit the changed ones as [before, after]. Returns whether it saved."""
    before = {k: getattr(obj, k) for k in values}
    changed = {k: [before[k], v] for k, v in values.items() if before[k] != v}
    if not changed and not always:
        return False
    for key, value in values.items():
        setattr(obj, key, value)
    obj.save()
    audit_record(actor=actor, action=action, obj=obj, changes=changed)
    return True


def audit_verify(*, using: str = DEFAULT_DB_ALIAS) -> tuple[int, ChainBreak | None]:
    """Walk the chain of the database `using` (the live one, or a backup's staged copy) in id
    order. Returns (rows checked, first break or None). A chain that verifies but whose head
    does not match the newest row has lost rows at its end. A table whose columns are not
    this version's raises DatabaseError."""
    checked = 0
    events = AuditEvent.objects.using(using)

    def rows() -> Iterator[dict[str, Any]]:
        nonlocal checked
        for row in events.order_by("id").values(*_VERIFY_FIELDS).iterator(chunk_size=5000):
            checked += 1
            yield row

    found = find_first_break(rows(), key=chain_key())
    if found is not None:
        return checked, found
    head = AuditChainHead.objects.using(using).filter(id=1).first()
    last = events.order_by("-id").values("id", "hash").first()
    if head is not None and (last is None or head.last_hash != last["hash"]):
        return checked, ChainBreak(head.last_event_id, "链头与最后一条记录不一致（末尾记录被删除）")
    return checked, None


@dataclass(frozen=True)
class Anchor:
    day: str
    last_event_id: int
    last_hash: str
    signature: str

    def as_json(self) -> dict[str, object]:
        return asdict(self)


def audit_anchor_create(*, day: dt.date | None = None) -> Anchor:
    """The chain head, signed, to be published where the application cannot rewrite it (a
    write-once bucket, another host's log): a chain rewritten later, even by someone holding
    the key, no longer passes through the published heads."""
    day_text = (day or timezone.localdate()).isoformat()
    head = AuditChainHead.objects.filter(id=1).first()
    last_id, last_hash = (head.last_event_id, head.last_hash) if head else (0, GENESIS)
    signature = anchor_signature(
        key=chain_key(), last_event_id=last_id, last_hash=last_hash, day=day_text
    )
    return Anchor(day_text, last_id, last_hash, signature)


def audit_anchor_check(anchor: Mapping[str, Any]) -> str | None:
    """None when a published anchor still matches the chain, else what does not."""
    try:
        last_id, last_hash = int(anchor["last_event_id"]), str(anchor["last_hash"])
        expected = anchor_signature(
            key=chain_key(), last_event_id=last_id, last_hash=last_hash, day=str(anchor["day"])
        )
        signature = str(anchor["signature"])
    except (KeyError, TypeError, ValueError):
        return "锚点文件格式不正确"
    if not hmac.compare_digest(expected, signature):
        return f"{anchor['day']} 的锚点签名不正确（锚点被改动或密钥不同）"
    if last_id == 0:
        return None
    row = AuditEvent.objects.filter(pk=last_id).values_list("hash", flat=True).first()
    if row is None:
        return f"{anchor['day']} 的锚点所指事件 #{last_id} 已不存在（记录被删除）"
    if not hmac.compare_digest(row, last_hash):
        return f"{anchor['day']} 的锚点与事件 #{last_id} 的哈希不符（审计链被改写）"
    return None
