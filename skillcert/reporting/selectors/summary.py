"""Figures from the summary (`Figures`) the background refresh keeps: applications, results
and certificates by month, level, region, route, organisation kind and occupation."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.db.models import Q, QuerySet, Sum
from django.db.models.functions import Substr, TruncMonth

from skillcert.accounts.scope import Scope
from skillcert.applications.choices import Status
from skillcert.organizations.choices import OrgKind
from skillcert.organizations.core import LEVEL_NAMES
from skillcert.regions.selectors import region_names
from skillcert.reporting.models import (
    APPLICATION_STATUS_COLUMNS,
    COUNTER_COLUMNS,
    Figures,
    Grain,
)
from skillcert.reporting.selectors.tables import (
    HIGH_SKILL_MAX_LEVEL,
    ROUTE_LABELS,
    Filters,
    Table,
    kind_q,
    rate,
    region_q,
)

# Open ends of a period: the rows before the first or after the last day are all counted.
EARLIEST, LATEST = dt.date(1900, 1, 1), dt.date(2999, 12, 31)


def _next_start(day: dt.date, *, year: bool) -> dt.date:
    """The first day of a year (or month) on or after `day`."""
    if year:
        return day if (day.month, day.day) == (1, 1) else dt.date(day.year + 1, 1, 1)
    return day if day.day == 1 else (day.replace(day=1) + dt.timedelta(days=32)).replace(day=1)


def _start(day: dt.date, *, year: bool) -> dt.date:
    """The first day of the year (or month) that contains `day`."""
    return dt.date(day.year, 1, 1) if year else day.replace(day=1)


def _cover(first: dt.date, end: dt.date, grains: tuple[Grain, ...]) -> Q:
    """Rows of the coarsest grain first that add up to [first, end) exactly once: whole
    years, then whole months at the edges of the years, then days at the edges of the
    months."""
    grain, finer = grains[0], grains[1:]
    if grain == Grain.DAY:
        return Q(grain=grain, day__gte=first, day__lt=end) if first < end else Q(pk__in=[])
    whole_from = _next_start(first, year=grain == Grain.YEAR)
    whole_until = _start(end, year=grain == Grain.YEAR)
    if whole_from >= whole_until:
        return _cover(first, end, finer)
    return (
        _cover(first, whole_from, finer)
        | Q(grain=grain, day__gte=whole_from, day__lt=whole_until)
        | _cover(whole_until, end, finer)
    )


def grain_q(
    date_from: dt.date | None, date_to: dt.date | None, *, coarsest: Grain = Grain.YEAR
) -> Q:
    """The summary rows that add up to the period exactly once: year rows for the whole
    years inside it, month rows for the whole months at their edges, day rows for the
    partial months at the period's edges. `coarsest=Grain.MONTH` keeps the months apart
    (month rows instead of year rows)."""
    coarsest_first = (Grain.YEAR, Grain.MONTH, Grain.DAY)
    grains = coarsest_first[coarsest_first.index(coarsest) :]
    if date_from is None and date_to is None:
        return Q(grain=coarsest)
    end = (date_to or LATEST) + dt.timedelta(days=1)
    return _cover(date_from or EARLIEST, end, grains)


def _figures(scope: Scope, filters: Filters, *, coarsest: Grain = Grain.YEAR) -> QuerySet[Figures]:
    return Figures.objects.filter(
        region_q(scope, filters, "region_code"),
        kind_q(filters, "org_kind"),
        grain_q(filters.date_from, filters.date_to, coarsest=coarsest),
    )


def _sums(*columns: str) -> dict[str, Sum]:
    """Aggregates named `n_<counter>` (a name may not shadow the column it sums); `_counts`
    gives the rows back with the counters' own names. Each table sums only what it shows."""
    return {f"n_{c}": Sum(c, default=0) for c in columns}


SUMS = _sums(*COUNTER_COLUMNS)
SHOWN = ("applications", "sat", "passed", "valid")


def _counts(rows: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    return [{k.removeprefix("n_"): v for k, v in row.items()} for row in rows]


def _row(label: Any, r: dict[str, Any], columns: Iterable[str]) -> list[Any]:
    """A table row: the label, then each counter of `columns` ("rate" is the pass rate)."""
    return [label, *(rate(r["passed"], r["sat"]) if c == "rate" else r[c] for c in columns)]


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


LEVEL_COLUMNS = ("applications", "approved", "sat", "passed", "rate", "valid")
MONTH_COLUMNS = ("applications", "approved", "sat", "passed", "rate", "issued")


def by_level(rows: list[dict[str, Any]]) -> Table:
    return Table(
        "levels",
        "按等级：申报、合格与证书",
        ["等级", "申报", "审核通过", "参评", "合格", "合格率", "有效证书"],
        [_row(LEVEL_NAMES.get(r["level"], r["level"]), r, LEVEL_COLUMNS) for r in rows],
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
        _figures(scope, filters, coarsest=Grain.MONTH)
        .annotate(month=TruncMonth("day"))
        .values("month")
        .annotate(**_sums("applications", "approved", "sat", "passed", "issued"))
        .order_by("month")
    )
    return Table(
        "months",
        "按月趋势",
        ["月份", "申报", "审核通过", "参评", "合格", "合格率", "发证"],
        [_row(r["month"].strftime("%Y-%m"), r, MONTH_COLUMNS) for r in rows],
    )


def _area_digits(scope: Scope, filters: Filters) -> int:
    """How many code digits the region table groups by: provinces for the whole country,
    cities inside a province, counties inside a city."""
    areas = [filters.region] if filters.region else sorted(scope.region_prefixes)
    if not areas or (scope.is_platform and not filters.region):
        return 2
    return min(6, min(len(a) for a in areas) + 2)


SHOWN_HEADERS = ["申报", "参评", "合格", "合格率", "有效证书"]
SHOWN_COLUMNS = ("applications", "sat", "passed", "rate", "valid")


def _shown_row(label: Any, r: dict[str, Any]) -> list[Any]:
    """One row of the tables that show `SHOWN`: the label, then `SHOWN_HEADERS`."""
    return _row(label, r, SHOWN_COLUMNS)


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
    names = region_names(codes=set(codes))
    return Table(
        "regions",
        {2: "按省份", 4: "按地市", 6: "按区县"}[digits],
        ["地区", *SHOWN_HEADERS],
        [_shown_row(names.get(code, code), r) for code, r in zip(codes, rows, strict=True)],
    )


def _by_dimension(
    scope: Scope, filters: Filters, column: str, labels: dict[str, str]
) -> list[list[Any]]:
    rows = _counts(
        _figures(scope, filters).values(column).annotate(**_sums(*SHOWN)).order_by(column)
    )
    return [_shown_row(labels.get(r[column], r[column]), r) for r in rows]


def by_route(scope: Scope, filters: Filters) -> Table:
    return Table(
        "routes",
        "按评价途径（社会化考试、企业自主评价、技能竞赛、直评）",
        ["评价途径", *SHOWN_HEADERS],
        _by_dimension(scope, filters, "route", ROUTE_LABELS),
    )


def by_org_kind(scope: Scope, filters: Filters) -> Table:
    return Table(
        "org_kinds",
        "按评价机构类型",
        ["机构类型", *SHOWN_HEADERS],
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
