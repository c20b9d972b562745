"""The end of the run: every count the stages produced, checked against the others."""

from __future__ import annotations

import math
from collections import Counter

from django.db.models import Count, Q, QuerySet

from skillcert.applications.models import Application, Status
from skillcert.audit.services import audit_verify
from skillcert.certificates.models import Certificate
from skillcert.common.errors import DomainError
from skillcert.exams.models import (
    Seat,
    Sitting,
    StaffAssignment,
    TimeSlot,
)
from skillcert.exams.selectors import policy_for
from skillcert.operations.simulation.scenario import (
    PROVINCE,
    SITTING_CODE,
)
from skillcert.operations.simulation.state import SimulationState
from skillcert.plans.models import EvaluationPlan
from skillcert.scoring.models import (
    PartState,
    Result,
    ResultStatus,
)


class ConsistencyCheck(SimulationState):
    """Checks the run against itself."""

    def consistency_check(self) -> None:
        problems: list[str] = []
        if self.expected["roster_errors"] != self.expected["roster_errors_seen"]:
            problems.append(
                f"花名册应报告 {self.expected['roster_errors']} 个错误行，"
                f"实际 {self.expected['roster_errors_seen']} 个"
            )
        if not self.expected["late_refused"]:
            problems.append("逾期备案未被拒绝")
        apps = Application.objects.filter(plan__code__startswith="SIM-2026-")
        approved = apps.filter(status=Status.APPROVED)
        results = Result.objects.filter(batch__plan__code__startswith="SIM-2026-")
        if approved.count() != results.count():
            problems.append(f"审核通过 {approved.count()} 人，成绩 {results.count()} 条")
        problems += _seating_problems(approved.count())
        for plan in EvaluationPlan.objects.filter(code__startswith="SIM-2026-"):
            if plan.seats_taken > plan.capacity:
                problems.append(f"计划 {plan.code} 超出名额")
        problems += _result_problems(results)
        passed = results.filter(passed=True).count()
        certs = Certificate.objects.filter(
            result__batch__plan__code__startswith="SIM-2026-"
        ).count()
        if certs != passed:
            problems.append(f"合格 {passed} 人，证书 {certs} 张")
        _, chain_break = audit_verify()
        if chain_break is not None:
            problems.append(f"审计链断裂：{chain_break}")
        accounted = Counter(apps.values_list("status", flat=True))
        self.out(
            "一致性检查："
            + ("通过" if not problems else "未通过")
            + f"（申报 {apps.count()}，通过 {approved.count()}，合格 {passed}，证书 {certs}，"
            + "，".join(f"{Status(k).label} {v}" for k, v in sorted(accounted.items()))
            + "）"
        )
        for problem in problems:
            self.out(f"  × {problem}")
        self.report.lines = problems
        if problems:
            raise DomainError("simulate.inconsistent", "；".join(problems[:5]))


def _seating_problems(approved: int) -> list[str]:
    """One seat per approved candidate, no room over capacity, enough invigilators."""
    problems: list[str] = []
    sitting = Sitting.objects.get(code=SITTING_CODE)
    seats = Seat.objects.filter(slot__sitting=sitting)
    if seats.count() != approved:
        problems.append(f"座位 {seats.count()} 个，审核通过 {approved} 人")
    over = (
        seats.values("room_id", "room__rows", "room__cols").annotate(n=Count("id")).filter(n__gt=0)
    )
    for row in over:
        if row["n"] > row["room__rows"] * row["room__cols"]:
            problems.append(f"考场 {row['room_id']} 超员")
    policy = policy_for(province_code=PROVINCE)
    for slot in TimeSlot.objects.filter(sitting=sitting):
        per_room = Counter(
            StaffAssignment.objects.filter(slot=slot, duty="invigilator").values_list(
                "room_id", flat=True
            )
        )
        seated = Counter(Seat.objects.filter(slot=slot).values_list("room_id", flat=True))
        for room_id, n in seated.items():
            need = max(policy.min_invigilators_theory, math.ceil(n / policy.invigilator_per))
            if per_room.get(room_id, 0) < need:
                problems.append(f"考场 {room_id} 监考 {per_room.get(room_id, 0)} 人，应≥{need}")
    return problems


def _result_problems(results: QuerySet[Result]) -> list[str]:
    """Every result registered, none passed below the line, none left unscored."""
    problems: list[str] = []
    unresolved = results.exclude(status=ResultStatus.REGISTERED)
    if unresolved.exists():
        problems.append(f"{unresolved.count()} 条成绩未登记备案")
    pass_rule = Q(theory_score__gte=60, practical_score__gte=60) & (
        Q(level__gte=3) | Q(panel_score__gte=60)
    )
    wrong = results.filter(passed=True).exclude(pass_rule).count()
    if wrong:
        problems.append(f"{wrong} 条成绩判为合格但有科目不足 60 分")
    silent = results.filter(
        Q(theory_state=PartState.PENDING) | Q(practical_state=PartState.PENDING)
    ).count()
    if silent:
        problems.append(f"{silent} 条成绩仍有待评分科目")
    return problems
