"""Reporting writes: refreshing the daily summary and generating the monthly and yearly
reports. Both are derived from the live tables; nothing here is typed in."""

from __future__ import annotations

import datetime as dt
import re
from typing import TYPE_CHECKING

from django.core.files.base import ContentFile
from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone

from skillcert.accounts.actors import Actor, SystemActor, actor_ref, actor_user
from skillcert.audit.services import audit_record, audited_create
from skillcert.common.errors import DomainError
from skillcert.reporting import facts
from skillcert.reporting.documents import report_content, report_pdf, report_xlsx
from skillcert.reporting.models import (
    Figures,
    Grain,
    RefreshRun,
    ReportKind,
    StatisticsReport,
)
from skillcert.reporting.selectors import last_refresh

if TYPE_CHECKING:
    from skillcert.regions.models import Region

# Rows written by a transaction that started before the previous run but committed after it
# began are caught by looking back this far behind the watermark.
LOOKBACK = dt.timedelta(minutes=10)
# Serialises refreshes on PostgreSQL (SQLite writers are serialised by the database).
REFRESH_LOCK = 0x5C_57A7
# The scheduled refresh and reports, when no officer asked for them.
STATISTICS = SystemActor("statistics")


def _lock_refresh() -> None:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [REFRESH_LOCK])


def _summary_rewrite(summary: facts.Summary, days: set[dt.date] | None) -> int:
    """Delete the summary's rows of `days` (and of their whole months and years; every row
    when `days` is None) and write them again from the live tables, days first, then months
    from days and years from months; the number of rows written."""
    ranges = None if days is None else facts.day_ranges(days)
    months = None if days is None else facts.month_ranges(days)
    years = None if days is None else facts.year_ranges(days)
    old = summary.model._default_manager.all()
    if ranges is not None and months is not None and years is not None:
        old = old.filter(
            Q(facts.within("day", ranges, is_datetime=False), grain=Grain.DAY)
            | Q(facts.within("day", months, is_datetime=False), grain=Grain.MONTH)
            | Q(facts.within("day", years, is_datetime=False), grain=Grain.YEAR)
        )
    old.delete()
    written = 0
    with connection.cursor() as cursor:
        for sql, params in (
            facts.day_rows_sql(ranges, summary),
            facts.rollup_sql(months, summary, Grain.MONTH),
            facts.rollup_sql(years, summary, Grain.YEAR),
        ):
            cursor.execute(sql, params)
            written += max(cursor.rowcount, 0)
        if connection.vendor == "postgresql":
            # Fresh statistics, so the dashboards' plans fit the new row counts at once
            # instead of after autovacuum's next pass.
            table = connection.ops.quote_name(summary.model._meta.db_table)
            cursor.execute(f"ANALYZE {table}")
    return written


def figures_refresh(
    *, actor: Actor, since: dt.date | None = None, full: bool = False, today: dt.date | None = None
) -> RefreshRun:
    """Recompute the summaries (`Figures`, `OrgActivity`, `PostFigures`) for the days that
    may have changed: every day from `since` to today, today itself, and, per summary, the
    days of the live rows it counts that changed since the previous run (with a look-back),
    then the month and year rows of the months and years those days fall in. The first run,
    or `full=True`, rebuilds everything. Rows are deleted and re-aggregated in one
    transaction, so running it twice changes nothing. The run records the days and rows of
    `Figures`; its audit event has every summary's."""
    today = today or timezone.localdate()
    if since is not None and since > today:
        raise DomainError("reporting.since_future", "起始日期不能晚于今天", field="since")
    started = timezone.now()
    with transaction.atomic():
        _lock_refresh()
        previous = last_refresh()
        full = full or previous is None
        always = {today}
        if since is not None:
            always.update(since + dt.timedelta(days=n) for n in range((today - since).days + 1))
        days: dict[str, set[dt.date] | None] = {}
        rows: dict[str, int] = {}
        for summary in facts.SUMMARIES:
            name = summary.model._meta.label
            if previous is None or full:
                days[name] = None
            else:
                days[name] = summary.changed(previous.started_at - LOOKBACK) | always
            rows[name] = _summary_rewrite(summary, days[name])
        figures = Figures._meta.label
        return audited_create(
            RefreshRun,
            actor=actor,
            action="statistics.refresh",
            changes={
                "full": full,
                "days": len(days[figures] or ()),
                "rows": rows[figures],
                "summaries": {
                    name: {"days": len(days[name] or ()), "rows": rows[name]} for name in rows
                },
            },
            full=full,
            since=since,
            days=[d.isoformat() for d in sorted(days[figures] or ())],
            rows=rows[figures],
            started_at=started,
            finished_at=timezone.now(),
            actor_ref=actor_ref(actor),
        )


# --- reports -------------------------------------------------------------------------------


def report_period(*, kind: str, period: str) -> tuple[dt.date, dt.date]:
    """The first and last day of "2026-10" (monthly) or "2026" (yearly)."""
    if kind not in ReportKind.values:
        raise DomainError("reporting.kind_invalid", "报表类型应为月报或年报", field="kind")
    monthly = kind == ReportKind.MONTHLY
    period = period.strip()
    matched = re.fullmatch(r"([0-9]{4})-([0-9]{2})" if monthly else r"([0-9]{4})", period)
    month = int(matched.group(2)) if matched and monthly else 1
    if matched is None or not 1900 <= int(matched.group(1)) <= 2999 or not 1 <= month <= 12:
        example = "2026-10" if monthly else "2026"
        raise DomainError("reporting.period_invalid", f"统计期格式应为 {example}", field="period")
    year = int(matched.group(1))
    if not monthly:
        return dt.date(year, 1, 1), dt.date(year, 12, 31)
    following = dt.date(year + month // 12, month % 12 + 1, 1)
    return dt.date(year, month, 1), following - dt.timedelta(days=1)


def previous_period(*, kind: str, today: dt.date) -> str:
    """The last complete month ("2026-10") or year ("2025") before `today`."""
    if kind == ReportKind.MONTHLY:
        last_month = today.replace(day=1) - dt.timedelta(days=1)
        return f"{last_month:%Y-%m}"
    return str(today.year - 1)


def statistics_report_generate(
    *, kind: str, period: str, region: Region, actor: Actor, today: dt.date | None = None
) -> StatisticsReport:
    """Render the report of `region` for the period to PDF and Excel and keep both; run
    again, it replaces the files of the same kind, period and region."""
    date_from, date_to = report_period(kind=kind, period=period)
    today = today or timezone.localdate()
    if date_from > today:
        raise DomainError("reporting.period_future", "统计期尚未开始，不能生成报表", field="period")
    content = report_content(
        kind=kind, period=period, region=region, date_from=date_from, date_to=date_to
    )
    pdf, xlsx = report_pdf(content), report_xlsx(content)
    stem = f"{region.code}-{period}-{kind}"
    with transaction.atomic():
        report, created = StatisticsReport.objects.select_for_update().get_or_create(
            kind=kind,
            period=period,
            region=region,
            defaults={"date_from": date_from, "date_to": date_to},
        )
        old_files = [] if created else [report.pdf.name, report.xlsx.name]
        report.date_from, report.date_to = date_from, date_to
        report.figures = content.headline
        report.created_by = actor_user(actor)
        report.pdf.save(f"{stem}.pdf", ContentFile(pdf), save=False)
        report.xlsx.save(f"{stem}.xlsx", ContentFile(xlsx), save=False)
        report.save()
        audit_record(
            actor=actor,
            action="statistics.report",
            obj=report,
            changes={"kind": kind, "period": period, "region": region.code, "new": created},
        )
        storage = report.pdf.storage
        transaction.on_commit(
            lambda: [storage.delete(name) for name in old_files if name and storage.exists(name)]
        )
    return report
