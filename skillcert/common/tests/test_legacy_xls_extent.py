"""A legacy .xls of a few KB with a cell at A1 and one at IV65536 on each sheet (花名册, 试题,
职业): python-calamine reads every sheet when it opens the file, each padded to 65,536 × 256
cells (1.5 GB for the three). Every importer refuses it from the records, before calamine
opens it."""

import io
import resource
from pathlib import Path

import pytest
from python_calamine import CalamineWorkbook

from skillcert.applications.roster_files import RosterFileError, read_roster
from skillcert.common import untrusted_xls
from skillcert.common.errors import DomainError
from skillcert.common.tests import xls_files as x
from skillcert.common.untrusted_files import sheet_rows
from skillcert.exams.room_files import RoomFileError, read_table
from skillcert.itembank.excel import parse_items_xlsx
from skillcert.occupations.formats import load_xlsx

FAR_CELL = (Path(__file__).parent / "files" / "far_cell.xls").read_bytes()


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def test_the_fixture_is_small_and_its_extent_is_huge():
    stream = untrusted_xls.workbook_stream(FAR_CELL)
    assert stream is not None
    sheets = untrusted_xls.measure(stream).sheets
    assert len(FAR_CELL) < 10_000
    assert [(s.rows, s.columns) for s in sheets] == [(65536, 256)] * 3


def test_a_sheet_opened_without_the_check_is_refused_before_it_is_padded():
    # 3,000 x 2,000 cells: calamine's own block is 6 million cells (about 200 MB), which
    # sheet_rows must not pad again into Python rows.
    data = x.xls([x.number(0, 0, 1.0) + x.number(2999, 1999, 2.0)])
    sheet = CalamineWorkbook.from_filelike(io.BytesIO(data)).get_sheet_by_index(0)
    before = _peak_mb()
    with pytest.raises(DomainError) as caught:
        sheet_rows(sheet, what="花名册文件")
    assert caught.value.code == "upload.sheet_too_large"
    assert "3000 行 × 2000 列" in caught.value.message
    assert _peak_mb() - before < 100


@pytest.mark.parametrize(
    ("read", "error"),
    [
        (lambda data: read_roster(data), RosterFileError),
        (lambda data: read_table(data, "rooms.xls"), RoomFileError),
        (lambda data: load_xlsx(data), DomainError),
    ],
    ids=["roster", "rooms", "standards"],
)
def test_importers_refuse_it_with_the_extent_code(read, error):
    before = _peak_mb()
    with pytest.raises(error) as caught:
        read(FAR_CELL)
    assert caught.value.code == "upload.sheet_too_large"
    assert "65536 行 × 256 列" in caught.value.message
    assert _peak_mb() - before < 50  # refused from the records: calamine never opened it


def test_the_item_bank_import_reports_it_as_a_file_error():
    result = parse_items_xlsx(FAR_CELL)
    assert [e.code for e in result.errors] == ["upload.sheet_too_large"]
