"""What every batch form of this package shares: the one audit event that commits to every
row (the rows and the SHA-256 of their canonical JSON, so `audit verify` still detects an
edited row), the cap on a list's length, and the person locks in primary-key order. Shared
by the service modules of this package; not part of its public surface."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from typing import Any

from django.db import models

from skillcert.accounts.actors import Actor
from skillcert.audit.services import audit_record
from skillcert.common.errors import DomainError
from skillcert.personnel.models import Person

# A month's plan in a large province has a few thousand registrations; longer lists are split.
BULK_ROWS = 5000


def rows_sha256(rows: list[dict[str, Any]]) -> str:
    canonical = json.dumps(rows, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


def batch_audit(
    *,
    actor: Actor,
    action: str,
    rows: list[dict[str, Any]],
    obj: models.Model | None = None,
    object_type: str = "",
    object_id: str = "",
    object_repr: str = "",
    **extra: Any,
) -> None:
    """One audit event for a batch: `extra`, the count, the rows and their hash."""
    audit_record(
        actor=actor,
        action=action,
        obj=obj,
        object_type=object_type,
        object_id=object_id,
        object_repr=object_repr,
        changes={**extra, "count": len(rows), "rows": rows, "rows_sha256": rows_sha256(rows)},
    )


def check_length(count: int, field: str) -> None:
    if count > BULK_ROWS:
        raise DomainError(
            "personnel.bulk_too_long", f"一次最多处理{BULK_ROWS}条，请分批提交", field=field
        )


def lock_people(person_ids: Iterable[int]) -> dict[int, Person]:
    """The people, locked in primary-key order (the person lock every service of this
    package takes), by id."""
    return {
        p.pk: p
        for p in Person.objects.select_for_update().filter(pk__in=set(person_ids)).order_by("pk")
    }
