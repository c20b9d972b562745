"""The applications side of erasing a candidate's personal data (PIPL retention,
`operations.retention` decides who and when): their attachments, notifications and every
stored roster spreadsheet that holds them. Application rows stay, anonymous."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from typing import Any

from django.db.models import Exists, Max, OuterRef, Q, QuerySet

from skillcert.applications.choices import ImportStatus, Status
from skillcert.applications.models import Application, Attachment, Notification, RosterImport
from skillcert.applications.roster import cell_text
from skillcert.applications.roster_files import read_roster
from skillcert.common.errors import DomainError
from skillcert.common.identifiers import normalize
from skillcert.common.pii import pii_digest

ENDED_WITHOUT_ASSESSMENT = (Status.WITHDRAWN, Status.REJECTED, Status.DRAFT)
ROSTER_ERASED = "花名册文件已按个人信息保存期限删除（其中有考生的个人信息已删除）"
ROSTER_IN_USE = (ImportStatus.QUEUED, ImportStatus.RUNNING)


def candidates_without_assessment(candidates: QuerySet[Any], *, cutoff: Any) -> QuerySet[Any]:
    """The candidates (of the given queryset) who applied, whose every application ended
    without an assessment, and whose applications last changed before `cutoff`."""
    active = Application.objects.filter(candidate=OuterRef("pk")).exclude(
        status__in=ENDED_WITHOUT_ASSESSMENT
    )
    return candidates.annotate(last_change=Max("applications__updated_at")).filter(
        ~Exists(active),
        Exists(Application.objects.filter(candidate=OuterRef("pk"))),
        Q(last_change__lt=cutoff),
    )


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


def rosters_holding(candidates: Sequence[Any]) -> dict[int, set[int]]:
    """Roster import id -> which of `candidates` its stored file holds: the uploads their
    applications came from, and any other upload to the same plans with their ID number
    (an unreadable file counts as holding everyone who applied to its plan)."""
    found: dict[int, set[int]] = defaultdict(set)
    applications = Application.objects.filter(candidate__in=candidates)
    for roster_id, candidate_id in applications.filter(roster_import__isnull=False).values_list(
        "roster_import_id", "candidate_id"
    ):
        found[roster_id].add(candidate_id)
    by_digest = {c.id_number_digest: c.pk for c in candidates}
    applied: dict[int, set[int]] = defaultdict(set)
    for plan_id, candidate_id in applications.values_list("plan_id", "candidate_id"):
        applied[plan_id].add(candidate_id)
    for job in RosterImport.objects.filter(plan__in=list(applied)).exclude(file="").order_by("pk"):
        digests = _roster_digests(job)
        if digests is None:
            found[job.pk] |= applied[job.plan_id]
        else:
            found[job.pk] |= {by_digest[d] for d in digests if d in by_digest}
    holding = [pk for pk, held in found.items() if held]
    stored = RosterImport.objects.filter(pk__in=holding).exclude(file="")
    return {pk: found[pk] for pk in stored.values_list("pk", flat=True)}


def rosters_in_use(roster_ids: Iterable[int]) -> list[int]:
    """Of these uploads, the ones a worker is still reading (queued or running)."""
    rows = RosterImport.objects.filter(pk__in=list(roster_ids), status__in=ROSTER_IN_USE)
    return list(rows.values_list("pk", flat=True))


def erasure_counts(candidates: Sequence[Any]) -> tuple[int, int]:
    """(applications, attachments) of these candidates."""
    applications = Application.objects.filter(candidate__in=candidates)
    attachments = Attachment.objects.filter(application__in=applications)
    return applications.count(), attachments.count()


def applications_personal_data_erase(
    *, candidate_id: int, roster_ids: Iterable[int]
) -> tuple[list[Any], list[int]] | None:
    """Delete the candidate's attachments and notifications and empty the stored rosters
    holding them, inside the caller's transaction. Returns (files to delete after commit,
    roster import ids emptied), or None when one of those rosters was queued again
    meanwhile (the erasure waits for the next run, all or nothing)."""
    uploads = list(
        RosterImport.objects.select_for_update()
        .filter(pk__in=list(roster_ids))
        .exclude(file="")
        .order_by("pk")
    )
    if any(upload.status in ROSTER_IN_USE for upload in uploads):
        return None
    files = [a.file for a in Attachment.objects.filter(application__candidate_id=candidate_id)]
    files.extend(upload.file for upload in uploads)
    RosterImport.objects.filter(pk__in=[u.pk for u in uploads]).update(
        file="", errors=[], message=ROSTER_ERASED
    )
    Attachment.objects.filter(application__candidate_id=candidate_id).delete()
    Notification.objects.filter(candidate_id=candidate_id).delete()
    return files, [u.pk for u in uploads]
