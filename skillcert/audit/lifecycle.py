"""Named status transitions, written once: a `Lifecycle` declares the allowed moves of one
kind of object, and `move()` checks the move, saves the new status, writes the object's
history row (a `common.models.StatusEvent` subclass) and the audit event, in the caller's
transaction. Nothing else assigns a status."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

from django.db import models

from skillcert.accounts.actors import Actor, actor_ref, actor_user
from skillcert.audit.services import audit_record
from skillcert.common.models import StatusEvent
from skillcert.common.transitions import check_transition

S = TypeVar("S", bound=str)


@dataclass(frozen=True)
class Lifecycle(Generic[S]):
    """`name` prefixes the audit action ("plan" → "plan.filed"); `allowed` maps a status to
    the statuses it may move to; `labels` gives the Chinese names for messages."""

    name: str
    allowed: Mapping[S, frozenset[S]]
    labels: Mapping[str, str] = field(default_factory=dict)
    status_field: str = "status"

    def check(self, current: S, target: S) -> None:
        check_transition(allowed=self.allowed, current=current, target=target, labels=self.labels)

    def may(self, current: S, target: S) -> bool:
        return target in self.allowed.get(current, frozenset())

    def move(
        self,
        obj: models.Model,
        target: S,
        *,
        actor: Actor,
        action: str,
        reason: str = "",
        event: type[StatusEvent] | None = None,
        event_fields: Mapping[str, Any] | None = None,
        update_fields: tuple[str, ...] = (),
        changes: Mapping[str, Any] | None = None,
    ) -> StatusEvent | None:
        """Move the (locked) `obj` to `target`. `event` is the history model and
        `event_fields` its object key and extra columns; `update_fields` are other fields
        the caller changed on `obj` alongside the status. Returns the history row."""
        before = getattr(obj, self.status_field)
        self.check(before, target)
        setattr(obj, self.status_field, target)
        obj.save(update_fields=[self.status_field, *update_fields])
        row = None
        if event is not None:
            row = event._default_manager.create(
                from_status=before,
                to_status=target,
                reason=reason,
                actor=actor_user(actor),
                actor_ref=actor_ref(actor),
                **dict(event_fields or {}),
            )
        audit_record(
            actor=actor,
            action=f"{self.name}.{action}",
            obj=obj,
            changes={self.status_field: [before, target], **dict(changes or {})},
        )
        return row
