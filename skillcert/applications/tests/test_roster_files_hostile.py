"""Hostile and broken roster files: each ends in a RosterFileError (a DomainError with a
stable code and a Chinese message) or in coded row errors, and nothing is written."""

from __future__ import annotations

import io
import re
import zipfile

import pytest
from hypothesis import given
from hypothesis import strategies as st

from skillcert.applications.importing import roster_import, roster_validate
from skillcert.applications.models import Application, ImportStatus, ReviewEvent, RosterImport
from skillcert.applications.roster import HEADERS as ROSTER_HEADERS
from skillcert.applications.roster_files import RosterFileError, roster_error_report
from skillcert.applications.tests.rosters import HEADERS, roster_bytes, valid_row
from skillcert.candidates.models import Candidate
from skillcert.common.errors import DomainError
from skillcert.common.tests.hostile_files import (
    FORMULAS,
    FUZZ,
    ZIP_BOMB,
    byte_mutation,
    inline_row,
    is_chinese,
    many_entries_zip,
    ods_file,
    row_counts,
    shared_string_amplifier,
    sheet_xml,
    sparse_corner_xlsx,
    understated_size,
    xlsx,
    xml_mutation,
)
from skillcert.plans.tests.factories import make_id

MODELS = (Candidate, Application, ReviewEvent)
GOOD = roster_bytes([valid_row(make_id(1)), valid_row(make_id(2), 姓名="李四")])


def _merged(ref_list: list[str]) -> bytes:
    body = inline_row(1, HEADERS) + inline_row(2, ["张三", make_id(1), "13912345678"])
    merges = "".join(f'<mergeCell ref="{r}"/>' for r in ref_list)
    sheet = sheet_xml(body).replace(
        b"</worksheet>",
        f'<mergeCells count="{len(ref_list)}">{merges}</mergeCells></worksheet>'.encode(),
    )
    return xlsx(sheet, sheet_name="花名册")


HOSTILE = {
    "garbage": (b"\x00\x01not a workbook" * 10, "roster.unreadable"),
    "truncated": (GOOD[: len(GOOD) // 2], "upload.corrupt"),
    "sparse_corner": (sparse_corner_xlsx("花名册"), "upload.sheet_too_large"),
    "zip_bomb": (ZIP_BOMB, "upload.uncompressed_too_large"),
    "many_entries": (many_entries_zip(1500, base=GOOD), "upload.too_many_entries"),
    "shared_string_amplifier": (shared_string_amplifier(), "upload.text_too_large"),
    "understated_size": (understated_size(GOOD, "xl/worksheets/sheet1.xml"), "upload.corrupt"),
    "ods": (ods_file(), "upload.format_unsupported"),
    "too_many_merges": (_merged([f"A{r}:B{r}" for r in range(3, 1100)]), "roster.merged_too_many"),
}


@pytest.mark.parametrize("name", list(HOSTILE))
def test_hostile_file_is_refused_with_a_code_and_nothing_is_written(
    name, plan, personas, heavy_files
):
    data, code = HOSTILE[name]
    data = heavy_files(data)
    before = row_counts(*MODELS)
    with pytest.raises(RosterFileError) as caught:
        roster_import(plan=plan, source=data, actor=personas.clerk_a)
    assert caught.value.code == code
    assert is_chinese(caught.value.message)
    assert row_counts(*MODELS) == before


def test_web_upload_of_a_sparse_corner_file_fails_the_job_not_the_worker(
    plan, personas, django_capture_on_commit_callbacks
):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from skillcert.applications.services import roster_upload_create

    before = row_counts(*MODELS)
    upload = SimpleUploadedFile("花名册.xlsx", sparse_corner_xlsx("花名册"))
    with django_capture_on_commit_callbacks(execute=True):
        job = roster_upload_create(
            plan=plan, upload=upload, actor=personas.clerk_a, partial=False, dry_run=False
        )
    job = RosterImport.objects.get(pk=job.pk)
    assert job.status == ImportStatus.FAILED
    assert "工作表范围过大" in job.message
    assert row_counts(*MODELS) == {**before, "audit.AuditEvent": before["audit.AuditEvent"] + 1}


def test_merge_reaching_the_last_row_is_reported_once_without_walking_a_million_rows(plan):
    sheet, result = roster_validate(plan=plan, source=_merged(["C2:C1048576"]))
    assert sheet.merged == [(2, 3, 2, 3)]
    assert [e.code for e in result.errors] == ["merged_cells"]


def test_huge_cell_is_a_row_error_that_does_not_quote_the_cell(plan, personas):
    before = row_counts(*MODELS)
    blob = "职" * 100_000
    data = roster_bytes([valid_row(make_id(1)), valid_row(make_id(2), 职业编码=blob)])
    outcome = roster_import(plan=plan, source=data, actor=personas.clerk_a)
    assert outcome.imported == 0
    assert [(e.row, e.column, e.code) for e in outcome.errors] == [
        (3, ROSTER_HEADERS["occupation_code"], "cell_too_long")
    ]
    assert len(outcome.errors[0].message) < 100
    assert row_counts(*MODELS) == before


def test_formula_cells_are_refused_and_the_error_report_keeps_them_text(plan):
    row = {header: FORMULAS[i % len(FORMULAS)] for i, header in enumerate(HEADERS)}
    sheet, result = roster_validate(plan=plan, source=roster_bytes([row]))
    assert result.rows == [] and result.errors
    report = roster_error_report(sheet, result.errors)
    with zipfile.ZipFile(io.BytesIO(report)) as book:
        xml = b"".join(book.read(n) for n in book.namelist() if n.startswith("xl/worksheets/"))
    assert b"<f>" not in xml  # not one formula cell
    from python_calamine import CalamineWorkbook

    cells = CalamineWorkbook.from_filelike(io.BytesIO(report)).get_sheet_by_index(0).to_python()
    quoted = [
        c for r in cells[1:] for c in r if isinstance(c, str) and c[:2] in {"'=", "'+", "'-", "'@"}
    ]
    assert len(quoted) >= len(HEADERS) - 1
    assert not [c for r in cells[1:] for c in r if isinstance(c, str) and re.match(r"^[=+@]", c)]


@FUZZ
@given(data=st.data())
def test_mutated_rosters_end_in_a_domain_error_or_a_report_and_write_nothing(data, plan, personas):
    mutated = data.draw(
        st.one_of(
            byte_mutation(GOOD),
            xml_mutation(GOOD, "xl/worksheets/sheet1.xml"),
            xml_mutation(GOOD, "xl/sharedStrings.xml"),
            xml_mutation(GOOD, "xl/workbook.xml"),
        )
    )
    before = row_counts(*MODELS)
    try:
        roster_import(plan=plan, source=mutated, actor=personas.clerk_a, dry_run=True)
    except DomainError as exc:
        assert re.fullmatch(r"[a-z_]+\.[a-z_]+", exc.code) and is_chinese(exc.message)
    assert row_counts(*MODELS) == before
