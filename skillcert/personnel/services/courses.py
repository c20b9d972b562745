"""Course content of the monthly training (the five topics of seed 003 §三, kept by the
province) and the completion events learning time is credited from: a learner's time is the
sum of the units completed, never a figure typed by anyone."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import TYPE_CHECKING

from django.db import IntegrityError, transaction
from django.db.models import F, Sum

from skillcert.accounts.actors import Actor, actor_scope, actor_user
from skillcert.audit.services import audit_record
from skillcert.common.errors import DomainError, Forbidden
from skillcert.personnel.models import (
    LEARNING_MINUTES_PER_DAY,
    CourseCompletion,
    CourseUnit,
    Registration,
    TrainingPlan,
    TrainingTopic,
)
from skillcert.personnel.services._access import lock_person, require_officer_over, today_or
from skillcert.personnel.services._history import registration_history
from skillcert.personnel.services._validation import check_count, check_text, required_text
from skillcert.personnel.services.learning import _require_active
from skillcert.regions.choices import RegionLevel

if TYPE_CHECKING:
    from skillcert.regions.models import Region


def _check_unit_input(*, topic: str, title: str, minutes: int) -> str:
    if topic not in TrainingTopic.values:
        raise DomainError(
            "personnel.topic_invalid", "培训内容应为通知所列五项内容之一", field="topic"
        )
    title = required_text(title, "personnel.unit_title_required", "请填写课件名称", "title")
    check_text(title, "personnel.unit_title_too_long", "课件名称最多200字", "title", 200)
    check_count(
        minutes,
        "personnel.unit_minutes_invalid",
        f"课件时长应为 1 到 {LEARNING_MINUTES_PER_DAY} 分钟",
        "minutes",
        LEARNING_MINUTES_PER_DAY,
    )
    return title


def _require_province_officer(actor: Actor, province: Region) -> None:
    if province.level != RegionLevel.PROVINCE:
        raise DomainError(
            "personnel.province_invalid", "培训课件由省级维护，请选择省份", field="province"
        )
    require_officer_over(actor, province.code, province=True)


def _title_taken(province: Region, title: str, *, exclude: int | None = None) -> None:
    taken = CourseUnit.objects.filter(province=province, title=title)
    if exclude is not None:
        taken = taken.exclude(pk=exclude)
    if taken.exists():
        raise DomainError(
            "personnel.unit_title_taken", f"课件“{title}”已存在，请换一个名称", field="title"
        )


def course_unit_create(
    *, province: Region, topic: str, title: str, minutes: int, actor: Actor
) -> CourseUnit:
    """A course unit of one of the five topics, added by the province's officer."""
    _require_province_officer(actor, province)
    title = _check_unit_input(topic=topic, title=title, minutes=minutes)
    with transaction.atomic():
        _title_taken(province, title)
        unit = CourseUnit.objects.create(
            province=province,
            topic=topic,
            title=title,
            minutes=minutes,
            created_by=actor_user(actor),
        )
        audit_record(
            actor=actor,
            action="personnel.course_unit_create",
            obj=unit,
            changes={"topic": [None, topic], "title": [None, title], "minutes": [None, minutes]},
        )
    return unit


def course_unit_update(
    *, unit: CourseUnit, topic: str, title: str, minutes: int, active: bool, actor: Actor
) -> CourseUnit:
    """Edit a unit. Completions already recorded keep the minutes they credited."""
    _require_province_officer(actor, unit.province)
    title = _check_unit_input(topic=topic, title=title, minutes=minutes)
    with transaction.atomic():
        locked = CourseUnit.objects.select_for_update().get(pk=unit.pk)
        _title_taken(locked.province, title, exclude=locked.pk)
        after = {"topic": topic, "title": title, "minutes": minutes, "active": active}
        changes = {k: [getattr(locked, k), v] for k, v in after.items() if getattr(locked, k) != v}
        if not changes:
            return locked
        for key, value in after.items():
            setattr(locked, key, value)
        locked.save(update_fields=[*after, "updated_at"])
        audit_record(
            actor=actor, action="personnel.course_unit_update", obj=locked, changes=changes
        )
    return locked


def _check_may_record(registration: Registration, *, actor: Actor) -> None:
    """The course platform (system account) or the organiser records completions from the
    course's own records, never the learner."""
    scope = actor_scope(actor)
    if scope.user_id is not None and registration.person.user_id == scope.user_id:
        raise Forbidden(
            "personnel.learning_self_reported",
            "学习时长由课程平台按课件完成记录计入，本人不能自行填报",
            field="unit",
        )
    require_officer_over(actor, registration.region_id)


def _check_completion(
    locked: Registration, *, unit: CourseUnit, completed_on: dt.date, today: dt.date | None
) -> None:
    plan = locked.plan
    if unit.province_id != plan.province_id or not unit.active:
        raise DomainError(
            "personnel.unit_not_in_course",
            f"课件“{unit.title}”不是本期培训在用的课件",
            field="unit",
        )
    _completion_rules(
        plan,
        unit,
        completed_on,
        min(plan.exam_on, today_or(today)),
        done=lambda: CourseCompletion.objects.filter(registration=locked, unit=unit).exists(),
        learned_minutes=locked.learned_minutes,
        that_day=lambda: (
            CourseCompletion.objects.filter(
                registration=locked, completed_on=completed_on
            ).aggregate(total=Sum("minutes"))["total"]
            or 0
        ),
    )


def _completion_rules(
    plan: TrainingPlan,
    unit: CourseUnit,
    completed_on: dt.date,
    last_day: dt.date,
    *,
    done: Callable[[], bool],
    learned_minutes: int,
    that_day: Callable[[], int],
) -> None:
    """A completion event's checks once its unit is the course's (the single and the batch
    form): inside the course period and not after `last_day`, once per unit (`done`), not
    once the required time is reached, at most a course day per day (`that_day`: the minutes
    credited that day so far). `done` and `that_day` are asked only when needed."""
    if not plan.published_on <= completed_on <= last_day:
        raise DomainError(
            "personnel.learning_day_invalid",
            f"完成日期应在 {plan.published_on:%Y-%m-%d} 至 {last_day:%Y-%m-%d} 之间"
            "（培训期内，且不晚于今天）",
            field="completed_on",
        )
    if done():
        raise DomainError(
            "personnel.unit_completed", f"课件“{unit.title}”已完成，不重复计入", field="unit"
        )
    if learned_minutes >= plan.required_minutes:
        raise DomainError(
            "personnel.course_complete",
            f"已达到本期培训要求的学习时长（{plan.required_minutes}分钟），无需再记录",
            field="unit",
        )
    minutes = that_day()
    if minutes + unit.minutes > LEARNING_MINUTES_PER_DAY:
        raise DomainError(
            "personnel.learning_day_full",
            f"{completed_on:%Y-%m-%d} 已计入{minutes}分钟，再计入{unit.minutes}分钟将超过"
            f"每天{LEARNING_MINUTES_PER_DAY}分钟的上限",
            field="completed_on",
        )


def course_completion_record(
    *,
    registration: Registration,
    unit: CourseUnit,
    completed_on: dt.date,
    actor: Actor,
    today: dt.date | None = None,
) -> CourseCompletion:
    """The course's completion event of `unit` by the registration's learner on
    `completed_on`: credits the unit's duration to the learned time. Once per unit, inside
    the course period and not in the future, at most a course day per day, and not once the
    plan's required time is reached."""
    _check_may_record(registration, actor=actor)
    with transaction.atomic():
        lock_person(registration.person)
        locked = Registration.objects.select_related("plan").get(pk=registration.pk)
        _require_active(locked)
        _check_completion(locked, unit=unit, completed_on=completed_on, today=today)
        try:
            with transaction.atomic():
                completion = CourseCompletion.objects.create(
                    registration=locked,
                    unit=unit,
                    completed_on=completed_on,
                    minutes=unit.minutes,
                    recorded_by=actor_user(actor),
                )
        except IntegrityError:  # a concurrent record of the same unit
            raise DomainError(
                "personnel.unit_completed", f"课件“{unit.title}”已完成，不重复计入", field="unit"
            ) from None
        before = locked.learned_minutes
        Registration.objects.filter(pk=locked.pk).update(
            learned_minutes=F("learned_minutes") + unit.minutes
        )
        locked.refresh_from_db(fields=["learned_minutes"])
        registration_history(
            locked,
            "learn",
            locked.status,
            f"{completed_on:%Y-%m-%d} 完成课件“{unit.title}”{unit.minutes}分钟"
            f"（累计{locked.learned_minutes}/{locked.plan.required_minutes}分钟）",
            actor,
        )
        audit_record(
            actor=actor,
            action="personnel.course_completion_record",
            obj=locked,
            changes={
                "unit": [None, unit.pk],
                "completed_on": [None, completed_on],
                "learned_minutes": [before, locked.learned_minutes],
            },
        )
    registration.learned_minutes = locked.learned_minutes
    return completion
