"""PIPL retention: the personal data of candidates who withdrew is erased once it is no longer
needed (个人信息保护法 第四十七条: the purpose is gone and the retention period has passed).

A candidate qualifies when every application they made ended without an assessment
(withdrawn, rejected or never submitted), none has a result or certificate, and nothing about
them changed for `older_than_days`. Their name, ID number, phone, photo, profile rows,
attachments and notifications are erased; the application rows stay, anonymous, so the
statistics and the review history still add up. The audit row names the candidate's id only.

Roster spreadsheets hold the same name, ID number and phone, so every uploaded roster that
has the person in it goes too: the uploads their applications were imported from, and any
other upload to the same plans whose ID-number column holds their number (a dry run, a row
refused, an upload made again). The whole file is deleted rather than rewritten without
their rows: once its import has run, no application depends on the file (the imported rows
live in the database); it only feeds that upload's error report, which is for correcting an
upload within days, not months, and a rewrite would shift the row numbers the stored error
list points at, drop the clerk's formatting and cannot write .xls. The import row stays with
its counts; its stored error list goes with the file (messages may quote cells). A roster
whose import is still queued or running is read by the worker, so the people in it are
postponed to the next run."""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass
from functools import partial
from typing import Any

from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone

from skillcert.accounts.actors import Actor
from skillcert.applications.erasure import (
    applications_personal_data_erase,
    candidates_without_assessment,
    erasure_counts,
    rosters_holding,
    rosters_in_use,
)
from skillcert.audit.services import audit_record
from skillcert.candidates.erasure import (
    candidate_lock,
    candidate_personal_data_erase,
    candidates_not_erased,
)
from skillcert.common.errors import DomainError
from skillcert.scoring.selectors import results_all


@dataclass(frozen=True)
class PurgeReport:
    candidates: int
    applications: int
    files: int
    roster_files: int
    postponed: int  # in a roster whose import is still queued or running: next run
    dry_run: bool

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def _files_delete(files: list[Any]) -> None:
    for stored in files:
        stored.delete(save=False)


def candidates_due_for_erasure(*, older_than_days: int, today: dt.date | None = None) -> Any:
    if older_than_days < 30:
        raise DomainError(
            "retention.too_short",
            "保存期限不得少于 30 天（申报可能仍在申诉或复核中）",
            field="older_than_days",
        )
    cutoff = timezone.make_aware(
        dt.datetime.combine(
            (today or timezone.localdate()) - dt.timedelta(older_than_days), dt.time()
        )
    )
    assessed = results_all().filter(application__candidate=OuterRef("pk"))
    return (
        candidates_without_assessment(candidates_not_erased(), cutoff=cutoff)
        .filter(~Exists(assessed))
        .order_by("pk")
    )


def candidates_erase_withdrawn(
    *, older_than_days: int, actor: Actor, dry_run: bool = False, today: dt.date | None = None
) -> PurgeReport:
    """Erase the personal data of every qualifying candidate (see the module)."""
    due = list(candidates_due_for_erasure(older_than_days=older_than_days, today=today))
    rosters = rosters_holding(due)
    postponed = {pk for roster_id in rosters_in_use(rosters) for pk in rosters[roster_id]}
    due = [c for c in due if c.pk not in postponed]
    rosters = {rid: holding for rid, holding in rosters.items() if not holding & postponed}
    applications, attachments = erasure_counts(due)
    files = attachments + sum(1 for c in due if c.photo)
    report = PurgeReport(len(due), applications, files, len(rosters), len(postponed), dry_run)
    if dry_run or not due:
        return report
    for candidate in due:
        _erase_one(candidate.pk, rosters, actor)
    return report


def _erase_one(candidate_id: int, rosters: dict[int, set[int]], actor: Actor) -> None:
    """One candidate, all or nothing; files go only once the erasure is committed."""
    with transaction.atomic():
        locked = candidate_lock(candidate_id=candidate_id)
        erased = applications_personal_data_erase(
            candidate_id=locked.pk,
            roster_ids=[rid for rid, holding in rosters.items() if locked.pk in holding],
        )
        if erased is None:
            return  # an upload was queued again meanwhile: next run, all or nothing
        files, roster_ids = erased
        files.extend(candidate_personal_data_erase(candidate=locked))
        audit_record(
            actor=actor,
            action="candidate.erase",
            object_type="candidates.candidate",
            object_id=str(locked.pk),
            object_repr=f"考生#{locked.pk}",
            changes={
                "reason": "撤回申报后保存期满",
                "files": len(files),
                "roster_imports": roster_ids,
            },
        )
        # A rollback keeps the files.
        transaction.on_commit(partial(_files_delete, files))
