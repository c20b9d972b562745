"""A legacy .xls of a few KB with one cell at IV65536 on each sheet (花名册, 试题, 职业)
would be padded to 65,536 × 256 cells (about 1.4 GB) when read from A1: every importer
refuses it from the extent alone."""

import io
import resource
from pathlib import Path

import pytest
from python_calamine import CalamineWorkbook

from skillcert.applications.roster_files import RosterFileError, read_roster
from skillcert.common.errors import DomainError
from skillcert.common.untrusted_files import sheet_rows
from skillcert.exams.room_files import RoomFileError, read_table
from skillcert.itembank.excel import parse_items_xlsx
from skillcert.occupations.formats import load_xlsx

FAR_CELL = (Path(__file__).parent / "files" / "far_cell.xls").read_bytes()


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def test_the_fixture_is_small_and_its_extent_is_huge():
    sheet = CalamineWorkbook.from_filelike(io.BytesIO(FAR_CELL)).get_sheet_by_index(0)
    assert len(FAR_CELL) < 10_000 and sheet.end == (65535, 255)
    before = _peak_mb()
    with pytest.raises(DomainError) as caught:
        sheet_rows(sheet, what="花名册文件")
    assert caught.value.code == "upload.sheet_too_large"
    assert "65536 行 × 256 列" in caught.value.message
    assert _peak_mb() - before < 100  # refused before anything was padded


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
    with pytest.raises(error) as caught:
        read(FAR_CELL)
    assert caught.value.code == "upload.sheet_too_large"


def test_the_item_bank_import_reports_it_as_a_file_error():
    result = parse_items_xlsx(FAR_CELL)
    assert [e.code for e in result.errors] == ["upload.sheet_too_large"]
