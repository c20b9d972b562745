"""Training after approval: learning time credited from attendance, the month-end exam
result and the integrity pledge."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from skillcert.accounts.actors import Actor, actor_scope, actor_user
from skillcert.audit.services import audit_record
from skillcert.common.errors import DomainError, Forbidden
from skillcert.personnel.models import (
    LEARNING_MINUTES_PER_DAY,
    LearningRecord,
    Registration,
)
from skillcert.personnel.services._access import (
    forbidden,
    lock_person,
    require_officer_over,
    today_or,
)
from skillcert.personnel.services._history import registration_history
from skillcert.personnel.services.lifecycles import (
    INACTIVE_REGISTRATION,
)


def _require_active(registration: Registration) -> None:
    if registration.status in INACTIVE_REGISTRATION:
        raise DomainError(
            "personnel.registration_inactive",
            f"报名状态为“{registration.get_status_display()}”，不能继续培训考核",
            field="registration",
        )


def _check_learning_day(
    locked: Registration, *, attended_on: dt.date, minutes: int, today: dt.date | None
) -> None:
    """Inside the course period and not in the future, once a day, never past the plan's
    required time."""
    plan = locked.plan
    last_day = min(plan.exam_on, today_or(today))
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


def _check_may_record(registration: Registration, *, actor: Actor, minutes: int) -> None:
    """The organiser records, never the learner; at most a course day at a time."""
    scope = actor_scope(actor)
    if scope.user_id is not None and registration.person.user_id == scope.user_id:
        raise Forbidden(
            "personnel.learning_self_reported",
            "学习时长由培训组织方根据课程考勤记录，本人不能自行填报",
            field="minutes",
        )
    require_officer_over(actor, registration.region_id)
    if not 1 <= minutes <= LEARNING_MINUTES_PER_DAY:
        raise DomainError(
            "personnel.minutes_invalid",
            f"每天的学习时长应为 1 到 {LEARNING_MINUTES_PER_DAY} 分钟（每天最多8小时）",
            field="minutes",
        )


def learning_record(
    *,
    registration: Registration,
    attended_on: dt.date,
    minutes: int,
    actor: Actor,
    today: dt.date | None = None,
) -> Registration:
    """Credit one day's learning from the course's attendance. Recorded by the training
    organiser — an officer over the applicant's unit (city or province) or the course
    platform's system account — never by the learner, whose own figure would be unverified.
    A day holds at most one record of at most a course day, inside the plan's course period
    and not in the future, and the total never goes past the plan's required time."""
    _check_may_record(registration, actor=actor, minutes=minutes)
    with transaction.atomic():
        lock_person(registration.person)
        locked = Registration.objects.select_related("plan").get(pk=registration.pk)
        _require_active(locked)
        plan = locked.plan
        _check_learning_day(locked, attended_on=attended_on, minutes=minutes, today=today)
        LearningRecord.objects.create(
            registration=locked,
            attended_on=attended_on,
            minutes=minutes,
            recorded_by=actor_user(actor),
        )
        Registration.objects.filter(pk=locked.pk).update(
            learned_minutes=F("learned_minutes") + minutes
        )
        locked.refresh_from_db(fields=["learned_minutes"])
        registration_history(
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


def exam_result_record(*, registration: Registration, score: int, actor: Actor) -> Registration:
    """The month-end exam result; only a learner who reached the plan's duration may sit."""
    require_officer_over(actor, registration.region_id)
    if not 0 <= score <= 100:
        raise DomainError("personnel.score_invalid", "成绩应为 0 到 100 分", field="score")
    with transaction.atomic():
        lock_person(registration.person)
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
        registration_history(
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


def pledge_sign(*, registration: Registration, actor: Actor) -> Registration:
    """诚信承诺书: signed voluntarily by the person after passing."""
    scope = actor_scope(actor)
    if not (scope.is_platform or registration.person.user_id == scope.user_id):
        raise forbidden("诚信承诺书须由本人签订")
    with transaction.atomic():
        lock_person(registration.person)
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
        registration_history(locked, "pledge", locked.status, "签订考评人员诚信承诺书", actor)
        audit_record(
            actor=actor,
            action="personnel.pledge_sign",
            obj=locked,
            changes={"pledge_signed_at": [None, locked.pledge_signed_at]},
        )
    registration.pledge_signed_at = locked.pledge_signed_at
    return locked
