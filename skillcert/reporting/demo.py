"""Demo statistics for `manage.py demo` (last, after every other demo and the simulation):
bring the summary up to date with the demo's rows and keep last month's reports, so the
statistics page and the report list show figures computed from the demo data. Idempotent:
the refresh recomputes the same rows and existing reports are kept."""

from __future__ import annotations

from django.utils import timezone

from skillcert.accounts.actors import Actor
from skillcert.reporting.models import ReportKind, StatisticsReport
from skillcert.reporting.selectors import report_regions
from skillcert.reporting.services import (
    figures_refresh,
    previous_period,
    statistics_report_generate,
)


def load_reporting_demo(actor: Actor) -> None:
    figures_refresh(actor=actor)
    period = previous_period(kind=ReportKind.MONTHLY, today=timezone.localdate())
    for region in report_regions():
        if not StatisticsReport.objects.filter(
            kind=ReportKind.MONTHLY, period=period, region=region
        ).exists():
            statistics_report_generate(
                kind=ReportKind.MONTHLY, period=period, region=region, actor=actor
            )
