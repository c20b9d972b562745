"""The roster import service, shared by `manage.py roster import` and the web upload's
background task: read the file, validate every row against the catalogue, the plan and the
rule sets (applications.roster, pure), then write candidates, applications and their
submission events in bulk inside one transaction."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.db.models import Field, Model
from django.utils import timezone

from skillcert.accounts.actors import Actor
from skillcert.accounts.models import User
from skillcert.applications.models import (
    Application,
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
    validate_roster,
)
from skillcert.applications.roster_files import RosterSheet, read_roster
from skillcert.audit.services import audit_record
from skillcert.candidates.models import Candidate, Education, HeldCertificate, WorkPeriod
from skillcert.common.errors import DomainError
from skillcert.common.pii import pii_digest, pii_encrypt
from skillcert.eligibility.selectors import rule_set_for
from skillcert.occupations.models import Occupation, Specialty, Standard
from skillcert.plans.models import EvaluationPlan
from skillcert.plans.services import plan_seats_reserve

BATCH = 500
Progress = Callable[[int, int], None]


@dataclass
class ImportOutcome:
    imported: int
    errors: list[RowError]
    data_rows: int
    sheet: RosterSheet | None = None
    application_ids: list[int] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {"imported": self.imported, "errors": [e.as_dict() for e in self.errors]}


def _context(plan: EvaluationPlan) -> RosterContext:
    offerings = list(plan.offerings.select_related("occupation"))
    offered_ids = {o.occupation_id for o in offerings}
    standards: dict[int, Standard] = {}
    for standard in Standard.objects.order_by("occupation_id", "-edition_year", "kind"):
        current = standards.get(standard.occupation_id)
        # standard_current(): the newest national edition, else the newest of any kind
        if current is None or (current.kind != "national" and standard.kind == "national"):
            standards[standard.occupation_id] = standard
    specialties: dict[int, dict[str, int]] = {}
    for specialty in Specialty.objects.filter(occupation_id__in=offered_ids):
        specialties.setdefault(specialty.occupation_id, {})[specialty.name] = specialty.pk
    occupations: dict[str, OccupationInfo] = {}
    for occupation in Occupation.objects.all():
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
    and reports what would be imported."""
    sheet, result = roster_validate(plan=plan, source=source, progress=progress)
    outcome = ImportOutcome(0, result.errors, result.data_rows, sheet)
    if result.errors and not partial:
        return outcome
    if dry_run:
        outcome.imported = len(result.rows)
        return outcome
    if not result.rows:
        return outcome
    try:
        with transaction.atomic():
            outcome.application_ids = _write(plan, result.rows, actor, roster_import_row)
            outcome.imported = len(result.rows)
            audit_record(
                actor=actor,
                action="roster.import",
                obj=plan,
                changes={
                    "imported": outcome.imported,
                    "errors": len(result.errors),
                    "partial": partial,
                    "import": roster_import_row.pk if roster_import_row else None,
                },
            )
    except IntegrityError:
        # Someone applied the same person to this plan between validation and writing.
        raise DomainError(
            "roster.concurrent_change", "导入期间本计划的申报发生变化，请重新导入"
        ) from None
    return outcome


def _insert(model: type[Model], columns: list[str], rows: list[tuple[Any, ...]]) -> None:
    """Plain INSERT ... executemany. At roster sizes (10^5 rows) the ORM's per-object
    bulk_create compilation costs several times the database work; values here are
    already adapted by the caller (JSON and datetimes through the field / backend)."""
    if not rows:
        return
    quote = connection.ops.quote_name
    names = ", ".join(quote(_field(model, c).column) for c in columns)
    marks = ", ".join(["%s"] * len(columns))
    # Table and column names come from model metadata; every value is a parameter.
    sql = f"INSERT INTO {quote(model._meta.db_table)} ({names}) VALUES ({marks})"  # noqa: S608
    with connection.cursor() as cursor:
        for start in range(0, len(rows), 5000):
            cursor.executemany(sql, rows[start : start + 5000])


def _field(model: type[Model], name: str) -> Field[Any, Any]:
    field = model._meta.get_field(name)
    assert isinstance(field, Field)
    return field


def _json(model: type[Model], name: str, value: Any) -> Any:
    return _field(model, name).get_db_prep_save(value, connection)


def _write(
    plan: EvaluationPlan, rows: list[RosterRow], actor: Actor, batch: RosterImport | None
) -> list[int]:
    # Takes the plan row lock first: concurrent imports and submissions to this plan queue
    # here, which also makes `submitted_at = now` identify this import's rows below.
    plan_seats_reserve(plan_id=plan.pk, count=len(rows))
    now = timezone.now()
    db_now = connection.ops.adapt_datetimefield_value(now)
    day = connection.ops.adapt_datefield_value
    digests = [r.digest for r in rows]
    existing = _candidates_by_digest(digests)
    fresh = [r for r in rows if r.digest not in existing]
    empty_list = _json(Candidate, "photo_problems", [])
    _insert(
        Candidate,
        ["full_name", "id_number", "id_number_digest", "birth_date", "declared_birth_date",
         "gender", "phone", "phone_digest", "apprenticeship_completed", "photo", "photo_ok",
         "photo_problems", "created_at"],
        [
            (r.name, pii_encrypt(r.id_number), r.digest, day(r.birth_date),
             day(r.declared_birth_date), r.gender, pii_encrypt(r.phone), pii_digest(r.phone),
             False, "", False, empty_list, db_now)
            for r in fresh
        ],
    )  # fmt: skip
    new_ids = _candidates_by_digest([r.digest for r in fresh])
    existing.update(new_ids)
    _profiles(fresh, new_ids)

    batch_id = batch.pk if batch else None
    _insert(
        Application,
        ["plan", "candidate", "occupation", "specialty", "level", "status", "source",
         "holds_seat", "profile_snapshot", "eligible", "matched_clause", "rule_set_code",
         "rule_set_version", "decision", "checked_at", "override_reason",
         "flag_birth_mismatch", "flag_photo_failed", "roster_import", "created_at",
         "submitted_at", "updated_at"],
        [
            (plan.pk, existing[r.digest][0], r.occupation_id, r.specialty_id, r.level,
             Status.ORG_REVIEW, Source.ROSTER, True,
             _json(Application, "profile_snapshot", r.snapshot), r.decision.eligible,
             r.decision.matched_clause or "", r.decision.rule_set, r.decision.version,
             _json(Application, "decision", r.decision.as_dict()), db_now, "",
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
    if isinstance(actor, User):
        actor_id, actor_ref = actor.pk, f"{actor.pk}:{actor.get_username()}"
    else:
        actor_id, actor_ref = None, str(actor)[:120]
    reason = f"花名册导入#{batch.pk}" if batch else "花名册导入"
    _insert(
        ReviewEvent,
        ["application", "transition", "tier", "from_status", "to_status", "reason", "actor",
         "actor_ref", "created_at"],
        [(pk, "submit", "", Status.DRAFT, Status.ORG_REVIEW, reason, actor_id, actor_ref, db_now)
         for pk in ids],
    )  # fmt: skip
    return ids


def _candidates_by_digest(digests: list[str]) -> dict[str, tuple[int, bool]]:
    """digest -> (candidate id, photo failed its checks)."""
    found: dict[str, tuple[int, bool]] = {}
    for start in range(0, len(digests), BATCH):
        for pk, digest, photo, photo_ok in Candidate.objects.filter(
            id_number_digest__in=digests[start : start + BATCH]
        ).values_list("pk", "id_number_digest", "photo", "photo_ok"):
            found[digest] = (pk, bool(photo) and not photo_ok)
    return found


def _profiles(rows: list[RosterRow], ids: dict[str, tuple[int, bool]]) -> None:
    """A person first met on a roster gets the roster's work, certificate and education
    as their profile; an existing person's profile is theirs to keep."""
    day = connection.ops.adapt_datefield_value
    work, certificates, education = [], [], []
    for r in rows:
        candidate_id = ids[r.digest][0]
        for w in r.snapshot["work"]:
            work.append((candidate_id, "", "", day(dt.date.fromisoformat(w["start"])), None, True))
        for c in r.snapshot["certificates"]:
            certificates.append(
                (candidate_id, c["kind"] or "skill_level", c["number"], "", c["level"],
                 day(dt.date.fromisoformat(c["date"])), True)
            )  # fmt: skip
        for e in r.snapshot["education"]:
            education.append(
                (candidate_id, e["kind"], "", "", e["major_related"],
                 day(dt.date.fromisoformat(e["graduation"])))
            )  # fmt: skip
    _insert(
        WorkPeriod, ["candidate", "employer", "occupation_name", "start", "end", "related"], work
    )
    _insert(
        HeldCertificate,
        ["candidate", "kind", "number", "occupation_name", "level", "issued_on", "related"],
        certificates,
    )
    _insert(
        Education,
        ["candidate", "kind", "school", "major", "major_related", "graduation"],
        education,
    )
