"""PIPL retention: the personal data of candidates who withdrew is erased once it is no longer
needed (个人信息保护法 第四十七条: the purpose is gone and the retention period has passed).

A candidate qualifies when every application they made ended without an assessment
(withdrawn, rejected or never submitted), none has a result or certificate, and nothing about
them changed for `older_than_days`. Their name, ID number, phone, photo, profile rows,
attachments and notifications are erased; the application rows stay, anonymous, so the
statistics and the review history still add up. The audit row names the candidate's id only."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import partial
from typing import Any

from django.db import transaction
from django.db.models import Exists, Max, OuterRef, Q
from django.utils import timezone

from skillcert.applications.models import Application, Attachment, Notification, Status
from skillcert.audit.services import audit_record
from skillcert.candidates.models import Candidate, Education, HeldCertificate, Title, WorkPeriod
from skillcert.common.errors import DomainError
from skillcert.scoring.models import Result

ENDED_WITHOUT_ASSESSMENT = (Status.WITHDRAWN, Status.REJECTED, Status.DRAFT)
ERASED_NAME = "（已删除）"
ERASED_BIRTH = dt.date(1900, 1, 1)


@dataclass(frozen=True)
class PurgeReport:
    candidates: int
    applications: int
    files: int
    dry_run: bool

    def as_dict(self) -> dict[str, Any]:
        return {
            "candidates": self.candidates,
            "applications": self.applications,
            "files": self.files,
            "dry_run": self.dry_run,
        }


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
    active = Application.objects.filter(candidate=OuterRef("pk")).exclude(
        status__in=ENDED_WITHOUT_ASSESSMENT
    )
    assessed = Result.objects.filter(application__candidate=OuterRef("pk"))
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
    *, older_than_days: int, actor: Any, dry_run: bool = False, today: dt.date | None = None
) -> PurgeReport:
    """Erase the personal data of every qualifying candidate (see the module)."""
    due = list(candidates_due_for_erasure(older_than_days=older_than_days, today=today))
    applications = Application.objects.filter(candidate__in=due)
    attachments = Attachment.objects.filter(application__in=applications)
    files = attachments.count() + sum(1 for c in due if c.photo)
    report = PurgeReport(len(due), applications.count(), files, dry_run)
    if dry_run or not due:
        return report
    for candidate in due:
        with transaction.atomic():
            locked = Candidate.objects.select_for_update().get(pk=candidate.pk)
            stored = [a.file for a in Attachment.objects.filter(application__candidate=locked)]
            if locked.photo:
                stored.append(locked.photo)
            Attachment.objects.filter(application__candidate=locked).delete()
            Notification.objects.filter(candidate=locked).delete()
            for model in (WorkPeriod, HeldCertificate, Education, Title):
                model.objects.filter(candidate=locked).delete()
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
            audit_record(
                actor=actor,
                action="candidate.erase",
                object_type="candidates.candidate",
                object_id=str(locked.pk),
                object_repr=f"考生#{locked.pk}",
                changes={"reason": "撤回申报后保存期满", "files": len(stored)},
            )
            # Files go only once the erasure is committed: a rollback keeps them.
            transaction.on_commit(partial(_files_delete, stored))
    return report
