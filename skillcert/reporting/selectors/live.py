"""Figures read live from the small tables: organisations, credit listings, filing scope,
plans, personnel, exam-day posts, supervision and complaints."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from django.db.models import Count, Q, QuerySet
from django.db.models.functions import Substr
from django.utils import timezone

from skillcert.exams.selectors import exam_day_duty_labels, staff_assignments_in_area
from skillcert.organizations.choices import CreditList, OrgKind, OrgStatus
from skillcert.organizations.core import LEVEL_NAMES
from skillcert.organizations.credit import listing_in_force_q
from skillcert.organizations.selectors import (
    credit_listings_in_area,
    org_scopes_in_area,
    organizations_in_area,
)
from skillcert.personnel.choices import PersonRoleStatus, RoleKind
from skillcert.personnel.selectors import person_roles_in_area
from skillcert.plans.choices import PlanKind, PlanStatus
from skillcert.plans.selectors import plans_in_area
from skillcert.regions.selectors import region_names
from skillcert.reporting.selectors.tables import (
    Filters,
    Table,
    area_q,
    grouped_counts,
    kind_q,
    labelled,
    period_q,
    rate,
)
from skillcert.scoring.choices import ResultStatus
from skillcert.scoring.selectors import results_all
from skillcert.supervision.choices import Severity
from skillcert.supervision.selectors import (
    complaint_status_labels,
    complaints_in_area,
    findings_in_area,
    visit_rating_labels,
    visit_status_labels,
    visits_in_area,
)

if TYPE_CHECKING:
    from skillcert.accounts.scope import Scope
    from skillcert.organizations.models import EvaluationOrg
    from skillcert.plans.models import EvaluationPlan


def _orgs(scope: Scope, filters: Filters) -> QuerySet[EvaluationOrg]:
    return organizations_in_area(scope=scope).filter(
        area_q(filters, "region__code"), kind_q(filters, "kind")
    )


def orgs_by_kind(scope: Scope, filters: Filters) -> Table:
    table = Table("orgs_kind", "评价机构 · 按类型", ["机构类型", "机构数"])
    return table.with_counts(_orgs(scope, filters), "kind", dict(OrgKind.choices))


def orgs_by_status(scope: Scope, filters: Filters) -> Table:
    table = Table("orgs_status", "评价机构 · 按备案状态", ["备案状态", "机构数"])
    return table.with_counts(_orgs(scope, filters), "status", dict(OrgStatus.choices))


def orgs_by_city(scope: Scope, filters: Filters) -> Table:
    rows = grouped_counts(_orgs(scope, filters).annotate(city=Substr("region_id", 1, 4)), "city")
    names = region_names(codes={f"{r['city']}00" for r in rows})
    return Table(
        "orgs_city",
        "评价机构 · 按地市",
        ["地市", "机构数"],
        labelled(rows, "city", lambda c: names.get(f"{c}00", c)),
    )


def credit_listings(scope: Scope, filters: Filters, today: dt.date) -> Table:
    table = Table("credit", "异常名录与黑名单（现行）", ["名录", "机构数"])
    rows = credit_listings_in_area(scope=scope).filter(
        listing_in_force_q(today),
        area_q(filters, "org__region__code"),
        kind_q(filters, "org__kind"),
    )
    return table.with_counts(
        rows, "list_kind", dict(CreditList.choices), count="org", distinct=True
    )


def scope_coverage(scope: Scope, filters: Filters) -> Table:
    rows = (
        org_scopes_in_area(scope=scope)
        .filter(
            area_q(filters, "org__region__code"),
            kind_q(filters, "org__kind"),
            active=True,
            org__status=OrgStatus.FILED,
        )
        .values("occupation__code", "occupation__name", "level")
        .annotate(n=Count("org", distinct=True))
        .order_by("occupation__code", "-level")
    )
    return Table(
        "scope",
        "认定范围覆盖（已备案机构数）",
        ["职业编码", "职业", "等级", "机构数"],
        [
            [
                r["occupation__code"],
                r["occupation__name"],
                LEVEL_NAMES.get(r["level"], r["level"]),
                r["n"],
            ]
            for r in rows
        ],
    )


def _plans(scope: Scope, filters: Filters) -> QuerySet[EvaluationPlan]:
    return plans_in_area(scope=scope).filter(
        area_q(filters, "organization__region__code"),
        kind_q(filters, "organization__kind"),
        period_q(filters, "window_opens"),
    )


def plans_by_status(scope: Scope, filters: Filters) -> Table:
    table = Table("plans_status", "评价计划 · 按状态", ["状态", "计划数"])
    return table.with_counts(_plans(scope, filters), "status", dict(PlanStatus.choices))


def personnel_by_role(scope: Scope, filters: Filters) -> Table:
    table = Table("personnel", "考评人员 · 按角色（有效）", ["角色", "人数"])
    rows = person_roles_in_area(scope=scope).filter(
        area_q(filters, "person__region__code"), status=PersonRoleStatus.ACTIVE
    )
    return table.with_counts(rows, "role", dict(RoleKind.choices), count="person", distinct=True)


def examiner_workload(scope: Scope, filters: Filters) -> Table:
    """Exam-day posts per duty and the busiest people (rotation and fatigue show here)."""
    posts = staff_assignments_in_area(scope=scope).filter(
        area_q(filters, "site__district__city__code"),
        period_q(filters, "slot__starts_at__date"),
    )
    busiest = (
        posts.values("person__name", "person__region__name")
        .annotate(n=Count("id"))
        .order_by("-n", "person__name")[:20]
    )
    duties = exam_day_duty_labels()
    by_duty = {r["duty"]: r["n"] for r in posts.values("duty").annotate(n=Count("id"))}
    rows: list[list[Any]] = [[f"合计 · {duties[d]}", "", n] for d, n in sorted(by_duty.items())]
    rows += [[r["person__name"], r["person__region__name"], r["n"]] for r in busiest]
    return Table(
        "examiner_workload",
        "考评人员工作量 · 考务岗位（合计及前20名）",
        ["考评人员", "所在地区", "岗位次数"],
        rows,
        summable=False,
    )


def organisations_activity(scope: Scope, filters: Filters) -> Table:
    """Per organisation: plans, applications, registered passing results and its credit."""
    orgs = (
        _orgs(scope, filters)
        .annotate(
            plan_count=Count(
                "plans", filter=period_q(filters, "plans__window_opens"), distinct=True
            ),
            application_count=Count(
                "plans__applications",
                filter=period_q(filters, "plans__applications__created_at__date"),
                distinct=True,
            ),
            listing_count=Count(
                "listings",
                filter=listing_in_force_q(timezone.localdate(), "listings__"),
                distinct=True,
            ),
        )
        .filter(Q(plan_count__gt=0) | Q(application_count__gt=0))
        .order_by("-application_count", "name")[:50]
    )
    rows = list(orgs.values_list("pk", "name", "plan_count", "application_count", "listing_count"))
    passed = dict(
        results_all()
        .filter(organization__in=[r[0] for r in rows], passed=True, status=ResultStatus.REGISTERED)
        .values("organization_id")
        .annotate(n=Count("id"))
        .values_list("organization_id", "n")
    )
    return Table(
        "org_activity",
        "评价机构活跃度（前50名）",
        ["评价机构", "评价计划", "申报", "登记合格", "在列名录"],
        [[name, plans, apps, passed.get(pk, 0), listed] for pk, name, plans, apps, listed in rows],
        summable=False,
    )


def supervision_coverage(scope: Scope, filters: Filters) -> Table:
    """Plans (by the start of their application window) with at least one supervision visit:
    social assessment is supervised at every sitting (逢考必督), enterprise self-evaluation by
    random draw, so the two rates are read separately."""
    rows = (
        _plans(scope, filters)
        .exclude(status=PlanStatus.DRAFT)
        .values("kind")
        .annotate(
            n=Count("pk", distinct=True),
            visited=Count("pk", filter=Q(supervision_visits__isnull=False), distinct=True),
        )
        .order_by("kind")
    )
    labels = dict(PlanKind.choices)
    return Table(
        "supervision_coverage",
        "质量督导 · 覆盖率（已开放报名的计划）",
        ["评价类型", "已督导计划", "覆盖率", "计划数"],
        [
            [labels.get(r["kind"], r["kind"]), r["visited"], rate(r["visited"], r["n"]), r["n"]]
            for r in rows
        ],
    )


def supervision_visits(scope: Scope, filters: Filters) -> Table:
    rows = grouped_counts(
        visits_in_area(scope=scope).filter(
            area_q(filters, "org__region__code"),
            kind_q(filters, "org__kind"),
            period_q(filters, "created_at__date"),
        ),
        "status",
        "rating",
    )
    statuses, ratings = visit_status_labels(), visit_rating_labels()
    return Table(
        "visits",
        "质量督导 · 覆盖与评定",
        ["状态", "评定", "督导次数"],
        [
            [statuses.get(r["status"], r["status"]), ratings.get(r["rating"], "—"), r["n"]]
            for r in rows
        ],
    )


def supervision_findings(scope: Scope, filters: Filters) -> Table:
    table = Table("findings", "质量督导 · 发现问题", ["严重程度", "问题数"])
    rows = findings_in_area(scope=scope).filter(
        area_q(filters, "visit__org__region__code"),
        kind_q(filters, "visit__org__kind"),
        period_q(filters, "created_at__date"),
    )
    return table.with_counts(rows, "severity", dict(Severity.choices))


def complaints_by_status(scope: Scope, filters: Filters) -> Table:
    table = Table("complaints", "投诉举报 · 按状态", ["状态", "件数"])
    rows = complaints_in_area(scope=scope).filter(
        area_q(filters, "region__code"), period_q(filters, "received_on")
    )
    return table.with_counts(rows, "status", complaint_status_labels())
