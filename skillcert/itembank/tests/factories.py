"""The occupation the item-bank tests write items for: 企业人力资源管理师 with its national
standard, the theory weight table of its level 3 that a blueprint is built from, and rows of
the item import template."""

from __future__ import annotations

from skillcert.common.exports import xlsx_bytes
from skillcert.itembank.excel import COLUMNS, SHEET
from skillcert.occupations.models import Occupation, Standard, WeightItem

HR_CODE = "4-07-03-02"
HR_NAME = "企业人力资源管理师"


def hr_standard() -> Standard:
    """The occupation and its national standard (levels 4 to 1), without elements."""
    occupation = Occupation.objects.create(code=HR_CODE, name=HR_NAME)
    return Standard.objects.create(
        occupation=occupation,
        kind="national",
        code=HR_CODE,
        name=HR_NAME,
        edition_year=2019,
        levels=[4, 3, 2, 1],
    )


def theory_weights(standard: Standard, weights: list[tuple[str, int]]) -> None:
    """Level 3's theory weight table: one row per (knowledge item, percent), in order."""
    for position, (name, percent) in enumerate(weights):
        WeightItem.objects.create(
            standard=standard,
            part="theory",
            level=3,
            section="相关知识要求",
            item=name,
            percent=percent,
            position=position,
        )


def sheet_row(**kw: object) -> list[object]:
    """One row of the item import template: a valid single-choice item unless `kw` says
    otherwise (keys are the template's column titles)."""
    values: dict[str, object] = dict.fromkeys(COLUMNS, "")
    values.update({"试题编号": "X1", "等级": 3, "要素代码": "A-01", "题型": "单选", "题干": "题干"})
    values.update({"选项A": "甲", "选项B": "乙", "答案": "A", "分值": 1, "难度": 0.5})
    values.update(kw)
    return [values[c] for c in COLUMNS]


# Two good items, X1 and X2, in the import template.
GOOD_XLSX = xlsx_bytes(COLUMNS, [sheet_row(), sheet_row(试题编号="X2")], sheet=SHEET)
