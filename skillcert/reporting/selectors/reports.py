"""The report files: which reports an officer sees, and for which regions they are made."""

from __future__ import annotations

from django.db.models import QuerySet

from skillcert.accounts.scope import Scope
from skillcert.organizations.models import (
    EvaluationOrg,
)
from skillcert.regions.models import Region
from skillcert.reporting.models import (
    RefreshRun,
    StatisticsReport,
)


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
