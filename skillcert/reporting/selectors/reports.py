"""The report files: which reports an officer sees, and for which regions they are made."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import QuerySet

from skillcert.accounts.scope import Scope
from skillcert.organizations.selectors import organization_region_codes
from skillcert.regions.selectors import regions_with_codes
from skillcert.reporting.models import (
    RefreshRun,
    StatisticsReport,
)

if TYPE_CHECKING:
    from skillcert.regions.models import Region


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
    for county in organization_region_codes(within=within):
        codes.update({f"{county[:2]}0000", f"{county[:4]}00"})
    return list(regions_with_codes(codes=sorted(codes)))


def report_regions_for(*, scope: Scope) -> list[Region]:
    """The reports an officer may generate: their own area and, for a province officer, every
    city in it that has organisations."""
    if scope.is_platform:
        return report_regions()
    regions: list[Region] = []
    for prefix in sorted(scope.region_prefixes):
        regions.extend(report_regions(within=prefix))
    return [r for r in regions if r.prefix.startswith(tuple(scope.region_prefixes))]
