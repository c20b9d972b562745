"""Item-bank writes. Each is atomic, checks with `permits` that the actor may act in the bank
that owns the row, moves statuses only through the named transitions, and records an audit
event. Audit rows and error messages name items by code, never by their text.

The modules follow the work: `roles`, `items` (drafts, review, assignments, logged reads),
`review_bulk` (the review workflow for a chosen list of items), `blueprints`, `papers`
(assembly, sealing, release), `exchange` (Excel and QTI import and export) and `analysis`
(feedback from scoring). `_guards` holds the checks they share."""

from __future__ import annotations

from skillcert.itembank.services.analysis import (
    ANALYSIS_TRANSITIONS,
    ItemStatistics,
    items_statistics_feedback,
)
from skillcert.itembank.services.blueprints import (
    blueprint_cells_from_weights,
    blueprint_create,
)
from skillcert.itembank.services.exchange import (
    QTI_TYPES,
    ImportReport,
    items_export_rows,
    items_import,
)
from skillcert.itembank.services.items import (
    item_approve,
    item_assign,
    item_assignment_revoke,
    item_contents_read,
    item_create,
    item_retire,
    item_return,
    item_statistics_update,
    item_submit,
    item_update,
    items_rekey,
)
from skillcert.itembank.services.papers import (
    RELEASE_APPROVALS,
    bank_for_blueprint,
    paper_assemble,
    paper_download,
    paper_mark_used,
    paper_release_approve,
    paper_seal,
)
from skillcert.itembank.services.review_bulk import (
    BULK_ITEMS,
    items_approve_bulk,
    items_submit_bulk,
)
from skillcert.itembank.services.roles import (
    itembank_role_grant,
    itembank_role_revoke,
)

__all__ = [
    "ANALYSIS_TRANSITIONS",
    "BULK_ITEMS",
    "QTI_TYPES",
    "RELEASE_APPROVALS",
    "ImportReport",
    "ItemStatistics",
    "bank_for_blueprint",
    "blueprint_cells_from_weights",
    "blueprint_create",
    "item_approve",
    "item_assign",
    "item_assignment_revoke",
    "item_contents_read",
    "item_create",
    "item_retire",
    "item_return",
    "item_statistics_update",
    "item_submit",
    "item_update",
    "itembank_role_grant",
    "itembank_role_revoke",
    "items_approve_bulk",
    "items_export_rows",
    "items_import",
    "items_rekey",
    "items_statistics_feedback",
    "items_submit_bulk",
    "paper_assemble",
    "paper_download",
    "paper_mark_used",
    "paper_release_approve",
    "paper_seal",
]
