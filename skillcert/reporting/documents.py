"""The monthly and yearly statistics reports: the same tables as the dashboard, for one
province or city and one period, rendered to PDF (typst) and Excel."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from django.utils import timezone

from skillcert.accounts.scope import SYSTEM_SCOPE
from skillcert.common.documents import TypstDocument
from skillcert.common.exports import xlsx_bytes
from skillcert.reporting import selectors
from skillcert.reporting.models import ReportKind
from skillcert.reporting.selectors import Filters, Table

if TYPE_CHECKING:
    from skillcert.regions.models import Region

REPORT = TypstDocument(Path(__file__).with_name("typst") / "report.typ")
NOTE = (
    "数据来源：平台每日统计汇总（由申报、成绩、证书等业务数据自动汇总，非人工填报）。"
    "申报按提交日期、参评与合格按成绩发布日期、发证按发证日期、撤销按撤销日期计入统计期。"
)


@dataclass
class ReportContent:
    title: str
    subtitle: str
    headline: dict[str, int]  # the counters summed over the period (`figures_totals`)
    tables: list[Table]
    generated: str


def _period_label(kind: str, date_from: dt.date) -> str:
    if kind == ReportKind.MONTHLY:
        return f"{date_from.year}年{date_from.month}月"
    return f"{date_from.year}年"


def report_content(
    *, kind: str, period: str, region: Region, date_from: dt.date, date_to: dt.date
) -> ReportContent:
    filters = Filters(region=region.prefix, date_from=date_from, date_to=date_to)
    scope = SYSTEM_SCOPE  # produced by the system for a region, not in an officer's scope
    totals = selectors.figures_totals(scope, filters)
    levels = selectors.per_level(scope, filters)
    tables = [
        selectors.headline(totals),
        *([selectors.by_month(scope, filters)] if kind == ReportKind.YEARLY else []),
        selectors.by_level(levels),
        selectors.high_skill_share(totals),
        selectors.by_region(scope, filters),
        selectors.by_route(scope, filters),
        selectors.by_org_kind(scope, filters),
        selectors.by_occupation(scope, filters),
        selectors.applications_by_status(totals),
        selectors.supervision_coverage(scope, filters),
        selectors.supervision_visits(scope, filters),
        selectors.supervision_findings(scope, filters),
        selectors.complaints_by_status(scope, filters),
    ]
    label = ReportKind(kind).label
    return ReportContent(
        title=f"{region.name}技能人才统计{label}（{_period_label(kind, date_from)}）",
        subtitle=f"统计期 {date_from:%Y-%m-%d} 至 {date_to:%Y-%m-%d}",
        headline=totals,
        tables=tables,
        generated=timezone.localtime().strftime("%Y-%m-%d %H:%M"),
    )


def _bars(table: Table) -> list[float]:
    """Bar lengths for tables whose last column is a count (the PDF's stand-in for a chart)."""
    values = [row[-1] for row in table.rows]
    if not table.summable or not all(isinstance(v, int) for v in values):
        return []
    top = max(values, default=0)
    return [v / top if top else 0.0 for v in values]


def report_pdf(content: ReportContent) -> bytes:
    headline, *tables = content.tables
    data = {
        "title": content.title,
        "subtitle": content.subtitle,
        "generated": content.generated,
        "note": NOTE,
        "headline": [[str(label), str(value)] for label, value in headline.rows],
        "tables": [
            {
                "title": t.title,
                "headers": t.headers,
                "rows": [[str(c) for c in row] for row in t.rows],
                "bars": _bars(t),
            }
            for t in tables
        ],
    }
    return REPORT.render(data)


def report_xlsx(content: ReportContent) -> bytes:
    """All tables on one sheet, each row led by its table's title, like the dashboard's
    "export all"."""
    width = max(len(t.headers) for t in content.tables)
    return xlsx_bytes(
        ["统计表", *[f"列{i + 1}" for i in range(width)]],
        (
            [t.title, *row]
            for t in [Table("title", content.title, [content.subtitle]), *content.tables]
            for row in [t.headers, *t.rows]
        ),
        sheet="技能人才统计",
    )
