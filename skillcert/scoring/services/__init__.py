"""Scoring writes: batches and results, objective scoring from answer files, blind double
marking, practical sheets, panel review, entry by the dedicated account, publication per
district, re-checks, registration and enterprise self-evaluation. Every write is atomic, checks
who acts (`_access`), moves the batch through its named transitions (`_common.RESULT_BATCH`)
and records an audit event. Registered results never change (`_common.require_writable`).

One module per stage; this package re-exports them, so callers import from
`skillcert.scoring.services`."""

from __future__ import annotations

from skillcert.scoring.services.assessment import (
    panel_mark_submit,
    panel_marks_submit_bulk,
    practical_sheet_submit,
    practical_sheets_submit_bulk,
)
from skillcert.scoring.services.batches import (
    batch_entry_account_set,
    batch_open,
    staff_set,
)
from skillcert.scoring.services.enterprise import (
    CANDIDATE_KINDS,
    ENTERPRISE_METHODS,
    EVIDENCE_METHODS,
    enterprise_scheme_set,
    result_evaluate_enterprise,
    result_recognise,
)
from skillcert.scoring.services.entry import (
    PartStateRow,
    batch_reopen,
    batch_submit,
    result_part_state_set,
    result_score_enter,
    results_part_state_set_bulk,
    results_score_enter_bulk,
)
from skillcert.scoring.services.marking import (
    mark_submit,
    marks_submit_bulk,
    script_arbitrate,
    scripts_create,
)
from skillcert.scoring.services.objective_scoring import (
    ScoreReport,
    form_letter,
    paper_objective_key,
    responses_score,
)
from skillcert.scoring.services.publication import (
    batch_publish,
)
from skillcert.scoring.services.recheck import (
    recheck_complete,
    recheck_request,
)
from skillcert.scoring.services.registration import (
    batch_register,
    batch_registration_return,
    batch_registration_submit,
)
from skillcert.scoring.services.setup import (
    batch_open_after_exam,
)

__all__ = [
    "CANDIDATE_KINDS",
    "ENTERPRISE_METHODS",
    "EVIDENCE_METHODS",
    "PartStateRow",
    "ScoreReport",
    "batch_entry_account_set",
    "batch_open",
    "batch_open_after_exam",
    "batch_publish",
    "batch_register",
    "batch_registration_return",
    "batch_registration_submit",
    "batch_reopen",
    "batch_submit",
    "enterprise_scheme_set",
    "form_letter",
    "mark_submit",
    "marks_submit_bulk",
    "panel_mark_submit",
    "panel_marks_submit_bulk",
    "paper_objective_key",
    "practical_sheet_submit",
    "practical_sheets_submit_bulk",
    "recheck_complete",
    "recheck_request",
    "responses_score",
    "result_evaluate_enterprise",
    "result_part_state_set",
    "result_recognise",
    "result_score_enter",
    "results_part_state_set_bulk",
    "results_score_enter_bulk",
    "script_arbitrate",
    "scripts_create",
    "staff_set",
]
