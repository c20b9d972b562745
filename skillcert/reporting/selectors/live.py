"""Figures read live from the small tables: organisations, credit listings, filing scope,
plans, personnel, supervision and complaints (current counts over thousands of rows, which a
summary would only make stale)."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.db.models import Count, Q, QuerySet
from django.db.models.functions import Substr

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
