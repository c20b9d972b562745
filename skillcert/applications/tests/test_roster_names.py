"""Roster rows: a name cell holding formula text or a formula's result is refused with its
row and column; an ID number with an unknown birthplace code is accepted with a warning."""

from __future__ import annotations

import datetime as dt

import pytest

from skillcert.applications.roster import COLUMNS, OccupationInfo, RosterContext
from skillcert.applications.roster_sheet import validate_roster
from skillcert.eligibility import engine
from skillcert.plans.tests.factories import make_id

RULES = engine.RuleSet(
    code="t",
    version=1,
    clauses=(engine.Clause("t/4/a", 4, "6年", engine.Condition(work_years=6)),),
)
TODAY = dt.date(2026, 5, 1)
COL = {c.key: i for i, c in enumerate(COLUMNS)}


def _run(name: object, *, id_number: str | None = None, known: frozenset[str] | None = None):
    cells: list[object] = [""] * len(COLUMNS)
    values = {
        "name": name,
        "id_number": id_number or make_id(1),
        "phone": "13912345678",
        "occupation_code": "4-07-03-02",
        "level": "四级",
        "work_start": "2015-01-01",
    }
    for key, value in values.items():
        cells[COL[key]] = value
    context = RosterContext(
        occupations={
            "4-07-03-02": OccupationInfo(1, "企业人力资源管理师", frozenset({4}), {}, RULES)
        },
        offerings=frozenset({("4-07-03-02", 4)}),
        applied_digests=frozenset(),
        digest=lambda v: "d" + v,
        seats_left=10,
        today=TODAY,
        known_region_codes=known,
    )
    return validate_roster([(7, cells)], columns=COL, ctx=context)


@pytest.mark.parametrize(
    "name", ["=1+1", "+86", "-2+3", "@SUM(A1)", 2, 2.0, "2", "李=四", "王|五", "3.14"]
)
def test_formula_text_or_a_formula_result_is_not_a_name(name):
    result = _run(name)
    assert result.rows == []
    [error] = result.errors
    assert (error.row, error.column, error.code) == (7, "姓名", "name_invalid")
    assert "第7行" in error.message and "“姓名”列" in error.message


@pytest.mark.parametrize(
    "name", ["张三", "阿依古丽·买买提", "欧阳 小明", "Jean-Paul", "J. Smith", "张1"]
)
def test_real_names_pass(name):
    result = _run(name)
    assert result.errors == []
    expected = "欧阳小明" if name == "欧阳 小明" else name  # spaces between CJK are dropped
    assert result.rows[0].name == expected


def test_unknown_birthplace_is_a_warning_not_an_error():
    result = _run("张三", id_number=make_id(2, region="999999"), known=frozenset({"320102"}))
    assert result.errors == []
    [row] = result.rows
    assert row.warnings == ("出生地代码 999999 不在行政区划代码表中，请核对",)


def test_known_birthplace_has_no_warning():
    result = _run("张三", known=frozenset({"320102"}))
    assert result.rows[0].warnings == ()
