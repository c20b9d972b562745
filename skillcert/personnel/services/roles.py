"""Roles held by a person: appointment of question setters and supervisors, suspension,
reinstatement, revocation and expiry. Every change writes a role history row."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from skillcert.accounts.actors import Actor
from skillcert.common.errors import DomainError
from skillcert.organizations.permits import organization_permit_check
from skillcert.personnel.models import (
    CARD_ROLES,
    Person,
    PersonRole,
    PersonRoleStatus,
    PersonStatus,
    RoleKind,
)
from skillcert.personnel.services._access import (
    lock_person,
    require_officer_over,
    require_org_staff_or_officer,
    today_or,
)
from skillcert.personnel.services._history import role_event, role_history
from skillcert.personnel.services._validation import check_levels, check_specialty
from skillcert.personnel.services.lifecycles import ROLE_LIFECYCLE
from skillcert.personnel.services.standing import qualification_require
from skillcert.regions.choices import RegionLevel

if TYPE_CHECKING:
    from skillcert.occupations.models import Occupation, Specialty
    from skillcert.organizations.models import EvaluationOrg
    from skillcert.regions.models import Region


def _check_role_kind(role: str) -> None:
    if role in CARD_ROLES:
        raise DomainError(
            "personnel.role_needs_card",
            "考评员、高级考评员须经培训考核并领取证卡后取得资格",
            field="role",
        )
    if role not in RoleKind.values:
        raise DomainError("personnel.role_invalid", "请选择角色", field="role")


def _check_appointable(
    *,
    person: Person,
    role: str,
    province: Region,
    actor: Actor,
    organization: EvaluationOrg | None,
) -> None:
    """The actor may appoint the role, in a province, to an active person."""
    if role == RoleKind.SUPERVISOR_INTERNAL:
        if organization is None:
            raise DomainError(
                "personnel.organization_required",
                "内部质量督导员须由评价机构任命",
                field="organization",
            )
        require_org_staff_or_officer(actor, organization)
    else:
        require_officer_over(actor, province.code, province=True)
    if province.level != RegionLevel.PROVINCE:
        raise DomainError("personnel.province_invalid", "请选择省级行政区", field="province")
    if person.status != PersonStatus.ACTIVE:
        raise DomainError(
            "personnel.person_inactive",
            f"该人员当前状态为“{person.get_status_display()}”：{person.status_reason}",
            field="person",
        )


def role_appoint(
    *,
    person: Person,
    role: str,
    occupation: Occupation,
    level_high: int,
    level_low: int,
    province: Region,
    actor: Actor,
    specialty: Specialty | None = None,
    organization: EvaluationOrg | None = None,
    today: dt.date | None = None,
) -> PersonRole:
    """Appoint a question setter or quality supervisor. External supervisors and question
    setters are appointed by the province; internal supervisors by their organisation.
    Examiners and senior examiners hold their role through training and a card."""
    day = today_or(today)
    _check_role_kind(role)
    check_levels(level_high, level_low)
    check_specialty(occupation, specialty)
    _check_appointable(
        person=person, role=role, province=province, actor=actor, organization=organization
    )
    if organization is not None:
        organization_permit_check(org=organization, action="appoint", day=day)
    standing = qualification_require(
        person=person,
        role=role,
        occupation=occupation,
        level_high=level_high,
        level_low=level_low,
        province_code=province.code,
        as_of=day,
        organization=organization,
    )
    with transaction.atomic():
        lock_person(person)
        held_already = PersonRole.objects.filter(
            person=person,
            role=role,
            occupation=occupation,
            specialty=specialty,
            organization=organization,
        ).exclude(status=PersonRoleStatus.REVOKED)
        if held_already.exists():
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
            qualification=standing.as_dict(),
        )
        role_event(held, "appoint", "", "任命", actor)
    return held


def question_setter_require(
    *,
    person: Person | None,
    occupation: Occupation,
    province_code: str,
    on: dt.date,
    organization: EvaluationOrg | None = None,
) -> PersonRole:
    """The one rule for a question setter (命题人员), whether the province appoints them
    (`role_appoint`) or an item bank commissions them (`itembank_role_grant`): a person on
    the register, active, appointed question setter for the occupation in the province, whose
    appointment still passes seed 001 §三's conditions and the confidentiality agreement
    (with `organization`, the bank's owner, when given) through `qualification_require`, the
    check `role_appoint` runs. Answers the appointment."""
    if person is None:
        raise DomainError(
            "personnel.setter_unregistered",
            "命题人员须先登记为考评人员并由省级人社部门任命",
            field="user",
        )
    if person.status != PersonStatus.ACTIVE:
        raise DomainError(
            "personnel.person_inactive",
            f"{person.name}当前状态为“{person.get_status_display()}”：{person.status_reason}",
            field="user",
        )
    held = (
        PersonRole.objects.filter(
            Q(valid_until__isnull=True) | Q(valid_until__gte=on),
            person=person,
            role=RoleKind.QUESTION_SETTER,
            occupation=occupation,
            province_id=f"{province_code[:2]}0000",
            status=PersonRoleStatus.ACTIVE,
            valid_from__lte=on,
        )
        .select_related("organization")
        .order_by("id")
        .first()
    )
    if held is None:
        raise DomainError(
            "personnel.setter_not_appointed",
            f"{person.name}未被任命为{occupation.name}命题人员（由省级人社部门按命题人员条件任命）",
            field="user",
        )
    qualification_require(
        person=person,
        role=RoleKind.QUESTION_SETTER,
        occupation=occupation,
        level_high=held.level_high,
        level_low=held.level_low,
        province_code=province_code,
        as_of=on,
        organization=organization or held.organization,
    )
    return held


def _role_move(held: PersonRole, target: str, *, action: str, reason: str, actor: Actor) -> None:
    """Move a role (its person locked) and write its history row."""
    before = held.status
    ROLE_LIFECYCLE.move(
        held, target, actor=actor, action=f"role_{action}", changes={"reason": [None, reason]}
    )
    role_history(held, action, before, reason, actor)


def _role_status_set(
    *, held: PersonRole, target: str, reason: str, actor: Actor, action: str
) -> PersonRole:
    reason = reason.strip()
    if not reason:
        raise DomainError("personnel.reason_required", "请填写原因", field="reason")
    require_officer_over(actor, held.person.region_id)
    with transaction.atomic():
        lock_person(held.person)
        locked = PersonRole.objects.get(pk=held.pk)
        _role_move(locked, target, action=action, reason=reason, actor=actor)
    held.status = locked.status
    return locked


def role_suspend(*, held: PersonRole, reason: str, actor: Actor) -> PersonRole:
    return _role_status_set(
        held=held, target=PersonRoleStatus.SUSPENDED, reason=reason, actor=actor, action="suspend"
    )


def role_reinstate(*, held: PersonRole, reason: str, actor: Actor) -> PersonRole:
    if held.valid_until is not None and held.valid_until < timezone.localdate():
        raise DomainError(
            "personnel.role_lapsed", "资格有效期已过，请通过复核换证恢复", field="status"
        )
    return _role_status_set(
        held=held, target=PersonRoleStatus.ACTIVE, reason=reason, actor=actor, action="reinstate"
    )


def role_revoke(*, held: PersonRole, reason: str, actor: Actor) -> PersonRole:
    return _role_status_set(
        held=held, target=PersonRoleStatus.REVOKED, reason=reason, actor=actor, action="revoke"
    )


def roles_expire(*, actor: Actor, today: dt.date | None = None) -> int:
    """Active card roles whose validity ended become expired."""
    day = today_or(today)
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
            reason = f"有效期至 {held.valid_until:%Y-%m-%d}，已过期"
            _role_move(held, PersonRoleStatus.EXPIRED, action="expire", reason=reason, actor=actor)
            count += 1
    return count
