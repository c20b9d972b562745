"""The external quality supervisor (外督) of a social assessment: the authority appoints the
on-site supervisor from its pool of external supervisors, with recusal (seed 004 §十八:
职业技能鉴定中心派遣质量督导人员对该场次鉴定进行现场质量督导); the appointment is the plan's
on-site visit, and its report is what registration of the results needs. When no report can
be had, the authority may accept a written reason instead (`ReportWaiver`).

Also the province's exception to the staffing ratios (`RatioOverride`) for a plan's approval
or a slot's start."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.db import transaction

from skillcert.accounts.actors import Actor, actor_scope, actor_user
from skillcert.audit.services import audit_record, audited_create
from skillcert.common.errors import DomainError, Forbidden
from skillcert.personnel import recusal
from skillcert.personnel.choices import RoleKind
from skillcert.personnel.selectors import assessor_facts, person_has_role_on
from skillcert.plans.choices import PlanKind
from skillcert.supervision.models import (
    ChecklistItem,
    DrawKind,
    RatioOverride,
    ReportWaiver,
    Visit,
    VisitStatus,
)
from skillcert.supervision.services._shared import require_officer_over_region, required, today
from skillcert.supervision.services.draws import _external_supervisors, _rotation_limit

if TYPE_CHECKING:
    from skillcert.exams.models import TimeSlot
    from skillcert.personnel.models import Person
    from skillcert.plans.models import EvaluationPlan

REASON_MIN = 10


def _long_enough(reason: str, code: str, message: str) -> None:
    """Refuse (`code`, `message`) a reason shorter than REASON_MIN characters."""
    if len(reason) < REASON_MIN:
        raise DomainError(code, message, field="reason")


def _require_social(plan: EvaluationPlan) -> None:
    if plan.kind != PlanKind.SOCIAL:
        raise DomainError(
            "supervision.not_social",
            f"计划 {plan.code} 是企业自主评价，实行过程性随机督导，不派驻现场质量督导员",
            field="plan",
        )


def _province_of(plan: EvaluationPlan) -> str:
    return str(plan.organization.region_id)[:2] + "0000"


def onsite_supervisor_refusal(*, plan: EvaluationPlan, person: Person, day: dt.date) -> str:
    """Why `person` may not be the plan's on-site supervisor on `day` ("" when they may):
    an internal supervisor of any organisation, no valid external-supervisor role, or a
    recusal (relation with or employed by the organisation, rotation, suspended)."""
    external = person_has_role_on(person=person, roles=[RoleKind.SUPERVISOR_EXTERNAL], day=day)
    if not external:
        if person_has_role_on(person=person, roles=[RoleKind.SUPERVISOR_INTERNAL], day=day):
            return "是内部质量督导员，社会化评价须由人社部门派遣外部质量督导员"
        return f"{day:%Y-%m-%d}没有有效的外部质量督导员资格"
    org = plan.organization
    verdict = recusal.may_assess(
        assessor_facts(person=person),
        recusal.Assignment(
            on=day,
            organization_id=org.pk,
            organization_name=org.name,
            roles=(RoleKind.SUPERVISOR_EXTERNAL,),
        ),
        max_consecutive=_rotation_limit(_province_of(plan)),
    )
    return "" if verdict.allowed else verdict.explanation()


def onsite_supervisor_pool(
    *, plan: EvaluationPlan, day: dt.date | None = None
) -> list[tuple[Person, str]]:
    """The authority's pool for this plan: every external supervisor of the province, each
    with why they may not take it ("" when they may)."""
    day = day or today()
    return [
        (person, onsite_supervisor_refusal(plan=plan, person=person, day=day))
        for person in _external_supervisors(province_code=_province_of(plan), day=day)
    ]


def onsite_supervisor_appoint(
    *, plan: EvaluationPlan, person: Person, actor: Actor, day: dt.date | None = None
) -> Visit:
    """The authority over the organisation appoints (or, before the report, replaces) the
    on-site quality supervisor of a social assessment. Refused for enterprise plans, internal
    supervisors, people without a valid external role and people recusal excludes."""
    require_officer_over_region(actor, str(plan.organization.region_id))
    _require_social(plan)
    day = day or today()
    refusal = onsite_supervisor_refusal(plan=plan, person=person, day=day)
    if refusal:
        raise DomainError(
            "supervision.supervisor_refused",
            f"{person.name}不能担任计划 {plan.code} 的现场质量督导员：{refusal}",
            field="person",
        )
    with transaction.atomic():
        visit = Visit.objects.select_for_update().filter(plan=plan, kind=DrawKind.ONSITE).first()
        before = visit.supervisor_id if visit is not None else None
        if visit is None:
            visit = Visit.objects.create(
                plan=plan,
                org=plan.organization,
                supervisor=person,
                kind=DrawKind.ONSITE,
                checklist=[
                    {"code": i.code, "title": i.title, "result": "", "note": ""}
                    for i in ChecklistItem.objects.filter(kind=DrawKind.ONSITE, active=True)
                ],
            )
        elif visit.status != VisitStatus.ASSIGNED:
            raise DomainError(
                "supervision.visit_reported",
                "现场督导报告已提交，不能再更换质量督导员",
                field="person",
            )
        elif before != person.pk:
            visit.supervisor = person
            visit.save(update_fields=["supervisor"])
        audit_record(
            actor=actor,
            action="supervision.supervisor_appoint",
            obj=visit,
            changes={"plan": [None, plan.code], "supervisor": [before, person.pk]},
        )
    return visit


def onsite_report_waive(*, plan: EvaluationPlan, reason: str, actor: Actor) -> ReportWaiver:
    """The authority accepts a reason why the plan's results may be registered without the
    on-site supervisor's report. Refused when the report is in, or a reason was accepted."""
    require_officer_over_region(actor, str(plan.organization.region_id))
    _require_social(plan)
    reason = required(reason, "supervision.reason_required", "请填写未提交督导报告的原因", "reason")
    _long_enough(
        reason,
        "supervision.reason_too_short",
        f"原因至少{REASON_MIN}个字，请写明缺少督导报告的情况和核实结果",
    )
    reported = Visit.objects.filter(
        plan=plan, kind=DrawKind.ONSITE, status__in=[VisitStatus.REPORTED, VisitStatus.CLOSED]
    ).exists()
    if reported:
        raise DomainError(
            "supervision.report_present", "现场督导报告已提交，无需说明原因", field="reason"
        )
    return audited_create(
        ReportWaiver,
        actor=actor,
        action="supervision.report_waive",
        changes={"plan": [None, plan.code], "reason": [None, reason]},
        clash=DomainError(
            "supervision.waiver_exists", "该计划已记录督导报告缺失的原因", field="reason"
        ),
        plan=plan,
        reason=reason,
        accepted_by=actor_user(actor),
    )


def ratio_override_record(
    *,
    reason: str,
    actor: Actor,
    plan: EvaluationPlan | None = None,
    slot: TimeSlot | None = None,
) -> RatioOverride:
    """The province lets a plan be approved, or a slot's rooms start, below the staffing
    ratios, with the reason (one row per plan or slot)."""
    scope = actor_scope(actor)
    if not scope.is_province_officer:
        raise Forbidden("supervision.override_forbidden", "考务人员配比例外只能由省级人社部门记录")
    if (plan is None) == (slot is None):
        raise DomainError("supervision.override_target", "请选择评价计划或考试场次", field="plan")
    region = str(plan.organization.region_id) if plan is not None else ""
    if slot is not None:
        region = str(slot.sitting.province_id)
    if not scope.covers_region_code(region):
        raise Forbidden("supervision.override_forbidden", "考务人员配比例外只能由本省人社部门记录")
    reason = required(reason, "supervision.reason_required", "请填写例外原因", "reason")
    _long_enough(
        reason,
        "supervision.reason_too_short",
        f"例外原因至少{REASON_MIN}个字，请写明人员不足的情况和采取的措施",
    )
    return audited_create(
        RatioOverride,
        actor=actor,
        action="supervision.ratio_override",
        changes={
            "plan": [None, plan.pk if plan else None],
            "slot": [None, slot.pk if slot else None],
            "reason": [None, reason],
        },
        clash=DomainError(
            "supervision.override_exists", "已记录过该计划（场次）的配比例外", field="reason"
        ),
        plan=plan,
        slot=slot,
        reason=reason,
        recorded_by=actor_user(actor),
    )
