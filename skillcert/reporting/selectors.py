"""技能人才统计: every figure is an aggregate query (GROUP BY in the database), narrowed to the
officer's region and the filters; nothing is counted in Python loops and nothing is typed in.

Applications, results and certificates are read from `Figures`, the summary the background
refresh keeps (see `services.figures_refresh`): month rows for whole months and day rows for
the partial months of a period, so a province with millions of certificates aggregates a few
tens of thousands of narrow rows. Organisations, plans, personnel,
supervision and complaints are small and are read live.

Each table is a `Table` (key, title, headers, rows) so the page, its charts, the Excel export,
the JSON API and the PDF reports render the same data."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Q, QuerySet, Sum
from django.db.models.functions import Substr, TruncMonth
from django.utils import timezone

from skillcert.accounts.scope import Scope
from skillcert.applications.models import Status
from skillcert.organizations.core import LEVEL_NAMES
from skillcert.organizations.credit import listing_in_force_q, listings_in_force
from skillcert.organizations.models import (
    CreditList,
    CreditListing,
    EvaluationOrg,
    OrgKind,
    OrgScope,
    OrgStatus,
)
from skillcert.personnel.models import PersonRole, PersonRoleStatus, RoleKind
from skillcert.plans.models import EvaluationPlan, PlanKind, PlanStatus
from skillcert.regions.models import Region
from skillcert.reporting.models import (
    APPLICATION_STATUS_COLUMNS,
    COUNTER_COLUMNS,
    Figures,
    Grain,
    RefreshRun,
    StatisticsReport,
)
from skillcert.scoring.models import Result, ResultStatus, Route
from skillcert.supervision.models import (
    ActionStatus,
    Complaint,
    ComplaintStatus,
    Finding,
    Rating,
    Severity,
    Visit,
    VisitStatus,
)

# 三级/高级工 and above (levels 3, 2, 1) are high-skill talent (高技能人才).
HIGH_SKILL_MAX_LEVEL = 3
ROUTE_LABELS = {**dict(Route.choices), "": "未关联成绩（历史导入）"}


@dataclass(frozen=True)
class Filters:
    region: str = ""  # a GB/T 2260 code prefix inside the officer's area ("" = all of it)
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    org_kind: str = ""


@dataclass
class Table:
    key: str
    title: str
    headers: list[str]
    rows: list[list[Any]] = field(default_factory=list)
    summable: bool = True  # False when the last column is not a count (e.g. mixed figures)

    @property
    def total(self) -> int:
        if not self.summable:
            return 0
        return sum(r[-1] for r in self.rows if isinstance(r[-1], int))


def rate(passed: int, sat: int) -> str:
    return f"{passed * 100 / sat:.1f}%" if sat else "—"


def _region_q(scope: Scope, filters: Filters, lookup: str) -> Q:
    q = scope.code_prefix_q(lookup)
    if filters.region:
        q &= Q(**{f"{lookup}__startswith": filters.region})
    return q


def _period_q(filters: Filters, lookup: str) -> Q:
    q = Q()
    if filters.date_from:
        q &= Q(**{f"{lookup}__gte": filters.date_from})
    if filters.date_to:
        q &= Q(**{f"{lookup}__lte": filters.date_to})
    return q


def _kind_q(filters: Filters, lookup: str) -> Q:
    return Q(**{lookup: filters.org_kind}) if filters.org_kind else Q()


def _labelled(
    rows: Iterable[dict[str, Any]], key: str, labels: dict[Any, str] | Callable[[Any], str]
) -> list[list[Any]]:
    name = labels if callable(labels) else (lambda v: labels.get(v, str(v)))
    return [[name(r[key]), r["n"]] for r in rows]


def _orgs(scope: Scope, filters: Filters) -> QuerySet[EvaluationOrg]:
    return EvaluationOrg.objects.filter(
        _region_q(scope, filters, "region__code"), _kind_q(filters, "kind")
    )


def orgs_by_kind(scope: Scope, filters: Filters) -> Table:
    rows = _orgs(scope, filters).values("kind").annotate(n=Count("id")).order_by("kind")
    return Table(
        "orgs_kind",
        "评价机构 · 按类型",
        ["机构类型", "机构数"],
        _labelled(rows, "kind", dict(OrgKind.choices)),
    )


def orgs_by_status(scope: Scope, filters: Filters) -> Table:
    rows = _orgs(scope, filters).values("status").annotate(n=Count("id")).order_by("status")
    return Table(
        "orgs_status",
        "评价机构 · 按备案状态",
        ["备案状态", "机构数"],
        _labelled(rows, "status", dict(OrgStatus.choices)),
    )


def orgs_by_city(scope: Scope, filters: Filters) -> Table:
    rows = list(
        _orgs(scope, filters)
        .annotate(city=Substr("region_id", 1, 4))
        .values("city")
        .annotate(n=Count("id"))
        .order_by("city")
    )
    names = dict(
        Region.objects.filter(code__in=[f"{r['city']}00" for r in rows]).values_list("code", "name")
    )
    return Table(
        "orgs_city",
        "评价机构 · 按地市",
        ["地市", "机构数"],
        _labelled(rows, "city", lambda c: names.get(f"{c}00", c)),
    )


def credit_listings(scope: Scope, filters: Filters, today: dt.date) -> Table:
    rows = (
        CreditListing.objects.filter(
            listing_in_force_q(today),
            _region_q(scope, filters, "org__region__code"),
            _kind_q(filters, "org__kind"),
        )
        .values("list_kind")
        .annotate(n=Count("org", distinct=True))
        .order_by("list_kind")
    )
    return Table(
        "credit",
        "异常名录与黑名单（现行）",
        ["名录", "机构数"],
        _labelled(rows, "list_kind", dict(CreditList.choices)),
    )


def scope_coverage(scope: Scope, filters: Filters) -> Table:
    rows = (
        OrgScope.objects.filter(
            _region_q(scope, filters, "org__region__code"),
            _kind_q(filters, "org__kind"),
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
    return EvaluationPlan.objects.filter(
        _region_q(scope, filters, "organization__region__code"),
        _kind_q(filters, "organization__kind"),
        _period_q(filters, "window_opens"),
    )


def plans_by_status(scope: Scope, filters: Filters) -> Table:
    rows = _plans(scope, filters).values("status").annotate(n=Count("id")).order_by("status")
    return Table(
        "plans_status",
        "评价计划 · 按状态",
        ["状态", "计划数"],
        _labelled(rows, "status", dict(PlanStatus.choices)),
    )


def personnel_by_role(scope: Scope, filters: Filters) -> Table:
    rows = (
        PersonRole.objects.filter(
            _region_q(scope, filters, "person__region__code"), status=PersonRoleStatus.ACTIVE
        )
        .values("role")
        .annotate(n=Count("person", distinct=True))
        .order_by("role")
    )
    return Table(
        "personnel",
        "考评人员 · 按角色（有效）",
        ["角色", "人数"],
        _labelled(rows, "role", dict(RoleKind.choices)),
    )


def examiner_workload(scope: Scope, filters: Filters) -> Table:
    """Exam-day posts per duty and the busiest people (rotation and fatigue show here)."""
    from skillcert.exams.models import Duty, StaffAssignment

    posts = StaffAssignment.objects.filter(
        _region_q(scope, filters, "site__district__city__code"),
        _period_q(filters, "slot__starts_at__date"),
    )
    busiest = (
        posts.values("person__name", "person__region__name")
        .annotate(n=Count("id"))
        .order_by("-n", "person__name")[:20]
    )
    duties = dict(Duty.choices)
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
                "plans", filter=_period_q(filters, "plans__window_opens"), distinct=True
            ),
            application_count=Count(
                "plans__applications",
                filter=_period_q(filters, "plans__applications__created_at__date"),
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
        Result.objects.filter(
            organization__in=[r[0] for r in rows], passed=True, status=ResultStatus.REGISTERED
        )
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
    rows = (
        Visit.objects.filter(
            _region_q(scope, filters, "org__region__code"),
            _kind_q(filters, "org__kind"),
            _period_q(filters, "created_at__date"),
        )
        .values("status", "rating")
        .annotate(n=Count("id"))
        .order_by("status", "rating")
    )
    statuses, ratings = dict(VisitStatus.choices), dict(Rating.choices)
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
    rows = (
        Finding.objects.filter(
            _region_q(scope, filters, "visit__org__region__code"),
            _kind_q(filters, "visit__org__kind"),
            _period_q(filters, "created_at__date"),
        )
        .values("severity")
        .annotate(n=Count("id"))
        .order_by("severity")
    )
    return Table(
        "findings",
        "质量督导 · 发现问题",
        ["严重程度", "问题数"],
        _labelled(rows, "severity", dict(Severity.choices)),
    )


def complaints_by_status(scope: Scope, filters: Filters) -> Table:
    rows = (
        Complaint.objects.filter(
            _region_q(scope, filters, "region__code"), _period_q(filters, "received_on")
        )
        .values("status")
        .annotate(n=Count("id"))
        .order_by("status")
    )
    return Table(
        "complaints",
        "投诉举报 · 按状态",
        ["状态", "件数"],
        _labelled(rows, "status", dict(ComplaintStatus.choices)),
    )


# --- figures from the summary -----------------------------------------------------------------


def _first_of_next_month(day: dt.date) -> dt.date:
    return (day.replace(day=1) + dt.timedelta(days=32)).replace(day=1)


def grain_q(date_from: dt.date | None, date_to: dt.date | None) -> Q:
    """The summary rows that add up to the period exactly once: month rows for the whole
    months inside it, day rows for the partial months at its edges."""
    if date_from is None and date_to is None:
        return Q(grain=Grain.MONTH)
    whole_from = None
    if date_from is not None:
        whole_from = date_from if date_from.day == 1 else _first_of_next_month(date_from)
    whole_until = None  # exclusive
    if date_to is not None:
        after = date_to + dt.timedelta(days=1)
        whole_until = after if after.day == 1 else after.replace(day=1)
    if whole_from is not None and whole_until is not None and whole_from >= whole_until:
        return Q(grain=Grain.DAY) & _period_q(Filters(date_from=date_from, date_to=date_to), "day")
    months = Q(grain=Grain.MONTH)
    days = Q(pk__in=[])
    if whole_from is not None:
        months &= Q(day__gte=whole_from)
        if date_from is not None and date_from < whole_from:
            days |= Q(grain=Grain.DAY, day__gte=date_from, day__lt=whole_from)
    if whole_until is not None:
        months &= Q(day__lt=whole_until)
        if date_to is not None and whole_until <= date_to:
            days |= Q(grain=Grain.DAY, day__gte=whole_until, day__lte=date_to)
    return months | days


def _figures(scope: Scope, filters: Filters) -> QuerySet[Figures]:
    return Figures.objects.filter(
        _region_q(scope, filters, "region_code"),
        _kind_q(filters, "org_kind"),
        grain_q(filters.date_from, filters.date_to),
    )


def _sums(*columns: str) -> dict[str, Sum]:
    """Aggregates named `n_<counter>` (a name may not shadow the column it sums); `_counts`
    gives the rows back with the counters' own names. Each table sums only what it shows."""
    return {f"n_{c}": Sum(c, default=0) for c in columns}


SUMS = _sums(*COUNTER_COLUMNS)
SHOWN = ("applications", "sat", "passed", "valid")


def _counts(rows: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    return [{k.removeprefix("n_"): v for k, v in row.items()} for row in rows]


def figures_totals(scope: Scope, filters: Filters) -> dict[str, int]:
    """Every counter summed over the officer's area and the filters, plus `high_skill`: the
    valid certificates at 三级/高级工 and above."""
    totals = _figures(scope, filters).aggregate(
        **SUMS, n_high_skill=Sum("valid", filter=Q(level__lte=HIGH_SKILL_MAX_LEVEL), default=0)
    )
    return _counts([totals])[0]


def headline(totals: dict[str, int]) -> Table:
    high = totals["high_skill"]
    return Table(
        "headline",
        "主要指标",
        ["指标", "数值"],
        [
            ["申报人次（已提交）", totals["applications"]],
            ["审核通过", totals["approved"]],
            ["参评人次（成绩已发布）", totals["sat"]],
            ["合格人次", totals["passed"]],
            ["合格率", rate(totals["passed"], totals["sat"])],
            ["发放证书（首次发证）", totals["issued"]],
            ["有效证书", totals["valid"]],
            ["高技能人才（高级工及以上）有效证书", high],
            ["高技能人才占比", rate(high, totals["valid"])],
            ["撤销证书", totals["revoked"]],
        ],
        summable=False,
    )


def applications_by_status(totals: dict[str, int]) -> Table:
    labels = dict(Status.choices)
    return Table(
        "apps_status",
        "申报 · 按状态",
        ["状态", "申报数"],
        [[labels[s], totals[s]] for s in APPLICATION_STATUS_COLUMNS if totals[s]],
    )


TIER_COLUMNS = {
    "初审": ("org_review",),
    "复审": ("org_passed", "city_review"),
    "终审": ("city_passed", "province_review"),
    "不在审核中": ("approved", "rejected", "returned", "withdrawn"),
}


def applications_by_tier(totals: dict[str, int]) -> Table:
    rows = [[tier, sum(totals[c] for c in columns)] for tier, columns in TIER_COLUMNS.items()]
    return Table(
        "apps_tier", "申报 · 按审核层级", ["审核层级", "申报数"], [r for r in rows if r[1]]
    )


def per_level(scope: Scope, filters: Filters) -> list[dict[str, Any]]:
    sums = _sums("applications", "approved", "sat", "passed", "valid")
    return _counts(_figures(scope, filters).values("level").annotate(**sums).order_by("-level"))


def by_level(rows: list[dict[str, Any]]) -> Table:
    return Table(
        "levels",
        "按等级：申报、合格与证书",
        ["等级", "申报", "审核通过", "参评", "合格", "合格率", "有效证书"],
        [
            [
                LEVEL_NAMES.get(r["level"], r["level"]),
                r["applications"],
                r["approved"],
                r["sat"],
                r["passed"],
                rate(r["passed"], r["sat"]),
                r["valid"],
            ]
            for r in rows
        ],
    )


def high_skill_share(totals: dict[str, int]) -> Table:
    high, valid = totals["high_skill"], totals["valid"]
    return Table(
        "high_skill",
        f"高技能人才占比（有效证书）：{rate(high, valid)}",
        ["类别", "有效证书"],
        [["高级工及以上（三级至一级）", high], ["中级工及以下（五级、四级）", valid - high]]
        if valid
        else [],
    )


def pass_rates(rows: list[dict[str, Any]]) -> Table:
    return Table(
        "pass_rates",
        "合格率 · 按等级",
        ["等级", "合格率", "合格", "参评"],
        [
            [
                LEVEL_NAMES.get(r["level"], r["level"]),
                rate(r["passed"], r["sat"]),
                r["passed"],
                r["sat"],
            ]
            for r in rows
            if r["sat"]
        ],
    )


def by_month(scope: Scope, filters: Filters) -> Table:
    rows = _counts(
        _figures(scope, filters)
        .annotate(month=TruncMonth("day"))
        .values("month")
        .annotate(**_sums("applications", "approved", "sat", "passed", "issued"))
        .order_by("month")
    )
    return Table(
        "months",
        "按月趋势",
        ["月份", "申报", "审核通过", "参评", "合格", "合格率", "发证"],
        [
            [
                r["month"].strftime("%Y-%m"),
                r["applications"],
                r["approved"],
                r["sat"],
                r["passed"],
                rate(r["passed"], r["sat"]),
                r["issued"],
            ]
            for r in rows
        ],
    )


def _area_digits(scope: Scope, filters: Filters) -> int:
    """How many code digits the region table groups by: provinces for the whole country,
    cities inside a province, counties inside a city."""
    areas = [filters.region] if filters.region else sorted(scope.region_prefixes)
    if not areas or (scope.is_platform and not filters.region):
        return 2
    return min(6, min(len(a) for a in areas) + 2)


def by_region(scope: Scope, filters: Filters) -> Table:
    digits = _area_digits(scope, filters)
    rows = _counts(
        _figures(scope, filters)
        .annotate(area=Substr("region_code", 1, digits))
        .values("area")
        .annotate(**_sums(*SHOWN))
        .order_by("area")
    )
    codes = [r["area"].ljust(6, "0") for r in rows]
    names = dict(Region.objects.filter(code__in=codes).values_list("code", "name"))
    return Table(
        "regions",
        {2: "按省份", 4: "按地市", 6: "按区县"}[digits],
        ["地区", "申报", "参评", "合格", "合格率", "有效证书"],
        [
            [
                names.get(code, code),
                r["applications"],
                r["sat"],
                r["passed"],
                rate(r["passed"], r["sat"]),
                r["valid"],
            ]
            for code, r in zip(codes, rows, strict=True)
        ],
    )


def _by_dimension(
    scope: Scope, filters: Filters, column: str, labels: dict[str, str]
) -> list[list[Any]]:
    rows = _counts(
        _figures(scope, filters).values(column).annotate(**_sums(*SHOWN)).order_by(column)
    )
    return [
        [
            labels.get(r[column], r[column]),
            r["applications"],
            r["sat"],
            r["passed"],
            rate(r["passed"], r["sat"]),
            r["valid"],
        ]
        for r in rows
    ]


def by_route(scope: Scope, filters: Filters) -> Table:
    return Table(
        "routes",
        "按评价途径（社会化考试、企业自主评价、技能竞赛、直评）",
        ["评价途径", "申报", "参评", "合格", "合格率", "有效证书"],
        _by_dimension(scope, filters, "route", ROUTE_LABELS),
    )


def by_org_kind(scope: Scope, filters: Filters) -> Table:
    return Table(
        "org_kinds",
        "按评价机构类型",
        ["机构类型", "申报", "参评", "合格", "合格率", "有效证书"],
        _by_dimension(scope, filters, "org_kind", dict(OrgKind.choices)),
    )


def by_occupation(scope: Scope, filters: Filters) -> Table:
    rows = _counts(
        _figures(scope, filters)
        .values("occupation__code", "occupation__name")
        .annotate(**_sums("applications", "passed", "valid"))
        .order_by("-n_valid", "-n_applications", "occupation__code")[:50]
    )
    return Table(
        "occupations",
        "按职业（有效证书前50）",
        ["职业编码", "职业", "申报", "合格", "有效证书"],
        [
            [
                r["occupation__code"],
                r["occupation__name"],
                r["applications"],
                r["passed"],
                r["valid"],
            ]
            for r in rows
        ],
    )


def dashboard(scope: Scope, filters: Filters, *, today: dt.date) -> list[Table]:
    """Every table of the statistics page, in reading order."""
    totals = figures_totals(scope, filters)
    levels = per_level(scope, filters)
    return [
        headline(totals),
        by_month(scope, filters),
        by_level(levels),
        high_skill_share(totals),
        pass_rates(levels),
        by_region(scope, filters),
        by_route(scope, filters),
        by_org_kind(scope, filters),
        by_occupation(scope, filters),
        applications_by_status(totals),
        applications_by_tier(totals),
        orgs_by_kind(scope, filters),
        orgs_by_city(scope, filters),
        orgs_by_status(scope, filters),
        credit_listings(scope, filters, today),
        scope_coverage(scope, filters),
        plans_by_status(scope, filters),
        personnel_by_role(scope, filters),
        examiner_workload(scope, filters),
        organisations_activity(scope, filters),
        supervision_coverage(scope, filters),
        supervision_visits(scope, filters),
        supervision_findings(scope, filters),
        complaints_by_status(scope, filters),
    ]


def reports_visible(*, scope: Scope) -> QuerySet[StatisticsReport]:
    """Officers see the reports of regions inside their area: a city officer the city's, a
    province officer the province's and its cities'."""
    if not scope.is_officer:
        return StatisticsReport.objects.none()
    return StatisticsReport.objects.filter(scope.code_prefix_q("region__code"))


def last_refresh() -> RefreshRun | None:
    """The latest finished refresh of the summary: its start is the next run's watermark and
    its end is the "updated at" the pages show."""
    return RefreshRun.objects.filter(finished_at__isnull=False).order_by("-started_at").first()


def report_regions(*, within: str = "") -> list[Region]:
    """The provinces and cities that have evaluation organisations (inside `within`, a code
    prefix): each gets its own report, so a city officer downloads the city's figures and a
    province officer the province's and every city's."""
    codes = set()
    counties = (
        EvaluationOrg.objects.filter(region__code__startswith=within)
        .values_list("region_id", flat=True)
        .distinct()
    )
    for county in counties:
        codes.update({f"{county[:2]}0000", f"{county[:4]}00"})
    return list(Region.objects.filter(code__in=sorted(codes)).order_by("code"))


def report_regions_for(*, scope: Scope) -> list[Region]:
    """The reports an officer may generate: their own area and, for a province officer, every
    city in it that has organisations."""
    if scope.is_platform:
        return report_regions()
    regions: list[Region] = []
    for prefix in sorted(scope.region_prefixes):
        regions.extend(report_regions(within=prefix))
    return [r for r in regions if r.prefix.startswith(tuple(scope.region_prefixes))]


# --- subsidy basis (seed 004 §十三, §十七) --------------------------------------------------


@dataclass(frozen=True)
class SubsidyRow:
    organization: str
    filing_number: str
    occupation: str
    level: str
    route: str
    registered: int  # passed and registered in the period
    eligible: int  # of which meet the conditions for subsidies
    reason: str  # why the rest do not ("" when all do)


def subsidy_basis(*, scope: Scope, date_from: dt.date, date_to: dt.date) -> list[SubsidyRow]:
    """Registered, passing results of the period per organisation × occupation × level ×
    route, and how many of them may be the basis of a training subsidy: results count only when
    registered (登记备案), when the organisation was on neither the abnormal list nor the
    blacklist at the period's end, and when no serious supervision finding on the plan is
    still without an accepted correction (评价过程符合质量督导要求)."""
    tz = timezone.get_current_timezone()
    start = dt.datetime.combine(date_from, dt.time.min, tzinfo=tz)
    end = dt.datetime.combine(date_to + dt.timedelta(days=1), dt.time.min, tzinfo=tz)
    rows = list(
        Result.objects.filter(
            scope.code_prefix_q("organization__region__code"),
            status=ResultStatus.REGISTERED,
            passed=True,
            registered_at__gte=start,
            registered_at__lt=end,
        )
        .values(
            "organization_id",
            "organization__name",
            "organization__filing_number",
            "batch__plan_id",
            "occupation__name",
            "level",
            "route",
        )
        .annotate(n=Count("id"))
        .order_by("organization__name", "occupation__name", "-level", "route")
    )
    org_ids = sorted({r["organization_id"] for r in rows})
    listed = {
        listing.org_id: listing.get_list_kind_display()
        for listing in listings_in_force(org_ids=org_ids, day=date_to)
    }
    unresolved = set(
        Finding.objects.filter(
            visit__plan_id__in={r["batch__plan_id"] for r in rows}, severity=Severity.SERIOUS
        )
        .exclude(action__status=ActionStatus.ACCEPTED)
        .values_list("visit__plan_id", flat=True)
    )
    merged: dict[tuple[str, str, str, str, str], list[int | str]] = {}
    for r in rows:
        key = (
            r["organization__name"],
            r["organization__filing_number"],
            r["occupation__name"],
            LEVEL_NAMES.get(r["level"], str(r["level"])),
            ROUTE_LABELS.get(r["route"], r["route"]),
        )
        reason = ""
        if r["organization_id"] in listed:
            reason = f"机构在{listed[r['organization_id']]}中"
        elif r["batch__plan_id"] in unresolved:
            reason = "质量督导严重问题未整改完成"
        counts = merged.setdefault(key, [0, 0, ""])
        counts[0] = int(counts[0]) + r["n"]
        if reason:
            counts[2] = reason
        else:
            counts[1] = int(counts[1]) + r["n"]
    return [
        SubsidyRow(
            organization=org,
            filing_number=filing,
            occupation=occupation,
            level=level,
            route=route,
            registered=int(c[0]),
            eligible=int(c[1]),
            reason=str(c[2]),
        )
        for (org, filing, occupation, level, route), c in merged.items()
    ]
