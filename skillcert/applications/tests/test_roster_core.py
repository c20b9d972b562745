import datetime as dt
import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from skillcert.applications.roster import (
    COLUMNS,
    OccupationInfo,
    RosterContext,
    cell_date,
    cell_text,
    parse_level,
)
from skillcert.applications.roster_sheet import validate_roster
from skillcert.eligibility import engine
from skillcert.plans.tests.factories import make_id

RULES = engine.RuleSet(
    code="t",
    version=3,
    clauses=(
        engine.Clause("t/4/a", 4, "6年", engine.Condition(work_years=6)),
        engine.Clause("t/5/a", 5, "1年", engine.Condition(work_years=1)),
    ),
)
TODAY = dt.date(2026, 5, 1)
COL = {c.key: i for i, c in enumerate(COLUMNS)}


def ctx(**kw):
    base: dict = {
        "occupations": {
            "4-07-03-02": OccupationInfo(
                1, "企业人力资源管理师", frozenset({4, 3, 2, 1}), {}, RULES
            ),
            "6-18-02-04": OccupationInfo(2, "焊工", frozenset({5, 4, 3}), {"焊条电弧焊": 9}, RULES),
        },
        "offerings": frozenset({("4-07-03-02", 4), ("6-18-02-04", 5)}),
        "applied_digests": frozenset(),
        "digest": lambda v: "d" + v,
        "seats_left": 100,
        "today": TODAY,
    }
    base.update(kw)
    return RosterContext(**base)


def row(**values):
    cells = [""] * len(COLUMNS)
    defaults = {
        "name": "李四",
        "id_number": make_id(1),
        "phone": "13912345678",
        "occupation_code": "4-07-03-02",
        "level": "四级",
        "work_start": "2015-01-01",
    }
    defaults.update(values)
    for key, value in defaults.items():
        cells[COL[key]] = value
    return cells


def run(rows, **kw):
    numbered = [(i + 2, r) for i, r in enumerate(rows)]
    return validate_roster(numbered, columns=COL, ctx=ctx(**kw))


def codes(result):
    return [(e.row, e.column, e.code) for e in result.errors]


def test_valid_row_carries_decision_and_snapshot():
    result = run([row()])
    assert result.errors == []
    [ok] = result.rows
    assert ok.decision.matched_clause == "t/4/a" and ok.decision.version == 3
    assert ok.snapshot["work"] == [{"start": "2015-01-01", "end": None, "related": True}]


def test_snapshot_json_is_the_whole_snapshot_encoded_for_every_row():
    rows = [
        row(),
        row(id_number=make_id(2), name="阿依古丽·买买提", birth_date="1990-01-01"),
        row(id_number=make_id(3), work_start="2015-01-01", post='车间"一线"岗位'),
        row(
            id_number=make_id(4),
            cert_level="五级",
            cert_date="2016-02-03",
            education="中专",
            graduation="2012-07-01",
            major_related="是",
        ),
        row(id_number=make_id(5), work_start=""),
    ]
    result = run(rows)
    assert [r.row for r in result.rows] == [2, 3, 4, 5]  # row 6 lacks the work years
    for parsed in result.rows:
        assert parsed.snapshot_tail  # spliced, not encoded whole
        assert parsed.snapshot_json() == json.dumps(parsed.snapshot, ensure_ascii=False)


def test_id_stored_as_float_is_explained():
    result = run([row(id_number=3.2010219900307e17)])
    [(r, column, code)] = codes(result)
    assert (r, column, code) == (2, "证件号码", "id_float")
    assert "3.2010219900307E+17" in result.errors[0].message
    assert "文本" in result.errors[0].message


def test_scientific_notation_text_is_explained():
    assert codes(run([row(id_number="3.2010219900307E+17")]))[0][2] == "id_float"


@pytest.mark.parametrize(
    ("value", "code"),
    [
        (make_id(1)[:17] + ("0" if make_id(1)[17] != "0" else "1"), "id_checksum"),
        ("32010219900230001X", "id_birth_date"),
        ("3201021990030700", "id_length"),
    ],
)
def test_bad_id_numbers(value, code):
    assert codes(run([row(id_number=value)]))[0][2] == code


def test_full_width_digits_and_stray_spaces_are_normalised():
    wide = make_id(1).translate({ord(c): ord(c) + 0xFEE0 for c in "0123456789"})
    result = run([row(id_number=f" {wide} ", phone="１３９ 1234 5678", name=" 王  五 ")])
    assert result.errors == []
    assert result.rows[0].id_number == make_id(1)
    assert result.rows[0].phone == "13912345678"
    assert result.rows[0].name == "王五"


def test_excel_date_serials_and_text_dates():
    assert cell_date(42005) == dt.date(2015, 1, 1)
    assert cell_date(42005.0) == dt.date(2015, 1, 1)
    assert cell_date("2015/1/1") == dt.date(2015, 1, 1)
    assert cell_date("2015年1月1日") == dt.date(2015, 1, 1)
    assert cell_date("20150101") == dt.date(2015, 1, 1)
    result = run([row(work_start=42005)])
    assert result.errors == [] and result.rows[0].snapshot["work"][0]["start"] == "2015-01-01"
    assert codes(run([row(work_start="去年")]))[0][2] == "date_invalid"


def test_empty_rows_are_skipped():
    result = run([row(), [""] * len(COLUMNS), [None] * len(COLUMNS), row(id_number=make_id(2))])
    assert result.errors == [] and len(result.rows) == 2 and result.data_rows == 2


def test_merged_cells_are_refused():
    numbered = [(2, row()), (3, row(id_number=make_id(2)))]
    result = validate_roster(numbered, columns=COL, ctx=ctx(), merged=[(2, 5, 3, 5)])
    assert codes(result) == [(2, "职业编码", "merged_cells")]
    assert result.rows == []


def test_catalogue_and_plan_checks():
    result = run(
        [
            row(occupation_code="9-99-99-99"),
            row(id_number=make_id(2), level="五级"),
            row(id_number=make_id(3), level="三级"),
            row(id_number=make_id(4), occupation_code="6-18-02-04", level=5, specialty="氩弧焊"),
            row(id_number=make_id(5), level="九级"),
        ]
    )
    assert [c for _, _, c in codes(result)] == [
        "occupation_unknown",
        "level_not_offered",
        "not_in_plan",
        "specialty_unknown",
        "level_invalid",
    ]


def test_duplicates_in_file_and_already_applied():
    result = run(
        [row(), row(), row(id_number=make_id(2))],
        applied_digests=frozenset({"d" + make_id(2)}),
    )
    assert codes(result) == [
        (3, "证件号码", "duplicate_in_file"),
        (4, "证件号码", "already_applied"),
    ]
    assert "第2行" in result.errors[0].message


def test_quota_refuses_rows_past_the_remaining_seats():
    result = run([row(id_number=make_id(i)) for i in range(1, 5)], seats_left=2)
    assert len(result.rows) == 2
    assert [(r, c) for r, _, c in codes(result)] == [(4, "quota_exceeded"), (5, "quota_exceeded")]


def test_ineligible_row_names_what_is_missing():
    result = run([row(work_start="2024-01-01")])
    assert codes(result)[0][2] == "ineligible"
    assert "6年" in result.errors[0].message


def test_formula_like_text_is_kept_as_text_in_a_note():
    result = run([row(note='=HYPERLINK("http://x","点我")')])
    assert result.errors == []
    assert result.rows[0].note.startswith("=HYPERLINK")


@pytest.mark.parametrize("name", ["@王五", "=1+1", "+1", "2", "王|五"])
def test_a_formula_or_a_number_is_not_a_name(name):
    result = run([row(name=name)])
    assert result.rows == []
    assert [(e.row, e.column, e.code) for e in result.errors] == [(2, "姓名", "name_invalid")]
    assert "第2行“姓名”列" in result.errors[0].message


def test_levels():
    assert [parse_level(v) for v in ("5", 4, 3.0, "二级", "一级/高级技师", "高级工")] == [
        5,
        4,
        3,
        2,
        1,
        3,
    ]
    with pytest.raises(ValueError, match="六级"):
        parse_level("六级")


# --- properties ----------------------------------------------------------------------------

cell_values = st.one_of(
    st.none(),
    st.text(max_size=30),
    st.integers(min_value=-(10**19), max_value=10**19),
    st.floats(allow_nan=True, allow_infinity=True),
    st.booleans(),
    st.dates(),
)


@settings(max_examples=150, deadline=None)
@given(st.lists(st.lists(cell_values, min_size=0, max_size=len(COLUMNS) + 2), max_size=12))
def test_any_cells_give_rows_or_errors_never_exceptions(raw_rows):
    numbered = [(i + 2, r) for i, r in enumerate(raw_rows)]
    result = validate_roster(numbered, columns=COL, ctx=ctx())
    error_rows = {e.row for e in result.errors}
    ok_rows = {r.row for r in result.rows}
    assert not error_rows & ok_rows
    assert len(ok_rows) + len(error_rows) == result.data_rows
    assert all(e.code and e.message and e.column for e in result.errors)


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.integers(min_value=1, max_value=40), min_size=1, max_size=30),
    st.integers(min_value=0, max_value=40),
)
def test_ids_unique_and_seats_respected(seqs, seats):
    rows = [row(id_number=make_id(s)) for s in seqs]
    result = run(rows, seats_left=seats)
    ids = [r.id_number for r in result.rows]
    assert len(ids) == len(set(ids))
    assert len(ids) == min(len(set(seqs)), seats)


@given(st.text(max_size=20))
def test_cell_text_is_idempotent_on_text(value):
    assert cell_text(cell_text(value)) == cell_text(value)


SPECIAL = OccupationInfo(3, "中式面点制作", None, {}, None, has_levels=False)


def test_special_ability_row_has_no_level_and_no_level_conditions():
    """专项职业能力考核 (seed 004 §一): the level cell stays empty; no level's conditions."""
    result = run(
        [row(occupation_code="4-03-02-91", level="")],
        occupations={**ctx().occupations, "4-03-02-91": SPECIAL},
        offerings=frozenset({("4-03-02-91", None)}),
    )
    assert result.errors == []
    [ok] = result.rows
    assert ok.level is None and ok.decision.eligible and ok.decision.level is None


def test_a_level_for_a_special_ability_row_is_refused_naming_the_occupation():
    result = run(
        [row(occupation_code="4-03-02-91", level="四级")],
        occupations={**ctx().occupations, "4-03-02-91": SPECIAL},
        offerings=frozenset({("4-03-02-91", None)}),
    )
    assert codes(result) == [(2, "申报等级", "level_not_applicable")]
    assert "中式面点制作为专项职业能力考核" in result.errors[0].message
    assert result.rows == []


def test_special_ability_not_offered_by_the_plan_is_refused():
    result = run(
        [row(occupation_code="4-03-02-91", level="")],
        occupations={**ctx().occupations, "4-03-02-91": SPECIAL},
    )
    assert codes(result) == [(2, "申报等级", "not_in_plan")]
    assert result.errors[0].message == "本评价计划未开设中式面点制作"


def test_the_post_goes_into_the_current_work_period():
    """An enterprise evaluation checks the post against its norm (seed 004 §六)."""
    [ok] = run([row(post="招聘专员")]).rows
    assert ok.snapshot["work"] == [
        {"start": "2015-01-01", "end": None, "related": True, "occupation_name": "招聘专员"}
    ]


def test_a_post_without_a_work_start_or_too_long_is_refused():
    result = run([row(post="招聘专员", work_start=""), row(id_number=make_id(2), post="岗" * 51)])
    assert codes(result) == [(2, "参加本职业工作日期", "required"), (3, "从事岗位", "too_long")]
    assert result.rows == []
