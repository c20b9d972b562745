"""xlsx exports hold typed cells: a SUM over a score column adds numbers, dates are dates,
shares are percentages, and text is kept exactly as typed (no apostrophe)."""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from python_calamine import CalamineWorkbook

from skillcert.common.exports import Percent, formula_safe, xlsx_bytes, xlsx_response

DAY = dt.date(2025, 3, 14)
MOMENT = dt.datetime(2025, 3, 14, 23, 30, tzinfo=dt.UTC)  # 07:30 next day in Beijing


def _read(data: bytes) -> list[list[Any]]:
    return CalamineWorkbook.from_filelike(io.BytesIO(data)).get_sheet_by_index(0).to_python()


def _rows() -> list[list[object]]:
    return [
        ["张三", Decimal("85.5"), 72, DAY, MOMENT, Percent.of(2, 3), True],
        ["-2+3", Decimal("60"), 59.5, DAY + dt.timedelta(days=1), None, Percent.of(1, 0), False],
        ["=1+1", Decimal("0.0"), 0, DAY, MOMENT, Percent(1.0), True],
    ]


def test_scores_are_numbers_and_sum():
    cells = _read(xlsx_bytes(["姓名", "理论", "操作", "日期", "时间", "合格率", "合格"], _rows()))
    assert cells[0] == ["姓名", "理论", "操作", "日期", "时间", "合格率", "合格"]
    theory = [row[1] for row in cells[1:]]
    assert theory == [85.5, 60.0, 0.0]
    assert sum(theory) == 145.5  # what SUM(B2:B4) gives in a spreadsheet
    assert sum(row[2] for row in cells[1:]) == 131.5


def test_dates_are_dates_in_beijing_time_and_shares_are_percent_numbers():
    cells = _read(xlsx_bytes(["日期", "时间", "比例"], [[r[3], r[4], r[5]] for r in _rows()]))
    assert cells[1][0] == DAY and isinstance(cells[1][0], dt.date)
    beijing = dt.datetime(2025, 3, 15, 7, 30, tzinfo=ZoneInfo("Asia/Shanghai"))
    assert cells[1][1] == beijing.replace(tzinfo=None)
    assert cells[2][1] == ""  # None is a blank cell
    assert abs(cells[1][2] - 2 / 3) < 1e-9
    assert cells[2][2] == "—"
    assert cells[3][2] == 1.0


def test_formats_are_declared_and_no_cell_is_a_formula():
    data = xlsx_bytes(["x"], _rows())
    with zipfile.ZipFile(io.BytesIO(data)) as book:
        styles = book.read("xl/styles.xml").decode()
        sheet = book.read("xl/worksheets/sheet1.xml")
    assert 'formatCode="yyyy-mm-dd"' in styles
    assert 'formatCode="yyyy-mm-dd hh:mm"' in styles
    assert 'formatCode="0.0%"' in styles or 'numFmtId="165"' in styles
    assert b"<f>" not in sheet


def test_text_is_kept_exactly_without_an_apostrophe():
    cells = _read(xlsx_bytes(["姓名"], [["-2+3"], ["=1+1"], ["@SUM(A1)"], ["'引号"]]))
    assert [row[0] for row in cells[1:]] == ["-2+3", "=1+1", "@SUM(A1)", "'引号"]


def test_percent_reads_as_text_on_pages():
    share = Percent.of(2, 3)
    assert share == "66.7%" and isinstance(share, str) and share.endswith("%")
    assert Percent.of(0, 0) == "—" and Percent.of(0, 0).ratio is None


def test_csv_guard_stays_for_plain_text_exports():
    assert formula_safe("=1+1") == "'=1+1"
    assert formula_safe("-2+3") == "'-2+3"
    assert formula_safe("张三") == "张三"


def test_response_is_an_attachment_with_typed_cells():
    response = xlsx_response("成绩.xlsx", ["理论"], [[Decimal("88.5")]])
    assert "attachment" in response["Content-Disposition"]
    assert _read(response.content)[1] == [88.5]
