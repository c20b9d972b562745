"""The statistics page: every table in reading order."""

from __future__ import annotations

import datetime as dt

from skillcert.accounts.scope import Scope
from skillcert.reporting.selectors.live import (
    complaints_by_status,
    credit_listings,
    examiner_workload,
    organisations_activity,
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
from skillcert.reporting.selectors.summary import (
    applications_by_status,
    applications_by_tier,
    by_level,
    by_month,
    by_occupation,
    by_org_kind,
    by_region,
    by_route,
    figures_totals,
    headline,
    high_skill_share,
    pass_rates,
    per_level,
)
from skillcert.reporting.selectors.tables import (
    Filters,
    Table,
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
