"""Hostile and broken legacy-certificate files through `manage.py certificates
import-legacy`: other encodings are read, everything unreadable ends in a coded Chinese
error and an unchanged database; formula text is stored as text."""

from __future__ import annotations

import codecs
import io
import re
import zipfile

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from hypothesis import given
from hypothesis import strategies as st
from python_calamine import CalamineWorkbook

from skillcert.accounts.actors import SystemActor
from skillcert.certificates.legacy import HEADER, legacy_import
from skillcert.certificates.models import LegacyCertificate
from skillcert.certificates.tests.test_legacy import GOOD
from skillcert.common.errors import DomainError
from skillcert.common.exports import xlsx_bytes
from skillcert.common.tests.hostile_files import (
    FORMULAS,
    FUZZ,
    byte_mutation,
    is_chinese,
    row_counts,
)
from skillcert.common.untrusted_files import text_decode

TEXT = "\n".join(",".join(r) for r in [HEADER, *GOOD]) + "\n"

SYSTEM_TEST = SystemActor("test")


def _run(tmp_path, data: bytes) -> None:
    path = tmp_path / "legacy.csv"
    path.write_bytes(data)
    call_command("certificates", "import-legacy", "--file", str(path))


@pytest.mark.parametrize(
    "data",
    [
        TEXT.encode("gbk"),
        TEXT.encode("gb18030"),
        codecs.BOM_UTF8 + TEXT.encode("utf-8"),
        codecs.BOM_UTF16_LE + TEXT.encode("utf-16-le"),
    ],
    ids=["gbk", "gb18030", "utf8-bom", "utf16"],
)
def test_reads_the_encodings_excel_saves_csv_in(db, tmp_path, data):
    _run(tmp_path, data)
    assert sorted(LegacyCertificate.objects.values_list("holder_name", flat=True)) == [
        "张三",
        "李四",
    ]


@pytest.mark.parametrize(
    ("data", "code"),
    [
        (TEXT.replace("张三", "张\x00三").encode("utf-8"), "upload.nul_byte"),
        (b"\x80\xff\xfe\x81" * 20, "upload.encoding"),
        (TEXT.encode("utf-8") + b'"' + b"x" * 200_000 + b'"\n', "upload.csv_invalid"),
        (b'{"certificates": [{"number": "1132000000000001"}]}', "legacy.header"),
        (TEXT.encode("utf-8")[: len(TEXT) // 2], "legacy.columns"),
        (b"", "legacy.header"),
    ],
    ids=["nul", "undecodable", "huge-field", "json", "truncated", "empty"],
)
def test_unreadable_files_fail_with_a_code_and_import_nothing(db, tmp_path, data, code):
    before = row_counts(LegacyCertificate)
    with pytest.raises(CommandError) as caught:
        _run(tmp_path, data)
    message = str(caught.value)
    assert code in message or "处错误" in message
    assert is_chinese(message)
    assert row_counts(LegacyCertificate) == before


def test_formula_text_is_stored_as_text_and_exported_inert(db):
    rows = [[*GOOD[0][:1], FORMULAS[0], *GOOD[0][2:]], [*GOOD[1][:1], FORMULAS[2], *GOOD[1][2:]]]
    text = "\n".join(",".join(f'"{c}"' for c in r) for r in [HEADER, *rows]) + "\n"
    imported, errors = legacy_import(text=text, actor=SYSTEM_TEST)
    assert (imported, errors) == (2, [])
    names = sorted(LegacyCertificate.objects.values_list("holder_name", flat=True))
    assert names == sorted([FORMULAS[0], FORMULAS[2]])
    book = xlsx_bytes(["姓名"], [[n] for n in names])
    cells = CalamineWorkbook.from_filelike(io.BytesIO(book)).get_sheet_by_index(0).to_python()
    # Text cells: Excel and LibreOffice show them as written and never evaluate them.
    assert [r[0] for r in cells[1:]] == names
    sheet = zipfile.ZipFile(io.BytesIO(book)).read("xl/worksheets/sheet1.xml").decode()
    assert "<f>" not in sheet


@FUZZ
@given(data=st.data())
def test_mutated_files_import_whole_or_not_at_all(db, data):
    raw = data.draw(byte_mutation(TEXT.encode("utf-8")))
    before = LegacyCertificate.objects.count()
    try:
        imported, errors = legacy_import(text=text_decode(raw, what="证书文件"), actor=SYSTEM_TEST)
    except DomainError as exc:
        assert re.fullmatch(r"[a-z_]+\.[a-z_]+", exc.code) and is_chinese(exc.message)
        imported, errors = 0, []
    for error in errors:
        assert error.code and is_chinese(error.message)
    assert imported == 0 or not errors
    assert LegacyCertificate.objects.count() == before + imported
