"""The statistics page: every table in reading order."""

from __future__ import annotations

import datetime as dt

from skillcert.accounts.scope import Scope
from skillcert.reporting.selectors import activity, live, summary
from skillcert.reporting.selectors.tables import Filters, Table


def dashboard(scope: Scope, filters: Filters, *, today: dt.date) -> list[Table]:
    """Every table of the statistics page, in reading order."""
    totals = summary.figures_totals(scope, filters)
    levels = summary.per_level(scope, filters)
    return [
        summary.headline(totals),
        summary.by_month(scope, filters),
        summary.by_level(levels),
        summary.high_skill_share(totals),
        summary.pass_rates(levels),
        summary.by_region(scope, filters),
        summary.by_route(scope, filters),
        summary.by_org_kind(scope, filters),
        summary.by_occupation(scope, filters),
        summary.applications_by_status(totals),
        summary.applications_by_tier(totals),
        live.orgs_by_kind(scope, filters),
        live.orgs_by_city(scope, filters),
        live.orgs_by_status(scope, filters),
        live.credit_listings(scope, filters, today),
        live.scope_coverage(scope, filters),
        live.plans_by_status(scope, filters),
        live.personnel_by_role(scope, filters),
        activity.examiner_workload(scope, filters),
        activity.organisations_activity(scope, filters),
        live.supervision_coverage(scope, filters),
        live.supervision_visits(scope, filters),
        live.supervision_findings(scope, filters),
        live.complaints_by_status(scope, filters),
    ]
