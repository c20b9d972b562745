"""The staffing ratios of the exam rules (DOMAIN §4: invigilators 1 per 15 and at least 2 a
room; examiners 1 per 5, at least 3, odd) bind: a plan whose examiners (考评人员) are fewer
than one of its practical or panel sessions needs is not approved, and a room below either
ratio does not start (exams' `room_staffing_shortfall`: invigilators are assigned with the
rooms, not listed in the plan), unless the province recorded an exception (`RatioOverride`).
Registered with plans and exams in `SupervisionConfig.ready()`, so neither imports this app."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.utils import timezone

from skillcert.common.errors import DomainError
from skillcert.exams import staffing
from skillcert.exams.selectors import policy_for, staff_rule_of
from skillcert.plans.choices import Subject
from skillcert.supervision.selectors import ratio_override_for

if TYPE_CHECKING:
    from skillcert.exams.models import TimeSlot
    from skillcert.plans.models import EvaluationPlan

SUBJECT_NAMES = dict(Subject.choices)


def plan_staffing_check(plan: EvaluationPlan) -> None:
    """Refuse approving a plan whose examiners are fewer than a practical or panel session of
    it needs for its expected candidates."""
    sessions = list(
        plan.sessions.filter(subject__in=[Subject.PRACTICAL, Subject.PANEL]).order_by(
            "starts_at", "id"
        )
    )
    if not sessions or ratio_override_for(plan_id=plan.pk):
        return
    province = str(plan.organization.region_id)[:2] + "0000"
    policy = policy_for(province_code=province, on=timezone.localdate(sessions[0].starts_at))
    rule = staff_rule_of(policy)
    available = plan.examiners.count()
    duty = staffing.EXAMINER
    for session in sessions:
        needed = staffing.required_staff(rule, duty=duty, candidates=session.expected)
        if available < needed:
            when = timezone.localtime(session.starts_at)
            raise DomainError(
                "plan.staff_below_ratio",
                f"{SUBJECT_NAMES.get(session.subject, session.subject)}场次（{when:%Y-%m-%d %H:%M}"
                f" {session.site}）预计{session.expected}人，按考务规则需"
                f"{staffing.DUTY_NAMES[duty]}{needed}人，计划仅有考评人员{available}人；"
                "请机构增加考评人员后重新报备，或由省级人社部门记录配比例外",
                field="examiners",
            )


def slot_staffing_exception(slot: TimeSlot) -> str:
    return ratio_override_for(slot_id=slot.pk)
