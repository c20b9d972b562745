"""Monthly training plans and registration for them: submission, the employer's
recommendation, the city's 初审, the province's 复核 and withdrawal."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from django.db import IntegrityError, transaction

from skillcert.accounts.actors import Actor, actor_scope, actor_user
from skillcert.audit.services import audit_record, audited_create
from skillcert.common.errors import DomainError
from skillcert.personnel import cardrules
from skillcert.personnel.models import (
    CARD_ROLES,
    Card,
    CardStatus,
    CourseMode,
    Person,
    PersonStatus,
    Registration,
    RegistrationPurpose,
    RegistrationStatus,
    RoleKind,
    TrainingPlan,
)
from skillcert.personnel.selectors import policy_for, qualification_check, uncollected_ban_reason
from skillcert.personnel.services._access import (
    forbidden,
    lock_person,
    require_officer_over,
    today_or,
)
from skillcert.personnel.services._history import registration_history
from skillcert.personnel.services._validation import check_levels, check_specialty
from skillcert.personnel.services.lifecycles import REGISTRATION_LIFECYCLE
from skillcert.regions.choices import RegionLevel
from skillcert.workdays.selectors import work_calendar

if TYPE_CHECKING:
    from skillcert.occupations.models import Occupation, Specialty
    from skillcert.regions.models import Region


def _check_plan_input(
    *, province: Region, month: int, role: str, required_minutes: int, pass_score: int
) -> None:
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


def _plan_dates(*, province: Region, role: str, year: int, month: int) -> cardrules.PlanDates:
    # The version in force when the month's plan is published (its first working day).
    policy = policy_for(province_code=province.code, on=dt.date(year, month, 1))
    workdays = (
        policy.registration_workdays_senior
        if role == RoleKind.SENIOR_EXAMINER
        else policy.registration_workdays_examiner
    )
    return cardrules.plan_dates(work_calendar(), year, month, workdays)


def training_plan_publish(
    *,
    province: Region,
    year: int,
    month: int,
    role: str,
    required_minutes: int,
    actor: Actor,
    venue: str = "",
    pass_score: int = 60,
) -> TrainingPlan:
    """The province's monthly plan: published on the month's first working day, registration
    closing the province's number of working days later, exam on the last working day."""
    require_officer_over(actor, province.code, province=True)
    _check_plan_input(
        province=province,
        month=month,
        role=role,
        required_minutes=required_minutes,
        pass_score=pass_score,
    )
    dates = _plan_dates(province=province, role=role, year=year, month=month)
    label = RoleKind(role).label
    return audited_create(
        TrainingPlan,
        actor=actor,
        action="personnel.plan_publish",
        changes={
            "published_on": [None, dates.published_on],
            "registration_closes_on": [None, dates.registration_closes_on],
            "exam_on": [None, dates.exam_on],
        },
        clash=DomainError(
            "personnel.plan_exists", f"{year}年{month}月{label}培训计划已发布", field="month"
        ),
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
        created_by=actor_user(actor),
    )


def _check_submission(*, actor: Actor, plan: TrainingPlan, person: Person, day: dt.date) -> None:
    """Only the person registers, within the plan's window, in their own province."""
    scope = actor_scope(actor)
    if not (scope.is_platform or (scope.user_id and person.user_id == scope.user_id)):
        raise forbidden("培训报名须由本人提出申请")
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


def _check_may_apply(locked: Person, *, ban_limit: int, ban: str | None = None) -> None:
    """A banned person, one with too many uncollected cards (`ban`, when the caller read it
    already), or a suspended one may not."""
    if locked.status == PersonStatus.BANNED:
        raise DomainError(
            "personnel.banned", f"已被永久取消申报资格：{locked.status_reason}", field="person"
        )
    if ban is None:
        ban = uncollected_ban_reason(person=locked, limit=ban_limit)
    if ban:
        raise DomainError("personnel.uncollected_cards_ban", ban, field="person")
    if locked.status == PersonStatus.SUSPENDED:
        raise DomainError(
            "personnel.suspended",
            f"考评资格暂停期间不能报名：{locked.status_reason}",
            field="person",
        )


def _purpose(
    *, plan: TrainingPlan, person: Person, occupation: Occupation, renews_card: Card | None
) -> str:
    if renews_card is None:
        return RegistrationPurpose.NEW
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
    return RegistrationPurpose.RENEWAL


def _duplicate(plan: TrainingPlan) -> DomainError:
    return DomainError(
        "personnel.duplicate_registration", f"您已报名{plan.title}，请勿重复报名", field="plan"
    )


def _registration_create(
    *,
    plan: TrainingPlan,
    locked: Person,
    purpose: str,
    renews_card: Card | None,
    occupation: Occupation,
    specialty: Specialty | None,
    levels: tuple[int, int],
    qualification: dict[str, Any],
) -> Registration:
    try:
        with transaction.atomic():
            return Registration.objects.create(
                plan=plan,
                person=locked,
                purpose=purpose,
                renews_card=renews_card,
                occupation=occupation,
                specialty=specialty,
                level_high=levels[0],
                level_low=levels[1],
                employer=locked.employer,
                employer_name=locked.employer_name,
                region=locked.region,
                qualification=qualification,
            )
    except IntegrityError:
        raise _duplicate(plan) from None


def registration_submit(
    *,
    plan: TrainingPlan,
    person: Person,
    occupation: Occupation,
    level_high: int,
    level_low: int,
    actor: Actor,
    specialty: Specialty | None = None,
    renews_card: Card | None = None,
    today: dt.date | None = None,
) -> Registration:
    """The person registers for the plan within its window. Qualification is checked and
    stored for the reviewers (后置审核), not used to refuse the registration."""
    day = today_or(today)
    _check_submission(actor=actor, plan=plan, person=person, day=day)
    check_levels(level_high, level_low)
    check_specialty(occupation, specialty)
    policy = policy_for(province_code=plan.province_id)
    with transaction.atomic():
        locked = lock_person(person)
        _check_may_apply(locked, ban_limit=policy.uncollected_ban_count)
        purpose = _purpose(plan=plan, person=person, occupation=occupation, renews_card=renews_card)
        if Registration.objects.filter(plan=plan, person=person).exists():
            raise _duplicate(plan)
        decision = qualification_check(
            person=locked,
            role=plan.role,
            occupation=occupation,
            level_high=level_high,
            level_low=level_low,
            province_code=plan.province_id,
            as_of=day,
        )
        registration = _registration_create(
            plan=plan,
            locked=locked,
            purpose=purpose,
            renews_card=renews_card,
            occupation=occupation,
            specialty=specialty,
            levels=(level_high, level_low),
            qualification=decision.as_dict() if decision else {},
        )
        note = decision.explanation() if decision else "无适用的资格条件规则"
        registration_history(registration, "submit", "", note, actor)
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
    *, registration: Registration, target: str, note: str, actor: Actor, action: str
) -> Registration:
    with transaction.atomic():
        lock_person(registration.person)
        locked = Registration.objects.get(pk=registration.pk)
        before = locked.status
        REGISTRATION_LIFECYCLE.move(
            locked,
            target,
            actor=actor,
            action=f"registration_{action}",
            changes={"note": [None, note]},
        )
        registration_history(locked, action, before, note, actor)
    registration.status = locked.status
    return locked


def registration_recommend(*, registration: Registration, actor: Actor) -> Registration:
    """The employer recommends (单位推荐): its staff when it is a filed organisation on the
    platform, else an officer of the unit's region records the stamped recommendation."""
    scope = actor_scope(actor)
    if not (scope.is_platform or registration.employer_id in scope.organization_ids):
        require_officer_over(actor, registration.region_id)
    return _registration_move(
        registration=registration,
        target=RegistrationStatus.RECOMMENDED,
        note="单位推荐",
        actor=actor,
        action="recommend",
    )


# The two reviews of a registration: the word its messages use, the statuses it decides, and
# whether the province holds it (初审 by the city of the unit, 复核 by the province).
REVIEWS = {
    "city_review": (
        "初审",
        RegistrationStatus.CITY_APPROVED,
        RegistrationStatus.CITY_REJECTED,
        False,
    ),
    "province_review": (
        "复核",
        RegistrationStatus.PROVINCE_APPROVED,
        RegistrationStatus.PROVINCE_REJECTED,
        True,
    ),
}


def _registration_review(
    registration: Registration, review: str, *, approve: bool, note: str, actor: Actor
) -> Registration:
    word, approved, rejected, province = REVIEWS[review]
    require_officer_over(actor, registration.region_id, province=province)
    if not approve and not note.strip():
        raise DomainError("personnel.note_required", f"{word}不通过须说明原因", field="note")
    return _registration_move(
        registration=registration,
        target=approved if approve else rejected,
        note=note.strip() or f"{word}通过",
        actor=actor,
        action=review,
    )


def registration_city_review(
    *, registration: Registration, approve: bool, actor: Actor, note: str = ""
) -> Registration:
    """初审 by the city of the applicant's unit."""
    return _registration_review(
        registration, "city_review", approve=approve, note=note, actor=actor
    )


def registration_province_review(
    *, registration: Registration, approve: bool, actor: Actor, note: str = ""
) -> Registration:
    """复核 by the province."""
    return _registration_review(
        registration, "province_review", approve=approve, note=note, actor=actor
    )


def registration_withdraw(*, registration: Registration, actor: Actor) -> Registration:
    scope = actor_scope(actor)
    if not (scope.is_platform or registration.person.user_id == scope.user_id):
        raise forbidden("只有本人可以撤回报名")
    return _registration_move(
        registration=registration,
        target=RegistrationStatus.WITHDRAWN,
        note="本人撤回",
        actor=actor,
        action="withdraw",
    )
