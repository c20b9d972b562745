"""Hostile and broken item files (Excel template and QTI packages): every one ends in coded
errors with Chinese messages and nothing stored; formula text stays text both ways."""

from __future__ import annotations

import io
import re
import zipfile

import pytest
from hypothesis import given
from hypothesis import strategies as st
from python_calamine import CalamineWorkbook

from skillcert.common.exports import xlsx_bytes
from skillcert.common.tests.hostile_files import (
    FORMULAS,
    FUZZ,
    ZIP_BOMB,
    byte_mutation,
    is_chinese,
    many_entries_zip,
    row_counts,
    shared_string_amplifier,
    sparse_corner_xlsx,
    understated_size,
    xml_mutation,
    zip_bomb_xlsx,
)
from skillcert.itembank.excel import COLUMNS, SHEET, items_to_xlsx, parse_items_xlsx
from skillcert.itembank.models import Item, ItemVersion
from skillcert.itembank.qti import items_to_qti_package, parse_qti_package
from skillcert.itembank.services import items_export_rows, items_import
from skillcert.itembank.tests.factories import GOOD_XLSX, sheet_row

MODELS = (Item, ItemVersion)


HOSTILE_XLSX = {
    "garbage": (b"\x00\x01 not a workbook", "excel.unreadable"),
    "truncated": (GOOD_XLSX[:-40], "upload.corrupt"),
    "sparse_corner": (sparse_corner_xlsx(SHEET), "upload.sheet_too_large"),
    "zip_bomb": (ZIP_BOMB, "upload.uncompressed_too_large"),
    "many_entries": (many_entries_zip(1500, base=GOOD_XLSX), "upload.too_many_entries"),
    "shared_string_amplifier": (shared_string_amplifier(), "upload.text_too_large"),
    "understated": (understated_size(GOOD_XLSX, "xl/worksheets/sheet1.xml"), "upload.corrupt"),
}


def _import(bank, data: bytes, *, qti: bool = False):
    parsed = parse_qti_package(data) if qti else parse_items_xlsx(data)
    return items_import(occupation=bank.occupation, parsed=parsed, actor=bank.setter)


@pytest.mark.parametrize("name", list(HOSTILE_XLSX))
def test_hostile_excel_is_refused_with_a_code_and_nothing_is_stored(name, bank, heavy_files):
    data, code = HOSTILE_XLSX[name]
    data = heavy_files(data)
    before = row_counts(*MODELS)
    report = _import(bank, data)
    assert report.created == 0
    assert [e.code for e in report.errors] == [code]
    assert is_chinese(report.errors[0].message)
    assert row_counts(*MODELS) == before


def test_huge_stem_is_a_row_error(bank):
    before = row_counts(*MODELS)
    report = _import(bank, xlsx_bytes(COLUMNS, [sheet_row(题干="题" * 30_000)], sheet=SHEET))
    assert [(e.row, e.code) for e in report.errors] == [(2, "item.content_too_long")]
    assert row_counts(*MODELS) == before


def test_formula_text_is_stored_inert_and_exported_as_text(bank):
    rows = [
        sheet_row(试题编号=f"F{n}", 题干=formula, 选项A=formula, 选项B="乙")
        for n, formula in enumerate(FORMULAS)
    ]
    report = _import(bank, xlsx_bytes(COLUMNS, rows, sheet=SHEET))
    assert report.errors == [] and report.created == len(FORMULAS)
    stems = {item.code: item.content["stem"] for item in Item.objects.all()}
    assert stems == {f"F{n}": f for n, f in enumerate(FORMULAS)}
    exported = items_to_xlsx(
        items_export_rows(items=list(Item.objects.order_by("code")), actor=bank.manager)
    )
    with zipfile.ZipFile(io.BytesIO(exported)) as book:
        assert b"<f>" not in book.read("xl/worksheets/sheet1.xml")
    cells = CalamineWorkbook.from_filelike(io.BytesIO(exported)).get_sheet_by_index(0).to_python()
    assert {r[COLUMNS.index("题干")] for r in cells[1:]} == set(FORMULAS)  # text cells, no "'"
    again = parse_items_xlsx(exported)
    assert {r.content["stem"] for r in again.rows} == set(FORMULAS)


def _package(bank) -> bytes:
    items = [bank.choice(1), bank.choice(2)]
    return items_to_qti_package(
        items_export_rows(items=items, actor=bank.manager, choice_only=True)
    )


def _with_entries(data: bytes, extra: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(buffer, "w") as dst:
        for info in src.infolist():
            content = extra.pop(info.filename, src.read(info))
            dst.writestr(info.filename, content)
        for name, content in extra.items():
            dst.writestr(name, content)
    return buffer.getvalue()


def test_hostile_qti_packages_are_refused_with_codes_and_nothing_is_stored(bank):
    good = _package(bank)
    before = row_counts(*MODELS)
    utf16_dtd = '<?xml version="1.0" encoding="UTF-16"?><!DOCTYPE x [<!ENTITY a "b">]><x>&a;</x>'
    cases = {
        "not a zip": (b"zip?", "qti.package_invalid"),
        "truncated": (good[:-30], "upload.corrupt"),
        "bomb": (zip_bomb_xlsx(60), "upload.uncompressed_too_large"),
        "entries": (many_entries_zip(20_001), "upload.too_many_entries"),
        "utf16 dtd": (
            _with_entries(good, {"imsmanifest.xml": utf16_dtd.encode("utf-16")}),
            "qti.dtd_forbidden",
        ),
        "item dtd": (
            _with_entries(good, {"items/T0001.xml": utf16_dtd.encode("utf-16")}),
            "qti.dtd_forbidden",
        ),
        "understated item": (understated_size(good, "items/T0001.xml"), "upload.corrupt"),
        "manifest not xml": (_with_entries(good, {"imsmanifest.xml": b"<<<"}), "qti.xml_invalid"),
    }
    for label, (data, code) in cases.items():
        report = _import(bank, data, qti=True)
        assert report.created == 0, label
        assert code in [e.code for e in report.errors], label
        assert all(is_chinese(e.message) for e in report.errors), label
    assert row_counts(*MODELS) == before


@pytest.fixture
def good_qti(bank) -> bytes:
    return _package(bank)


@FUZZ
@given(data=st.data())
def test_mutated_item_files_end_in_coded_errors_and_store_nothing(bank, good_qti, data):
    mutated, qti = data.draw(
        st.one_of(
            byte_mutation(GOOD_XLSX).map(lambda d: (d, False)),
            xml_mutation(GOOD_XLSX, "xl/worksheets/sheet1.xml").map(lambda d: (d, False)),
            byte_mutation(good_qti).map(lambda d: (d, True)),
            xml_mutation(good_qti, "imsmanifest.xml").map(lambda d: (d, True)),
            xml_mutation(good_qti, "items/T0001.xml").map(lambda d: (d, True)),
        )
    )
    before = row_counts(*MODELS)
    parsed = parse_qti_package(mutated) if qti else parse_items_xlsx(mutated)
    for error in parsed.errors:
        assert re.fullmatch(r"[a-z_]+\.[a-z_]+", error.code) and is_chinese(error.message)
    if parsed.errors:
        report = items_import(occupation=bank.occupation, parsed=parsed, actor=bank.setter)
        assert report.created == 0
        assert row_counts(*MODELS) == before
