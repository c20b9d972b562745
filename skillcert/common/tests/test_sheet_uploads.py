"""`sheet_read`: a small uploaded sheet as named columns, each row with its line in the file;
a file too large, without the header, with too many rows or a formula in a column read is
refused with its `upload.*` code."""

from __future__ import annotations

import io

import pytest
import xlsxwriter

from skillcert.common.errors import DomainError
from skillcert.common.sheet_uploads import MAX_BYTES, Column, sheet_read

COLUMNS = (Column("ref", "编号"), Column("score", "成绩"), Column("note", "备注", required=False))


def _read(content: bytes, name: str = "a.csv", max_rows: int = 10):
    return sheet_read(content, filename=name, what="测试表", columns=COLUMNS, max_rows=max_rows)


def _code(content: bytes, name: str = "a.csv", max_rows: int = 10) -> str:
    with pytest.raises(DomainError) as err:
        _read(content, name, max_rows)
    assert err.value.field == "file"
    return err.value.code


def test_rows_carry_their_line_and_cells_by_key_below_a_title_row() -> None:
    text = "月考成绩\n成绩,编号\n80,R1\n,\n75.5,R2\n"
    rows = _read(text.encode("gb18030"))
    assert [(r.line, r.text("ref"), r.text("score"), r.text("note")) for r in rows] == [
        (3, "R1", "80", ""),
        (5, "R2", "75.5", ""),
    ]


def test_xlsx_numbers_read_as_text_without_the_trailing_zero() -> None:
    out = io.BytesIO()
    book = xlsxwriter.Workbook(out, {"in_memory": True})
    sheet = book.add_worksheet()
    sheet.write_row(0, 0, ["编号", "成绩"])
    sheet.write_row(1, 0, [2632010100003, 80])
    book.close()
    [row] = _read(out.getvalue(), "a.xlsx")
    assert (row.line, row.text("ref"), row.text("score")) == (2, "2632010100003", "80")


def test_refusals_have_their_codes() -> None:
    assert _code(b"x" * (MAX_BYTES + 1)) == "upload.too_large"
    assert _code("编号,分数\nR1,80\n".encode()) == "upload.header_missing"
    assert _code("编号,成绩\n,\n".encode()) == "upload.no_rows"
    assert _code("编号,成绩\nR1,1\nR2,2\nR3,3\n".encode(), max_rows=2) == "upload.too_many_rows"
    assert _code(b"\x01\x02not a workbook", "a.xls") == "upload.unreadable"
    out = io.BytesIO()
    book = xlsxwriter.Workbook(out, {"in_memory": True})
    sheet = book.add_worksheet()
    sheet.write_row(0, 0, ["编号", "成绩"])
    sheet.write_string(1, 0, "R1")
    sheet.write_formula(1, 1, "=50+30")
    book.close()
    with pytest.raises(DomainError) as err:
        _read(out.getvalue(), "a.xlsx")
    assert err.value.code == "upload.formula"
    assert err.value.message.startswith("第2行“成绩”：请填写数值，不要使用公式")
