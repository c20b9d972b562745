"""Application writes: create, submit (with the eligibility decision), officer override,
withdraw, resubmit, the three review tiers (one at a time or a filtered list at once), sample
draws, attachments, roster uploads. Each is atomic, moves status through the transitions table,
writes a ReviewEvent and an audit event, and notifies the candidate after commit. One module
per side; every name is re-exported here so `from skillcert.applications.services import X`
keeps working."""

from skillcert.applications.services.candidate import (
    ACCOMMODATION_NOTE_MAX,
    ATTACHMENT_MAX_BYTES,
    ATTACHMENT_MAX_COUNT,
    accommodation_clean,
    application_accommodation_set,
    application_create,
    application_override,
    application_resubmit,
    application_submit,
    application_withdraw,
    attachment_add,
)
from skillcert.applications.services.review import (
    REVIEW_DECISIONS,
    _ids_label,
    application_review,
    applications_approve_bulk,
    sample_draw,
)
from skillcert.applications.services.roster import ROSTER_MAX_BYTES, roster_upload_create

__all__ = [
    "ACCOMMODATION_NOTE_MAX",
    "ATTACHMENT_MAX_BYTES",
    "ATTACHMENT_MAX_COUNT",
    "REVIEW_DECISIONS",
    "ROSTER_MAX_BYTES",
    "_ids_label",
    "accommodation_clean",
    "application_accommodation_set",
    "application_create",
    "application_override",
    "application_resubmit",
    "application_review",
    "application_submit",
    "application_withdraw",
    "applications_approve_bulk",
    "attachment_add",
    "roster_upload_create",
    "sample_draw",
]
