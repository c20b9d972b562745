"""ECharts options for the statistics tables. Each chart is drawn from exactly the rows of its
table (which the page shows beside it and exports to Excel), so the picture and the figures
cannot disagree. Options are plain JSON: no JavaScript functions (the CSP allows none)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from skillcert.reporting.selectors import Table

PALETTE = ["#2f6db5", "#e08a2c", "#3f9b5f", "#b94a48", "#7d5ba6", "#5a7f8c"]


def _percent(text: Any) -> float | None:
    return float(text.rstrip("%")) if isinstance(text, str) and text.endswith("%") else None


def _base(title: str) -> dict[str, Any]:
    return {
        "title": {"text": title, "left": "center", "textStyle": {"fontSize": 14}},
        "color": PALETTE,
        "grid": {"left": 60, "right": 30, "top": 60, "bottom": 50, "containLabel": True},
        "legend": {"top": 26},
    }


def _series_by_column(table: Table, columns: list[str], kind: str) -> list[dict[str, Any]]:
    index = {h: i for i, h in enumerate(table.headers)}
    return [
        {"name": c, "type": kind, "data": [row[index[c]] for row in table.rows]} for c in columns
    ]


def _categories(table: Table, column: int = 0) -> list[str]:
    return [str(row[column]) for row in table.rows]


def trend(table: Table) -> dict[str, Any]:
    option = _base("按月趋势：申报、审核通过、合格、发证")
    option["xAxis"] = {"type": "category", "data": _categories(table)}
    option["yAxis"] = {"type": "value", "name": "人次"}
    option["series"] = _series_by_column(table, ["申报", "审核通过", "合格", "发证"], "line")
    return option


def levels(table: Table) -> dict[str, Any]:
    option = _base("按等级：申报、合格与有效证书")
    option["xAxis"] = {"type": "category", "data": _categories(table)}
    option["yAxis"] = {"type": "value", "name": "人次"}
    option["series"] = _series_by_column(table, ["申报", "合格", "有效证书"], "bar")
    return option


def high_skill(table: Table) -> dict[str, Any]:
    option = _base(table.title)
    option["tooltip"] = {"trigger": "item", "formatter": "{b}：{c}（{d}%）"}
    option["series"] = [
        {
            "name": "有效证书",
            "type": "pie",
            "radius": ["35%", "65%"],
            "center": ["50%", "58%"],
            "data": [{"name": row[0], "value": row[1]} for row in table.rows],
            "label": {"formatter": "{b}\n{d}%"},
        }
    ]
    return option


def pass_rates(table: Table) -> dict[str, Any]:
    option = _base("合格率 · 按等级（%）")
    option["xAxis"] = {"type": "category", "data": _categories(table)}
    option["yAxis"] = {"type": "value", "name": "%", "max": 100}
    option["series"] = [
        {
            "name": "合格率",
            "type": "bar",
            "data": [_percent(row[1]) for row in table.rows],
            "label": {"show": True, "position": "top", "formatter": "{c}%"},
        }
    ]
    return option


def _horizontal(title: str, table: Table, columns: list[str]) -> dict[str, Any]:
    option = _base(title)
    option["tooltip"] = {"trigger": "axis", "axisPointer": {"type": "shadow"}}
    option["yAxis"] = {"type": "category", "data": _categories(table), "inverse": True}
    option["xAxis"] = {"type": "value", "name": "人次"}
    option["series"] = _series_by_column(table, columns, "bar")
    return option


def regions(table: Table) -> dict[str, Any]:
    return _horizontal(table.title + "：申报、合格与有效证书", table, ["申报", "合格", "有效证书"])


def routes(table: Table) -> dict[str, Any]:
    option = _base("按评价途径：参评、合格与合格率")
    option["xAxis"] = {"type": "category", "data": _categories(table)}
    option["yAxis"] = [
        {"type": "value", "name": "人次"},
        {"type": "value", "name": "合格率 %", "max": 100},
    ]
    option["series"] = [
        *_series_by_column(table, ["参评", "合格"], "bar"),
        {
            "name": "合格率",
            "type": "line",
            "yAxisIndex": 1,
            "data": [_percent(row[4]) for row in table.rows],
        },
    ]
    return option


def org_kinds(table: Table) -> dict[str, Any]:
    return _horizontal("按评价机构类型：申报、合格与有效证书", table, ["申报", "合格", "有效证书"])


def occupations(table: Table) -> dict[str, Any]:
    top = Table(table.key, table.title, table.headers[1:], [row[1:] for row in table.rows[:15]])
    return _horizontal("有效证书最多的职业（前15）", top, ["有效证书", "合格"])


CHARTS: dict[str, Callable[[Table], dict[str, Any]]] = {
    "months": trend,
    "levels": levels,
    "high_skill": high_skill,
    "pass_rates": pass_rates,
    "regions": regions,
    "routes": routes,
    "org_kinds": org_kinds,
    "occupations": occupations,
}


def chart_for(table: Table) -> dict[str, Any] | None:
    """The chart of a table, or None for tables shown as tables only (and empty ones)."""
    make = CHARTS.get(table.key)
    return make(table) if make and table.rows else None
