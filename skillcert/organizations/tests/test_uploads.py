import hashlib
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from skillcert.common.errors import DomainError
from skillcert.common.uploads import MAX_UPLOAD_BYTES
from skillcert.organizations.filing import filing_application_start
from skillcert.organizations.models import (
    FilingCondition,
    FilingEvidence,
    FilingPurpose,
    StoredFile,
)
from skillcert.organizations.tests.conftest import EXE, PDF, PNG, pdf_upload
from skillcert.organizations.uploads import file_store
from skillcert.regions.models import Region


def _stored_files():
    root = Path(settings.MEDIA_ROOT)
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


def test_pdf_is_stored_with_checksum_size_and_detected_type(personas):
    row = file_store(org=personas.org_a, upload=pdf_upload(), actor=personas.clerk_a)
    assert row.sha256 == hashlib.sha256(PDF).hexdigest()
    assert row.size == len(PDF)
    assert row.content_type == "application/pdf"
    assert row.original_name == "营业执照.pdf"
    assert "营业执照" not in row.file.name  # stored under a random name


def test_exe_renamed_pdf_is_rejected_and_nothing_is_stored(personas):
    with pytest.raises(DomainError) as err:
        file_store(org=personas.org_a, upload=pdf_upload("资质.pdf", EXE), actor=personas.clerk_a)
    assert err.value.code == "upload.disguised"
    assert "Windows 可执行程序" in err.value.message
    assert StoredFile.objects.count() == 0
    assert _stored_files() == []


def test_html_renamed_pdf_is_rejected(personas):
    upload = pdf_upload("a.pdf", b"<!DOCTYPE html><script>alert(1)</script>")
    with pytest.raises(DomainError) as err:
        file_store(org=personas.org_a, upload=upload, actor=personas.clerk_a)
    assert err.value.code == "upload.disguised"


def test_oversized_upload_is_rejected(personas):
    upload = pdf_upload("big.pdf", PDF + b"0" * MAX_UPLOAD_BYTES)
    with pytest.raises(DomainError) as err:
        file_store(org=personas.org_a, upload=upload, actor=personas.clerk_a)
    assert err.value.code == "upload.too_large"
    assert StoredFile.objects.count() == 0


def test_png_with_png_name_is_accepted(personas):
    upload = SimpleUploadedFile("场地.png", PNG, content_type="image/png")
    assert file_store(org=personas.org_a, upload=upload, actor=personas.clerk_a).content_type == (
        "image/png"
    )


def test_staff_of_another_organisation_cannot_upload(personas):
    with pytest.raises(DomainError) as err:
        file_store(org=personas.org_a, upload=pdf_upload(), actor=personas.clerk_b)
    assert err.value.code == "org.forbidden"


def test_download_is_an_attachment_for_own_staff_and_officers_over_the_region(personas):
    row = file_store(org=personas.org_a, upload=pdf_upload(), actor=personas.clerk_a)
    url = f"/organizations/files/{row.pk}/"
    for user in (personas.clerk_a, personas.city_nanjing, personas.province):
        response = personas.client_for(user).get(url)
        assert response.status_code == 200
        assert response["Content-Disposition"].startswith("attachment")
        assert response["Content-Type"] == "application/pdf"
        assert response["X-Content-Type-Options"] == "nosniff"
        assert "sandbox" in response["Content-Security-Policy"]
        assert b"".join(response.streaming_content) == PDF


def test_download_is_404_for_everyone_else(personas):
    row = file_store(org=personas.org_a, upload=pdf_upload(), actor=personas.clerk_a)
    url = f"/organizations/files/{row.pk}/"
    for user in (personas.clerk_b, personas.city_suzhou, personas.candidate, personas.examiner):
        assert personas.client_for(user).get(url).status_code == 404
    assert Client().get(url).status_code == 302


def test_disguised_upload_through_the_page_shows_the_message_and_saves_nothing(personas, catalogue):
    application = filing_application_start(
        org=personas.org_a,
        purpose=FilingPurpose.INITIAL,
        service_region=Region.objects.get(code="320100"),
        actor=personas.clerk_a,
    )
    item = FilingCondition.objects.get(kind="S", code="legal_entity")
    response = personas.client_for(personas.clerk_a).post(
        f"/organizations/filings/{application.pk}/evidence/",
        {"item": item.pk, "file": pdf_upload("执照.pdf", EXE)},
        follow=True,
    )
    assert "实际内容是Windows 可执行程序" in response.content.decode()
    assert StoredFile.objects.count() == 0
    assert FilingEvidence.objects.count() == 0
