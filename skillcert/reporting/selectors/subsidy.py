"""The subsidy basis (seed 004 §十三, §十七): registered passing results an organisation's
training subsidy may rest on."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Count
from django.utils import timezone

from skillcert.accounts.scope import Scope
from skillcert.organizations.core import LEVEL_NAMES
from skillcert.organizations.credit import listings_in_force
from skillcert.reporting.selectors.tables import (
    ROUTE_LABELS,
)
from skillcert.scoring.choices import ResultStatus
from skillcert.scoring.selectors import results_in_area
from skillcert.supervision.selectors import plans_with_unresolved_serious_findings


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
    rows = _registered_passes(scope, date_from, date_to)
    listed = {
        listing.org_id: listing.get_list_kind_display()
        for listing in listings_in_force(
            org_ids=sorted({r["organization_id"] for r in rows}), day=date_to
        )
    }
    unresolved = plans_with_unresolved_serious_findings(
        plan_ids={r["batch__plan_id"] for r in rows}
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


def _registered_passes(scope: Scope, date_from: dt.date, date_to: dt.date) -> list[dict[str, Any]]:
    """Passing results registered in the period, counted per organisation, plan, occupation,
    level and route."""
    tz = timezone.get_current_timezone()
    start = dt.datetime.combine(date_from, dt.time.min, tzinfo=tz)
    end = dt.datetime.combine(date_to + dt.timedelta(days=1), dt.time.min, tzinfo=tz)
    return list(
        results_in_area(scope=scope)
        .filter(
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
