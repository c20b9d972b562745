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
from collections import defaultdict
from dataclasses import dataclass
from functools import partial
from typing import Any

from django.db import transaction
from django.db.models import Exists, Max, OuterRef, Q
from django.utils import timezone

from skillcert.accounts.actors import Actor
from skillcert.applications.choices import ImportStatus, Status
from skillcert.applications.models import (
    Application,
    Attachment,
    Notification,
    RosterImport,
)
from skillcert.applications.roster import cell_text
from skillcert.applications.roster_files import read_roster
from skillcert.audit.services import audit_record
from skillcert.candidates.models import (
    ActivationCode,
    Candidate,
    Education,
    HeldCertificate,
    IdentityClaim,
    Title,
    WorkPeriod,
)
from skillcert.common.errors import DomainError
from skillcert.common.identifiers import normalize
from skillcert.common.pii import pii_digest
from skillcert.scoring.selectors import results_all

ENDED_WITHOUT_ASSESSMENT = (Status.WITHDRAWN, Status.REJECTED, Status.DRAFT)
ERASED_NAME = "（已删除）"
ERASED_BIRTH = dt.date(1900, 1, 1)
ROSTER_ERASED = "花名册文件已按个人信息保存期限删除（其中有考生的个人信息已删除）"
ROSTER_IN_USE = (ImportStatus.QUEUED, ImportStatus.RUNNING)


@dataclass(frozen=True)
class PurgeReport:
    candidates: int
    applications: int
    files: int
    roster_files: int
    postponed: int  # in a roster whose import is still queued or running: next run
    dry_run: bool

    def as_dict(self) -> dict[str, Any]:
        return {
            "candidates": self.candidates,
            "applications": self.applications,
            "files": self.files,
            "roster_files": self.roster_files,
            "postponed": self.postponed,
            "dry_run": self.dry_run,
        }


def _files_delete(files: list[Any]) -> None:
    for stored in files:
        stored.delete(save=False)


def _roster_digests(job: RosterImport) -> set[str] | None:
    """The keyed hashes of the ID numbers in a roster file; None when it cannot be read as a
    roster (its import failed too), so nobody can tell who is in it."""
    try:
        job.file.open("rb")
    except FileNotFoundError:
        return set()
    try:
        data = job.file.read()
    finally:
        job.file.close()
    try:
        sheet = read_roster(data)
    except DomainError:
        return None
    column = sheet.columns["id_number"]
    return {
        pii_digest(normalize(cell_text(cells[column])))
        for _, cells in sheet.rows
        if column < len(cells) and cell_text(cells[column])
    }


def _rosters_holding(due: list[Candidate]) -> dict[int, set[int]]:
    """Roster import id -> the due candidates its stored file holds (see the module)."""
    found: dict[int, set[int]] = defaultdict(set)
    applications = Application.objects.filter(candidate__in=due)
    for roster_id, candidate_id in applications.filter(roster_import__isnull=False).values_list(
        "roster_import_id", "candidate_id"
    ):
        found[roster_id].add(candidate_id)
    by_digest = {c.id_number_digest: c.pk for c in due}
    applied: dict[int, set[int]] = defaultdict(set)
    for plan_id, candidate_id in applications.values_list("plan_id", "candidate_id"):
        applied[plan_id].add(candidate_id)
    for job in RosterImport.objects.filter(plan__in=list(applied)).exclude(file="").order_by("pk"):
        digests = _roster_digests(job)
        if digests is None:
            found[job.pk] |= applied[job.plan_id]
        else:
            found[job.pk] |= {by_digest[d] for d in digests if d in by_digest}
    holding = [pk for pk, candidates in found.items() if candidates]
    stored = RosterImport.objects.filter(pk__in=holding).exclude(file="")
    return {pk: found[pk] for pk in stored.values_list("pk", flat=True)}


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
    active = Application.objects.filter(candidate=OuterRef("pk")).exclude(
        status__in=ENDED_WITHOUT_ASSESSMENT
    )
    assessed = results_all().filter(application__candidate=OuterRef("pk"))
    return (
        Candidate.objects.exclude(full_name=ERASED_NAME)
        .annotate(last_change=Max("applications__updated_at"))
        .filter(
            ~Exists(active),
            ~Exists(assessed),
            Exists(Application.objects.filter(candidate=OuterRef("pk"))),
            Q(last_change__lt=cutoff),
        )
        .order_by("pk")
    )


def candidates_erase_withdrawn(
    *, older_than_days: int, actor: Actor, dry_run: bool = False, today: dt.date | None = None
) -> PurgeReport:
    """Erase the personal data of every qualifying candidate (see the module)."""
    due = list(candidates_due_for_erasure(older_than_days=older_than_days, today=today))
    rosters = _rosters_holding(due)
    in_use = RosterImport.objects.filter(pk__in=list(rosters), status__in=ROSTER_IN_USE)
    postponed = {
        pk for roster_id in in_use.values_list("pk", flat=True) for pk in rosters[roster_id]
    }
    due = [c for c in due if c.pk not in postponed]
    rosters = {rid: holding for rid, holding in rosters.items() if not holding & postponed}
    applications = Application.objects.filter(candidate__in=due)
    attachments = Attachment.objects.filter(application__in=applications)
    files = attachments.count() + sum(1 for c in due if c.photo)
    report = PurgeReport(
        len(due), applications.count(), files, len(rosters), len(postponed), dry_run
    )
    if dry_run or not due:
        return report
    for candidate in due:
        _erase_one(candidate, rosters, actor)
    return report


def _erase_one(candidate: Candidate, rosters: dict[int, set[int]], actor: Actor) -> None:
    """One candidate, all or nothing; files go only once the erasure is committed."""
    with transaction.atomic():
        locked = Candidate.objects.select_for_update().get(pk=candidate.pk)
        uploads = list(
            RosterImport.objects.select_for_update()
            .filter(pk__in=[rid for rid, holding in rosters.items() if locked.pk in holding])
            .exclude(file="")
            .order_by("pk")
        )
        if any(upload.status in ROSTER_IN_USE for upload in uploads):
            return  # an upload was queued again meanwhile: next run, all or nothing
        stored = [a.file for a in Attachment.objects.filter(application__candidate=locked)]
        stored.extend(upload.file for upload in uploads)
        if locked.photo:
            stored.append(locked.photo)
        RosterImport.objects.filter(pk__in=[u.pk for u in uploads]).update(
            file="", errors=[], message=ROSTER_ERASED
        )
        Attachment.objects.filter(application__candidate=locked).delete()
        Notification.objects.filter(candidate=locked).delete()
        _candidate_blank(locked)
        audit_record(
            actor=actor,
            action="candidate.erase",
            object_type="candidates.candidate",
            object_id=str(locked.pk),
            object_repr=f"考生#{locked.pk}",
            changes={
                "reason": "撤回申报后保存期满",
                "files": len(stored),
                "roster_imports": [u.pk for u in uploads],
            },
        )
        # A rollback keeps the files.
        transaction.on_commit(partial(_files_delete, stored))


def _candidate_blank(locked: Candidate) -> None:
    """The person's rows and fields go; the candidate row stays, anonymous."""
    for model in (WorkPeriod, HeldCertificate, Education, Title):
        model.objects.filter(candidate=locked).delete()
    # the codes that could claim this person, and the claims naming their ID's digest
    ActivationCode.objects.filter(candidate=locked).delete()
    IdentityClaim.objects.filter(id_number_digest=locked.id_number_digest).delete()
    locked.full_name = ERASED_NAME
    locked.id_number = ""
    locked.id_number_digest = f"erased:{locked.pk}"
    locked.phone = ""
    locked.phone_digest = ""
    locked.birth_date = ERASED_BIRTH
    locked.declared_birth_date = None
    locked.photo = ""
    locked.photo_ok = False
    locked.photo_problems = []
    locked.save()
    if locked.user is not None:
        user = locked.user
        user.full_name = ""
        user.email = ""
        user.phone = ""
        user.is_active = False
        user.set_unusable_password()
        user.save()
