"""Supervision writes: the 双随机 draw, visits (checklist, findings, evidence, report),
corrective actions, escalation of serious findings to the credit record with a hold on the
registration of results (lifted when the finding's corrective action is accepted), the
authority's on-site supervisor of a social assessment, and complaints from intake to
feedback. Each is atomic and audited.

Import from here; the modules behind it are `draws`, `visits`, `corrective_actions`,
`escalation`, `external` (the appointed on-site supervisor, the accepted reason for a
missing report, staffing-ratio exceptions) and `complaints`."""

from skillcert.supervision.services._shared import policy_for
from skillcert.supervision.services.complaints import (
    CONTENT_MAX,
    CONTENT_MIN,
    complaint_conclude,
    complaint_reject,
    complaint_submit,
    complaint_track,
    complaint_triage,
    tracking_digest,
)
from skillcert.supervision.services.corrective_actions import (
    corrective_action_respond,
    corrective_action_review,
)
from skillcert.supervision.services.draws import (
    NO_ROTATION_LIMIT,
    draw_pool,
    draw_replay,
    supervision_draw,
)
from skillcert.supervision.services.escalation import (
    HOLD_SCOPES,
    finding_escalate,
    registration_hold_lift,
)
from skillcert.supervision.services.external import (
    onsite_report_waive,
    onsite_supervisor_appoint,
    onsite_supervisor_pool,
    onsite_supervisor_refusal,
    ratio_override_record,
)
from skillcert.supervision.services.visits import (
    evidence_add,
    finding_record,
    visit_checklist_save,
    visit_report_submit,
)

__all__ = [
    "CONTENT_MAX",
    "CONTENT_MIN",
    "HOLD_SCOPES",
    "NO_ROTATION_LIMIT",
    "complaint_conclude",
    "complaint_reject",
    "complaint_submit",
    "complaint_track",
    "complaint_triage",
    "corrective_action_respond",
    "corrective_action_review",
    "draw_pool",
    "draw_replay",
    "evidence_add",
    "finding_escalate",
    "finding_record",
    "onsite_report_waive",
    "onsite_supervisor_appoint",
    "onsite_supervisor_pool",
    "onsite_supervisor_refusal",
    "policy_for",
    "ratio_override_record",
    "registration_hold_lift",
    "supervision_draw",
    "tracking_digest",
    "visit_checklist_save",
    "visit_report_submit",
]
