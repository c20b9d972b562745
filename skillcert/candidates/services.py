"""Candidate writes: self-registration, the photo, and the reusable profile."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction

from skillcert.accounts.models import Role, User
from skillcert.accounts.services import role_grant, user_create
from skillcert.audit.services import audit_record
from skillcert.candidates.core import certificate_number_parse
from skillcert.candidates.models import (
    Candidate,
    CertificateKind,
    Education,
    HeldCertificate,
    Title,
    WorkPeriod,
)
from skillcert.candidates.photo import photo_check
from skillcert.common.errors import DomainError
from skillcert.common.identifiers import parse_id_number, validate_mobile
from skillcert.common.pii import pii_digest
from skillcert.eligibility.engine import EDUCATION_KINDS, TITLE_GRADES


def _id_taken() -> DomainError:
    return DomainError(
        "candidate.id_number_taken",
        "该身份证号码已注册；如需找回账户请联系评价机构或人社部门",
        field="id_number",
    )


def candidate_register(
    *,
    username: str,
    password: str,
    full_name: str,
    id_number: str,
    phone: str,
    today: dt.date | None = None,
) -> Candidate:
    """Self-registration: a User with the candidate role and the Candidate person. A person
    first met on an organisation's roster (no account yet) is claimed by the same ID number."""
    full_name = " ".join(full_name.split())
    if not full_name:
        raise DomainError("candidate.name_required", "请填写姓名", field="full_name")
    parsed = parse_id_number(id_number, today=today)
    phone = validate_mobile(phone)
    digest = pii_digest(parsed.value)
    with transaction.atomic():
        existing = Candidate.objects.select_for_update().filter(id_number_digest=digest).first()
        if existing is not None and existing.user_id is not None:
            raise _id_taken()
        user = user_create(
            username=username, password=password, full_name=full_name, actor="system:register"
        )
        role_grant(user=user, role=Role.CANDIDATE, actor=user)
        if existing is not None:
            if existing.full_name != full_name:
                raise DomainError(
                    "candidate.name_mismatch",
                    "姓名与评价机构登记的信息不一致，请核对或联系评价机构",
                    field="full_name",
                )
            existing.user = user
            existing.phone = phone
            existing.phone_digest = pii_digest(phone)
            existing.save(update_fields=["user", "phone", "phone_digest"])
            candidate = existing
            action = "candidate.claim"
        else:
            try:
                with transaction.atomic():
                    candidate = Candidate.objects.create(
                        user=user,
                        full_name=full_name,
                        id_number=parsed.value,
                        id_number_digest=digest,
                        birth_date=parsed.birth_date,
                        gender=parsed.gender,
                        phone=phone,
                        phone_digest=pii_digest(phone),
                    )
            except IntegrityError:
                raise _id_taken() from None
            action = "candidate.register"
        audit_record(actor=user, action=action, obj=candidate)
    return candidate


def candidate_photo_upload(*, candidate: Candidate, data: bytes, actor: Any) -> Candidate:
    """Unusable files are refused; an off-ratio or low-resolution photo is kept and flagged
    so the reviewers see it."""
    check = photo_check(data)
    if check.fatal:
        raise DomainError("candidate.photo_invalid", "；".join(check.fatal), field="photo")
    extension = "jpg" if check.format == "JPEG" else "png"
    with transaction.atomic():
        old = candidate.photo.name if candidate.photo else ""
        candidate.photo.save(f"{candidate.pk}.{extension}", ContentFile(data), save=False)
        candidate.photo_ok = check.ok
        candidate.photo_problems = list(check.problems)
        candidate.save(update_fields=["photo", "photo_ok", "photo_problems"])
        audit_record(
            actor=actor,
            action="candidate.photo_upload",
            obj=candidate,
            changes={
                "photo": [old, candidate.photo.name],
                "photo_ok": [None, check.ok],
                "size": [None, f"{check.width}x{check.height}"],
            },
        )
    return candidate


def _owned(candidate: Candidate, actor: Any) -> None:
    if not isinstance(actor, User) or candidate.user_id != actor.pk:
        raise DomainError("candidate.not_owner", "只能修改本人的档案")


def work_period_add(
    *,
    candidate: Candidate,
    start: dt.date,
    end: dt.date | None,
    employer: str,
    occupation_name: str,
    related: bool,
    actor: Any,
) -> WorkPeriod:
    _owned(candidate, actor)
    if end is not None and end <= start:
        raise DomainError("profile.work_order", "结束日期应晚于开始日期", field="end")
    with transaction.atomic():
        row = WorkPeriod.objects.create(
            candidate=candidate,
            start=start,
            end=end,
            employer=employer.strip(),
            occupation_name=occupation_name.strip(),
            related=related,
        )
        audit_record(actor=actor, action="profile.work_add", obj=row)
    return row


def certificate_add(
    *,
    candidate: Candidate,
    number: str,
    occupation_name: str,
    level: int,
    issued_on: dt.date,
    related: bool,
    actor: Any,
) -> HeldCertificate:
    """Both current 22-character numbers and legacy 16-digit 职业资格 numbers are accepted; a
    new-style number must encode the level claimed."""
    _owned(candidate, actor)
    parsed = certificate_number_parse(number)
    if level not in range(1, 6):
        raise DomainError("profile.level", "证书等级应为一级至五级", field="level")
    if parsed.level is not None and parsed.level != level:
        raise DomainError(
            "certificate.level_mismatch",
            f"证书编号表示{parsed.level}级，与所填{level}级不一致",
            field="level",
        )
    kind = (
        CertificateKind.SKILL_LEVEL
        if parsed.kind == "skill_level"
        else CertificateKind.QUALIFICATION
    )
    with transaction.atomic():
        row = HeldCertificate.objects.create(
            candidate=candidate,
            kind=kind,
            number=parsed.value,
            occupation_name=occupation_name.strip(),
            level=level,
            issued_on=issued_on,
            related=related,
        )
        audit_record(actor=actor, action="profile.certificate_add", obj=row)
    return row


def education_add(
    *,
    candidate: Candidate,
    kind: str,
    school: str,
    major: str,
    major_related: bool,
    graduation: dt.date,
    actor: Any,
) -> Education:
    _owned(candidate, actor)
    if kind not in EDUCATION_KINDS:
        raise DomainError("profile.education_kind", f"未知的学历类别“{kind}”", field="kind")
    with transaction.atomic():
        row = Education.objects.create(
            candidate=candidate,
            kind=kind,
            school=school.strip(),
            major=major.strip(),
            major_related=major_related,
            graduation=graduation,
        )
        audit_record(actor=actor, action="profile.education_add", obj=row)
    return row


def title_add(
    *, candidate: Candidate, grade: str, name: str, date: dt.date, related: bool, actor: Any
) -> Title:
    _owned(candidate, actor)
    if grade not in TITLE_GRADES:
        raise DomainError("profile.title_grade", f"未知的职称级别“{grade}”", field="grade")
    with transaction.atomic():
        row = Title.objects.create(
            candidate=candidate, grade=grade, name=name.strip(), date=date, related=related
        )
        audit_record(actor=actor, action="profile.title_add", obj=row)
    return row


_PROFILE_MODELS: dict[str, type[WorkPeriod | HeldCertificate | Education | Title]] = {
    "work": WorkPeriod,
    "certificate": HeldCertificate,
    "education": Education,
    "title": Title,
}


def profile_item_remove(*, candidate: Candidate, kind: str, item_id: int, actor: Any) -> None:
    _owned(candidate, actor)
    model = _PROFILE_MODELS.get(kind)
    if model is None:
        raise DomainError("profile.kind", "未知的档案条目类别", field="kind")
    with transaction.atomic():
        row = model.objects.filter(candidate=candidate, pk=item_id).first()
        if row is None:
            raise DomainError("profile.item_missing", "档案条目不存在")
        audit_record(actor=actor, action=f"profile.{kind}_remove", obj=row)
        row.delete()
