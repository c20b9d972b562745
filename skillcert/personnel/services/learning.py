"""Training after approval: the month-end exam result and the integrity pledge. Learning
time is credited by course completions (`services.courses`)."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from skillcert.accounts.actors import Actor, actor_scope
from skillcert.audit.services import audit_record
from skillcert.common.errors import DomainError
from skillcert.personnel.models import Registration
from skillcert.personnel.services._access import forbidden, lock_person, require_officer_over
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


def _exam_check(registration: Registration) -> None:
    """May the registration's exam result be recorded (the single and the batch form)."""
    _require_active(registration)
    if registration.learned_minutes < registration.plan.required_minutes:
        raise DomainError(
            "personnel.course_incomplete",
            f"学习时长未达到要求（要求{registration.plan.required_minutes}分钟，"
            f"已学习{registration.learned_minutes}分钟），不能参加月底集中考核",
            field="registration",
        )
    if registration.exam_score is not None:
        raise DomainError(
            "personnel.exam_already_recorded", "该人员的考核成绩已录入", field="score"
        )


def exam_result_record(*, registration: Registration, score: int, actor: Actor) -> Registration:
    """The month-end exam result; only a learner who reached the plan's duration may sit."""
    require_officer_over(actor, registration.region_id)
    if not 0 <= score <= 100:
        raise DomainError("personnel.score_invalid", "成绩应为 0 到 100 分", field="score")
    with transaction.atomic():
        lock_person(registration.person)
        locked = Registration.objects.select_related("plan").get(pk=registration.pk)
        _exam_check(locked)
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
