"""History rows of roles and registrations (what the person sees as progress), written by
the service modules of this package beside their audit events. The `*_row` forms build the
row unsaved, for the batch forms that insert many at once."""

from __future__ import annotations

from skillcert.accounts.actors import Actor, actor_user
from skillcert.audit.services import audit_record
from skillcert.personnel.models import PersonRole, PersonRoleEvent, Registration, RegistrationEvent


def role_history_row(
    role: PersonRole, action: str, before: str, reason: str, actor: Actor
) -> PersonRoleEvent:
    return PersonRoleEvent(
        role=role,
        action=action,
        from_status=before,
        to_status=role.status,
        reason=reason[:300],
        actor=actor_user(actor),
    )


def role_history(role: PersonRole, action: str, before: str, reason: str, actor: Actor) -> None:
    role_history_row(role, action, before, reason, actor).save(force_insert=True)


def role_event(role: PersonRole, action: str, before: str, reason: str, actor: Actor) -> None:
    """A role step that is not a status move (appointment, grant, renewal): the history row
    and the audit event "personnel.role_<action>"."""
    role_history(role, action, before, reason, actor)
    audit_record(
        actor=actor,
        action=f"personnel.role_{action}",
        obj=role,
        changes={"status": [before or None, role.status], "reason": [None, reason]},
    )


def registration_history_row(
    registration: Registration, action: str, before: str, note: str, actor: Actor
) -> RegistrationEvent:
    return RegistrationEvent(
        registration=registration,
        action=action,
        from_status=before,
        to_status=registration.status,
        note=note[:300],
        actor=actor_user(actor),
    )


def registration_history(
    registration: Registration, action: str, before: str, note: str, actor: Actor
) -> None:
    registration_history_row(registration, action, before, note, actor).save(force_insert=True)
