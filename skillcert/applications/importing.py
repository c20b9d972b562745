"""The roster import service, shared by `manage.py roster import` and the web upload's
background task: read the file, validate every row against the catalogue, the plan and the
rule sets (applications.roster, pure), then write candidates, applications and their
submission events in bulk inside one transaction."""

from __future__ import annotations

import contextlib
import functools
import gc
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, ParamSpec, TypeVar

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from skillcert.accounts.actors import Actor, actor_ref, actor_user
from skillcert.applications.bulk_insert import rows_insert
from skillcert.applications.models import (
    Application,
    ImportStatus,
    ReviewEvent,
    RosterImport,
    Source,
    Status,
)
from skillcert.applications.roster import (
    OccupationInfo,
    RosterContext,
    RosterResult,
    RosterRow,
    RowError,
    stored_json,
)
from skillcert.applications.roster_files import RosterSheet, read_roster
from skillcert.applications.roster_sheet import validate_roster
from skillcert.audit.services import audit_record
from skillcert.candidates.roster_records import candidates_from_roster
from skillcert.common.errors import DomainError
from skillcert.common.pii import pii_digest
from skillcert.eligibility.engine import Decision
from skillcert.eligibility.selectors import rule_set_for
from skillcert.occupations.choices import has_levels
from skillcert.occupations.selectors import (
    occupations_search,
    specialty_ids_by_name,
    standards_current_by_occupation,
)
from skillcert.organizations.permits import organization_permit_check
from skillcert.plans.services import plan_seats_reserve
from skillcert.regions.selectors import known_region_codes

if TYPE_CHECKING:
    from skillcert.plans.models import EvaluationPlan

Progress = Callable[[int, int], None]
P = ParamSpec("P")
R = TypeVar("R")

# The error list kept for the page and the report; the count is always complete.
MAX_STORED_ERRORS = 20_000


@dataclass
class ImportOutcome:
    imported: int
    errors: list[RowError]
    data_rows: int
    sheet: RosterSheet | None = None
    application_ids: list[int] = field(default_factory=list)
    warnings: list[RowError] = field(default_factory=list)
    # True when the import's RosterImport row already holds this outcome: it was written in
    # the transaction that imported the rows, or found there by a re-run.
    recorded: bool = False

    def as_dict(self) -> dict[str, Any]:
        return {
            "imported": self.imported,
            "errors": [e.as_dict() for e in self.errors],
            "warnings": [w.as_dict() for w in self.warnings],
        }


def _context(plan: EvaluationPlan) -> RosterContext:
    offerings = list(plan.offerings.select_related("occupation"))
    offered_ids = {o.occupation_id for o in offerings}
    standards = standards_current_by_occupation()
    specialties = specialty_ids_by_name(occupation_ids=offered_ids)
    occupations: dict[str, OccupationInfo] = {}
    for occupation in occupations_search():
        best = standards.get(occupation.pk)
        rules = None
        if occupation.pk in offered_ids:
            rules = rule_set_for(
                code=best.rule_set_code if best else "generic-2018",
                province=settings.SKILLCERT_PROVINCE,
                occupation=occupation,
            )
        occupations[occupation.code] = OccupationInfo(
            id=occupation.pk,
            name=occupation.name,
            levels=frozenset(best.level_list) if best else None,
            specialties=specialties.get(occupation.pk, {}),
            rules=rules,
            has_levels=has_levels(occupation.certification_kind),
        )
    applied = frozenset(
        Application.objects.filter(plan=plan)
        .exclude(status__in=[Status.WITHDRAWN, Status.REJECTED])
        .values_list("candidate__id_number_digest", flat=True)
    )
    return RosterContext(
        occupations=occupations,
        offerings=frozenset((o.occupation.code, o.level) for o in offerings),
        applied_digests=applied,
        digest=pii_digest,
        seats_left=plan.seats_left,
        today=timezone.localdate(),
        known_region_codes=known_region_codes(),
    )


def roster_validate(
    *, plan: EvaluationPlan, source: str | Path | bytes, progress: Progress | None = None
) -> tuple[RosterSheet, RosterResult]:
    """Read and validate without writing. RosterFileError when the file is unusable."""
    sheet = read_roster(source)
    total = len(sheet.rows)
    ctx = _context(plan)
    result = validate_roster(
        sheet.rows,
        columns=sheet.columns,
        ctx=ctx,
        merged=sheet.merged,
        progress=(lambda n: progress(n, total)) if progress else None,
    )
    return sheet, result


def _without_cyclic_gc(function: Callable[P, R]) -> Callable[P, R]:
    """Runs `function` with the cyclic garbage collector paused. A roster of 10^5 rows makes
    millions of small objects (cells, rows, snapshots) that hold no cycles; the collector
    would walk all of them again and again as they pile up — a third of the import's time.
    Reference counting still frees everything; the collector resumes when the import ends."""

    @functools.wraps(function)
    def paused(*args: P.args, **kwargs: P.kwargs) -> R:
        was_enabled = gc.isenabled()
        gc.disable()
        try:
            return function(*args, **kwargs)
        finally:
            if was_enabled:
                gc.enable()

    return paused


@_without_cyclic_gc
def roster_import(
    *,
    plan: EvaluationPlan,
    source: str | Path | bytes,
    actor: Actor,
    partial: bool = False,
    dry_run: bool = False,
    roster_import_row: RosterImport | None = None,
    progress: Progress | None = None,
) -> ImportOutcome:
    """All-or-nothing unless `partial`: any row error and nothing is written. With
    `partial` the valid rows are imported and the rest reported. `dry_run` writes nothing
    and reports what would be imported. With `roster_import_row` the outcome of an import
    that writes rows is stored on that row in the same transaction; a re-run of the same
    import returns the stored outcome and touches no row."""
    if roster_import_row is not None:
        recorded = _recorded_outcome(roster_import_row.pk, lock=False)
        if recorded is not None:
            return recorded
    sheet, result = roster_validate(plan=plan, source=source, progress=progress)
    outcome = ImportOutcome(0, result.errors, result.data_rows, sheet, warnings=result.warnings)
    if result.errors and not partial:
        return outcome
    if dry_run:
        outcome.imported = len(result.rows)
        return outcome
    if not result.rows:
        return outcome
    _permits_check(plan, result.rows)
    try:
        with _roomy_page_cache(), transaction.atomic():
            if roster_import_row is not None:
                # A job runs again when its worker died before django-tasks marked it done;
                # its rows and its outcome were committed together, so finding the outcome
                # means the rows are in: report it and write nothing (two runs at once queue
                # on this lock, the second finds the first's outcome).
                recorded = _recorded_outcome(roster_import_row.pk, lock=True)
                if recorded is not None:
                    return recorded
            _rows_import(plan, result, outcome, actor, roster_import_row, partial=partial)
    except IntegrityError:
        # Someone applied the same person to this plan between validation and writing.
        raise DomainError(
            "roster.concurrent_change", "导入期间本计划的申报发生变化，请重新导入"
        ) from None
    return outcome


def _permits_check(plan: EvaluationPlan, rows: list[RosterRow]) -> None:
    """The organisation may take applications for every occupation and level in `rows`."""
    today = timezone.localdate()
    for occupation_id, level in sorted({(r.occupation_id, r.level) for r in rows}):
        organization_permit_check(
            org=plan.organization,
            action="apply",
            day=today,
            occupation_id=occupation_id,
            level=level,
        )


def _rows_import(
    plan: EvaluationPlan,
    result: RosterResult,
    outcome: ImportOutcome,
    actor: Actor,
    batch: RosterImport | None,
    *,
    partial: bool,
) -> None:
    """Write the valid rows, their outcome on the import row and the audit event (inside
    the import's transaction)."""
    outcome.application_ids = _write(plan, result.rows, actor, batch)
    outcome.imported = len(result.rows)
    if batch is not None:
        roster_import_outcome_record(import_id=batch.pk, outcome=outcome)
    audit_record(
        actor=actor,
        action="roster.import",
        obj=plan,
        changes={
            "imported": outcome.imported,
            "errors": len(result.errors),
            "partial": partial,
            "import": batch.pk if batch else None,
        },
    )


# SQLite's page cache, in KiB, while an import writes: the default 2 MB does not hold the
# candidates' unique digest index once it has 10^5 random keys, so each insert read its pages
# back from the OS (a third of the candidates' insert time).
IMPORT_PAGE_CACHE_KIB = 64 * 1024


@contextlib.contextmanager
def _roomy_page_cache() -> Iterator[None]:
    if connection.vendor != "sqlite":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA cache_size")
        (before,) = cursor.fetchone()
        cursor.execute(f"PRAGMA cache_size = -{IMPORT_PAGE_CACHE_KIB:d}")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"PRAGMA cache_size = {int(before):d}")


def roster_import_outcome_record(*, import_id: int, outcome: ImportOutcome) -> None:
    """Store `outcome` on the RosterImport row: done, its counts, and its errors and
    warnings (each says its severity; the error count stays the errors')."""
    kept = sorted(outcome.errors + outcome.warnings, key=lambda e: (e.row, e.column))
    RosterImport.objects.filter(pk=import_id).update(
        status=ImportStatus.DONE,
        total_rows=outcome.data_rows,
        processed_rows=outcome.data_rows,
        imported=outcome.imported,
        error_count=len(outcome.errors),
        errors=[e.as_dict() for e in kept[:MAX_STORED_ERRORS]],
        finished_at=timezone.now(),
    )
    outcome.recorded = True


def _recorded_outcome(import_id: int, *, lock: bool) -> ImportOutcome | None:
    """The outcome already stored on the import row, or None while it has none. `lock`
    (inside the writing transaction) holds the row until that transaction ends."""
    jobs = RosterImport.objects.select_for_update() if lock else RosterImport.objects.all()
    job = jobs.get(pk=import_id)
    if job.status != ImportStatus.DONE:
        return None
    stored = [RowError(**e) for e in job.errors]
    return ImportOutcome(
        imported=job.imported,
        errors=[e for e in stored if not e.is_warning],
        data_rows=job.total_rows,
        application_ids=list(job.applications.order_by("pk").values_list("pk", flat=True)),
        warnings=[e for e in stored if e.is_warning],
        recorded=True,
    )


def _write(
    plan: EvaluationPlan, rows: list[RosterRow], actor: Actor, batch: RosterImport | None
) -> list[int]:
    # Takes the plan row lock first: concurrent imports and submissions to this plan queue
    # here, which also makes `submitted_at = now` identify this import's rows below.
    plan_seats_reserve(plan_id=plan.pk, count=len(rows))
    now = timezone.now()
    db_now = connection.ops.adapt_datetimefield_value(now)
    existing = candidates_from_roster(rows=rows, now=now)

    batch_id = batch.pk if batch else None
    # Rows with the same history share one Decision (roster._HistoryEntry.decisions), and
    # histories that differ mostly reach equal ones (a 10,865-row roster: 4,055 decisions,
    # 2 distinct): each distinct decision is encoded once. As UTF-8, not \u escapes: the
    # Chinese reasons then take half the bytes, and the rows fewer pages (SQLite stores the
    # text as given; PostgreSQL parses it into jsonb either way).
    decisions: dict[int, str] = {}
    encoded: dict[Decision, str] = {}
    for r in rows:
        if id(r.decision) not in decisions:
            text = encoded.get(r.decision)
            if text is None:
                text = encoded[r.decision] = stored_json(r.decision.as_dict())
            decisions[id(r.decision)] = text
    rows_insert(
        Application,
        ["plan", "candidate", "occupation", "specialty", "level", "status", "source",
         "holds_seat", "profile_snapshot", "eligible", "matched_clause", "rule_set_code",
         "rule_set_version", "decision", "checked_at", "override_reason",
         "flag_birth_mismatch", "flag_photo_failed", "roster_import", "created_at",
         "submitted_at", "updated_at"],
        [
            (plan.pk, existing[r.digest][0], r.occupation_id, r.specialty_id, r.level,
             Status.ORG_REVIEW, Source.ROSTER, True,
             r.snapshot_json(), r.decision.eligible,
             r.decision.matched_clause or "", r.decision.rule_set, r.decision.version,
             decisions[id(r.decision)], db_now, "",
             r.birth_mismatch, existing[r.digest][1], batch_id, db_now, db_now, db_now)
            for r in rows
        ],
    )  # fmt: skip
    ids = list(
        Application.objects.filter(
            plan=plan, source=Source.ROSTER, submitted_at=now, status=Status.ORG_REVIEW
        )
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    user = actor_user(actor)
    actor_id, ref = (user.pk if user is not None else None), actor_ref(actor)
    reason = f"花名册导入#{batch.pk}" if batch else "花名册导入"
    rows_insert(
        ReviewEvent,
        ["application", "transition", "tier", "from_status", "to_status", "reason", "actor",
         "actor_ref", "created_at"],
        [(pk, "submit", "", Status.DRAFT, Status.ORG_REVIEW, reason, actor_id, ref, db_now)
         for pk in ids],
    )  # fmt: skip
    return ids
