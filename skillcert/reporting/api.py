"""/api/v1/reporting: the statistics tables as JSON (officers only; others get 404)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from ninja import Router, Schema

from skillcert.accounts.scope import scope_or_404
from skillcert.common.api import ErrorOut
from skillcert.reporting.filters import filters_from
from skillcert.reporting.selectors import dashboard

router = Router(tags=["reporting"])


class TableOut(Schema):
    key: str
    title: str
    headers: list[str]
    rows: list[list[Any]]
    total: int


class SummaryOut(Schema):
    region: str
    date_from: str | None
    date_to: str | None
    kind: str
    tables: list[TableOut]


@router.get(
    "/summary",
    response={200: SummaryOut, 400: ErrorOut},
    summary="技能人才统计汇总（按地区、期间、机构类型筛选）",
)
def summary(
    request: HttpRequest, region: str = "", date_from: str = "", date_to: str = "", kind: str = ""
) -> dict[str, Any]:
    scope = scope_or_404(request.user)
    filters = filters_from(
        {"region": region, "date_from": date_from, "date_to": date_to, "kind": kind}, scope
    )
    tables = dashboard(scope, filters, today=timezone.localdate())
    return {
        "region": filters.region,
        "date_from": filters.date_from.isoformat() if filters.date_from else None,
        "date_to": filters.date_to.isoformat() if filters.date_to else None,
        "kind": filters.org_kind,
        "tables": [
            {"key": t.key, "title": t.title, "headers": t.headers, "rows": t.rows, "total": t.total}
            for t in tables
        ],
    }
