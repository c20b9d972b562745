"""Plan writes: creating a plan with its offerings, opening and closing it, the province's
sampling rates, the seat counter every submission goes through, and the plan's content
(method, sessions, examiners, supervisor) with its filing (报备) and the authority's review."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from skillcert.accounts.actors import Actor, actor_user
from skillcert.accounts.scope import scope_for
from skillcert.audit.lifecycle import Lifecycle
from skillcert.audit.services import audit_record
from skillcert.common.errors import DomainError, Forbidden
from skillcert.occupations.choices import has_levels
from skillcert.occupations.selectors import standard_current
from skillcert.organizations.permits import organization_permit_check
from skillcert.personnel.selectors import staffing_refusal, staffing_refusals
from skillcert.personnel.selectors.standing import NO_VALID_ROLE
from skillcert.personnel.services import Staffed, practice_records_sync
from skillcert.plans.models import (
    EvaluationPlan,
    FilingDecision,
    FilingStatus,
    PlanExaminer,
    PlanFiling,
    PlanKind,
    PlanMethod,
    PlanOffering,
    PlanSession,
    PlanStatus,
    Subject,
)
from skillcert.plans.selectors import sampling_rates_in_force
from skillcert.workdays.selectors import workdays_add, workdays_between

if TYPE_CHECKING:
    from skillcert.occupations.models import Occupation
    from skillcert.organizations.models import EvaluationOrg
    from skillcert.personnel.models import Person

PLAN_TRANSITIONS: dict[str, frozenset[str]] = {
    PlanStatus.DRAFT: frozenset({PlanStatus.OPEN}),
    PlanStatus.OPEN: frozenset({PlanStatus.CLOSED}),
    PlanStatus.CLOSED: frozenset({PlanStatus.OPEN}),
}
PLAN_LIFECYCLE: Lifecycle[str] = Lifecycle("plan", PLAN_TRANSITIONS, dict(PlanStatus.choices))


def _offering_level_check(occupation: Occupation, level: int | None) -> None:
    """A 专项职业能力考核 occupation is offered without a level; every other one at a level."""
    if not has_levels(occupation.certification_kind) and level is not None:
        raise DomainError(
            "plan.level_not_applicable",
            f"“{occupation.name}”为专项职业能力考核，不设等级；请选择该职业而不选等级",
            field="offerings",
        )
    if has_levels(occupation.certification_kind) and level is None:
        raise DomainError(
            "plan.level_required",
            f"“{occupation.name}”为职业技能等级认定，请选择等级（五级至一级）",
            field="offerings",
        )


def offering_code(occupation: Occupation, level: int | None) -> str:
    """ "4-07-03-02/3" in audit rows and filing snapshots; "4-03-02-91/-" without a level."""
    return f"{occupation.code}/{'-' if level is None else level}"


def _offerings_check(
    organization: EvaluationOrg, offerings: Sequence[tuple[Occupation, int | None]]
) -> None:
    if not offerings:
        raise DomainError("plan.offerings_required", "请至少选择一个职业等级", field="offerings")
    today = timezone.localdate()
    for occupation, level in offerings:
        _offering_level_check(occupation, level)
        # The organisations permit: not filed, suspended, revoked, exited, blacklisted,
        # expired, outside its filed scope or taken off the directory all refuse the plan.
        organization_permit_check(
            org=organization,
            action="plan_create",
            day=today,
            occupation_id=occupation.pk,
            level=level,
        )
        standard = standard_current(occupation=occupation)
        if level is not None and standard is not None and level not in standard.level_list:
            raise DomainError(
                "plan.level_not_offered",
                f"{occupation.name}的职业标准未设置{level}级",
                field="offerings",
            )


def _rates_or_defaults(
    organization: EvaluationOrg, city: Decimal | None, province: Decimal | None
) -> tuple[Decimal, Decimal]:
    """The rates given, or the province's review sampling policy in force today."""
    if city is not None and province is not None:
        return city, province
    city_default, province_default = sampling_rates_in_force(
        province=organization.region_id, on=timezone.localdate()
    )
    return (
        city_default if city is None else city,
        province_default if province is None else province,
    )


def _plan_fields_check(code: str, opens: dt.date, closes: dt.date, capacity: int) -> None:
    if not code:
        raise DomainError("plan.code_required", "请填写计划编号", field="code")
    if closes < opens:
        raise DomainError(
            "plan.window_order", "报名截止日期不能早于开始日期", field="window_closes"
        )
    if capacity <= 0:
        raise DomainError("plan.capacity", "计划人数应大于0", field="capacity")


def plan_create(
    *,
    code: str,
    title: str,
    organization: EvaluationOrg,
    window_opens: dt.date,
    window_closes: dt.date,
    capacity: int,
    offerings: Sequence[tuple[Occupation, int | None]],
    actor: Actor,
    city_sample_rate: Decimal | None = None,
    province_sample_rate: Decimal | None = None,
) -> EvaluationPlan:
    """Rates not given come from the province's review sampling policy in force today (the
    plan's sampling page overrides them later)."""
    code = code.strip().upper()
    city_sample_rate, province_sample_rate = _rates_or_defaults(
        organization, city_sample_rate, province_sample_rate
    )
    _plan_fields_check(code, window_opens, window_closes, capacity)
    _offerings_check(organization, offerings)
    _check_rates(city_sample_rate, province_sample_rate)
    try:
        with transaction.atomic():
            plan = EvaluationPlan.objects.create(
                code=code,
                title=title.strip(),
                organization=organization,
                window_opens=window_opens,
                window_closes=window_closes,
                capacity=capacity,
                city_sample_rate=city_sample_rate,
                province_sample_rate=province_sample_rate,
            )
            PlanOffering.objects.bulk_create(
                PlanOffering(plan=plan, occupation=o, level=lv) for o, lv in set(offerings)
            )
            audit_record(
                actor=actor,
                action="plan.create",
                obj=plan,
                changes={
                    "code": [None, code],
                    "capacity": [None, capacity],
                    "offerings": [None, sorted(offering_code(o, lv) for o, lv in set(offerings))],
                },
            )
    except IntegrityError:
        raise DomainError("plan.code_taken", f"计划编号“{code}”已存在", field="code") from None
    return plan


def _check_rates(*rates: Decimal) -> None:
    for rate in rates:
        if not Decimal(0) <= rate <= Decimal(1):
            raise DomainError("plan.sample_rate", "抽样比例应在0到1之间", field="sample_rate")


def _plan_move(*, plan: EvaluationPlan, target: str, actor: Actor) -> EvaluationPlan:
    with transaction.atomic():
        locked = EvaluationPlan.objects.select_for_update().get(pk=plan.pk)
        PLAN_LIFECYCLE.move(locked, target, actor=actor, action=target)
    return locked


def plan_open(*, plan: EvaluationPlan, actor: Actor) -> EvaluationPlan:
    return _plan_move(plan=plan, target=PlanStatus.OPEN, actor=actor)


def plan_close(*, plan: EvaluationPlan, actor: Actor) -> EvaluationPlan:
    return _plan_move(plan=plan, target=PlanStatus.CLOSED, actor=actor)


def plan_sampling_set(
    *, plan: EvaluationPlan, city_rate: Decimal, province_rate: Decimal, actor: Actor
) -> EvaluationPlan:
    """The province decides how much of a plan the city and the province review."""
    if not scope_for(actor).is_province_officer:
        raise Forbidden("plan.sampling_forbidden", "抽样比例由省级人社部门设置")
    _check_rates(city_rate, province_rate)
    with transaction.atomic():
        locked = EvaluationPlan.objects.select_for_update().get(pk=plan.pk)
        changes = {
            "city_sample_rate": [str(locked.city_sample_rate), str(city_rate)],
            "province_sample_rate": [str(locked.province_sample_rate), str(province_rate)],
        }
        locked.city_sample_rate = city_rate
        locked.province_sample_rate = province_rate
        locked.save(update_fields=["city_sample_rate", "province_sample_rate"])
        audit_record(actor=actor, action="plan.sampling_set", obj=locked, changes=changes)
    return locked


def plan_seats_reserve(*, plan_id: int, count: int) -> None:
    """Take `count` seats or none. One conditional UPDATE: the database serialises
    concurrent writers on the plan row, so two submissions can never both take the last
    seat (no read-then-write in Python). Call inside the caller's transaction."""
    if count <= 0:
        return
    taken = EvaluationPlan.objects.filter(
        pk=plan_id, seats_taken__lte=F("capacity") - count
    ).update(seats_taken=F("seats_taken") + count)
    if taken != 1:
        raise DomainError("plan.quota_exceeded", "该评价计划名额已满，无法再报名", field="plan")


def plan_seats_release(*, plan_id: int, count: int) -> None:
    if count <= 0:
        return
    EvaluationPlan.objects.filter(pk=plan_id, seats_taken__gte=count).update(
        seats_taken=F("seats_taken") - count
    )


# --- sessions, staff and filing (报备) -------------------------------------------------------

FILING_TRANSITIONS: dict[str, frozenset[str]] = {
    FilingStatus.UNFILED: frozenset({FilingStatus.FILED}),
    FilingStatus.FILED: frozenset({FilingStatus.APPROVED, FilingStatus.RETURNED}),
    FilingStatus.RETURNED: frozenset({FilingStatus.FILED}),
    FilingStatus.APPROVED: frozenset({FilingStatus.AMENDED}),
    FilingStatus.AMENDED: frozenset({FilingStatus.FILED}),
}
# Checked only: the filing status is saved with the filing row and audited by the caller.
FILING_LIFECYCLE: Lifecycle[str] = Lifecycle(
    "plan", FILING_TRANSITIONS, dict(FilingStatus.choices), status_field="filing_status"
)
# Working days between the filing day and the first exam day (seed 004 §十八).
FILING_LEAD_WORKDAYS = 15
SUPERVISOR_ROLES = ("supervisor_external", "supervisor_internal")
EXAMINER_ROLES = ("examiner", "senior_examiner")


def _require_org_staff(plan: EvaluationPlan, actor: Actor, code: str) -> None:
    scope = scope_for(actor)
    if not (scope.is_platform or plan.organization_id in scope.organization_ids):
        raise DomainError(code, "只有本评价机构的工作人员可以编制和报备评价计划", field="plan")


def _filing_move(locked: EvaluationPlan, target: str) -> str:
    FILING_LIFECYCLE.check(locked.filing_status, target)
    before = locked.filing_status
    locked.filing_status = target
    return before


def _changed(locked: EvaluationPlan, *, actor: Actor, what: str, changes: dict[str, Any]) -> None:
    """Every change is audited; a change to an approved plan also reopens its filing, so the
    authority sees it again before the assessment (changes after approval are re-filed)."""
    if locked.filing_status == FilingStatus.FILED:
        raise DomainError(
            "plan.under_review", "评价计划正在审核中，审核结束前不能修改", field="plan"
        )
    if locked.filing_status == FilingStatus.APPROVED:
        before = _filing_move(locked, FilingStatus.AMENDED)
        locked.save(update_fields=["filing_status"])
        changes = changes | {"filing_status": [before, locked.filing_status]}
    audit_record(actor=actor, action=f"plan.{what}", obj=locked, changes=changes)


def plan_details_set(
    *, plan: EvaluationPlan, kind: str, method: str, actor: Actor
) -> EvaluationPlan:
    _require_org_staff(plan, actor, "plan.edit_forbidden")
    if kind not in PlanKind.values:
        raise DomainError(
            "plan.kind_invalid", "请选择评价类型（社会化评价或企业自主评价）", field="kind"
        )
    if method not in PlanMethod.values:
        raise DomainError("plan.method_invalid", "请选择评价方式", field="method")
    with transaction.atomic():
        locked = EvaluationPlan.objects.select_for_update().get(pk=plan.pk)
        changes = {
            k: [getattr(locked, k), v]
            for k, v in (("kind", kind), ("method", method))
            if getattr(locked, k) != v
        }
        if changes:
            locked.kind, locked.method = kind, method
            locked.save(update_fields=["kind", "method"])
            _changed(locked, actor=actor, what="details_set", changes=changes)
    return locked


def plan_session_add(
    *,
    plan: EvaluationPlan,
    subject: str,
    starts_at: dt.datetime,
    ends_at: dt.datetime,
    site: str,
    expected: int,
    actor: Actor,
    occupation: Occupation | None = None,
    level: int | None = None,
) -> PlanSession:
    _require_org_staff(plan, actor, "plan.edit_forbidden")
    if subject not in Subject.values:
        raise DomainError(
            "plan.subject_invalid", "科目应为理论知识、操作技能或综合评审", field="subject"
        )
    if ends_at <= starts_at:
        raise DomainError("plan.session_order", "场次结束时间应晚于开始时间", field="ends_at")
    if expected <= 0:
        raise DomainError("plan.expected", "预计人数应大于0", field="expected")
    if not site.strip():
        raise DomainError("plan.site_required", "请填写考核地点", field="site")
    if occupation is not None or level is not None:
        offered = plan.offerings.filter(
            **({"occupation": occupation} if occupation else {}),
            **({"level": level} if level is not None else {}),
        ).exists()
        if not offered:
            raise DomainError(
                "plan.session_offering", "场次的职业等级不在本计划的职业等级中", field="level"
            )
    if subject == Subject.PANEL and level is not None and level > 2:
        raise DomainError(
            "plan.panel_level", "综合评审只适用于二级/技师和一级/高级技师", field="level"
        )
    with transaction.atomic():
        locked = EvaluationPlan.objects.select_for_update().get(pk=plan.pk)
        session = PlanSession.objects.create(
            plan=locked,
            subject=subject,
            occupation=occupation,
            level=level,
            starts_at=starts_at,
            ends_at=ends_at,
            site=site.strip(),
            expected=expected,
        )
        _changed(
            locked,
            actor=actor,
            what="session_add",
            changes={"session": [None, f"{subject} {starts_at.isoformat()} {site.strip()}"]},
        )
    plan.filing_status = locked.filing_status
    return session


def plan_session_remove(*, session: PlanSession, actor: Actor) -> None:
    _require_org_staff(session.plan, actor, "plan.edit_forbidden")
    with transaction.atomic():
        locked = EvaluationPlan.objects.select_for_update().get(pk=session.plan_id)
        described = f"{session.subject} {session.starts_at.isoformat()} {session.site}"
        PlanSession.objects.filter(pk=session.pk).delete()
        _changed(locked, actor=actor, what="session_remove", changes={"session": [described, None]})


def _staff_check(
    plan: EvaluationPlan, examiners: Sequence[Person], supervisor: Person | None, day: dt.date
) -> None:
    """Refuses the first person `staffing_refusal` refuses, naming them and the duty. The
    examiners are checked together (`staffing_refusals` reads their roles and records once)."""
    occupation_ids = set(plan.offerings.values_list("occupation_id", flat=True))
    refusals = staffing_refusals(
        people=examiners,
        roles=EXAMINER_ROLES,
        on=day,
        occupation_ids=occupation_ids,
        organization=plan.organization,
    )
    for person in examiners:
        refusal = refusals[person.pk]
        if refusal:
            raise DomainError(
                "plan.examiner_unqualified",
                f"{person.name}没有本计划职业的有效考评员资格（证卡未领取、过期或未取得）"
                if refusal == NO_VALID_ROLE
                else f"{person.name}不能担任本计划的考评员：{refusal}",
                field="examiners",
            )
    if supervisor is not None:
        # No recusal against the organisation here: an internal supervisor is its employee.
        refusal = staffing_refusal(person=supervisor, roles=SUPERVISOR_ROLES, on=day)
        if refusal:
            raise DomainError(
                "plan.supervisor_unqualified",
                f"{supervisor.name}没有有效的质量督导员资格"
                if refusal == NO_VALID_ROLE
                else f"{supervisor.name}不能担任本计划的质量督导员：{refusal}",
                field="supervisor",
            )


def plan_staff_set(
    *,
    plan: EvaluationPlan,
    examiners: Sequence[Person],
    supervisor: Person | None,
    actor: Actor,
    today: dt.date | None = None,
) -> EvaluationPlan:
    """The plan's examiners (each active, with a valid examiner role for one of the plan's
    occupations that passes its qualification check, and no recusal against the
    organisation) and, for an enterprise plan, its quality supervisor (likewise, with a
    supervisor role); see `personnel.selectors.staffing_refusal`. A province override lets a
    failed check through. A social plan names no supervisor: the authority appoints its
    on-site supervisor (supervision's `onsite_supervisor_appoint`)."""
    _require_org_staff(plan, actor, "plan.edit_forbidden")
    if supervisor is not None and plan.kind == PlanKind.SOCIAL:
        raise DomainError(
            "plan.supervisor_by_authority",
            "社会化评价的现场质量督导员由人社部门派遣，机构不能指定质量督导员",
            field="supervisor",
        )
    _staff_check(plan, examiners, supervisor, today or timezone.localdate())
    with transaction.atomic():
        locked = EvaluationPlan.objects.select_for_update().get(pk=plan.pk)
        before_ids = sorted(locked.examiners.values_list("person_id", flat=True))
        after_ids = sorted({p.pk for p in examiners})
        changes: dict[str, Any] = {}
        if before_ids != after_ids:
            PlanExaminer.objects.filter(plan=locked).delete()
            PlanExaminer.objects.bulk_create(
                PlanExaminer(plan=locked, person_id=pk) for pk in after_ids
            )
            changes["examiners"] = [before_ids, after_ids]
        new_supervisor = supervisor.pk if supervisor else None
        if locked.supervisor_id != new_supervisor:
            changes["supervisor"] = [locked.supervisor_id, new_supervisor]
            locked.supervisor_id = new_supervisor
            locked.save(update_fields=["supervisor"])
        if changes:
            _changed(locked, actor=actor, what="staff_set", changes=changes)
    plan.supervisor_id, plan.filing_status = locked.supervisor_id, locked.filing_status
    return locked


# What other apps add to a filing's snapshot, by key: a function of the plan returning the part
# (or None to leave it out). Registered by the apps above plans in their `ready()` (the
# applications app adds the roster of a social plan), so plans never imports them.
FILING_SNAPSHOT_PARTS: dict[str, Callable[[EvaluationPlan], Any]] = {}


def filing_snapshot_part_register(name: str, part: Callable[[EvaluationPlan], Any]) -> None:
    FILING_SNAPSHOT_PARTS[name] = part


def _snapshot(plan: EvaluationPlan) -> dict[str, Any]:
    sessions = [
        {
            "subject": s.subject,
            "occupation": s.occupation.code if s.occupation else "",
            "level": s.level,
            "starts_at": s.starts_at.isoformat(),
            "ends_at": s.ends_at.isoformat(),
            "site": s.site,
            "expected": s.expected,
        }
        for s in plan.sessions.select_related("occupation").order_by("starts_at", "id")
    ]
    snapshot: dict[str, Any] = {
        "kind": plan.kind,
        "method": plan.method,
        "offerings": sorted(
            offering_code(o.occupation, o.level)
            for o in plan.offerings.select_related("occupation")
        ),
        "sessions": sessions,
        "examiners": sorted(plan.examiners.values_list("person_id", flat=True)),
        "supervisor": plan.supervisor_id,
    }
    for name, part in FILING_SNAPSHOT_PARTS.items():
        value = part(plan)
        if value is not None:
            snapshot[name] = value
    return snapshot


def _organization_may_file(plan: EvaluationPlan, day: dt.date) -> None:
    """The organisations permit for filing, for every offering of the plan."""
    for offering in plan.offerings.all():
        organization_permit_check(
            org=plan.organization,
            action="plan_file",
            day=day,
            occupation_id=offering.occupation_id,
            level=offering.level,
        )


def _first_exam_day(plan: EvaluationPlan, day: dt.date) -> dt.date:
    """The first session's day, once sessions and staff are set and it is far enough ahead."""
    first = plan.sessions.order_by("starts_at").first()
    if first is None:
        raise DomainError("plan.sessions_required", "请先填写各科目的考核场次", field="sessions")
    if not plan.examiners.exists():
        raise DomainError("plan.examiners_required", "请先确定考评人员", field="examiners")
    # A social assessment's on-site supervisor is appointed by the authority (supervision's
    # on-site visit), not chosen by the organisation; an employer names its own.
    if plan.kind != PlanKind.SOCIAL and plan.supervisor_id is None:
        raise DomainError("plan.supervisor_required", "请先确定质量督导员", field="supervisor")
    first_day = timezone.localtime(first.starts_at).date()
    # Only the 15 working days from today need the holiday calendar: a first session after
    # that day is early enough even in a year whose arrangement is not entered yet.
    earliest_exam = workdays_add(day, FILING_LEAD_WORKDAYS)
    if first_day < earliest_exam:
        lead = workdays_between(day, first_day)
        raise DomainError(
            "plan.filing_too_late",
            f"评价计划应在首场考核（{first_day:%Y-%m-%d}）前至少{FILING_LEAD_WORKDAYS}个工作日报备，"
            f"现仅提前{max(lead, 0)}个工作日；今天报备，首场考核最早可安排在"
            f"{earliest_exam:%Y-%m-%d}",
            field="sessions",
        )
    return first_day


def plan_file(*, plan: EvaluationPlan, actor: Actor, today: dt.date | None = None) -> PlanFiling:
    """File (报备) the plan with the authority, or re-file it after a change. Refused when the
    organisation may not evaluate (not filed, suspended, exited, blacklisted, abnormal-listed,
    expired, outside its scope), without sessions, examiners or supervisor, for social
    assessment without a roster, and later than 15 working days before the first exam."""
    _require_org_staff(plan, actor, "plan.file_forbidden")
    day = today or timezone.localdate()
    plan = EvaluationPlan.objects.select_related("organization").get(pk=plan.pk)
    _organization_may_file(plan, day)
    first_day = _first_exam_day(plan, day)
    snapshot = _snapshot(plan)
    if plan.kind == PlanKind.SOCIAL and not snapshot.get("roster"):
        raise DomainError(
            "plan.roster_required",
            "社会化评价的计划须附考生花名册及申报条件审核结果，请先导入花名册",
            field="roster",
        )
    with transaction.atomic():
        return _filing_record(plan, snapshot, day=day, first_day=first_day, actor=actor)


def _filing_record(
    plan: EvaluationPlan,
    snapshot: dict[str, Any],
    *,
    day: dt.date,
    first_day: dt.date,
    actor: Actor,
) -> PlanFiling:
    """The new filing row and its audit event (what changed since the previous filing)."""
    locked = EvaluationPlan.objects.select_for_update().get(pk=plan.pk)
    previous = locked.filings.order_by("-revision").first()
    before = _filing_move(locked, FilingStatus.FILED)
    locked.revision += 1
    locked.save(update_fields=["filing_status", "revision"])
    filing = PlanFiling.objects.create(
        plan=locked,
        revision=locked.revision,
        snapshot=snapshot,
        filed_on=day,
        first_exam_on=first_day,
        filed_by=actor_user(actor),
    )
    changes: dict[str, Any] = {
        "filing_status": [before, FilingStatus.FILED],
        "revision": [locked.revision - 1, locked.revision],
    }
    if previous is not None:
        changes |= {
            key: [previous.snapshot.get(key), value]
            for key, value in snapshot.items()
            if previous.snapshot.get(key) != value
        }
    action = "plan.refile" if previous is not None else "plan.file"
    audit_record(actor=actor, action=action, obj=locked, changes=changes)
    return filing


def _practice_record(locked: EvaluationPlan, *, held_on: dt.date, actor: Actor) -> None:
    """An approved plan is staffed: its examiners and supervisor get a practice record (执业
    记录) at the organisation, dated the first exam day; approving a re-filed plan again
    follows its new staff."""
    staffed = [
        Staffed(person_id=pk, organization_id=locked.organization_id, duty="examiner")
        for pk in sorted(locked.examiners.values_list("person_id", flat=True))
    ]
    if locked.supervisor_id is not None:
        staffed.append(
            Staffed(
                person_id=locked.supervisor_id,
                organization_id=locked.organization_id,
                duty="supervisor",
            )
        )
    practice_records_sync(
        source=f"plans.plan:{locked.pk}", held_on=held_on, staffed=staffed, actor=actor
    )


# What other apps check before the authority may approve a plan, by key: a function of the
# plan that raises a DomainError to refuse. Registered by the apps above plans in their
# `ready()` (the staffing ratios of the exam rules and the province's exceptions to them), so
# plans never imports them.
PLAN_APPROVAL_CHECKS: dict[str, Callable[[EvaluationPlan], None]] = {}


def plan_approval_check_register(name: str, check: Callable[[EvaluationPlan], None]) -> None:
    PLAN_APPROVAL_CHECKS[name] = check


def plan_review(
    *, plan: EvaluationPlan, approve: bool, actor: Actor, reason: str = ""
) -> PlanFiling:
    """The authority (an officer whose region covers the organisation) approves or returns
    the latest filing. Approval runs the checks other apps registered (the staffing ratios)."""
    scope = scope_for(actor)
    if not (scope.is_officer and scope.covers_region_code(plan.organization.region_id)):
        raise DomainError("plan.review_forbidden", "只有机构所在地的人社部门可以审核评价计划")
    if not approve and not reason.strip():
        raise DomainError("plan.reason_required", "退回时请写明需要修改的内容", field="reason")
    target = FilingStatus.APPROVED if approve else FilingStatus.RETURNED
    with transaction.atomic():
        locked = EvaluationPlan.objects.select_for_update().get(pk=plan.pk)
        before = _filing_move(locked, target)
        if approve:
            for check in PLAN_APPROVAL_CHECKS.values():
                check(locked)
        locked.save(update_fields=["filing_status"])
        filing = locked.filings.select_for_update().order_by("-revision").first()
        assert filing is not None  # FILED implies a filing row
        filing.decision = FilingDecision.APPROVED if approve else FilingDecision.RETURNED
        filing.reason = reason.strip()
        filing.reviewed_by = actor_user(actor)
        filing.reviewed_at = timezone.now()
        filing.save(update_fields=["decision", "reason", "reviewed_by", "reviewed_at"])
        if approve:
            _practice_record(locked, held_on=filing.first_exam_on, actor=actor)
        audit_record(
            actor=actor,
            action="plan.approve" if approve else "plan.return",
            obj=locked,
            changes={"filing_status": [before, target], "reason": [None, filing.reason]},
        )
    plan.filing_status = locked.filing_status
    return filing
