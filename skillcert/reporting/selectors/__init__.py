"""技能人才统计: every figure is an aggregate query (GROUP BY in the database), narrowed to the
officer's region and the filters; nothing is counted in Python loops and nothing is typed in.

Applications, results and certificates are read from `Figures`, organisations' activity
from `OrgActivity` and exam-day posts from `PostFigures`, the summary the background
refresh keeps (see `services.figures_refresh`): month rows for whole months and day rows for
the partial months of a period, so a province with millions of certificates aggregates a few
tens of thousands of narrow rows. Organisations, plans, personnel,
supervision and complaints are small current counts and are read live.

Each table is a `Table` (key, title, headers, rows) so the page, its charts, the Excel export,
the JSON API and the PDF reports render the same data.

The parts: `tables` (filters, `Table`, the grouped count), `live` (small tables read live),
`summary` (figures from the summary), `activity` (organisations' activity and exam-day posts
from theirs), `dashboard` (the page), `reports` (report files) and
`subsidy` (the subsidy basis)."""

from skillcert.reporting.selectors.activity import (
    examiner_workload,
    organisations_activity,
)
from skillcert.reporting.selectors.dashboard import (
    dashboard,
)
from skillcert.reporting.selectors.live import (
    complaints_by_status,
    credit_listings,
    orgs_by_city,
    orgs_by_kind,
    orgs_by_status,
    personnel_by_role,
    plans_by_status,
    scope_coverage,
    supervision_coverage,
    supervision_findings,
    supervision_visits,
)
from skillcert.reporting.selectors.reports import (
    last_refresh,
    report_regions,
    report_regions_for,
    reports_visible,
)
from skillcert.reporting.selectors.subsidy import (
    SubsidyRow,
    subsidy_basis,
)
from skillcert.reporting.selectors.summary import (
    SHOWN,
    SUMS,
    TIER_COLUMNS,
    applications_by_status,
    applications_by_tier,
    by_level,
    by_month,
    by_occupation,
    by_org_kind,
    by_region,
    by_route,
    figures_totals,
    grain_q,
    headline,
    high_skill_share,
    pass_rates,
    per_level,
)
from skillcert.reporting.selectors.tables import (
    HIGH_SKILL_MAX_LEVEL,
    ROUTE_LABELS,
    Filters,
    Table,
    grouped_counts,
    rate,
)

__all__ = [
    "HIGH_SKILL_MAX_LEVEL",
    "ROUTE_LABELS",
    "SHOWN",
    "SUMS",
    "TIER_COLUMNS",
    "Filters",
    "SubsidyRow",
    "Table",
    "applications_by_status",
    "applications_by_tier",
    "by_level",
    "by_month",
    "by_occupation",
    "by_org_kind",
    "by_region",
    "by_route",
    "complaints_by_status",
    "credit_listings",
    "dashboard",
    "examiner_workload",
    "figures_totals",
    "grain_q",
    "grouped_counts",
    "headline",
    "high_skill_share",
    "last_refresh",
    "organisations_activity",
    "orgs_by_city",
    "orgs_by_kind",
    "orgs_by_status",
    "pass_rates",
    "per_level",
    "personnel_by_role",
    "plans_by_status",
    "rate",
    "report_regions",
    "report_regions_for",
    "reports_visible",
    "scope_coverage",
    "subsidy_basis",
    "supervision_coverage",
    "supervision_findings",
    "supervision_visits",
]
