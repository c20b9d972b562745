"""What every application write shares: lock the row, move its status through the
transitions table with a ReviewEvent and an audit event, the notice to the candidate."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from django.utils import timezone

from skillcert.accounts.actors import Actor, actor_ref, actor_user
from skillcert.applications.models import (
    Application,
    ReviewEvent,
)
from skillcert.applications.notifications import Notice
from skillcert.applications.transitions import TRANSITIONS, transition_target
from skillcert.audit.services import audit_record
from skillcert.common.errors import DomainError

if TYPE_CHECKING:
    pass


def _today() -> dt.date:
    return timezone.localdate()


def _actor_fields(actor: Actor) -> dict[str, Any]:
    return {"actor": actor_user(actor), "actor_ref": actor_ref(actor)}


def _event(
    application: Application, *, transition: str, before: str, reason: str, actor: Actor
) -> ReviewEvent:
    return ReviewEvent(
        application=application,
        transition=transition,
        tier=TRANSITIONS[transition].tier if transition in TRANSITIONS else "",
        from_status=before,
        to_status=application.status,
        reason=reason,
        **_actor_fields(actor),
    )


def _move(application: Application, *, transition: str, reason: str, actor: Actor) -> None:
    """Apply a named transition to a locked application and record it."""
    before = application.status
    application.status = transition_target(name=transition, current=before)
    application.save(update_fields=["status", "holds_seat", "submitted_at", "updated_at"])
    _event(application, transition=transition, before=before, reason=reason, actor=actor).save()
    audit_record(
        actor=actor,
        action=f"application.{transition}",
        obj=application,
        changes={"status": [before, application.status], "reason": [None, reason or None]},
    )


def _lock(application: Application) -> Application:
    return (
        Application.objects.select_for_update()
        .select_related("plan", "plan__organization", "plan__organization__region", "candidate")
        .get(pk=application.pk)
    )


def _notice(application: Application, subject: str, body: str) -> Notice:
    return Notice(
        candidate_id=application.candidate_id,
        application_id=application.pk,
        subject=subject,
        body=body,
    )


def _owner_only(application: Application, actor: Actor) -> None:
    user = actor_user(actor)
    if user is None or application.candidate.user_id != user.pk:
        raise DomainError("application.not_owner", "只能操作本人的申报")
