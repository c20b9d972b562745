"""Excel template and QTI 2.2: round trips, and bad rows reported with row/column/code."""

from __future__ import annotations

import io
import zipfile

from skillcert.common.exports import xlsx_bytes
from skillcert.itembank.excel import COLUMNS, SHEET, items_to_xlsx, parse_items_xlsx
from skillcert.itembank.models import Item, ItemAccessLog
from skillcert.itembank.qti import items_to_qti_package, parse_qti_package
from skillcert.itembank.services import items_export_rows, items_import
from skillcert.itembank.tests.factories import sheet_row


def test_excel_round_trip_keeps_every_type(bank):
    items = [
        bank.choice(1),
        bank.choice(
            2,
            item_type="multiple",
            content={"stem": "-以负号开头", "options": ["a", "b", "c"], "key": "AC"},
        ),
        bank.choice(3, item_type="true_false", content={"stem": "判断", "key": True}),
        bank.choice(
            4,
            item_type="practical",
            score=20,
            content={
                "stem": "操作",
                "sheet": [{"item": "步骤一", "score": 12}, {"item": "步骤二", "score": 8}],
            },
        ),
        bank.choice(
            5,
            item_type="subjective",
            score=5,
            content={"stem": "案例", "answer": "要点", "scheme": "每点1分"},
        ),
    ]
    rows = items_export_rows(items=items, actor=bank.manager)
    assert ItemAccessLog.objects.filter(purpose="export").count() == 5
    parsed = parse_items_xlsx(items_to_xlsx(rows))
    assert parsed.errors == []
    assert [(r.code, r.item_type, r.content) for r in parsed.rows] == [
        (it.code, it.item_type, it.content) for it in items
    ]


def test_excel_import_creates_drafts_for_the_importer(bank):
    data = xlsx_bytes(
        COLUMNS, [sheet_row(), sheet_row(试题编号="X2", 题型="判断", 答案="错误")], sheet=SHEET
    )
    report = items_import(
        occupation=bank.occupation, parsed=parse_items_xlsx(data), actor=bank.setter
    )
    assert report.created == 2 and report.errors == []
    assert set(Item.objects.values_list("code", "status", "author_id")) == {
        ("X1", "draft", bank.setter.pk),
        ("X2", "draft", bank.setter.pk),
    }
    assert Item.objects.get(code="X2").versions.count() == 1


def test_excel_bad_rows_are_reported_and_nothing_is_written(bank):
    bank.choice(9, code="TAKEN")
    data = xlsx_bytes(
        COLUMNS,
        [
            sheet_row(),
            sheet_row(试题编号="X2", 答案="E"),
            sheet_row(试题编号="X3", 等级=7),
            sheet_row(试题编号="X1"),
            sheet_row(试题编号="X4", 要素代码="Z-9"),
            sheet_row(试题编号="TAKEN"),
            sheet_row(试题编号="X5", 题型="作文"),
        ],
        sheet=SHEET,
    )
    report = items_import(
        occupation=bank.occupation, parsed=parse_items_xlsx(data), actor=bank.setter
    )
    assert report.created == 0
    found = {(e.row, e.column, e.code) for e in report.errors}
    assert found == {
        (3, "答案", "item.key_invalid"),
        (4, "等级", "item.level_invalid"),
        (5, "试题编号", "item.code_duplicate"),
        (6, "要素代码", "item.element_unknown"),
        (7, "试题编号", "item.code_taken"),
        (8, "题型", "item.type_invalid"),
    }
    assert all(e.message for e in report.errors)
    assert Item.objects.count() == 1


def test_excel_missing_sheet_or_garbage(bank):
    assert parse_items_xlsx(b"not a workbook").errors[0].code == "excel.unreadable"
    other = xlsx_bytes(["a"], [[1]], sheet="别的")
    assert parse_items_xlsx(other).errors[0].code == "excel.sheet_missing"
    no_key = xlsx_bytes([c for c in COLUMNS if c != "答案"], [[1]], sheet=SHEET)
    assert parse_items_xlsx(no_key).errors[0].code == "excel.column_missing"


def test_qti_round_trip_for_choice_items(bank):
    items = [
        bank.choice(1, enemy_group="E7"),
        bank.choice(
            2,
            item_type="multiple",
            content={"stem": "多选 <b>&", "options": ["a", "b", "c"], "key": "BC"},
        ),
        bank.choice(3, item_type="true_false", content={"stem": "判断", "key": False}),
        bank.choice(
            4,
            item_type="subjective",
            score=5,
            content={"stem": "案例", "answer": "", "scheme": "每点1分"},
        ),
    ]
    rows = items_export_rows(items=items, actor=bank.manager, choice_only=True)
    assert len(rows) == 3  # the subjective item has no QTI choice form
    package = items_to_qti_package(rows)
    with zipfile.ZipFile(io.BytesIO(package)) as z:
        xml = z.read("items/T0002.xml").decode()
    assert "imsqti_v2p2" in xml and "choiceInteraction" in xml and 'maxChoices="0"' in xml
    parsed = parse_qti_package(package)
    assert parsed.errors == []
    assert [(r.code, r.item_type, r.content, r.enemy_group, r.element) for r in parsed.rows] == [
        (it.code, it.item_type, it.content, it.enemy_group, "A-01") for it in items[:3]
    ]


def test_qti_bad_packages_are_reported(bank):
    assert parse_qti_package(b"zip?").errors[0].code == "qti.package_invalid"
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as z:
        z.writestr("imsmanifest.xml", '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "b">]><x/>')
    assert parse_qti_package(buffer.getvalue()).errors[0].code == "qti.dtd_forbidden"
    rows = items_export_rows(items=[bank.choice(1)], actor=bank.manager, choice_only=True)
    good = items_to_qti_package(rows)
    broken = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(good)) as src, zipfile.ZipFile(broken, "w") as dst:
        manifest = src.read("imsmanifest.xml").replace(b">3<", b">9<")
        dst.writestr("imsmanifest.xml", manifest)
        dst.writestr(
            "items/T0001.xml",
            src.read("items/T0001.xml").replace(b"<value>B</value>", b"<value>Z</value>", 1),
        )
    [error] = parse_qti_package(broken.getvalue()).errors
    assert (error.row, error.column, error.code) == (1, "level", "item.level_invalid")
