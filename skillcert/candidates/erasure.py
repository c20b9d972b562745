"""Erasing a candidate's personal data (PIPL retention, `operations.retention` decides who and
when): the candidate row stays, anonymous, so statistics and review histories still add up."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import QuerySet

from skillcert.candidates.models import (
    ActivationCode,
    Candidate,
    Education,
    HeldCertificate,
    IdentityClaim,
    Title,
    WorkPeriod,
)

ERASED_NAME = "（已删除）"
ERASED_BIRTH = dt.date(1900, 1, 1)


def candidates_not_erased() -> QuerySet[Candidate]:
    return Candidate.objects.exclude(full_name=ERASED_NAME)


def candidate_lock(*, candidate_id: int) -> Candidate:
    return Candidate.objects.select_for_update().get(pk=candidate_id)


def candidate_personal_data_erase(*, candidate: Candidate) -> list[Any]:
    """Blank the (locked) candidate, delete their profile rows, activation codes and the
    identity claims naming their ID's digest, and close their account. Returns the stored
    files to delete once the caller's transaction commits (the photo). The caller audits."""
    files = [candidate.photo] if candidate.photo else []
    for model in (WorkPeriod, HeldCertificate, Education, Title):
        model.objects.filter(candidate=candidate).delete()
    ActivationCode.objects.filter(candidate=candidate).delete()
    IdentityClaim.objects.filter(id_number_digest=candidate.id_number_digest).delete()
    candidate.full_name = ERASED_NAME
    candidate.id_number = ""
    candidate.id_number_digest = f"erased:{candidate.pk}"
    candidate.phone = ""
    candidate.phone_digest = ""
    candidate.birth_date = ERASED_BIRTH
    candidate.declared_birth_date = None
    candidate.photo = ""
    candidate.photo_ok = False
    candidate.photo_problems = []
    candidate.save()
    if candidate.user is not None:
        user = candidate.user
        user.full_name = ""
        user.email = ""
        user.phone = ""
        user.is_active = False
        user.set_unusable_password()
        user.save()
    return files
