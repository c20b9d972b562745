"""Corrective actions: the organisation reports what it has done, the officer accepts it or
sends it back; the visit closes when every action of it is accepted, and the registration
holds placed on the finding lift."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from skillcert.accounts.actors import Actor
from skillcert.audit.services import audit_record
from skillcert.common.errors import DomainError
from skillcert.organizations.permissions import require_officer_over, require_staff_of
from skillcert.supervision.models import (
    ActionStatus,
    CorrectiveAction,
    RegistrationHold,
    Visit,
    VisitStatus,
)
from skillcert.supervision.services._shared import required
from skillcert.supervision.transitions import ACTION_LIFECYCLE, VISIT_LIFECYCLE


def corrective_action_respond(
    *, action: CorrectiveAction, response: str, actor: Actor
) -> CorrectiveAction:
    """The organisation reports what it has done."""
    require_staff_of(actor, action.org)
    response = required(response, "supervision.response_required", "请填写整改情况", "response")
    with transaction.atomic():
        locked = CorrectiveAction.objects.select_for_update().get(pk=action.pk)
        locked.response, locked.submitted_at = response, timezone.now()
        ACTION_LIFECYCLE.move(
            locked,
            ActionStatus.SUBMITTED,
            actor=actor,
            action="action_respond",
            update_fields=("response", "submitted_at"),
        )
    return locked


def _close_visit_when_all_accepted(visit: Visit) -> None:
    """The (locked) visit closes once none of its corrective actions is still open."""
    if (
        CorrectiveAction.objects.filter(finding__visit=visit)
        .exclude(status=ActionStatus.ACCEPTED)
        .exists()
    ):
        return
    VISIT_LIFECYCLE.check(visit.status, VisitStatus.CLOSED)
    visit.status, visit.closed_at = VisitStatus.CLOSED, timezone.now()
    visit.save(update_fields=["status", "closed_at"])


def corrective_action_review(
    *, action: CorrectiveAction, accept: bool, note: str, actor: Actor
) -> CorrectiveAction:
    """The officer accepts the response or sends it back; the visit closes when every action
    of it is accepted."""
    require_officer_over(actor, action.org)
    note = note.strip()
    if not accept and not note:
        raise DomainError("supervision.note_required", "退回整改须填写意见", field="note")
    with transaction.atomic():
        locked = CorrectiveAction.objects.select_for_update().get(pk=action.pk)
        visit = Visit.objects.select_for_update().get(pk=locked.finding.visit_id)
        locked.review_note = note
        locked.accepted_at = timezone.now() if accept else None
        ACTION_LIFECYCLE.move(
            locked,
            ActionStatus.ACCEPTED if accept else ActionStatus.OPEN,
            actor=actor,
            action="action_review",
            update_fields=("review_note", "accepted_at"),
            changes={"note": [None, note]},
        )
        if accept:
            _close_visit_when_all_accepted(visit)
            _holds_lift_on_acceptance(locked, actor)
    return locked


def _holds_lift_on_acceptance(action: CorrectiveAction, actor: Actor) -> None:
    """A serious finding holds the registration of results until its corrective action is
    accepted: acceptance lifts the holds placed on it (an officer may lift one earlier)."""
    for hold in RegistrationHold.objects.select_for_update().filter(
        finding_id=action.finding_id, lifted_at__isnull=True
    ):
        hold.lifted_at = timezone.now()
        hold.lift_reason = f"整改已验收通过（整改#{action.pk}）"
        hold.save(update_fields=["lifted_at", "lift_reason"])
        audit_record(
            actor=actor,
            action="supervision.hold_lift",
            obj=hold,
            changes={"lifted": [False, True], "reason": [None, hold.lift_reason]},
        )
