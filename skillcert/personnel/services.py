"""Writes for assessment personnel. Every service is keyword-only, atomic, checks who may act,
moves statuses only through the tables below, and records an audit event (plus a history row
for roles and registrations). Dates come from the working-day calendar, never from input."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from skillcert.accounts.models import User
from skillcert.accounts.scope import Scope, scope_for
from skillcert.audit.services import audit_record
from skillcert.common.errors import DomainError, Forbidden
from skillcert.common.identifiers import parse_id_number, validate_mobile
from skillcert.common.transitions import check_transition
from skillcert.occupations.models import Occupation, Specialty
from skillcert.organizations.models import EvaluationOrg
from skillcert.personnel import cardrules, qualification
from skillcert.personnel.models import (
    CARD_ROLES,
    LEARNING_MINUTES_PER_DAY,
    Card,
    CardReminder,
    CardStatus,
    ConfidentialityAgreement,
    CourseMode,
    Duty,
    EducationLevel,
    IntegrityEntry,
    IntegrityKind,
    LearningRecord,
    Person,
    PersonCertificate,
    PersonRole,
    PersonRoleEvent,
    PersonRoleStatus,
    PersonStatus,
    PersonTitle,
    PersonWork,
    QualificationClause,
    QualificationRule,
    RecusalRelation,
    Registration,
    RegistrationEvent,
    RegistrationPurpose,
    RegistrationStatus,
    RelationKind,
    RoleKind,
    Sitting,
    TitleGrade,
    TrainingPlan,
)
from skillcert.personnel.selectors import policy_for, qualification_check, uncollected_ban_reason
from skillcert.regions.models import Region, RegionLevel
from skillcert.workdays.selectors import work_calendar

PERSON_TRANSITIONS: dict[str, frozenset[str]] = {
    PersonStatus.ACTIVE: frozenset({PersonStatus.SUSPENDED, PersonStatus.BANNED}),
    PersonStatus.SUSPENDED: frozenset({PersonStatus.ACTIVE, PersonStatus.BANNED}),
    PersonStatus.BANNED: frozenset(),
}
ROLE_TRANSITIONS: dict[str, frozenset[str]] = {
    PersonRoleStatus.ACTIVE: frozenset(
        {PersonRoleStatus.SUSPENDED, PersonRoleStatus.EXPIRED, PersonRoleStatus.REVOKED}
    ),
    PersonRoleStatus.SUSPENDED: frozenset({PersonRoleStatus.ACTIVE, PersonRoleStatus.REVOKED}),
    PersonRoleStatus.EXPIRED: frozenset({PersonRoleStatus.ACTIVE, PersonRoleStatus.REVOKED}),
    PersonRoleStatus.REVOKED: frozenset(),
}
REGISTRATION_TRANSITIONS: dict[str, frozenset[str]] = {
    RegistrationStatus.SUBMITTED: frozenset(
        {RegistrationStatus.RECOMMENDED, RegistrationStatus.WITHDRAWN}
    ),
    RegistrationStatus.RECOMMENDED: frozenset(
        {
            RegistrationStatus.CITY_APPROVED,
            RegistrationStatus.CITY_REJECTED,
            RegistrationStatus.WITHDRAWN,
        }
    ),
    RegistrationStatus.CITY_APPROVED: frozenset(
        {RegistrationStatus.PROVINCE_APPROVED, RegistrationStatus.PROVINCE_REJECTED}
    ),
    RegistrationStatus.CITY_REJECTED: frozenset(),
    RegistrationStatus.PROVINCE_APPROVED: frozenset(),
    RegistrationStatus.PROVINCE_REJECTED: frozenset(),
    RegistrationStatus.WITHDRAWN: frozenset(),
}
CARD_TRANSITIONS: dict[str, frozenset[str]] = {
    CardStatus.PENDING: frozenset({CardStatus.COLLECTED, CardStatus.VOID, CardStatus.REVOKED}),
    CardStatus.COLLECTED: frozenset({CardStatus.SUPERSEDED, CardStatus.REVOKED}),
    CardStatus.VOID: frozenset(),
    CardStatus.SUPERSEDED: frozenset(),
    CardStatus.REVOKED: frozenset(),
}
INACTIVE_REGISTRATION = frozenset(
    {
        RegistrationStatus.WITHDRAWN,
        RegistrationStatus.CITY_REJECTED,
        RegistrationStatus.PROVINCE_REJECTED,
    }
)
CARD_PREFIX = {RoleKind.EXAMINER: "KP", RoleKind.SENIOR_EXAMINER: "GK"}


# --- who may act ----------------------------------------------------------------------------

SYSTEM_SCOPE = Scope(None, True, frozenset(), frozenset(), frozenset())


def _scope(actor: Any) -> Scope:
    """System processes (management commands, migrations) act with platform scope."""
    if isinstance(actor, str):
        return SYSTEM_SCOPE
    return scope_for(actor)


def _user(actor: Any) -> User | None:
    return actor if isinstance(actor, User) else None


def _forbidden(message: str, field: str | None = None) -> DomainError:
    return Forbidden("personnel.forbidden", message, field=field)


def _require_officer_over(actor: Any, region_code: str, *, province: bool = False) -> Scope:
    scope = _scope(actor)
    if scope.is_platform:
        return scope
    if province and not scope.is_province_officer:
        raise _forbidden("只有省级人社部门（鉴定中心）可以办理此事项")
    if not (scope.is_officer and scope.covers_region_code(region_code)):
        raise _forbidden("该人员不在您的管辖范围内")
    return scope


def _require_self_or_officer(actor: Any, person: Person) -> None:
    scope = _scope(actor)
    if scope.user_id is not None and person.user_id == scope.user_id:
        return
    _require_officer_over(actor, person.region_id)


def _require_org_staff_or_officer(actor: Any, organization: EvaluationOrg) -> None:
    scope = _scope(actor)
    if scope.is_platform or organization.pk in scope.organization_ids:
        return
    _require_officer_over(actor, organization.region_id)


def _today(today: dt.date | None) -> dt.date:
    return today or timezone.localdate()


# --- registry -------------------------------------------------------------------------------


def _lock_person(person: Person) -> Person:
    """The one lock helper of the person aggregate: roles, cards and registrations of a
    person serialise on the person row."""
    return Person.objects.select_for_update().get(pk=person.pk)


def person_register(
    *,
    id_number: str,
    name: str,
    education: str,
    employer_name: str,
    region: Region,
    actor: Any,
    phone: str = "",
    address: str = "",
    employer: EvaluationOrg | None = None,
    user: User | None = None,
    today: dt.date | None = None,
) -> Person:
    """Create a person record: by the person for their own account, by an officer of the
    unit's region, or by the staff of the employing organisation."""
    name = name.strip()
    if not name:
        raise DomainError("personnel.name_required", "请填写姓名", field="name")
    parsed = parse_id_number(id_number, today=_today(today))
    if education not in EducationLevel.values:
        raise DomainError("personnel.education_invalid", "请选择文化程度", field="education")
    employer_name = (employer_name or (employer.name if employer else "")).strip()
    if not employer_name:
        raise DomainError("personnel.employer_required", "请填写工作单位", field="employer_name")
    phone = validate_mobile(phone) if phone.strip() else ""
    scope = _scope(actor)
    own = user is not None and scope.user_id == user.pk
    if not (own or scope.is_platform or (employer and employer.pk in scope.organization_ids)):
        _require_officer_over(actor, region.code)
    try:
        with transaction.atomic():
            person = Person.objects.create(
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
            audit_record(
                actor=actor,
                action="personnel.person_register",
                obj=person,
                changes={"employer_name": [None, employer_name], "region": [None, region.code]},
            )
    except IntegrityError:
        if user is not None and Person.objects.filter(user=user).exists():
            raise DomainError(
                "personnel.account_linked", "该账户已关联一名考评人员", field="user"
            ) from None
        raise DomainError(
            "personnel.id_number_taken", "该身份证号码已登记，请勿重复登记", field="id_number"
        ) from None
    return person


def person_certificate_add(
    *,
    person: Person,
    occupation: Occupation,
    level: int,
    number: str,
    issued_on: dt.date,
    actor: Any,
) -> PersonCertificate:
    _require_self_or_officer(actor, person)
    if level not in (1, 2, 3, 4, 5):
        raise DomainError("personnel.level_invalid", "等级应为一级至五级", field="level")
    number = number.strip()
    if not number:
        raise DomainError("personnel.certificate_number_required", "请填写证书编号", field="number")
    try:
        with transaction.atomic():
            cert = PersonCertificate.objects.create(
                person=person,
                occupation=occupation,
                level=level,
                number=number,
                issued_on=issued_on,
            )
            audit_record(
                actor=actor,
                action="personnel.certificate_add",
                obj=cert,
                changes={"person": [None, person.pk], "level": [None, level]},
            )
    except IntegrityError:
        raise DomainError(
            "personnel.certificate_duplicate", f"证书 {number} 已登记", field="number"
        ) from None
    return cert


def person_title_add(
    *, person: Person, grade: str, name: str, major: str, obtained_on: dt.date, actor: Any
) -> PersonTitle:
    _require_self_or_officer(actor, person)
    if grade not in TitleGrade.values:
        raise DomainError(
            "personnel.title_grade_invalid", "职称级别应为初级、中级、副高级或正高级", field="grade"
        )
    if not name.strip() or not major.strip():
        raise DomainError("personnel.title_incomplete", "请填写职称名称和专业", field="name")
    with transaction.atomic():
        title = PersonTitle.objects.create(
            person=person,
            grade=grade,
            name=name.strip(),
            major=major.strip(),
            obtained_on=obtained_on,
        )
        audit_record(
            actor=actor,
            action="personnel.title_add",
            obj=title,
            changes={"person": [None, person.pk], "grade": [None, grade]},
        )
    return title


def person_work_add(
    *,
    person: Person,
    description: str,
    start: dt.date,
    end: dt.date | None,
    actor: Any,
    occupation: Occupation | None = None,
) -> PersonWork:
    _require_self_or_officer(actor, person)
    if end is not None and end < start:
        raise DomainError("personnel.period_reversed", "结束日期早于开始日期", field="end")
    if not description.strip():
        raise DomainError(
            "personnel.work_description_required", "请填写工作内容", field="description"
        )
    with transaction.atomic():
        work = PersonWork.objects.create(
            person=person,
            occupation=occupation,
            description=description.strip(),
            start=start,
            end=end,
        )
        audit_record(
            actor=actor,
            action="personnel.work_add",
            obj=work,
            changes={"person": [None, person.pk]},
        )
    return work


def confidentiality_sign(
    *, person: Person, organization: EvaluationOrg, signed_on: dt.date, actor: Any
) -> ConfidentialityAgreement:
    """Recorded by the organisation's staff (or an officer)."""
    _require_org_staff_or_officer(actor, organization)
    try:
        with transaction.atomic():
            agreement = ConfidentialityAgreement.objects.create(
                person=person, organization=organization, signed_on=signed_on
            )
            audit_record(
                actor=actor,
                action="personnel.confidentiality_sign",
                obj=agreement,
                changes={"person": [None, person.pk], "organization": [None, organization.pk]},
            )
    except IntegrityError:
        raise DomainError(
            "personnel.agreement_exists", "与该机构的保密协议已登记", field="organization"
        ) from None
    return agreement


def integrity_record(
    *,
    person: Person,
    kind: str,
    occurred_on: dt.date,
    summary: str,
    actor: Any,
    source: str = "",
) -> IntegrityEntry:
    _require_officer_over(actor, person.region_id)
    if kind not in IntegrityKind.values:
        raise DomainError("personnel.integrity_kind_invalid", "请选择诚信档案类别", field="kind")
    if not summary.strip():
        raise DomainError("personnel.summary_required", "请填写内容", field="summary")
    with transaction.atomic():
        entry = IntegrityEntry.objects.create(
            person=person,
            kind=kind,
            occurred_on=occurred_on,
            summary=summary.strip(),
            source=source.strip(),
            recorded_by=_user(actor),
        )
        audit_record(
            actor=actor,
            action="personnel.integrity_record",
            obj=entry,
            changes={"person": [None, person.pk], "kind": [None, kind]},
        )
    return entry


def _person_status_set(
    *, person: Person, target: str, reason: str, actor: Any, action: str
) -> Person:
    reason = reason.strip()
    if not reason:
        raise DomainError("personnel.reason_required", "请填写原因", field="reason")
    with transaction.atomic():
        locked = _lock_person(person)
        check_transition(
            allowed=PERSON_TRANSITIONS,
            current=locked.status,
            target=target,
            labels=dict(PersonStatus.choices),
        )
        before = locked.status
        locked.status = target
        locked.status_reason = reason[:300]
        locked.save(update_fields=["status", "status_reason"])
        if target != PersonStatus.ACTIVE:
            IntegrityEntry.objects.create(
                person=locked,
                kind=IntegrityKind.SANCTION,
                occurred_on=timezone.localdate(),
                summary=f"{PersonStatus(target).label}：{reason}"[:500],
                source="处理决定",
                recorded_by=_user(actor),
            )
        audit_record(
            actor=actor,
            action=action,
            obj=locked,
            changes={"status": [before, target], "reason": [None, reason]},
        )
    person.status, person.status_reason = locked.status, locked.status_reason
    return locked


def person_suspend(*, person: Person, reason: str, actor: Any) -> Person:
    _require_officer_over(actor, person.region_id)
    return _person_status_set(
        person=person,
        target=PersonStatus.SUSPENDED,
        reason=reason,
        actor=actor,
        action="personnel.person_suspend",
    )


def person_reinstate(*, person: Person, reason: str, actor: Any) -> Person:
    _require_officer_over(actor, person.region_id)
    return _person_status_set(
        person=person,
        target=PersonStatus.ACTIVE,
        reason=reason,
        actor=actor,
        action="personnel.person_reinstate",
    )


def person_ban(*, person: Person, reason: str, actor: Any) -> Person:
    """Permanent: only the province may ban."""
    _require_officer_over(actor, person.region_id, province=True)
    return _person_status_set(
        person=person,
        target=PersonStatus.BANNED,
        reason=reason,
        actor=actor,
        action="personnel.person_ban",
    )


# --- qualification rules --------------------------------------------------------------------


def qualification_rule_publish(*, document: dict[str, Any], actor: Any) -> QualificationRule:
    """Publish the next version of a rule (province officers; the platform for national
    rules). Versions are never edited."""
    rule = qualification.parse_rule_document(document)
    province = str(document.get("province") or "")
    scope = _scope(actor)
    own_province = scope.is_province_officer and scope.covers_region_code(province)
    if not scope.is_platform and not (province and own_province):
        raise _forbidden("省级人社部门只能发布本省的资格条件；全国性条件由平台发布")
    with transaction.atomic():
        latest = (
            QualificationRule.objects.select_for_update()
            .filter(code=rule.code)
            .order_by("-version")
            .first()
        )
        version = (latest.version + 1) if latest else 1
        row = QualificationRule.objects.create(
            code=rule.code,
            version=version,
            role=rule.role,
            province=province,
            occupation_code=rule.occupation_code,
            title=str(document["title"]),
            source=str(document["source"]),
            related_occupation_codes=list(rule.related_occupation_codes),
            related_majors=list(rule.related_majors),
        )
        QualificationClause.objects.bulk_create(
            QualificationClause(rule=row, position=i, **_clause_fields(c))
            for i, c in enumerate(rule.clauses)
        )
        audit_record(
            actor=actor,
            action="personnel.qualification_rule_publish",
            obj=row,
            changes={"version": [None, version], "clauses": [None, len(rule.clauses)]},
        )
    return row


def _clause_fields(clause: qualification.QualificationClause) -> dict[str, Any]:
    data = qualification.clause_to_dict(clause)
    data["role_required"] = data["role_required"] or ""
    return data


# --- roles ----------------------------------------------------------------------------------


def _role_event(role: PersonRole, action: str, before: str, reason: str, actor: Any) -> None:
    PersonRoleEvent.objects.create(
        role=role,
        action=action,
        from_status=before,
        to_status=role.status,
        reason=reason[:300],
        actor=_user(actor),
    )
    audit_record(
        actor=actor,
        action=f"personnel.role_{action}",
        obj=role,
        changes={"status": [before or None, role.status], "reason": [None, reason]},
    )


def _check_levels(level_high: int, level_low: int) -> None:
    if not (1 <= level_high <= level_low <= 5):
        raise DomainError(
            "personnel.level_range",
            "等级范围无效：最高等级应不低于最低等级，且在一级至五级之间",
            field="level_high",
        )


def _check_specialty(occupation: Occupation, specialty: Specialty | None) -> None:
    if specialty is not None and specialty.occupation_id != occupation.pk:
        raise DomainError(
            "personnel.specialty_mismatch", f"工种“{specialty.name}”不属于该职业", field="specialty"
        )


def role_appoint(
    *,
    person: Person,
    role: str,
    occupation: Occupation,
    level_high: int,
    level_low: int,
    province: Region,
    actor: Any,
    specialty: Specialty | None = None,
    organization: EvaluationOrg | None = None,
    today: dt.date | None = None,
) -> PersonRole:
    """Appoint a question setter or quality supervisor. External supervisors and question
    setters are appointed by the province; internal supervisors by their organisation.
    Examiners and senior examiners hold their role through training and a card."""
    day = _today(today)
    if role in CARD_ROLES:
        raise DomainError(
            "personnel.role_needs_card",
            "考评员、高级考评员须经培训考核并领取证卡后取得资格",
            field="role",
        )
    if role not in RoleKind.values:
        raise DomainError("personnel.role_invalid", "请选择角色", field="role")
    _check_levels(level_high, level_low)
    _check_specialty(occupation, specialty)
    if role == RoleKind.SUPERVISOR_INTERNAL:
        if organization is None:
            raise DomainError(
                "personnel.organization_required",
                "内部质量督导员须由评价机构任命",
                field="organization",
            )
        _require_org_staff_or_officer(actor, organization)
    else:
        _require_officer_over(actor, province.code, province=True)
    if province.level != RegionLevel.PROVINCE:
        raise DomainError("personnel.province_invalid", "请选择省级行政区", field="province")
    if person.status != PersonStatus.ACTIVE:
        raise DomainError(
            "personnel.person_inactive",
            f"该人员当前状态为“{person.get_status_display()}”：{person.status_reason}",
            field="person",
        )
    decision = qualification_check(
        person=person,
        role=role,
        occupation=occupation,
        level_high=level_high,
        level_low=level_low,
        province_code=province.code,
        as_of=day,
        organization=organization,
    )
    if role == RoleKind.QUESTION_SETTER and decision is None:
        raise DomainError(
            "personnel.rule_missing",
            f"尚未发布{occupation.name}命题人员资格条件，请先发布后再任命",
            field="occupation",
        )
    if decision is not None and not decision.qualified:
        raise DomainError(
            "personnel.not_qualified", f"不符合资格条件：{decision.explanation()}", field="person"
        )
    with transaction.atomic():
        _lock_person(person)
        if (
            PersonRole.objects.filter(
                person=person,
                role=role,
                occupation=occupation,
                specialty=specialty,
                organization=organization,
            )
            .exclude(status=PersonRoleStatus.REVOKED)
            .exists()
        ):
            raise DomainError("personnel.role_exists", "该人员已担任此角色", field="role")
        held = PersonRole.objects.create(
            person=person,
            role=role,
            occupation=occupation,
            specialty=specialty,
            level_high=level_high,
            level_low=level_low,
            province=province,
            organization=organization,
            valid_from=day,
            qualification=decision.as_dict() if decision else {},
        )
        _role_event(held, "appoint", "", "任命", actor)
    return held


def _role_status_set(
    *, held: PersonRole, target: str, reason: str, actor: Any, action: str
) -> PersonRole:
    reason = reason.strip()
    if not reason:
        raise DomainError("personnel.reason_required", "请填写原因", field="reason")
    _require_officer_over(actor, held.person.region_id)
    with transaction.atomic():
        _lock_person(held.person)
        locked = PersonRole.objects.get(pk=held.pk)
        check_transition(
            allowed=ROLE_TRANSITIONS,
            current=locked.status,
            target=target,
            labels=dict(PersonRoleStatus.choices),
        )
        before = locked.status
        locked.status = target
        locked.save(update_fields=["status"])
        _role_event(locked, action, before, reason, actor)
    held.status = locked.status
    return locked


def role_suspend(*, held: PersonRole, reason: str, actor: Any) -> PersonRole:
    return _role_status_set(
        held=held, target=PersonRoleStatus.SUSPENDED, reason=reason, actor=actor, action="suspend"
    )


def role_reinstate(*, held: PersonRole, reason: str, actor: Any) -> PersonRole:
    if held.valid_until is not None and held.valid_until < timezone.localdate():
        raise DomainError(
            "personnel.role_lapsed", "资格有效期已过，请通过复核换证恢复", field="status"
        )
    return _role_status_set(
        held=held, target=PersonRoleStatus.ACTIVE, reason=reason, actor=actor, action="reinstate"
    )


def role_revoke(*, held: PersonRole, reason: str, actor: Any) -> PersonRole:
    return _role_status_set(
        held=held, target=PersonRoleStatus.REVOKED, reason=reason, actor=actor, action="revoke"
    )


# --- training plans and registration --------------------------------------------------------


def training_plan_publish(
    *,
    province: Region,
    year: int,
    month: int,
    role: str,
    required_minutes: int,
    actor: Any,
    venue: str = "",
    pass_score: int = 60,
) -> TrainingPlan:
    """The province's monthly plan: published on the month's first working day, registration
    closing the province's number of working days later, exam on the last working day."""
    _require_officer_over(actor, province.code, province=True)
    if province.level != RegionLevel.PROVINCE:
        raise DomainError(
            "personnel.province_invalid", "培训计划由省级发布，请选择省份", field="province"
        )
    if role not in CARD_ROLES:
        raise DomainError(
            "personnel.plan_role_invalid", "培训对象应为考评员或高级考评员", field="role"
        )
    if not 1 <= month <= 12:
        raise DomainError("personnel.month_invalid", "月份应为 1 到 12", field="month")
    if not 1 <= required_minutes <= 6000:
        raise DomainError(
            "personnel.minutes_invalid", "要求学习时长应为 1 到 6000 分钟", field="required_minutes"
        )
    if not 1 <= pass_score <= 100:
        raise DomainError(
            "personnel.pass_score_invalid", "合格分数应为 1 到 100", field="pass_score"
        )
    policy = policy_for(province_code=province.code)
    workdays = (
        policy.registration_workdays_senior
        if role == RoleKind.SENIOR_EXAMINER
        else policy.registration_workdays_examiner
    )
    dates = cardrules.plan_dates(work_calendar(), year, month, workdays)
    label = RoleKind(role).label
    try:
        with transaction.atomic():
            plan = TrainingPlan.objects.create(
                province=province,
                year=year,
                month=month,
                role=role,
                mode=CourseMode.ONSITE if role == RoleKind.SENIOR_EXAMINER else CourseMode.ONLINE,
                title=f"{province.name}{year}年{month}月{label}培训",
                venue=venue.strip(),
                published_on=dates.published_on,
                registration_closes_on=dates.registration_closes_on,
                exam_on=dates.exam_on,
                required_minutes=required_minutes,
                pass_score=pass_score,
                created_by=_user(actor),
            )
            audit_record(
                actor=actor,
                action="personnel.plan_publish",
                obj=plan,
                changes={
                    "published_on": [None, dates.published_on],
                    "registration_closes_on": [None, dates.registration_closes_on],
                    "exam_on": [None, dates.exam_on],
                },
            )
    except IntegrityError:
        raise DomainError(
            "personnel.plan_exists", f"{year}年{month}月{label}培训计划已发布", field="month"
        ) from None
    return plan


def _registration_event(
    registration: Registration, action: str, before: str, note: str, actor: Any
) -> None:
    RegistrationEvent.objects.create(
        registration=registration,
        action=action,
        from_status=before,
        to_status=registration.status,
        note=note[:300],
        actor=_user(actor),
    )


def registration_submit(
    *,
    plan: TrainingPlan,
    person: Person,
    occupation: Occupation,
    level_high: int,
    level_low: int,
    actor: Any,
    specialty: Specialty | None = None,
    renews_card: Card | None = None,
    today: dt.date | None = None,
) -> Registration:
    """The person registers for the plan within its window. Qualification is checked and
    stored for the reviewers (后置审核), not used to refuse the registration."""
    day = _today(today)
    scope = _scope(actor)
    if not (scope.is_platform or (scope.user_id and person.user_id == scope.user_id)):
        raise _forbidden("培训报名须由本人提出申请")
    if day < plan.published_on:
        raise DomainError(
            "personnel.registration_not_open",
            f"报名尚未开始：培训计划于 {plan.published_on:%Y-%m-%d} 发布",
            field="plan",
        )
    if day > plan.registration_closes_on:
        raise DomainError(
            "personnel.registration_closed",
            f"报名已截止：本期培训计划于 {plan.published_on:%Y-%m-%d} 发布，"
            f"报名截止日期为 {plan.registration_closes_on:%Y-%m-%d}",
            field="plan",
        )
    if person.region_id[:2] != plan.province_id[:2]:
        raise DomainError(
            "personnel.wrong_province", "只能报名工作单位所在省份的培训计划", field="plan"
        )
    _check_levels(level_high, level_low)
    _check_specialty(occupation, specialty)
    policy = policy_for(province_code=plan.province_id)
    with transaction.atomic():
        locked = _lock_person(person)
        if locked.status == PersonStatus.BANNED:
            raise DomainError(
                "personnel.banned", f"已被永久取消申报资格：{locked.status_reason}", field="person"
            )
        ban = uncollected_ban_reason(person=locked, limit=policy.uncollected_ban_count)
        if ban:
            raise DomainError("personnel.uncollected_cards_ban", ban, field="person")
        if locked.status == PersonStatus.SUSPENDED:
            raise DomainError(
                "personnel.suspended",
                f"考评资格暂停期间不能报名：{locked.status_reason}",
                field="person",
            )
        purpose = RegistrationPurpose.NEW
        if renews_card is not None:
            if (
                renews_card.person_id != person.pk
                or renews_card.status != CardStatus.COLLECTED
                or renews_card.role != plan.role
                or renews_card.occupation_id != occupation.pk
            ):
                raise DomainError(
                    "personnel.renewal_card_invalid",
                    "复核换证须针对本人已领取的同一职业、同一类别证卡",
                    field="renews_card",
                )
            purpose = RegistrationPurpose.RENEWAL
        if Registration.objects.filter(plan=plan, person=person).exists():
            raise DomainError(
                "personnel.duplicate_registration",
                f"您已报名{plan.title}，请勿重复报名",
                field="plan",
            )
        decision = qualification_check(
            person=locked,
            role=plan.role,
            occupation=occupation,
            level_high=level_high,
            level_low=level_low,
            province_code=plan.province_id,
            as_of=day,
        )
        try:
            with transaction.atomic():
                registration = Registration.objects.create(
                    plan=plan,
                    person=locked,
                    purpose=purpose,
                    renews_card=renews_card,
                    occupation=occupation,
                    specialty=specialty,
                    level_high=level_high,
                    level_low=level_low,
                    employer=locked.employer,
                    employer_name=locked.employer_name,
                    region=locked.region,
                    qualification=decision.as_dict() if decision else {},
                )
        except IntegrityError:
            raise DomainError(
                "personnel.duplicate_registration",
                f"您已报名{plan.title}，请勿重复报名",
                field="plan",
            ) from None
        note = decision.explanation() if decision else "无适用的资格条件规则"
        _registration_event(registration, "submit", "", note, actor)
        audit_record(
            actor=actor,
            action="personnel.registration_submit",
            obj=registration,
            changes={
                "plan": [None, plan.pk],
                "occupation": [None, occupation.pk],
                "levels": [None, [level_high, level_low]],
            },
        )
    return registration


def _registration_move(
    *, registration: Registration, target: str, note: str, actor: Any, action: str
) -> Registration:
    with transaction.atomic():
        _lock_person(registration.person)
        locked = Registration.objects.get(pk=registration.pk)
        check_transition(
            allowed=REGISTRATION_TRANSITIONS,
            current=locked.status,
            target=target,
            labels=dict(RegistrationStatus.choices),
        )
        before = locked.status
        locked.status = target
        locked.save(update_fields=["status"])
        _registration_event(locked, action, before, note, actor)
        audit_record(
            actor=actor,
            action=f"personnel.registration_{action}",
            obj=locked,
            changes={"status": [before, target], "note": [None, note]},
        )
    registration.status = locked.status
    return locked


def registration_recommend(*, registration: Registration, actor: Any) -> Registration:
    """The employer recommends (单位推荐): its staff when it is a filed organisation on the
    platform, else an officer of the unit's region records the stamped recommendation."""
    scope = _scope(actor)
    if not (scope.is_platform or registration.employer_id in scope.organization_ids):
        _require_officer_over(actor, registration.region_id)
    return _registration_move(
        registration=registration,
        target=RegistrationStatus.RECOMMENDED,
        note="单位推荐",
        actor=actor,
        action="recommend",
    )


def registration_city_review(
    *, registration: Registration, approve: bool, actor: Any, note: str = ""
) -> Registration:
    """初审 by the city of the applicant's unit."""
    _require_officer_over(actor, registration.region_id)
    if not approve and not note.strip():
        raise DomainError("personnel.note_required", "初审不通过须说明原因", field="note")
    target = RegistrationStatus.CITY_APPROVED if approve else RegistrationStatus.CITY_REJECTED
    return _registration_move(
        registration=registration,
        target=target,
        note=note.strip() or "初审通过",
        actor=actor,
        action="city_review",
    )


def registration_province_review(
    *, registration: Registration, approve: bool, actor: Any, note: str = ""
) -> Registration:
    """复核 by the province."""
    _require_officer_over(actor, registration.region_id, province=True)
    if not approve and not note.strip():
        raise DomainError("personnel.note_required", "复核不通过须说明原因", field="note")
    target = (
        RegistrationStatus.PROVINCE_APPROVED if approve else RegistrationStatus.PROVINCE_REJECTED
    )
    return _registration_move(
        registration=registration,
        target=target,
        note=note.strip() or "复核通过",
        actor=actor,
        action="province_review",
    )


def registration_withdraw(*, registration: Registration, actor: Any) -> Registration:
    scope = _scope(actor)
    if not (scope.is_platform or registration.person.user_id == scope.user_id):
        raise _forbidden("只有本人可以撤回报名")
    return _registration_move(
        registration=registration,
        target=RegistrationStatus.WITHDRAWN,
        note="本人撤回",
        actor=actor,
        action="withdraw",
    )


def _require_active(registration: Registration) -> None:
    if registration.status in INACTIVE_REGISTRATION:
        raise DomainError(
            "personnel.registration_inactive",
            f"报名状态为“{registration.get_status_display()}”，不能继续培训考核",
            field="registration",
        )


def learning_record(
    *,
    registration: Registration,
    attended_on: dt.date,
    minutes: int,
    actor: Any,
    today: dt.date | None = None,
) -> Registration:
    """Credit one day's learning from the course's attendance. Recorded by the training
    organiser — an officer over the applicant's unit (city or province) or the course
    platform's system account — never by the learner, whose own figure would be unverified.
    A day holds at most one record of at most a course day, inside the plan's course period
    and not in the future, and the total never goes past the plan's required time."""
    scope = _scope(actor)
    if scope.user_id is not None and registration.person.user_id == scope.user_id:
        raise DomainError(
            "personnel.learning_self_reported",
            "学习时长由培训组织方根据课程考勤记录，本人不能自行填报",
            field="minutes",
        )
    _require_officer_over(actor, registration.region_id)
    if not 1 <= minutes <= LEARNING_MINUTES_PER_DAY:
        raise DomainError(
            "personnel.minutes_invalid",
            f"每天的学习时长应为 1 到 {LEARNING_MINUTES_PER_DAY} 分钟（每天最多8小时）",
            field="minutes",
        )
    with transaction.atomic():
        _lock_person(registration.person)
        locked = Registration.objects.select_related("plan").get(pk=registration.pk)
        _require_active(locked)
        plan = locked.plan
        last_day = min(plan.exam_on, _today(today))
        if not plan.published_on <= attended_on <= last_day:
            raise DomainError(
                "personnel.learning_day_invalid",
                f"学习日期应在 {plan.published_on:%Y-%m-%d} 至 {last_day:%Y-%m-%d} 之间"
                "（培训期内，且不晚于今天）",
                field="attended_on",
            )
        if LearningRecord.objects.filter(registration=locked, attended_on=attended_on).exists():
            raise DomainError(
                "personnel.learning_day_recorded",
                f"{attended_on:%Y-%m-%d} 的学习时长已记录，同一天只记录一次",
                field="attended_on",
            )
        remaining = plan.required_minutes - locked.learned_minutes
        if remaining <= 0:
            raise DomainError(
                "personnel.course_complete",
                f"已达到本期培训要求的学习时长（{plan.required_minutes}分钟），无需再记录",
                field="minutes",
            )
        if minutes > remaining:
            raise DomainError(
                "personnel.minutes_over_remaining",
                f"本期培训要求{plan.required_minutes}分钟，已记录{locked.learned_minutes}分钟，"
                f"最多还能记录{remaining}分钟",
                field="minutes",
            )
        LearningRecord.objects.create(
            registration=locked, attended_on=attended_on, minutes=minutes, recorded_by=_user(actor)
        )
        Registration.objects.filter(pk=locked.pk).update(
            learned_minutes=F("learned_minutes") + minutes
        )
        locked.refresh_from_db(fields=["learned_minutes"])
        _registration_event(
            locked,
            "learn",
            locked.status,
            f"{attended_on:%Y-%m-%d} 学习{minutes}分钟"
            f"（累计{locked.learned_minutes}/{plan.required_minutes}分钟）",
            actor,
        )
        audit_record(
            actor=actor,
            action="personnel.learning_record",
            obj=locked,
            changes={
                "attended_on": [None, attended_on],
                "minutes": [None, minutes],
                "learned_minutes": [locked.learned_minutes - minutes, locked.learned_minutes],
            },
        )
    registration.learned_minutes = locked.learned_minutes
    return locked


def exam_result_record(*, registration: Registration, score: int, actor: Any) -> Registration:
    """The month-end exam result; only a learner who reached the plan's duration may sit."""
    _require_officer_over(actor, registration.region_id)
    if not 0 <= score <= 100:
        raise DomainError("personnel.score_invalid", "成绩应为 0 到 100 分", field="score")
    with transaction.atomic():
        _lock_person(registration.person)
        locked = Registration.objects.select_related("plan").get(pk=registration.pk)
        _require_active(locked)
        if locked.learned_minutes < locked.plan.required_minutes:
            raise DomainError(
                "personnel.course_incomplete",
                f"学习时长未达到要求（要求{locked.plan.required_minutes}分钟，"
                f"已学习{locked.learned_minutes}分钟），不能参加月底集中考核",
                field="registration",
            )
        if locked.exam_score is not None:
            raise DomainError(
                "personnel.exam_already_recorded", "该人员的考核成绩已录入", field="score"
            )
        locked.exam_score = score
        locked.exam_recorded_at = timezone.now()
        locked.save(update_fields=["exam_score", "exam_recorded_at"])
        passed = score >= locked.plan.pass_score
        _registration_event(
            locked,
            "exam",
            locked.status,
            f"考核成绩{score}分，{'合格' if passed else '不合格'}",
            actor,
        )
        audit_record(
            actor=actor,
            action="personnel.exam_result_record",
            obj=locked,
            changes={"exam_score": [None, score]},
        )
    registration.exam_score, registration.exam_recorded_at = score, locked.exam_recorded_at
    return locked


def pledge_sign(*, registration: Registration, actor: Any) -> Registration:
    """诚信承诺书: signed voluntarily by the person after passing."""
    scope = _scope(actor)
    if not (scope.is_platform or registration.person.user_id == scope.user_id):
        raise _forbidden("诚信承诺书须由本人签订")
    with transaction.atomic():
        _lock_person(registration.person)
        locked = Registration.objects.select_related("plan").get(pk=registration.pk)
        _require_active(locked)
        if not locked.exam_passed:
            raise DomainError(
                "personnel.exam_not_passed", "考核合格后方可签订诚信承诺书", field="registration"
            )
        if locked.pledge_signed_at is not None:
            raise DomainError("personnel.pledge_exists", "诚信承诺书已签订", field="registration")
        locked.pledge_signed_at = timezone.now()
        locked.save(update_fields=["pledge_signed_at"])
        _registration_event(locked, "pledge", locked.status, "签订考评人员诚信承诺书", actor)
        audit_record(
            actor=actor,
            action="personnel.pledge_sign",
            obj=locked,
            changes={"pledge_signed_at": [None, locked.pledge_signed_at]},
        )
    registration.pledge_signed_at = locked.pledge_signed_at
    return locked


# --- cards ----------------------------------------------------------------------------------


def card_issue(
    *,
    registration: Registration,
    actor: Any,
    issued_on: dt.date | None = None,
    collection_opens_on: dt.date | None = None,
) -> Card:
    """The province issues the card to a person who passed 复核 and the exam and signed the
    pledge. Validity and the collection deadline come from the province's policy."""
    plan = registration.plan
    _require_officer_over(actor, plan.province_id, province=True)
    issued = _today(issued_on)
    opens = collection_opens_on or issued
    if opens < issued:
        raise DomainError(
            "personnel.collection_before_issue",
            "开始领取日期不能早于发证日期",
            field="collection_opens_on",
        )
    policy = policy_for(province_code=plan.province_id)
    deadline = cardrules.collection_deadline(work_calendar(), opens, policy.collection_workdays)
    with transaction.atomic():
        _lock_person(registration.person)
        locked = Registration.objects.select_related("plan", "person").get(pk=registration.pk)
        if locked.status != RegistrationStatus.PROVINCE_APPROVED:
            raise DomainError(
                "personnel.not_approved", "省级复核通过后方可发证", field="registration"
            )
        if not locked.exam_passed:
            raise DomainError(
                "personnel.exam_not_passed", "考核合格后方可发证", field="registration"
            )
        if locked.pledge_signed_at is None:
            raise DomainError(
                "personnel.pledge_missing", "未签订诚信承诺书，不能发证", field="registration"
            )
        if Card.objects.filter(registration=locked).exists():
            raise DomainError("personnel.card_exists", "该报名已发证", field="registration")
        prefix = f"{plan.province_id[:2]}{issued.year}{CARD_PREFIX[RoleKind(plan.role)]}"
        # Numbers are serial per province, year and role; the person lock does not serialise
        # two people, so the unique constraint decides and a clash retries with the next one.
        for _attempt in range(5):
            serial = Card.objects.filter(number__startswith=prefix).count() + 1
            try:
                with transaction.atomic():
                    card = Card.objects.create(
                        person=locked.person,
                        registration=locked,
                        role=plan.role,
                        occupation_id=locked.occupation_id,
                        specialty_id=locked.specialty_id,
                        level_high=locked.level_high,
                        level_low=locked.level_low,
                        province_id=plan.province_id,
                        number=f"{prefix}{serial:06d}",
                        issued_on=issued,
                        valid_until=cardrules.card_valid_until(issued, policy.card_validity_years),
                        collection_opens_on=opens,
                        collection_deadline=deadline,
                    )
                break
            except IntegrityError:
                continue
        else:
            raise DomainError(
                "personnel.card_number_busy", "证卡编号分配冲突，请重试", field="registration"
            )
        _registration_event(
            locked,
            "card_issue",
            locked.status,
            f"发放证卡 {card.number}，请于 {deadline:%Y-%m-%d} 前领取",
            actor,
        )
        audit_record(
            actor=actor,
            action="personnel.card_issue",
            obj=card,
            changes={
                "valid_until": [None, card.valid_until],
                "collection_deadline": [None, deadline],
            },
        )
    return card


def _card_move(card: Card, target: str, reason: str) -> str:
    check_transition(
        allowed=CARD_TRANSITIONS,
        current=card.status,
        target=target,
        labels=dict(CardStatus.choices),
    )
    before = card.status
    card.status = target
    card.status_reason = reason[:300]
    return before


def card_collect(*, card: Card, actor: Any, on: dt.date | None = None) -> Card:
    """The person collects the card; the role becomes active (or is extended, on renewal)
    until the card's validity ends."""
    day = _today(on)
    _require_officer_over(actor, card.person.region_id)
    with transaction.atomic():
        person = _lock_person(card.person)
        locked = Card.objects.get(pk=card.pk)
        if locked.status == CardStatus.PENDING and day > locked.collection_deadline:
            raise DomainError(
                "personnel.card_collection_closed",
                f"领取期限已过（截止 {locked.collection_deadline:%Y-%m-%d}），证卡已作废",
                field="card",
            )
        if locked.status == CardStatus.PENDING and day < locked.collection_opens_on:
            raise DomainError(
                "personnel.card_collection_not_open",
                f"证卡自 {locked.collection_opens_on:%Y-%m-%d} 起领取",
                field="card",
            )
        if person.status != PersonStatus.ACTIVE:
            raise DomainError(
                "personnel.person_inactive",
                f"该人员当前状态为“{person.get_status_display()}”",
                field="card",
            )
        before = _card_move(locked, CardStatus.COLLECTED, "")
        locked.collected_on = day
        locked.save(update_fields=["status", "status_reason", "collected_on"])
        registration = locked.registration
        if registration is not None and registration.renews_card_id is not None:
            old = Card.objects.get(pk=registration.renews_card_id)
            if old.status == CardStatus.COLLECTED:
                _card_move(old, CardStatus.SUPERSEDED, f"已换发新证 {locked.number}")
                old.save(update_fields=["status", "status_reason"])
        held = (
            PersonRole.objects.filter(
                person=person,
                role=locked.role,
                occupation_id=locked.occupation_id,
                specialty=locked.specialty,
            )
            .exclude(status=PersonRoleStatus.REVOKED)
            .first()
        )
        if held is None:
            held = PersonRole.objects.create(
                person=person,
                role=locked.role,
                occupation_id=locked.occupation_id,
                specialty_id=locked.specialty_id,
                level_high=locked.level_high,
                level_low=locked.level_low,
                province_id=locked.province_id,
                valid_from=locked.issued_on,
                valid_until=locked.valid_until,
                qualification=registration.qualification if registration else {},
            )
            _role_event(held, "grant", "", f"领取证卡 {locked.number}", actor)
        else:
            role_before = held.status
            if held.status == PersonRoleStatus.EXPIRED:
                check_transition(
                    allowed=ROLE_TRANSITIONS,
                    current=held.status,
                    target=PersonRoleStatus.ACTIVE,
                    labels=dict(PersonRoleStatus.choices),
                )
                held.status = PersonRoleStatus.ACTIVE
            held.valid_until = locked.valid_until
            held.level_high, held.level_low = locked.level_high, locked.level_low
            held.save(update_fields=["status", "valid_until", "level_high", "level_low"])
            _role_event(held, "renew", role_before, f"领取换发证卡 {locked.number}", actor)
        audit_record(
            actor=actor,
            action="personnel.card_collect",
            obj=locked,
            changes={"status": [before, locked.status], "collected_on": [None, day]},
        )
    card.status, card.collected_on = locked.status, locked.collected_on
    return locked


def cards_void_uncollected(*, actor: Any, today: dt.date | None = None) -> list[Card]:
    """Void every pending card whose collection deadline has passed; a person whose cards
    went uncollected the province's number of times in a row is banned permanently."""
    day = _today(today)
    voided: list[Card] = []
    person_ids = sorted(
        set(
            Card.objects.filter(status=CardStatus.PENDING, collection_deadline__lt=day).values_list(
                "person_id", flat=True
            )
        )
    )
    for person_id in person_ids:  # one transaction per person, locks in primary-key order
        with transaction.atomic():
            person = Person.objects.select_for_update().get(pk=person_id)
            cards = list(
                Card.objects.filter(
                    person=person, status=CardStatus.PENDING, collection_deadline__lt=day
                ).order_by("issued_on", "id")
            )
            for card in cards:
                deadline = f"{card.collection_deadline:%Y-%m-%d}"
                reason = f"发放开始后逾期未领取（截止 {deadline}），视为自动放弃"
                before = _card_move(card, CardStatus.VOID, reason)
                card.save(update_fields=["status", "status_reason"])
                audit_record(
                    actor=actor,
                    action="personnel.card_void",
                    obj=card,
                    changes={"status": [before, card.status]},
                )
                voided.append(card)
            policy = policy_for(province_code=cards[0].province_id)
            ban = uncollected_ban_reason(person=person, limit=policy.uncollected_ban_count)
            if ban and person.status != PersonStatus.BANNED:
                previous = person.status
                person.status, person.status_reason = PersonStatus.BANNED, ban[:300]
                person.save(update_fields=["status", "status_reason"])
                IntegrityEntry.objects.create(
                    person=person,
                    kind=IntegrityKind.SANCTION,
                    occurred_on=day,
                    summary=ban,
                    source="证卡领取管理",
                )
                audit_record(
                    actor=actor,
                    action="personnel.person_ban",
                    obj=person,
                    changes={"status": [previous, person.status], "reason": [None, ban]},
                )
    return voided


def roles_expire(*, actor: Any, today: dt.date | None = None) -> int:
    """Active or suspended card roles whose validity ended become expired."""
    day = _today(today)
    count = 0
    ids = list(
        PersonRole.objects.filter(status=PersonRoleStatus.ACTIVE, valid_until__lt=day)
        .order_by("person_id", "id")
        .values_list("pk", "person_id")
    )
    for role_id, person_id in ids:
        with transaction.atomic():
            Person.objects.select_for_update().get(pk=person_id)
            held = PersonRole.objects.get(pk=role_id)
            if held.status != PersonRoleStatus.ACTIVE:
                continue
            held.status = PersonRoleStatus.EXPIRED
            held.save(update_fields=["status"])
            _role_event(
                held,
                "expire",
                PersonRoleStatus.ACTIVE,
                f"有效期至 {held.valid_until:%Y-%m-%d}，已过期",
                actor,
            )
            count += 1
    return count


def card_reminders_send(*, actor: Any, today: dt.date | None = None) -> list[CardReminder]:
    """One reminder per collected card entering its province's reminder window. The
    reminder is shown on the person's page with the way to renew (复核换证)."""
    day = _today(today)
    sent: list[CardReminder] = []
    cards = (
        Card.objects.filter(
            status=CardStatus.COLLECTED, valid_until__gte=day, reminder__isnull=True
        )
        .select_related("occupation")
        .order_by("id")
    )
    policies: dict[str, int] = {}
    for card in cards:
        if card.province_id not in policies:
            policies[card.province_id] = policy_for(province_code=card.province_id).reminder_days
        if card.valid_until > day + dt.timedelta(days=policies[card.province_id]):
            continue
        message = (
            f"您的{card.get_role_display()}证卡 {card.number}（{card.occupation.name}）将于 "
            f"{card.valid_until:%Y-%m-%d} 到期，请报名近期培训计划办理复核换证"
        )
        with transaction.atomic():
            try:
                with transaction.atomic():
                    reminder = CardReminder.objects.create(card=card, sent_on=day, message=message)
            except IntegrityError:
                continue
            audit_record(
                actor=actor,
                action="personnel.card_remind",
                obj=card,
                changes={"sent_on": [None, day]},
            )
        sent.append(reminder)
    return sent


# --- practice record and recusal ------------------------------------------------------------


def sitting_record(
    *,
    person: Person,
    organization: EvaluationOrg,
    held_on: dt.date,
    duty: str,
    actor: Any,
    room: str = "",
    occupation: Occupation | None = None,
    level: int | None = None,
) -> Sitting:
    """Record a sitting the person served at (the organisation's staff or an officer)."""
    _require_org_staff_or_officer(actor, organization)
    if duty not in Duty.values:
        raise DomainError("personnel.duty_invalid", "请选择承担工作", field="duty")
    if level is not None and level not in (1, 2, 3, 4, 5):
        raise DomainError("personnel.level_invalid", "等级应为一级至五级", field="level")
    try:
        with transaction.atomic():
            sitting = Sitting.objects.create(
                person=person,
                organization=organization,
                held_on=held_on,
                duty=duty,
                room=room.strip(),
                occupation=occupation,
                level=level,
                recorded_by=_user(actor),
            )
            audit_record(
                actor=actor,
                action="personnel.sitting_record",
                obj=sitting,
                changes={
                    "person": [None, person.pk],
                    "organization": [None, organization.pk],
                    "held_on": [None, held_on],
                },
            )
    except IntegrityError:
        raise DomainError(
            "personnel.sitting_duplicate", "该场考评记录已存在", field="held_on"
        ) from None
    return sitting


def relation_declare(
    *,
    person: Person,
    kind: str,
    actor: Any,
    counterpart_id_number: str = "",
    counterpart_name: str = "",
    organization: EvaluationOrg | None = None,
    note: str = "",
) -> RecusalRelation:
    """Declare a relation requiring recusal (by the person, or an officer)."""
    _require_self_or_officer(actor, person)
    if kind not in RelationKind.values:
        raise DomainError("personnel.relation_kind_invalid", "请选择关系类型", field="kind")
    number = ""
    if counterpart_id_number.strip():
        number = parse_id_number(counterpart_id_number).value
    if not number and organization is None:
        raise DomainError(
            "personnel.relation_counterpart_required",
            "请填写对方身份证号码或相关机构",
            field="counterpart_id_number",
        )
    if number == person.id_number:
        raise DomainError(
            "personnel.relation_self", "不能与本人建立回避关系", field="counterpart_id_number"
        )
    with transaction.atomic():
        relation = RecusalRelation.objects.create(
            person=person,
            kind=kind,
            counterpart_id_number=number,
            counterpart_name=counterpart_name.strip(),
            organization=organization,
            note=note.strip(),
            declared_by=_user(actor),
        )
        audit_record(
            actor=actor,
            action="personnel.relation_declare",
            obj=relation,
            changes={"person": [None, person.pk], "kind": [None, kind]},
        )
    return relation
