"""Organisations' activity and examiners' workload, from their summaries (`OrgActivity`,
`PostFigures`): a province's plans, millions of applications and its exam-day posts are
counted by the refresh, the page sums a few thousand rows."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Q, Sum
from django.utils import timezone

from skillcert.accounts.scope import Scope
from skillcert.exams.selectors import exam_day_duty_labels
from skillcert.organizations.credit import listings_in_force
from skillcert.organizations.selectors import organizations_in_area
from skillcert.reporting.models import Grain, OrgActivity, PostFigures
from skillcert.reporting.selectors.summary import grain_q
from skillcert.reporting.selectors.tables import Filters, Table, area_q, kind_q


def examiner_workload(scope: Scope, filters: Filters) -> Table:
    """Exam-day posts per duty and the busiest people (rotation and fatigue show here)."""
    posts = PostFigures.objects.filter(
        scope.code_prefix_q("city_code"),
        area_q(filters, "city_code"),
        grain_q(filters.date_from, filters.date_to),
    )
    busiest = (
        posts.values("person__name", "person__region__name")
        .annotate(n=Sum("posts"))
        .order_by("-n", "person__name")[:20]
    )
    duties = exam_day_duty_labels()
    by_duty = {r["duty"]: r["n"] for r in posts.values("duty").annotate(n=Sum("posts"))}
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
    """Per organisation: plans (by window opening) and applications (by creation) in the
    period, registered passing results of all time, and its credit listings in force."""
    orgs = organizations_in_area(scope=scope).filter(
        area_q(filters, "region__code"), kind_q(filters, "kind")
    )
    period = grain_q(filters.date_from, filters.date_to)
    all_time = Q(grain=Grain.YEAR)
    rows = list(
        OrgActivity.objects.filter(period | all_time, organization__in=orgs.values("pk"))
        .values("organization_id", "organization__name")
        .annotate(
            plan_count=Sum("plans", filter=period, default=0),
            application_count=Sum("applications", filter=period, default=0),
            passed=Sum("registered_passed", filter=all_time, default=0),
        )
        .filter(Q(plan_count__gt=0) | Q(application_count__gt=0))
        .order_by("-application_count", "organization__name")[:50]
        .values_list(
            "organization_id", "organization__name", "plan_count", "application_count", "passed"
        )
    )
    listed = dict(
        listings_in_force(org_ids=[r[0] for r in rows], day=timezone.localdate())
        .values("org_id")
        .annotate(n=Count("id"))
        .values_list("org_id", "n")
        .order_by()
    )
    return Table(
        "org_activity",
        "评价机构活跃度（前50名）",
        ["评价机构", "评价计划", "申报", "登记合格", "在列名录"],
        [[name, plans, apps, passed, listed.get(pk, 0)] for pk, name, plans, apps, passed in rows],
        summable=False,
    )
