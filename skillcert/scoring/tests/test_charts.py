"""The analysis page: the distribution histogram and the facility–discrimination scatter
(flagged items in their own series), each with its table, and the Excel exports."""

from __future__ import annotations

import io
import json
from typing import Any

from django.urls import reverse
from python_calamine import CalamineWorkbook

from skillcert.accounts.actors import SystemActor
from skillcert.scoring import charts
from skillcert.scoring.models import ItemAnalysis
from skillcert.scoring.services import responses_score

SYSTEM_TEST = SystemActor("test")


def _analysis(**overrides: Any) -> ItemAnalysis:
    items = [
        {
            "item_id": "S001",
            "facility": 0.5,
            "point_biserial": 0.42,
            "upper_lower": 0.5,
            "option_counts": {"A": 2, "B": 2},
            "flags": [],
        },
        {
            "item_id": "S002",
            "facility": 1.0,
            "point_biserial": -0.31,
            "upper_lower": 0.0,
            "option_counts": {"对": 4},
            "flags": ["too_easy", "low_discrimination"],
        },
    ]
    distribution = {f"{10 * b}-{10 * b + 9}" if b < 9 else "90-100": 0 for b in range(10)}
    distribution |= {"50-59": 1, "90-100": 3}
    fields: dict[str, Any] = {
        "candidates": 4,
        "alpha": 0.5,
        "mean": 70.0,
        "std": 10.0,
        "distribution": distribution,
        "items": items,
        "flagged": 1,
    }
    return ItemAnalysis(**(fields | overrides))


def test_scatter_puts_flagged_items_in_their_own_series_with_thresholds() -> None:
    option = charts.items_scatter_chart(_analysis())
    normal, flagged = option["series"]
    assert [p["name"] for p in normal["data"]] == ["S001"]
    assert flagged["data"] == [{"name": "S002", "value": [1.0, -0.31]}]
    assert flagged["itemStyle"]["color"] == charts.FLAGGED_COLOUR
    lines = normal["markLine"]["data"]
    assert {"xAxis": 0.2} in lines and {"xAxis": 0.95} in lines and {"yAxis": 0.1} in lines
    assert option["yAxis"]["min"] == -0.4  # room for the negative discrimination
    json.dumps(option)  # plain JSON for json_script: no functions, no Decimals


def test_scatter_of_an_empty_analysis_keeps_the_axes() -> None:
    option = charts.items_scatter_chart(_analysis(items=[]))
    assert option["series"][0]["data"] == [] and option["series"][1]["data"] == []
    assert option["yAxis"]["min"] == 0.0


def test_distribution_chart_and_table_share_the_bands() -> None:
    analysis = _analysis()
    option = charts.distribution_chart(analysis)
    assert option["xAxis"]["data"] == list(analysis.distribution)
    assert option["series"][0]["data"][5] == 1 and option["series"][0]["data"][9] == 3
    rows = charts.distribution_rows(analysis)
    assert rows[5] == ["50-59", 1, 25.0] and rows[9] == ["90-100", 3, 75.0]


def test_item_rows_label_flags_in_chinese() -> None:
    rows = charts.item_rows(_analysis())
    assert rows[1][0] == "S002" and rows[1][5] == "过易（难度>0.95）、区分度低（<0.1）"
    assert rows[0][4] == "A:2 B:2" and rows[0][5] == ""


def _stored(world: Any) -> ItemAnalysis:
    responses_score(paper_code="P-HR4-A", text=world.csv(), actor=SYSTEM_TEST)
    return ItemAnalysis.objects.get()


def test_analysis_page_has_both_charts_and_their_tables(world: Any) -> None:
    analysis = _stored(world)
    client = world.personas.client_for(world.personas.clerk_a)
    page = client.get(reverse("scoring:analysis", args=[analysis.pk]))
    assert page.status_code == 200
    context = page.context
    assert context["scatter_chart"] == charts.items_scatter_chart(analysis)
    assert context["distribution_chart"] == charts.distribution_chart(analysis)
    assert context["items"] == charts.item_rows(analysis)
    flagged_ids = {i["item_id"] for i in analysis.items if i["flags"]}
    assert flagged_ids  # the key makes item 3 too easy
    assert {p["name"] for p in context["scatter_chart"]["series"][1]["data"]} == flagged_ids
    html = page.content.decode()
    assert 'data-chart="items-chart"' in html and 'id="items-chart"' in html
    assert 'data-chart="distribution-chart"' in html and "echarts.min.js" in html
    outsider = world.personas.client_for(world.personas.clerk_b)
    assert outsider.get(reverse("scoring:analysis", args=[analysis.pk])).status_code == 404


def test_a_city_officer_sees_only_analyses_of_its_own_organisations(world: Any) -> None:
    analysis = _stored(world)  # organisation A, in Nanjing
    url = reverse("scoring:analysis", args=[analysis.pk])
    other_city = world.personas.client_for(world.personas.city_suzhou)
    assert other_city.get(url).status_code == 404
    assert other_city.get(url, {"export": "xlsx"}).status_code == 404
    assert (
        f"/scoring/analysis/{analysis.pk}/"
        not in other_city.get(reverse("scoring:analyses")).content.decode()
    )
    assert world.personas.client_for(world.personas.city_nanjing).get(url).status_code == 200
    assert world.personas.client_for(world.personas.province).get(url).status_code == 200


def _sheet(response: Any) -> list[list[Any]]:
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    book = CalamineWorkbook.from_filelike(io.BytesIO(response.content))
    return book.get_sheet_by_index(0).to_python()


def test_exports_are_the_tables(world: Any) -> None:
    analysis = _stored(world)
    client = world.personas.client_for(world.personas.city_nanjing)
    url = reverse("scoring:analysis", args=[analysis.pk])
    items = _sheet(client.get(url, {"export": "xlsx"}))
    assert items[0] == charts.ITEM_HEADERS
    assert [row[0] for row in items[1:]] == [i["item_id"] for i in analysis.items]
    assert [row[5] for row in items[1:]] == [row[5] for row in charts.item_rows(analysis)]
    bands = _sheet(client.get(url, {"export": "distribution"}))
    assert bands[0] == charts.DISTRIBUTION_HEADERS
    assert [row[0] for row in bands[1:]] == list(analysis.distribution)
    assert sum(row[1] for row in bands[1:]) == analysis.candidates == 4
