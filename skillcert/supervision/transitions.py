"""Allowed status moves of visits, corrective actions and complaints, and the lifecycles
services move them through."""

from __future__ import annotations

from skillcert.audit.lifecycle import Lifecycle
from skillcert.supervision.models import ActionStatus, ComplaintStatus, VisitStatus

VISIT_TRANSITIONS: dict[str, frozenset[str]] = {
    VisitStatus.ASSIGNED: frozenset({VisitStatus.REPORTED}),
    VisitStatus.REPORTED: frozenset({VisitStatus.CLOSED}),
    VisitStatus.CLOSED: frozenset(),
}

ACTION_TRANSITIONS: dict[str, frozenset[str]] = {
    ActionStatus.OPEN: frozenset({ActionStatus.SUBMITTED}),
    # the officer accepts the response, or sends it back to be done again
    ActionStatus.SUBMITTED: frozenset({ActionStatus.ACCEPTED, ActionStatus.OPEN}),
    ActionStatus.ACCEPTED: frozenset(),
}

COMPLAINT_TRANSITIONS: dict[str, frozenset[str]] = {
    ComplaintStatus.RECEIVED: frozenset({ComplaintStatus.HANDLING, ComplaintStatus.NOT_ACCEPTED}),
    ComplaintStatus.HANDLING: frozenset({ComplaintStatus.CONCLUDED}),
    ComplaintStatus.CONCLUDED: frozenset(),
    ComplaintStatus.NOT_ACCEPTED: frozenset(),
}

# Audit actions are "supervision.<action>" ("supervision.action_respond", …).
VISIT_LIFECYCLE: Lifecycle[str] = Lifecycle(
    "supervision", VISIT_TRANSITIONS, {str(k): str(v) for k, v in VisitStatus.choices}
)
ACTION_LIFECYCLE: Lifecycle[str] = Lifecycle(
    "supervision", ACTION_TRANSITIONS, {str(k): str(v) for k, v in ActionStatus.choices}
)
COMPLAINT_LIFECYCLE: Lifecycle[str] = Lifecycle(
    "supervision", COMPLAINT_TRANSITIONS, {str(k): str(v) for k, v in ComplaintStatus.choices}
)
