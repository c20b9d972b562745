"""Hostile and broken rooms files (考场导入, .xlsx or .csv): each ends in a RoomFileError
with a stable code and a Chinese message, or in coded row errors."""

from __future__ import annotations

import codecs
import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from skillcert.common.exports import xlsx_bytes
from skillcert.common.tests.hostile_files import (
    FORMULAS,
    FUZZ,
    ZIP_BOMB,
    byte_mutation,
    is_chinese,
    shared_string_amplifier,
    sparse_corner_xlsx,
)
from skillcert.exams.room_files import (
    TEMPLATE_EXAMPLE,
    TEMPLATE_HEADERS,
    RoomFileError,
    parse_rooms,
    read_table,
)

CSV = ",".join(TEMPLATE_HEADERS) + "\n" + ",".join(str(v) for v in TEMPLATE_EXAMPLE) + "\n"
XLSX = xlsx_bytes(TEMPLATE_HEADERS, [TEMPLATE_EXAMPLE])


def _parse(content: bytes, filename: str):
    return parse_rooms(
        read_table(content, filename), site_codes={"01"}, existing=set(), district_name="南京市考区"
    )


@pytest.mark.parametrize(
    "content",
    [
        CSV.encode("gbk"),
        codecs.BOM_UTF8 + CSV.encode(),
        codecs.BOM_UTF16_LE + CSV.encode("utf-16-le"),
    ],
    ids=["gbk", "utf8-bom", "utf16"],
)
def test_reads_csv_in_the_encodings_excel_saves(content):
    rooms, errors = _parse(content, "rooms.csv")
    assert errors == [] and [(r.site, r.code, r.rows, r.cols) for r in rooms] == [
        ("01", "001", 5, 6)
    ]


@pytest.mark.parametrize(
    ("content", "filename", "code"),
    [
        (CSV.replace("001", "0\x0001").encode(), "rooms.csv", "upload.nul_byte"),
        (b"\x80\xff\xfe\x81" * 10, "rooms.csv", "upload.encoding"),
        ((CSV + '"' + "x" * 200_000 + '"\n').encode(), "rooms.csv", "upload.csv_invalid"),
        (b'[{"site": "01"}]', "rooms.csv", "rooms.header_missing"),
        (sparse_corner_xlsx(), "rooms.xlsx", "upload.sheet_too_large"),
        (ZIP_BOMB, "rooms.xlsx", "upload.uncompressed_too_large"),
        (shared_string_amplifier(), "rooms.xlsx", "upload.text_too_large"),
        (XLSX[:-30], "rooms.xlsx", "upload.corrupt"),
        (b"not a workbook", "rooms.xlsx", "rooms.unreadable"),
    ],
    ids=[
        "nul",
        "undecodable",
        "huge-field",
        "json",
        "sparse",
        "bomb",
        "amplifier",
        "truncated",
        "garbage",
    ],
)
def test_hostile_rooms_file_is_refused_with_a_code(content, filename, code, heavy_files):
    with pytest.raises(RoomFileError) as caught:
        _parse(heavy_files(content), filename)
    assert caught.value.code == code and is_chinese(caught.value.message)


def test_formula_cells_are_row_errors_not_rooms():
    rows = [["01", f"A{n}", formula, formula, 6] for n, formula in enumerate(FORMULAS)]
    rooms, errors = parse_rooms(
        [TEMPLATE_HEADERS, *rows], site_codes={"01"}, existing=set(), district_name="南京市考区"
    )
    assert rooms == []
    assert {e.code for e in errors} == {"rooms.kind", "rooms.size"}


@FUZZ
@given(data=st.data())
def test_mutated_rooms_files_end_in_a_coded_error_or_rows(data):
    filename, good = data.draw(st.sampled_from([("r.csv", CSV.encode()), ("r.xlsx", XLSX)]))
    try:
        _rooms, errors = _parse(data.draw(byte_mutation(good)), filename)
    except RoomFileError as exc:
        assert re.fullmatch(r"[a-z_]+\.[a-z_]+", exc.code) and is_chinese(exc.message)
    else:
        assert all(e.code and is_chinese(e.message) for e in errors)
