"""The checks every importer runs before a parser opens an upload."""

from __future__ import annotations

import codecs
import io

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from python_calamine import CalamineWorkbook

from skillcert.common.errors import DomainError
from skillcert.common.tests.hostile_files import (
    FUZZ,
    ZIP_BOMB,
    byte_mutation,
    inline_row,
    is_chinese,
    many_entries_zip,
    ods_file,
    refless_wide_xlsx,
    shared_string_amplifier,
    shared_xml,
    sheet_xml,
    sparse_corner_xlsx,
    understated_size,
    xlsx,
    xml_mutation,
)
from skillcert.common.untrusted_files import (
    csv_rows,
    spreadsheet_check,
    text_decode,
    zip_open,
)

GOOD = xlsx(
    sheet_xml(inline_row(1, ["姓名", "证件号码"]) + inline_row(2, ["张三", "110"])),
)


def rejected(call, *args, **kwargs) -> DomainError:
    with pytest.raises(DomainError) as caught:
        call(*args, **kwargs)
    assert caught.value.code.startswith("upload.")
    assert is_chinese(caught.value.message)
    return caught.value


def test_accepts_an_ordinary_workbook_that_calamine_then_reads():
    spreadsheet_check(GOOD)
    sheet = CalamineWorkbook.from_filelike(io.BytesIO(GOOD)).get_sheet_by_index(0)
    assert sheet.to_python() == [["姓名", "证件号码"], ["张三", "110"]]


def test_leaves_non_zip_bytes_to_the_parser_to_refuse_in_its_own_words():
    spreadsheet_check(b"not a spreadsheet")
    with pytest.raises(Exception, match=r"(?i)cannot detect|unsupported|format"):
        CalamineWorkbook.from_filelike(io.BytesIO(b"not a spreadsheet"))


def test_rejects_a_cell_in_the_far_corner_before_calamine_allocates_the_sheet():
    assert rejected(spreadsheet_check, sparse_corner_xlsx()).code == "upload.sheet_too_large"


def test_counts_cells_without_references_the_way_calamine_places_them():
    spreadsheet_check(refless_wide_xlsx(400), max_cells=500)
    assert (
        rejected(spreadsheet_check, refless_wide_xlsx(600), max_cells=500).code
        == "upload.sheet_too_large"
    )


def test_ignores_empty_formatted_cells_far_away():
    sheet = sheet_xml(inline_row(1, ["a"]) + '<row r="1048576"><c r="XFD1048576" s="1"/></row>')
    spreadsheet_check(xlsx(sheet))


def test_rejects_one_long_shared_string_repeated_in_every_row():
    assert rejected(spreadsheet_check, shared_string_amplifier()).code == "upload.text_too_large"


def test_accepts_a_long_shared_string_used_once():
    sheet = sheet_xml('<row r="1"><c r="A1" t="s"><v>0</v></c></row>')
    spreadsheet_check(xlsx(sheet, shared=shared_xml(["说明" * 5000])))


def test_rejects_a_shared_string_longer_than_excel_allows():
    sheet = sheet_xml('<row r="1"><c r="A1" t="s"><v>0</v></c></row>')
    data = xlsx(sheet, shared=shared_xml(["x" * 200_000]))
    assert rejected(spreadsheet_check, data).code == "upload.cell_too_long"


def test_rejects_a_zip_bomb_by_its_declared_size(heavy_files):
    bomb = heavy_files(ZIP_BOMB)
    assert len(bomb) < 2 * 1024 * 1024
    assert rejected(spreadsheet_check, bomb).code == "upload.uncompressed_too_large"


def test_rejects_an_entry_whose_header_understates_its_size():
    data = understated_size(GOOD, "xl/worksheets/sheet1.xml")
    assert rejected(spreadsheet_check, data).code == "upload.corrupt"


def test_rejects_very_many_entries_from_the_end_record():
    assert (
        rejected(spreadsheet_check, many_entries_zip(1500, base=GOOD)).code
        == "upload.too_many_entries"
    )
    assert rejected(zip_open, many_entries_zip(30), what="包", max_entries=20).code == (
        "upload.too_many_entries"
    )


def test_rejects_truncated_workbooks():
    for cut in (10, len(GOOD) // 2, len(GOOD) - 5):
        assert rejected(spreadsheet_check, GOOD[:cut]).code == "upload.corrupt"


def test_rejects_formats_whose_cells_it_cannot_measure():
    assert rejected(spreadsheet_check, ods_file()).code == "upload.format_unsupported"
    xlsb = many_entries_zip(0, base=xlsx(sheet_xml(""), extra={"xl/workbook.bin": b"\0"}))
    assert rejected(spreadsheet_check, xlsb).code == "upload.format_unsupported"


def test_rejects_an_empty_upload():
    assert rejected(spreadsheet_check, b"PK\x03\x04").code == "upload.corrupt"
    assert rejected(zip_open, b"", what="包").code == "upload.empty"


@FUZZ
@given(st.data())
def test_mutated_workbooks_pass_or_fail_with_an_upload_error(data):
    mutated = data.draw(
        st.one_of(byte_mutation(GOOD), xml_mutation(GOOD, "xl/worksheets/sheet1.xml"))
    )
    try:
        spreadsheet_check(mutated)
    except DomainError as exc:
        assert exc.code.startswith("upload.") and is_chinese(exc.message)


# --- text --------------------------------------------------------------------------------

TEXT = "证书编号,姓名\n1132000000000001,张三\n"


@pytest.mark.parametrize(
    "raw",
    [
        TEXT.encode("utf-8"),
        codecs.BOM_UTF8 + TEXT.encode("utf-8"),
        TEXT.encode("gb18030"),
        TEXT.encode("gbk"),
        codecs.BOM_UTF16_LE + TEXT.encode("utf-16-le"),
        codecs.BOM_UTF16_BE + TEXT.encode("utf-16-be"),
    ],
    ids=["utf8", "utf8-bom", "gb18030", "gbk", "utf16le", "utf16be"],
)
def test_decodes_the_encodings_spreadsheets_save_csv_in(raw):
    assert text_decode(raw, what="文件") == TEXT


def test_rejects_nul_bytes_and_undecodable_text():
    assert rejected(text_decode, b"a,b\x00\n", what="文件").code == "upload.nul_byte"
    assert rejected(text_decode, TEXT.encode("utf-16-le"), what="文件").code == "upload.nul_byte"
    assert rejected(text_decode, b"\x80\xff\xfe\x81", what="文件").code == "upload.encoding"


def test_csv_rows_turns_an_over_long_field_into_a_domain_error():
    assert list(csv_rows("a,b\n1,2\n", what="文件")) == [["a", "b"], ["1", "2"]]
    huge = "a\n" + '"' + "x" * 200_000 + '"\n'
    with pytest.raises(DomainError) as caught:
        list(csv_rows(huge, what="文件"))
    assert caught.value.code == "upload.csv_invalid" and "第" in caught.value.message


@FUZZ
@given(st.binary(max_size=300))
def test_any_bytes_decode_to_text_without_nul_or_fail_with_an_upload_error(raw):
    try:
        text = text_decode(raw, what="文件")
    except DomainError as exc:
        assert exc.code in {"upload.encoding", "upload.nul_byte"} and is_chinese(exc.message)
    else:
        assert "\x00" not in text


@FUZZ
@given(st.text().filter(lambda t: "\x00" not in t and not t.startswith("\ufeff")))
def test_utf8_text_round_trips(text):
    assert text_decode(text.encode("utf-8"), what="文件") == text
    assert text_decode(codecs.BOM_UTF8 + text.encode("utf-8"), what="文件") == text


# --- the referenced-cells fast scan --------------------------------------------------------

_CELL_TAGS = st.sampled_from(
    [
        '<c r="{ref}" t="s"><v>{n}</v></c>',
        '<c r="{ref}" t="inlineStr"><is><t>x</t></is></c>',
        '<c r="{ref}"><v>{n}</v></c>',
        '<c r="{ref}" s="1"/>',
        '<c r="{ref}"/>',
        "<c><v>{n}</v></c>",
        '<c t="s"><v>{n}</v></c>',
        '<x:c r="{ref}"><x:v>{n}</x:v></x:c>',
        '<c r="{low}" t="s"><v>{n}</v></c>',
        '<c r="{ref}" <c r="{ref}"><v>1</v></c>',
        '<col min="1" max="{n}"/>',
        '<cols><col min="1" max="2"/></cols>',
        '<c\nr="{ref}"><v>{n}</v></c>',
        '<c r="{ref}"\tt="s"><v>{n}</v></c>',
    ]
)


@st.composite
def _sheet_bodies(draw: st.DrawFn) -> bytes:
    parts = []
    for _ in range(draw(st.integers(0, 12))):
        if draw(st.booleans()):
            parts.append(draw(st.sampled_from(['<row r="{row}">', "<row>", "</row>"])))
        column = draw(st.sampled_from(["A", "B", "Z", "AA", "XFD", "ZZZ"]))
        row = draw(st.sampled_from(["1", "2", "9", "10", "01", "99999", "1048576", "12345678"]))
        parts.append(
            draw(_CELL_TAGS).format(
                ref=column + row, low=column.lower() + row, n=draw(st.integers(0, 5)), row=row
            )
        )
    return "".join(parts).encode()


@settings(max_examples=300, derandomize=True, database=None, deadline=None)
@given(_sheet_bodies())
def test_the_fast_scan_finds_the_extent_the_full_scan_finds(body):
    from array import array

    from skillcert.common.untrusted_files import _ANY_CELL, _referenced_extent, _SheetScan

    xml = sheet_xml(body)
    shared = array("Q", [7, 3, 50])
    scan = _SheetScan(shared, 50)
    scan.feed(xml)
    extent = _referenced_extent(xml)
    if extent is not None:
        rows, columns, cells = extent
        assert (rows, columns) == (scan.rows, scan.columns)
        assert cells == len(_ANY_CELL.findall(xml))
        assert scan.text <= cells * 50


def test_the_fast_scan_takes_the_cells_excel_writes():
    body = (
        '<row r="1" spans="1:3"><c r="A1" t="s"><v>0</v></c><c r="C1" s="2"><v>5</v></c></row>'
        '<row r="7"><c r="B7" t="s"><v>1</v></c><c r="AB9" s="1"/></row>'
    )
    from skillcert.common.untrusted_files import _referenced_extent

    assert _referenced_extent(sheet_xml(body.encode())) == (7, 3, 4)


def test_a_long_shared_string_in_a_referenced_sheet_is_counted_exactly_past_the_bound():
    # 10,000 referenced cells x a 30,000-byte longest string bound 300 MB; the cells really
    # hold the short one, so the exact count lets the workbook through.
    cells = "".join(f'<row r="{r}"><c r="A{r}" t="s"><v>0</v></c></row>' for r in range(1, 10_001))
    spreadsheet_check(xlsx(sheet_xml(cells.encode()), shared=shared_xml(["短", "长" * 30_000])))
