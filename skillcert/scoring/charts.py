"""The item-analysis page's tables and ECharts options, built from a stored `ItemAnalysis`.

Each chart has a table with the same numbers (shown beside it and exported to Excel), so
what the chart shows can be read without it."""

from __future__ import annotations

import math
from typing import Any

from skillcert.scoring.models import ItemAnalysis
from skillcert.scoring.objective import (
    FLAG_DISCRIMINATION_LOW,
    FLAG_FACILITY_HIGH,
    FLAG_FACILITY_LOW,
)

FLAG_LABELS = {
    "too_hard": f"过难（难度<{FLAG_FACILITY_LOW:g}）",
    "too_easy": f"过易（难度>{FLAG_FACILITY_HIGH:g}）",
    "low_discrimination": f"区分度低（<{FLAG_DISCRIMINATION_LOW:g}）",
}
ITEM_HEADERS = ["试题", "难度", "点二列区分度", "高低分组区分度", "选项分布", "标记"]
DISTRIBUTION_HEADERS = ["得分率（%）", "人数", "占比（%）"]
NORMAL_COLOUR, FLAGGED_COLOUR = "#5470c6", "#c23531"


def flag_text(flags: list[str]) -> str:
    return "、".join(FLAG_LABELS.get(f, f) for f in flags)


def item_rows(analysis: ItemAnalysis) -> list[list[Any]]:
    """One row per item, in paper order: the item table of the page and of the export."""
    return [
        [
            i["item_id"],
            i["facility"],
            i["point_biserial"],
            i["upper_lower"],
            " ".join(f"{k}:{v}" for k, v in i["option_counts"].items()),
            flag_text(i["flags"]),
        ]
        for i in analysis.items
    ]


def distribution_rows(analysis: ItemAnalysis) -> list[list[Any]]:
    total = sum(analysis.distribution.values()) or 1
    return [[band, n, round(n * 100 / total, 1)] for band, n in analysis.distribution.items()]


def distribution_chart(analysis: ItemAnalysis) -> dict[str, Any]:
    """Histogram of candidates by score band (percent of the paper's objective maximum)."""
    return {
        "title": {"text": "分数分布", "left": "center"},
        "grid": {"left": 48, "right": 24, "top": 48, "bottom": 48},
        "xAxis": {
            "type": "category",
            "name": "得分率（%）",
            "nameLocation": "middle",
            "nameGap": 30,
            "data": list(analysis.distribution),
        },
        "yAxis": {"type": "value", "name": "人数", "minInterval": 1},
        "series": [
            {
                "type": "bar",
                "name": "人数",
                "barCategoryGap": "8%",
                "itemStyle": {"color": NORMAL_COLOUR},
                "data": list(analysis.distribution.values()),
            }
        ],
    }


def _point(item: dict[str, Any]) -> dict[str, Any]:
    return {"name": item["item_id"], "value": [item["facility"], item["point_biserial"]]}


def items_scatter_chart(analysis: ItemAnalysis) -> dict[str, Any]:
    """Facility against point-biserial discrimination; flagged items in their own series
    (red diamonds, labelled) and the flag thresholds as dashed lines."""
    normal = [_point(i) for i in analysis.items if not i["flags"]]
    flagged = [_point(i) for i in analysis.items if i["flags"]]
    lowest = min((i["point_biserial"] for i in analysis.items), default=0.0)
    y_min = min(0.0, math.floor(lowest * 10) / 10)
    return {
        "title": {"text": "难度—区分度", "left": "center"},
        "grid": {"left": 56, "right": 32, "top": 64, "bottom": 48},
        "tooltip": {"trigger": "item", "formatter": "{a} {b}\n难度, 区分度：{c}"},
        "legend": {"top": 28, "data": ["正常试题", "标记试题"]},
        "xAxis": {
            "type": "value",
            "name": "难度（通过率）",
            "nameLocation": "middle",
            "nameGap": 30,
            "min": 0,
            "max": 1,
        },
        "yAxis": {"type": "value", "name": "点二列区分度", "min": y_min, "max": 1},
        "series": [
            {
                "type": "scatter",
                "name": "正常试题",
                "symbolSize": 10,
                "itemStyle": {"color": NORMAL_COLOUR},
                "data": normal,
                "markLine": {
                    "silent": True,
                    "symbol": "none",
                    "lineStyle": {"type": "dashed", "color": "#999"},
                    "label": {"formatter": "{c}"},
                    "data": [
                        {"xAxis": FLAG_FACILITY_LOW},
                        {"xAxis": FLAG_FACILITY_HIGH},
                        {"yAxis": FLAG_DISCRIMINATION_LOW},
                    ],
                },
            },
            {
                "type": "scatter",
                "name": "标记试题",
                "symbol": "diamond",
                "symbolSize": 14,
                "itemStyle": {"color": FLAGGED_COLOUR},
                "label": {"show": True, "position": "right", "formatter": "{b}"},
                "data": flagged,
            },
        ],
    }
