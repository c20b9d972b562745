"""A legacy .xls is measured record by record before python-calamine opens it: calamine reads
every sheet at once, so blocks and copied strings are bounded over all sheets together.

Each file is built here (`xls_files`). Where calamine can read the file safely, its own
reading is the check that the measure is right: the extent it reports and the text it
decodes. Where it cannot (a declared size past what can be allocated), the file is never
handed to it."""

from __future__ import annotations

import io
import resource
import struct

import pytest
from python_calamine import CalamineWorkbook

from skillcert.common import untrusted_xls
from skillcert.common.errors import DomainError
from skillcert.common.tests import xls_files as x
from skillcert.common.untrusted_files import MAX_EXPANDED_TEXT, spreadsheet_check


def _refused(data: bytes, **limits: int) -> DomainError:
    with pytest.raises(DomainError) as caught:
        spreadsheet_check(data, what="花名册文件", **limits)
    return caught.value


def _calamine_extents(data: bytes) -> list[tuple[int, int]]:
    book = CalamineWorkbook.from_filelike(io.BytesIO(data))
    extents = []
    for name in book.sheet_names:
        end = book.get_sheet_by_name(name).end
        extents.append((end[0] + 1, end[1] + 1) if end is not None else (0, 0))
    return extents


def _measure(data: bytes) -> untrusted_xls.XlsMeasure:
    stream = untrusted_xls.workbook_stream(data)
    assert stream is not None
    return untrusted_xls.measure(stream)


def test_the_extent_of_each_sheet_is_what_calamine_reads():
    sheets = [
        x.number(0, 0, 1.0) + x.label_sst(4, 2, 0) + x.mulrk(9, 3, [1, 2, 3]),
        x.dimensions(2, 8, 1, 5) + x.formula(7, 4, 2.0) + x.number(2, 1, 3.0),
        b"",
    ]
    data = x.xls(sheets, strings=["张三", ""])

    measured = _measure(data)

    assert [(s.rows, s.columns) for s in measured.sheets] == _calamine_extents(data)
    assert [(s.rows, s.columns) for s in measured.sheets] == [(10, 6), (8, 5), (0, 0)]
    # declared 6 x 4, cells B3:E8 and the formula's own block E8
    assert measured.sheets[1].blocks == 24 + 24 + 1
    assert spreadsheet_check(data, what="花名册文件") == frozenset()


def test_a_cell_pointing_at_an_empty_shared_string_counts_as_calamine_reads_it():
    data = x.xls([x.number(0, 0, 1.0) + x.label_sst(50, 9, 1)], strings=["甲", ""])

    assert [(s.rows, s.columns) for s in _measure(data).sheets] == _calamine_extents(data)
    assert (_measure(data).sheets[0].rows, _measure(data).sheets[0].text) == (51, 0)


def test_a_string_carried_on_in_a_continue_record_is_measured_and_the_next_one_found():
    # The first string's characters run on into a CONTINUE record, which restates the
    # high-byte flag (0: the rest is one byte a character); the second follows it there.
    first = "长" * 3 + "abcdefg"
    head = (
        struct.pack("<ii", 2, 2) + struct.pack("<HB", len(first), 1) + "长长长".encode("utf-16-le")
    )
    rest = b"\x00" + b"abcdefg" + struct.pack("<HB", 2, 1) + "李四".encode("utf-16-le")
    sst = x.record(x.SST, head) + x.record(x.CONTINUE, rest)
    data = x.xls([x.label_sst(0, 0, 0) + x.label_sst(1, 0, 1)], sst=sst)

    book = CalamineWorkbook.from_filelike(io.BytesIO(data))
    assert book.get_sheet_by_index(0).to_python() == [[first], ["李四"]]
    assert _measure(data).sheets[0].text == (len(first) + 2) * 3


def test_the_far_cell_on_every_sheet_is_refused_before_calamine_allocates_anything():
    far = x.number(0, 0, 1.0) + x.number(65535, 255, 2.0)
    data = x.xls([far, far, far])
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss

    error = _refused(data)

    assert error.code == "upload.sheet_too_large"
    assert "65536 行 × 256 列" in error.message
    assert (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) / 1024 < 50


def test_sheets_each_within_the_limit_are_refused_together():
    # 2,000 x 1,000 cells: allowed on its own; three sheet entries point at it, and calamine
    # reads it three times.
    block = x.number(0, 0, 1.0) + x.number(1999, 999, 2.0)
    data = x.xls([block], entries=[0, 0, 0])

    assert _measure(data).cells == 3 * 2_000_000
    spreadsheet_check(x.xls([block]), what="花名册文件")
    error = _refused(data)
    assert error.code == "upload.sheet_too_large"
    assert "3 个工作表合计范围过大（6000000 个单元格，上限 5000000 个）" in error.message


def test_sheet_entries_pointing_inside_another_sheet_are_refused_as_corrupt():
    # Each entry would be read from its own start to the sheet's end: a thousand entries into
    # one long sheet is a thousand reads of it, for calamine and for the measure.
    rows = b"".join(x.number(row, 0, 1.0) for row in range(300))
    stream = x.workbook([rows], entries=[0, 0])
    inside = stream.replace(
        struct.pack("<I", stream.index(x.bof(True))),
        struct.pack("<I", stream.index(x.bof(True)) + len(x.bof(True)) + 18),
        1,
    )

    assert _refused(x.compound_file(inside)).code == "upload.corrupt"
    assert _measure(x.compound_file(stream)).cells == 2 * 300


def test_a_declared_size_past_what_can_be_allocated_is_refused():
    # calamine reserves room for what DIMENSIONS declares: 4 billion rows would abort it.
    data = x.xls([x.dimensions(0, 0xFFFFFFFF, 0, 256) + x.number(0, 0, 1.0)])

    error = _refused(data)

    assert error.code == "upload.sheet_too_large"
    assert "合计范围过大" in error.message


def test_a_declared_size_that_ends_before_it_starts_is_refused_as_corrupt():
    data = x.xls([x.dimensions(10, 5, 0, 1)])

    assert _refused(data).code == "upload.corrupt"


def test_a_shared_string_table_declaring_more_strings_than_it_holds_is_corrupt():
    # calamine reserves the declared count up front (2^31 strings: 48 GB).
    sst = x.record(x.SST, struct.pack("<ii", 0x7FFFFFFF, 0x7FFFFFFF) + b"\x01\x00\x00a")
    data = x.xls([x.label_sst(0, 0, 0)], sst=sst)

    error = _refused(data)

    assert error.code == "upload.corrupt"
    assert error.message == "花名册文件已损坏或不完整，无法打开"


def test_one_long_string_copied_into_many_cells_is_refused_by_its_text():
    long = "长" * 30_000  # up to 90,000 bytes each time calamine copies it
    cells = b"".join(x.label_sst(row, 0, 0) for row in range(3_000))
    data = x.xls([cells], strings=[long])

    assert _measure(data).text == 3_000 * 90_000 > MAX_EXPANDED_TEXT
    assert _refused(data).code == "upload.text_too_large"
    spreadsheet_check(x.xls([cells[: 14 * 100]], strings=[long]), what="花名册文件")


def test_a_password_protected_workbook_is_refused_as_encrypted():
    filepass = x.record(x.FILEPASS, struct.pack("<HHH", 1, 1, 1) + bytes(48))
    data = x.xls([x.number(0, 0, 1.0)], globals_extra=filepass)

    error = _refused(data)

    assert error.code == "upload.encrypted"
    assert "已加密" in error.message


@pytest.mark.parametrize(
    "stream",
    [
        # the last record cut short (a stream of 4,096 bytes or more is stored unpadded)
        x.workbook([b"".join(x.number(row, 0, 1.0) for row in range(300))])[:-5],
        x.bof(False) + x.record(x.BOUNDSHEET, struct.pack("<IBBBB", 10**6, 0, 0, 1, 0) + b"A"),
        x.workbook([x.record(x.MULRK, struct.pack("<HHH", 0, 5, 2))]),  # ends before it starts
        x.workbook([x.record(x.NUMBER, b"\x00" * 6)]),  # too short for a number
    ],
    ids=["cut_short", "sheet_past_the_end", "mulrk_backwards", "short_number"],
)
def test_records_calamine_cannot_read_are_refused_as_corrupt(stream):
    assert _refused(x.compound_file(stream)).code == "upload.corrupt"


def test_an_ole_file_that_is_not_a_compound_file_is_corrupt():
    data = untrusted_xls.OLE_MAGIC + b"\x00" * 600

    assert _refused(data).code == "upload.corrupt"


def test_an_ole_file_without_a_workbook_stream_is_left_to_the_importer():
    data = x.compound_file(x.workbook([x.number(0, 0, 1.0)]), name="WordDocument")

    assert untrusted_xls.workbook_stream(data) is None
    assert spreadsheet_check(data, what="花名册文件") == frozenset()
