"""The item import as background work (django-tasks; the database backend in production, the
immediate backend under tests). Parsing an uploaded workbook or QTI package can take far
more memory and time than a web request may spend, so the request only checks and stores the
file (`item_import_queue`) and a worker parses and imports it (`item_import_run`). The
queueing write lives here, beside its task, so that the services never import the worker."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django_tasks import task

from skillcert.accounts.actors import Actor
from skillcert.audit.services import audit_record
from skillcert.common.errors import DomainError
from skillcert.common.untrusted_xls import OLE_MAGIC
from skillcert.itembank.excel import parse_items_xlsx
from skillcert.itembank.models import (
    ItemBank,
    ItemImport,
    ItemImportFormat,
    ItemImportStatus,
)
from skillcert.itembank.qti import parse_qti_package
from skillcert.itembank.services import items_import
from skillcert.itembank.services._guards import acting_person, bank_for_writing

ITEM_IMPORT_MAX_BYTES = 50 * 1024 * 1024
# The error list kept for the page; the count is always complete.
MAX_STORED_ERRORS = 5_000

_ZIP_MAGIC = b"PK\x03\x04"
# File name ending → (format, the first bytes such a file starts with).
_ACCEPTED = {
    ".xlsx": (ItemImportFormat.EXCEL, _ZIP_MAGIC),
    ".xlsm": (ItemImportFormat.EXCEL, _ZIP_MAGIC),
    ".xls": (ItemImportFormat.EXCEL, OLE_MAGIC),  # a legacy .xls: BIFF in an OLE2 file
    ".zip": (ItemImportFormat.QTI, _ZIP_MAGIC),
}

if TYPE_CHECKING:
    from skillcert.occupations.models import Occupation


def _upload_format(upload: UploadedFile | None) -> str:
    """The upload's format, from its name and checked against its first bytes; a file that
    is not what its name says is refused before it is stored."""
    if upload is None:
        raise DomainError(
            "itembank.import_missing", "请选择不超过 50MB 的 Excel 或 QTI（zip）文件", field="file"
        )
    name = (upload.name or "").lower()
    suffix = next((s for s in _ACCEPTED if name.endswith(s)), None)
    if suffix is None:
        raise DomainError(
            "itembank.import_file_type",
            "请上传 Excel 模板（.xlsx 或 .xls）或 QTI 2.2 内容包（.zip）",
            field="file",
        )
    if not upload.size:
        raise DomainError("itembank.import_empty", "上传的文件为空", field="file")
    if upload.size > ITEM_IMPORT_MAX_BYTES:
        raise DomainError("itembank.import_too_large", "文件不能超过 50MB", field="file")
    file_format, magic = _ACCEPTED[suffix]
    upload.seek(0)
    head = upload.read(len(magic))
    upload.seek(0)
    if head != magic:
        raise DomainError(
            "itembank.import_content",
            f"文件内容与扩展名 {suffix} 不符：请上传由模板填写的 Excel 文件或 QTI 内容包",
            field="file",
        )
    return file_format


def item_import_queue(
    *,
    occupation: Occupation,
    upload: UploadedFile | None,
    actor: Actor,
    bank: ItemBank | None = None,
) -> ItemImport:
    """Check who imports into which bank and what the file is, store it (mode 0600, like
    every upload) and queue the import after commit, so the worker finds the row."""
    user = acting_person(actor)
    bank = bank_for_writing(user=user, occupation=occupation, bank=bank)
    file_format = _upload_format(upload)
    assert upload is not None  # checked by _upload_format
    with transaction.atomic():
        job = ItemImport.objects.create(
            bank=bank,
            occupation=occupation,
            file=upload,
            file_name=(upload.name or "items")[:200],
            file_format=file_format,
            created_by=user,
        )
        audit_record(
            actor=user,
            action="item.import_upload",
            obj=job,
            changes={
                "bank": bank.pk,
                "occupation": occupation.code,
                "format": file_format,
                "bytes": upload.size,
            },
        )
        transaction.on_commit(lambda: item_import_run.enqueue(job.pk))
    return job


def _read_and_erase(job: ItemImport) -> bytes:
    """The stored file's bytes; the file holds item text in clear, so it is erased at once."""
    try:
        job.file.open("rb")
        try:
            return job.file.read()
        finally:
            job.file.close()
    finally:
        job.file.delete(save=False)
        ItemImport.objects.filter(pk=job.pk).update(file="")


def _finish(job: ItemImport, status: str, **fields: Any) -> None:
    ItemImport.objects.filter(pk=job.pk).update(status=status, finished_at=timezone.now(), **fields)


@task()
def item_import_run(import_id: int) -> None:
    job = ItemImport.objects.select_related("bank", "occupation", "created_by").get(pk=import_id)
    if job.status != ItemImportStatus.QUEUED:
        return  # a task delivered twice: the first run did the work
    ItemImport.objects.filter(pk=job.pk).update(status=ItemImportStatus.RUNNING)
    try:
        data = _read_and_erase(job)
        if job.file_format == ItemImportFormat.QTI:
            parsed = parse_qti_package(data)
        else:
            parsed = parse_items_xlsx(data)
        report = items_import(
            occupation=job.occupation, parsed=parsed, actor=job.created_by, bank=job.bank
        )
    except DomainError as exc:  # the importer lost the right to write in the bank, say
        _finish(job, ItemImportStatus.FAILED, message=exc.message)
        return
    except Exception:
        _finish(job, ItemImportStatus.FAILED, message="导入时发生内部错误，请联系系统管理员")
        raise
    _finish(
        job,
        ItemImportStatus.DONE,
        created_count=report.created,
        error_count=len(report.errors),
        errors=[e.as_dict() for e in report.errors[:MAX_STORED_ERRORS]],
    )
