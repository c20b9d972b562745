"""技能人才统计: every figure is one aggregate query (GROUP BY in the database) over the live
tables, narrowed to the officer's region and the filters; nothing is counted in Python loops
and nothing is typed in.

Each table is a `Table` (key, title, headers, rows) so the page, the Excel export and the
JSON API render the same data."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.apps import apps
from django.db.models import Case, CharField, Count, Q, QuerySet, Value, When
from django.db.models.functions import Substr, TruncMonth

from skillcert.accounts.scope import Scope
from skillcert.applications.models import Application, Status
from skillcert.organizations.core import LEVEL_NAMES
from skillcert.organizations.credit import listing_in_force_q
from skillcert.organizations.models import (
    CreditList,
    CreditListing,
    EvaluationOrg,
    OrgKind,
    OrgScope,
    OrgStatus,
)
from skillcert.personnel.models import PersonRole, PersonRoleStatus, RoleKind
from skillcert.plans.models import EvaluationPlan, PlanStatus
from skillcert.regions.models import Region
from skillcert.supervision.models import (
    Complaint,
    ComplaintStatus,
    Finding,
    Rating,
    Severity,
    Visit,
    VisitStatus,
)


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

    @property
    def total(self) -> int:
        return sum(r[-1] for r in self.rows if isinstance(r[-1], int))


TIER_OF_STATUS = {
    Status.ORG_REVIEW: "org",
    Status.ORG_PASSED: "city",
    Status.CITY_REVIEW: "city",
    Status.CITY_PASSED: "province",
    Status.PROVINCE_REVIEW: "province",
}
TIER_LABELS = {"org": "初审", "city": "复审", "province": "终审", "": "不在审核中"}


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


def _applications(scope: Scope, filters: Filters) -> QuerySet[Application]:
    return Application.objects.filter(
        _region_q(scope, filters, "plan__organization__region__code"),
        _kind_q(filters, "plan__organization__kind"),
        _period_q(filters, "submitted_at__date"),
    ).exclude(status=Status.DRAFT)


def applications_by_status(scope: Scope, filters: Filters) -> Table:
    rows = _applications(scope, filters).values("status").annotate(n=Count("id")).order_by("status")
    return Table(
        "apps_status",
        "申报 · 按状态",
        ["状态", "申报数"],
        _labelled(rows, "status", dict(Status.choices)),
    )


def applications_by_tier(scope: Scope, filters: Filters) -> Table:
    tier = Case(
        *(When(status=s, then=Value(t)) for s, t in TIER_OF_STATUS.items()),
        default=Value(""),
        output_field=CharField(),
    )
    rows = (
        _applications(scope, filters)
        .annotate(tier=tier)
        .values("tier")
        .annotate(n=Count("id"))
        .order_by("tier")
    )
    return Table(
        "apps_tier",
        "申报 · 按审核层级",
        ["审核层级", "申报数"],
        _labelled(rows, "tier", TIER_LABELS),
    )


def applications_by_level(scope: Scope, filters: Filters) -> Table:
    rows = _applications(scope, filters).values("level").annotate(n=Count("id")).order_by("-level")
    return Table(
        "apps_level", "申报 · 按等级", ["等级", "申报数"], _labelled(rows, "level", LEVEL_NAMES)
    )


def applications_by_month(scope: Scope, filters: Filters) -> Table:
    rows = (
        _applications(scope, filters)
        .annotate(month=TruncMonth("submitted_at"))
        .values("month")
        .annotate(n=Count("id"))
        .order_by("month")
    )
    return Table(
        "apps_month",
        "申报 · 按月趋势",
        ["月份", "申报数"],
        _labelled(rows, "month", lambda m: m.strftime("%Y-%m") if m else "未提交"),
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


def _optional_model(app_label: str, name: str) -> Any:
    """The model, or None while its app has not landed (scoring and certificates were built
    alongside this app)."""
    if not apps.is_installed(f"skillcert.{app_label}"):
        return None
    try:
        return apps.get_model(app_label, name)
    except LookupError:
        return None


def results_by_level(scope: Scope, filters: Filters) -> Table | None:
    """Published and registered results per level: candidates assessed, passed, pass rate."""
    model = _optional_model("scoring", "Result")
    if model is None:
        return None
    rows = (
        model.objects.filter(
            _region_q(scope, filters, "organization__region__code"),
            _kind_q(filters, "organization__kind"),
            _period_q(filters, "published_at__date"),
            status__in=["published", "registered"],
        )
        .values("level")
        .annotate(n=Count("pk"), passed=Count("pk", filter=Q(passed=True)))
        .order_by("-level")
    )
    return Table(
        "results",
        "认定成绩 · 按等级（已发布）",
        ["等级", "合格人数", "合格率", "参评人数"],
        [
            [
                LEVEL_NAMES.get(r["level"], r["level"]),
                r["passed"],
                f"{r['passed'] * 100 / r['n']:.1f}%" if r["n"] else "—",
                r["n"],
            ]
            for r in rows
        ],
    )


def results_by_route(scope: Scope, filters: Filters) -> Table | None:
    model = _optional_model("scoring", "Result")
    if model is None:
        return None
    labels = dict(model._meta.get_field("route").choices or [])
    rows = (
        model.objects.filter(
            _region_q(scope, filters, "organization__region__code"),
            _kind_q(filters, "organization__kind"),
            _period_q(filters, "published_at__date"),
            status__in=["published", "registered"],
        )
        .values("route")
        .annotate(n=Count("pk", filter=Q(passed=True)))
        .order_by("route")
    )
    return Table(
        "results_route",
        "合格人数 · 按评价途径",
        ["评价途径", "合格人数"],
        _labelled(rows, "route", labels),
    )


def _certificates(scope: Scope, filters: Filters) -> Any:
    model = _optional_model("certificates", "Certificate")
    if model is None:
        return None
    return model.objects.filter(
        _region_q(scope, filters, "organization__region__code"),
        _kind_q(filters, "organization__kind"),
        _period_q(filters, "issue_date"),
        status="valid",
    )


def certificates_by_level(scope: Scope, filters: Filters) -> Table | None:
    """Valid certificates per level, and the high-skill share (三级/高级工 and above)."""
    rows_qs = _certificates(scope, filters)
    if rows_qs is None:
        return None
    rows = list(rows_qs.values("level").annotate(n=Count("pk")).order_by("-level"))
    total = sum(r["n"] for r in rows)
    high = sum(r["n"] for r in rows if r["level"] <= 3)
    table = Table(
        "certificates",
        "职业技能等级证书 · 按等级（有效）",
        ["等级", "证书数"],
        _labelled(rows, "level", LEVEL_NAMES),
    )
    if total:
        table.title += f"；高技能人才（高级工及以上）占比 {high * 100 / total:.1f}%"
    return table


def certificates_by_occupation(scope: Scope, filters: Filters) -> Table | None:
    rows_qs = _certificates(scope, filters)
    if rows_qs is None:
        return None
    rows = (
        rows_qs.values("occupation__code", "occupation_name")
        .annotate(n=Count("pk"))
        .order_by("-n", "occupation__code")[:50]
    )
    return Table(
        "certificates_occupation",
        "职业技能等级证书 · 按职业（前50）",
        ["职业编码", "职业", "证书数"],
        [[r["occupation__code"], r["occupation_name"], r["n"]] for r in rows],
    )


def certificates_by_month(scope: Scope, filters: Filters) -> Table | None:
    rows_qs = _certificates(scope, filters)
    if rows_qs is None:
        return None
    rows = (
        rows_qs.annotate(month=TruncMonth("issue_date"))
        .values("month")
        .annotate(n=Count("pk"))
        .order_by("month")
    )
    return Table(
        "certificates_month",
        "职业技能等级证书 · 按月趋势",
        ["月份", "证书数"],
        _labelled(rows, "month", lambda m: m.strftime("%Y-%m")),
    )


def dashboard(scope: Scope, filters: Filters, *, today: dt.date) -> list[Table]:
    """Every table of the statistics page, in reading order."""
    tables = [
        orgs_by_kind(scope, filters),
        orgs_by_city(scope, filters),
        orgs_by_status(scope, filters),
        credit_listings(scope, filters, today),
        scope_coverage(scope, filters),
        plans_by_status(scope, filters),
        applications_by_status(scope, filters),
        applications_by_tier(scope, filters),
        applications_by_level(scope, filters),
        applications_by_month(scope, filters),
        personnel_by_role(scope, filters),
        supervision_visits(scope, filters),
        supervision_findings(scope, filters),
        complaints_by_status(scope, filters),
    ]
    for optional in (
        results_by_level(scope, filters),
        results_by_route(scope, filters),
        certificates_by_level(scope, filters),
        certificates_by_occupation(scope, filters),
        certificates_by_month(scope, filters),
    ):
        if optional is not None:
            tables.append(optional)
    return tables
