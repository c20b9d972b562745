import hashlib
import stat
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.core.files.storage import FileSystemStorage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import models
from django.db.models.fields.files import FieldFile

from skillcert.common.errors import DomainError
from skillcert.common.uploads import (
    DOCUMENT_KINDS,
    JPEG,
    MAX_UPLOAD_BYTES,
    MP4,
    PDF,
    PNG,
    document_store,
    sniff_content_type,
    upload_check,
)

PDF_BYTES = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
MP4_BYTES = b"\x00\x00\x00\x18ftypmp42" + b"\x00" * 32


def _field_file(root: Path) -> FieldFile:
    field = models.FileField(upload_to="documents/", storage=FileSystemStorage(location=root))
    field.set_attributes_from_name("file")
    return FieldFile(SimpleNamespace(), field, None)  # type: ignore[arg-type]  # no row needed


def test_accepts_pdf_png_and_jpeg_by_content():
    assert upload_check(name="a.pdf", size=10, head=b"%PDF-1.7") is PDF
    assert upload_check(name="a.PNG", size=10, head=b"\x89PNG\r\n\x1a\n") is PNG
    assert upload_check(name="a.jpeg", size=10, head=b"\xff\xd8\xff\xe0") is JPEG


@pytest.mark.parametrize(
    ("name", "head", "code"),
    [
        ("营业执照.pdf", b"MZ\x90\x00", "upload.disguised"),
        ("a.pdf", b"\x7fELF\x02", "upload.disguised"),
        ("a.pdf", b"  <html><script>alert(1)</script>", "upload.disguised"),
        ("a.pdf", b"<svg xmlns=", "upload.disguised"),
        ("a.pdf", b"\x89PNG\r\n\x1a\n", "upload.disguised"),
        ("a.png", b"%PDF-1.4", "upload.disguised"),
        ("a.pdf", b"PK\x03\x04", "upload.unrecognised"),
        ("a.exe", b"MZ", "upload.type_not_allowed"),
        ("a.html", b"<html>", "upload.type_not_allowed"),
        ("noextension", b"%PDF-", "upload.type_not_allowed"),
        ("a.mp4", MP4_BYTES, "upload.type_not_allowed"),  # not a document kind
    ],
)
def test_rejects_disguised_or_unknown_content(name, head, code):
    with pytest.raises(DomainError) as err:
        upload_check(name=name, size=100, head=head)
    assert err.value.code == code
    assert err.value.field == "file"


def test_names_the_accepted_kinds_in_the_refusal():
    with pytest.raises(DomainError) as err:
        upload_check(name="a.doc", size=100, head=b"\xd0\xcf")
    assert err.value.message == "不支持“.doc”文件，请上传 PDF、PNG 或 JPEG"


def test_rejects_empty_and_oversized_files():
    with pytest.raises(DomainError) as err:
        upload_check(name="a.pdf", size=0, head=b"")
    assert err.value.code == "upload.empty"
    with pytest.raises(DomainError) as err:
        upload_check(name="a.pdf", size=MAX_UPLOAD_BYTES + 1, head=b"%PDF-")
    assert err.value.code == "upload.too_large"
    assert "10 MB" in err.value.message


def test_a_caller_may_allow_other_kinds_and_a_larger_limit():
    kinds = (*DOCUMENT_KINDS, MP4)
    big = 20 * 1024 * 1024
    assert (
        upload_check(name="监控.mp4", size=big, head=MP4_BYTES, kinds=kinds, max_bytes=big) is MP4
    )
    with pytest.raises(DomainError) as err:
        upload_check(name="监控.mp4", size=big + 1, head=MP4_BYTES, kinds=kinds, max_bytes=big)
    assert err.value.code == "upload.too_large"


def test_sniffs_the_content_type_for_serving():
    assert sniff_content_type(b"%PDF-1.7") == "application/pdf"
    assert sniff_content_type(b"<html>") is None


def test_stores_under_a_random_name_readable_by_the_owner_only(tmp_path):
    into = _field_file(tmp_path)
    upload = SimpleUploadedFile("C:\\扫描\\营业执照.pdf", PDF_BYTES)
    stored = document_store(upload=upload, into=into)
    assert stored.original_name == "营业执照.pdf"
    assert stored.content_type == "application/pdf"
    assert stored.size == len(PDF_BYTES)
    assert stored.sha256 == hashlib.sha256(PDF_BYTES).hexdigest()
    assert stored.path == into.name and stored.path.endswith(".pdf")
    assert "营业执照" not in stored.path
    on_disk = tmp_path / stored.path
    assert on_disk.read_bytes() == PDF_BYTES
    assert stat.S_IMODE(on_disk.stat().st_mode) == 0o600


def test_stores_nothing_when_the_content_is_refused(tmp_path):
    into = _field_file(tmp_path)
    with pytest.raises(DomainError) as err:
        document_store(upload=SimpleUploadedFile("a.pdf", b"MZ\x90\x00" * 8), into=into)
    assert err.value.code == "upload.disguised"
    assert not into.name
    assert [p for p in tmp_path.rglob("*") if p.is_file()] == []


def test_refuses_an_upload_without_a_name(tmp_path):
    upload = SimpleUploadedFile("a.pdf", PDF_BYTES)
    upload.name = None  # Django refuses empty names; a missing one is possible
    with pytest.raises(DomainError) as err:
        document_store(upload=upload, into=_field_file(tmp_path))
    assert err.value.code == "upload.name_required"
