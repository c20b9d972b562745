"""The item import page (security issue #19): the request only checks and stores the upload;
a background task parses it and imports all or nothing; the page shows the outcome and the
per-row errors."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from skillcert.audit.models import AuditEvent
from skillcert.common.errors import DomainError, Forbidden
from skillcert.common.exports import xlsx_bytes
from skillcert.common.tests.hostile_files import is_chinese, sparse_corner_xlsx
from skillcert.itembank import tasks
from skillcert.itembank.excel import COLUMNS, SHEET, ParseResult
from skillcert.itembank.models import Item, ItemImport, ItemVersion
from skillcert.itembank.tests.factories import GOOD_XLSX, sheet_row


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def _upload(client, bank, data: bytes, name: str = "items.xlsx"):
    return client.post(
        "/itembank/import/",
        {"occupation": bank.occupation.pk, "file": SimpleUploadedFile(name, data)},
    )


def test_the_request_stores_the_file_and_the_task_imports_it(
    bank, personas, django_capture_on_commit_callbacks, media, monkeypatch
):
    parsed_in: list[str] = []
    real_parse = tasks.parse_items_xlsx

    def parse(data: bytes) -> ParseResult:
        parsed_in.append("task")
        return real_parse(data)

    monkeypatch.setattr(tasks, "parse_items_xlsx", parse)
    client = personas.client_for(bank.setter)
    with django_capture_on_commit_callbacks(execute=False) as queued:
        response = _upload(client, bank, GOOD_XLSX)
    job = ItemImport.objects.get()
    assert response.status_code == 302 and response.url == f"/itembank/import/{job.pk}/"
    # Nothing was parsed in the request; the upload waits, private to the server's user.
    assert parsed_in == [] and job.status == "queued" and Item.objects.count() == 0
    stored = Path(job.file.path)
    assert stat.S_IMODE(stored.stat().st_mode) == 0o600
    assert AuditEvent.objects.filter(action="item.import_upload", object_id=str(job.pk)).exists()
    for callback in queued:
        callback()
    job.refresh_from_db()
    assert parsed_in == ["task"]
    assert (job.status, job.created_count, job.error_count) == ("done", 2, 0)
    assert set(Item.objects.values_list("code", "author_id")) == {
        ("X1", bank.setter.pk),
        ("X2", bank.setter.pk),
    }
    # The file held item text in clear: erased once read.
    assert not stored.exists() and not job.file
    page = client.get(f"/itembank/import/{job.pk}/")
    assert page.status_code == 200 and "已导入 2 道试题" in page.text


def test_bad_rows_are_listed_in_chinese_and_nothing_is_stored(
    bank, personas, django_capture_on_commit_callbacks
):
    data = xlsx_bytes(COLUMNS, [sheet_row(), sheet_row(试题编号="X2", 等级=7)], sheet=SHEET)
    client = personas.client_for(bank.setter)
    with django_capture_on_commit_callbacks(execute=True):
        _upload(client, bank, data)
    job = ItemImport.objects.get()
    assert (job.status, job.created_count, job.error_count) == ("done", 0, 1)
    assert job.errors[0]["row"] == 3 and job.errors[0]["code"] == "item.level_invalid"
    assert Item.objects.count() == 0
    page = client.get(f"/itembank/import/{job.pk}/")
    assert "item.level_invalid" in page.text and "整个文件未导入" in page.text


def test_hostile_workbook_ends_in_a_coded_error_in_the_task_and_stores_nothing(
    bank, personas, django_capture_on_commit_callbacks
):
    client = personas.client_for(bank.setter)
    with django_capture_on_commit_callbacks(execute=True):
        response = _upload(client, bank, sparse_corner_xlsx(SHEET))
    assert response.status_code == 302
    job = ItemImport.objects.get()
    assert job.status == "done" and [e["code"] for e in job.errors] == ["upload.sheet_too_large"]
    assert is_chinese(job.errors[0]["message"])
    assert Item.objects.count() == ItemVersion.objects.count() == 0


@pytest.mark.parametrize(
    ("name", "data", "code"),
    [
        ("items.xlsx", b"\x00\x01 not a workbook", "itembank.import_content"),
        ("items.xls", b"PK\x03\x04 a zip named .xls", "itembank.import_content"),
        ("items.zip", b"<?xml version='1.0'?>", "itembank.import_content"),
        ("items.csv", b"a,b\n1,2\n", "itembank.import_file_type"),
        ("items.xlsx", b"", "itembank.import_empty"),
    ],
)
def test_a_file_that_is_not_what_its_name_says_is_refused_before_it_is_stored(
    bank, personas, name, data, code, media, monkeypatch
):
    refused: list[str] = []
    real = tasks._upload_format

    def spy(upload):
        try:
            return real(upload)
        except Exception as exc:
            refused.append(getattr(exc, "code", ""))
            raise

    monkeypatch.setattr(tasks, "_upload_format", spy)
    client = personas.client_for(bank.setter)
    response = _upload(client, bank, data, name)
    assert response.status_code == 302 and response.url == "/itembank/import/"
    assert refused == [code]
    assert not ItemImport.objects.exists() and Item.objects.count() == 0
    assert not any(p.is_file() for p in media.rglob("*"))


@pytest.mark.parametrize(
    ("limit", "who", "error", "code"),
    [
        (100, "setter", DomainError, "itembank.import_too_large"),  # an oversized file
        (None, "reviewer", Forbidden, "itembank.forbidden"),  # no writing role
    ],
)
def test_an_oversized_file_or_a_reader_queues_no_import(bank, monkeypatch, limit, who, error, code):
    if limit is not None:
        monkeypatch.setattr(tasks, "ITEM_IMPORT_MAX_BYTES", limit)
    with pytest.raises(error) as caught:
        tasks.item_import_queue(
            occupation=bank.occupation,
            upload=SimpleUploadedFile("items.xlsx", GOOD_XLSX),
            actor=getattr(bank, who),
        )
    assert caught.value.code == code
    assert not ItemImport.objects.exists()


def test_another_users_import_is_not_found(bank, personas, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        _upload(personas.client_for(bank.setter), bank, GOOD_XLSX)
    job = ItemImport.objects.get()
    assert personas.client_for(bank.setter2).get(f"/itembank/import/{job.pk}/").status_code == 404
    assert (
        personas.client_for(personas.candidate).get(f"/itembank/import/{job.pk}/").status_code
        == 404
    )
