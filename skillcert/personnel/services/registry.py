"""The registry of assessment personnel: the person record, certificates, titles, work
history, confidentiality agreements, the integrity file, and suspension or ban."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.db import IntegrityError, transaction
from django.utils import timezone

from skillcert.accounts.actors import Actor, actor_scope, actor_user
from skillcert.accounts.choices import Role
from skillcert.accounts.services import role_grant, user_create
from skillcert.audit.services import audit_record, audited_create
from skillcert.common.errors import DomainError
from skillcert.common.identifiers import parse_id_number, validate_mobile
from skillcert.organizations.permits import organization_permit_check
from skillcert.personnel.models import (
    ConfidentialityAgreement,
    EducationLevel,
    IntegrityEntry,
    IntegrityKind,
    Person,
    PersonCertificate,
    PersonStatus,
    PersonTitle,
    PersonWork,
    TitleGrade,
)
from skillcert.personnel.services._access import (
    lock_person,
    require_employer_staff_or_officer,
    require_officer_over,
    require_org_staff_or_officer,
    require_record_keeper,
    today_or,
)
from skillcert.personnel.services.lifecycles import PERSON_LIFECYCLE

if TYPE_CHECKING:
    from skillcert.accounts.models import User
    from skillcert.occupations.models import Occupation
    from skillcert.organizations.models import EvaluationOrg
    from skillcert.regions.models import Region


def person_register(
    *,
    id_number: str,
    name: str,
    education: str,
    employer_name: str,
    region: Region | None,
    actor: Actor,
    phone: str = "",
    address: str = "",
    employer: EvaluationOrg | None = None,
    user: User | None = None,
    today: dt.date | None = None,
) -> Person:
    """Create a person record: by the person for their own account, by an officer of the
    unit's region, or by the staff of the employing organisation. The unit's region is the
    employing organisation's when none is given."""
    name = name.strip()
    if not name:
        raise DomainError("personnel.name_required", "请填写姓名", field="name")
    parsed = parse_id_number(id_number, today=today_or(today))
    if education not in EducationLevel.values:
        raise DomainError("personnel.education_invalid", "请选择文化程度", field="education")
    employer_name = (employer_name or (employer.name if employer else "")).strip()
    if not employer_name:
        raise DomainError("personnel.employer_required", "请填写工作单位", field="employer_name")
    phone = validate_mobile(phone) if phone.strip() else ""
    region = _register_access(actor, user=user, employer=employer, region=region)
    try:
        person = audited_create(
            Person,
            actor=actor,
            action="personnel.person_register",
            changes={"employer_name": [None, employer_name], "region": [None, region.code]},
            user=user,
            id_number=parsed.value,
            name=name,
            gender=parsed.gender,
            birth_date=parsed.birth_date,
            phone=phone,
            address=address.strip(),
            education=education,
            employer=employer,
            employer_name=employer_name,
            region=region,
        )
    except IntegrityError:
        raise _register_clash(user) from None
    return person


def _register_access(
    actor: Actor, *, user: User | None, employer: EvaluationOrg | None, region: Region | None
) -> Region:
    """The unit's region (the employing organisation's when none is given), once the actor
    may register there: the person themself, the platform, the employer's staff, or an
    officer over the region."""
    if region is None and employer is not None:
        region = employer.region
    if region is None:
        raise DomainError(
            "personnel.region_required", "请选择单位所在地区或评价机构", field="region"
        )
    scope = actor_scope(actor)
    own = user is not None and scope.user_id == user.pk
    if not (own or scope.is_platform or (employer and employer.pk in scope.organization_ids)):
        require_officer_over(actor, region.code)
    return region


def _register_clash(user: User | None) -> DomainError:
    """Why a new person row clashed with an existing one: the account or the ID number."""
    if user is not None and Person.objects.filter(user=user).exists():
        return DomainError("personnel.account_linked", "该账户已关联一名考评人员", field="user")
    return DomainError(
        "personnel.id_number_taken", "该身份证号码已登记，请勿重复登记", field="id_number"
    )


def person_certificate_add(
    *,
    person: Person,
    occupation: Occupation,
    level: int,
    number: str,
    issued_on: dt.date,
    actor: Actor,
) -> PersonCertificate:
    require_record_keeper(actor, person)
    if level not in (1, 2, 3, 4, 5):
        raise DomainError("personnel.level_invalid", "等级应为一级至五级", field="level")
    number = number.strip()
    if not number:
        raise DomainError("personnel.certificate_number_required", "请填写证书编号", field="number")
    return audited_create(
        PersonCertificate,
        actor=actor,
        action="personnel.certificate_add",
        changes={"person": [None, person.pk], "level": [None, level]},
        clash=DomainError(
            "personnel.certificate_duplicate", f"证书 {number} 已登记", field="number"
        ),
        person=person,
        occupation=occupation,
        level=level,
        number=number,
        issued_on=issued_on,
    )


def person_title_add(
    *, person: Person, grade: str, name: str, major: str, obtained_on: dt.date, actor: Actor
) -> PersonTitle:
    require_record_keeper(actor, person)
    if grade not in TitleGrade.values:
        raise DomainError(
            "personnel.title_grade_invalid", "职称级别应为初级、中级、副高级或正高级", field="grade"
        )
    if not name.strip() or not major.strip():
        raise DomainError("personnel.title_incomplete", "请填写职称名称和专业", field="name")
    return audited_create(
        PersonTitle,
        actor=actor,
        action="personnel.title_add",
        changes={"person": [None, person.pk], "grade": [None, grade]},
        person=person,
        grade=grade,
        name=name.strip(),
        major=major.strip(),
        obtained_on=obtained_on,
    )


def person_work_add(
    *,
    person: Person,
    description: str,
    start: dt.date,
    end: dt.date | None,
    actor: Actor,
    occupation: Occupation | None = None,
) -> PersonWork:
    require_record_keeper(actor, person)
    if end is not None and end < start:
        raise DomainError("personnel.period_reversed", "结束日期早于开始日期", field="end")
    if not description.strip():
        raise DomainError(
            "personnel.work_description_required", "请填写工作内容", field="description"
        )
    return audited_create(
        PersonWork,
        actor=actor,
        action="personnel.work_add",
        changes={"person": [None, person.pk]},
        person=person,
        occupation=occupation,
        description=description.strip(),
        start=start,
        end=end,
    )


def _record_remove(
    *, record: PersonCertificate | PersonTitle | PersonWork, action: str, actor: Actor
) -> None:
    """Remove an entry of the person's file (entered in error); the audit event keeps what
    it said."""
    require_record_keeper(actor, record.person)
    with transaction.atomic():
        lock_person(record.person)
        audit_record(
            actor=actor,
            action=action,
            obj=record,
            changes={"person": [record.person_id, None], "entry": [str(record), None]},
        )
        record.delete()


def person_certificate_remove(*, certificate: PersonCertificate, actor: Actor) -> None:
    _record_remove(record=certificate, action="personnel.certificate_remove", actor=actor)


def person_title_remove(*, title: PersonTitle, actor: Actor) -> None:
    _record_remove(record=title, action="personnel.title_remove", actor=actor)


def person_work_remove(*, work: PersonWork, actor: Actor) -> None:
    _record_remove(record=work, action="personnel.work_remove", actor=actor)


def person_account_create(*, person: Person, username: str, password: str, actor: Actor) -> User:
    """A platform account for a registered person, with the examiner role, so that they sign
    in to register for training, see their cards and declare relations. Opened by their
    employer's staff or an officer; the person changes the initial password."""
    require_employer_staff_or_officer(actor, person)
    with transaction.atomic():
        locked = lock_person(person)
        if locked.user_id is not None:
            raise DomainError("personnel.account_exists", "该人员已有平台账户", field="username")
        user = user_create(
            username=username,
            password=password,
            full_name=locked.name,
            phone=locked.phone,
            actor=actor,
        )
        role_grant(user=user, role=Role.EXAMINER, actor=actor)
        locked.user = user
        locked.save(update_fields=["user"])
        audit_record(
            actor=actor,
            action="personnel.account_create",
            obj=locked,
            changes={"user": [None, user.pk]},
        )
    person.user = user
    return user


def confidentiality_sign(
    *, person: Person, organization: EvaluationOrg, signed_on: dt.date, actor: Actor
) -> ConfidentialityAgreement:
    """Recorded by the organisation's staff (or an officer), while the organisation's standing
    on `signed_on` lets it appoint personnel."""
    require_org_staff_or_officer(actor, organization)
    organization_permit_check(org=organization, action="appoint", day=signed_on)
    return audited_create(
        ConfidentialityAgreement,
        actor=actor,
        action="personnel.confidentiality_sign",
        changes={"person": [None, person.pk], "organization": [None, organization.pk]},
        clash=DomainError(
            "personnel.agreement_exists", "与该机构的保密协议已登记", field="organization"
        ),
        person=person,
        organization=organization,
        signed_on=signed_on,
    )


def integrity_record(
    *,
    person: Person,
    kind: str,
    occurred_on: dt.date,
    summary: str,
    actor: Actor,
    source: str = "",
) -> IntegrityEntry:
    require_officer_over(actor, person.region_id)
    if kind not in IntegrityKind.values:
        raise DomainError("personnel.integrity_kind_invalid", "请选择诚信档案类别", field="kind")
    if not summary.strip():
        raise DomainError("personnel.summary_required", "请填写内容", field="summary")
    return audited_create(
        IntegrityEntry,
        actor=actor,
        action="personnel.integrity_record",
        changes={"person": [None, person.pk], "kind": [None, kind]},
        person=person,
        kind=kind,
        occurred_on=occurred_on,
        summary=summary.strip(),
        source=source.strip(),
        recorded_by=actor_user(actor),
    )


# The audit action of each status an officer sets.
STATUS_ACTIONS = {
    PersonStatus.SUSPENDED: "person_suspend",
    PersonStatus.ACTIVE: "person_reinstate",
    PersonStatus.BANNED: "person_ban",
}


def _person_status_set(person: Person, target: PersonStatus, reason: str, actor: Actor) -> Person:
    """Move the person to `target` with the officer's reason; a sanction (any status but
    active) is also written to the person's integrity record."""
    reason = reason.strip()
    if not reason:
        raise DomainError("personnel.reason_required", "请填写原因", field="reason")
    with transaction.atomic():
        locked = lock_person(person)
        locked.status_reason = reason[:300]
        PERSON_LIFECYCLE.move(
            locked,
            target,
            actor=actor,
            action=STATUS_ACTIONS[target],
            update_fields=("status_reason",),
            changes={"reason": [None, reason]},
        )
        if target != PersonStatus.ACTIVE:
            IntegrityEntry.objects.create(
                person=locked,
                kind=IntegrityKind.SANCTION,
                occurred_on=timezone.localdate(),
                summary=f"{PersonStatus(target).label}：{reason}"[:500],
                source="处理决定",
                recorded_by=actor_user(actor),
            )
    person.status, person.status_reason = locked.status, locked.status_reason
    return locked


def person_suspend(*, person: Person, reason: str, actor: Actor) -> Person:
    require_officer_over(actor, person.region_id)
    return _person_status_set(person, PersonStatus.SUSPENDED, reason, actor)


def person_reinstate(*, person: Person, reason: str, actor: Actor) -> Person:
    require_officer_over(actor, person.region_id)
    return _person_status_set(person, PersonStatus.ACTIVE, reason, actor)


def person_ban(*, person: Person, reason: str, actor: Actor) -> Person:
    """Permanent: only the province may ban."""
    require_officer_over(actor, person.region_id, province=True)
    return _person_status_set(person, PersonStatus.BANNED, reason, actor)
