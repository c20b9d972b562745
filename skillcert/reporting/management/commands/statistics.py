"""Statistics from the command line (and from cron or a systemd timer, see DEPLOYMENT.md).

statistics refresh [--since YYYY-MM-DD] [--full]
    bring the daily summary up to date: the days changed since the previous run and today,
    every day from --since, or everything with --full. Idempotent.
statistics report (--period YYYY-MM | --year YYYY | --previous month|year) [--region CODE]
    refresh, then render the monthly or yearly report (PDF and Excel) of each province and
    city with organisations, or of one region; a second run replaces the files."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from skillcert.common.errors import DomainError
from skillcert.regions.selectors import region_by_code
from skillcert.reporting.models import ReportKind
from skillcert.reporting.selectors import report_regions
from skillcert.reporting.services import (
    STATISTICS,
    figures_refresh,
    previous_period,
    report_period,
    statistics_report_generate,
)


class Command(BaseCommand):
    help = "技能人才统计：更新每日统计汇总、生成月报和年报"

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="subcommand", required=True)
        refresh = sub.add_parser("refresh")
        refresh.add_argument("--since", help="从该日期（YYYY-MM-DD）起逐日重算")
        refresh.add_argument("--full", action="store_true", help="全量重建")
        report = sub.add_parser("report")
        which = report.add_mutually_exclusive_group(required=True)
        which.add_argument("--period", help="月报统计期，如 2026-10")
        which.add_argument("--year", help="年报统计年度，如 2026")
        which.add_argument("--previous", choices=["month", "year"], help="上一个完整的月或年")
        report.add_argument("--region", help="只生成该地区（省或市的行政区划代码）的报表")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            getattr(self, "_" + options["subcommand"])(options)
        except DomainError as exc:
            raise CommandError(exc.message) from None

    def _refresh(self, options: dict[str, Any]) -> None:
        since = None
        if options.get("since"):
            try:
                since = dt.date.fromisoformat(options["since"])
            except ValueError:
                raise CommandError("--since 应为 YYYY-MM-DD") from None
        run = figures_refresh(actor=STATISTICS, since=since, full=options["full"])
        took = (run.finished_at - run.started_at).total_seconds() if run.finished_at else 0
        scope = "全量重建" if run.full else f"重算 {len(run.days)} 天"
        self.stdout.write(f"统计汇总已更新：{scope}，写入 {run.rows} 行，用时 {took:.1f} 秒")

    def _report(self, options: dict[str, Any]) -> None:
        today = timezone.localdate()
        if options.get("period"):
            kind, period = ReportKind.MONTHLY, options["period"]
        elif options.get("year"):
            kind, period = ReportKind.YEARLY, options["year"]
        else:
            kind = ReportKind.MONTHLY if options["previous"] == "month" else ReportKind.YEARLY
            period = previous_period(kind=kind, today=today)
        report_period(kind=kind, period=period)  # refuse a bad period before any work
        if options.get("region"):
            region = region_by_code(code=options["region"].strip())
            if region is None or len(region.prefix) > 4:
                raise CommandError("--region 应为省或市的行政区划代码，如 320000、320100")
            regions = [region]
        else:
            regions = report_regions()
        figures_refresh(actor=STATISTICS)
        for region in regions:
            report = statistics_report_generate(
                kind=kind, period=period, region=region, actor=STATISTICS, today=today
            )
            self.stdout.write(
                f"{region.name} {period} {report.get_kind_display()}：{report.pdf.name}"
            )
        self.stdout.write(f"已生成 {len(regions)} 份报表")
