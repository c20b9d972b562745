"""Supporting documents: checked by content like every other upload, limited in number and
size, and viewable by the application's reviewers (never served as a web page)."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from skillcert.applications.models import Attachment
from skillcert.applications.services import (
    ATTACHMENT_MAX_COUNT,
    application_create,
    application_submit,
    attachment_add,
)
from skillcert.common.errors import DomainError

PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"


@pytest.fixture
def draft(personas, plan, hr, candidate_person, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return application_create(
        candidate=candidate_person, plan=plan, occupation=hr, level=4, actor=personas.candidate
    )


def _upload(client, app, name, content, kind="工作年限证明"):
    return client.post(
        reverse("applications:attach", args=[app.pk]),
        {"kind": kind, "file": SimpleUploadedFile(name, content)},
        follow=True,
    )


def test_a_pdf_is_stored_under_a_random_name_and_the_reviewer_can_view_it(personas, draft):
    candidate = personas.client_for(personas.candidate)
    page = _upload(candidate, draft, "证明.pdf", PDF).content.decode()
    assert "材料已上传" in page
    attachment = Attachment.objects.get()
    assert attachment.content_type == "application/pdf" and attachment.name == "证明.pdf"
    assert "证明" not in attachment.file.name and attachment.file.name.endswith(".pdf")
    application_submit(application=draft, actor=personas.candidate)
    url = reverse("applications:attachment", args=[draft.pk, attachment.pk])
    reviewer = personas.client_for(personas.clerk_a)
    assert url in reviewer.get(reverse("applications:detail", args=[draft.pk])).content.decode()
    shown = reviewer.get(url)
    assert shown.status_code == 200 and shown["Content-Type"] == "application/pdf"
    assert (
        shown["X-Content-Type-Options"] == "nosniff"
        and "sandbox" in shown["Content-Security-Policy"]
    )
    assert shown["Content-Disposition"].startswith("inline")
    assert b"".join(shown.streaming_content) == PDF
    for outsider in (personas.clerk_b, personas.city_suzhou, personas.examiner):
        assert personas.client_for(outsider).get(url).status_code == 404


@pytest.mark.parametrize(
    ("name", "content", "code"),
    [
        ("page.pdf", b"<!DOCTYPE html><script>alert(1)</script>", "upload.disguised"),
        ("image.svg", b"<svg xmlns='http://www.w3.org/2000/svg'/>", "upload.type_not_allowed"),
        ("setup.exe", b"MZ\x90\x00", "upload.type_not_allowed"),
        ("setup.pdf", b"MZ\x90\x00", "upload.disguised"),
        ("empty.pdf", b"", "upload.empty"),
        ("blob.jpg", b"\x00" * 2048, "upload.unrecognised"),
    ],
)
def test_files_that_are_not_documents_are_refused_and_nothing_is_stored(
    personas, draft, name, content, code
):
    with pytest.raises(DomainError) as caught:
        attachment_add(
            application=draft,
            upload=SimpleUploadedFile(name, content),
            kind="材料",
            actor=personas.candidate,
        )
    assert caught.value.code == code and caught.value.field == "file"
    assert not Attachment.objects.exists()


def test_the_number_of_documents_is_limited(personas, draft):
    for n in range(ATTACHMENT_MAX_COUNT):
        attachment_add(
            application=draft,
            upload=SimpleUploadedFile(f"{n}.pdf", PDF),
            kind="材料",
            actor=personas.candidate,
        )
    page = _upload(personas.client_for(personas.candidate), draft, "more.pdf", PDF)
    assert f"最多上传{ATTACHMENT_MAX_COUNT}个材料" in page.content.decode()
    assert Attachment.objects.count() == ATTACHMENT_MAX_COUNT


def test_an_overlong_category_is_refused(personas, draft):
    with pytest.raises(DomainError) as caught:
        attachment_add(
            application=draft,
            upload=SimpleUploadedFile("a.pdf", PDF),
            kind="类" * 41,
            actor=personas.candidate,
        )
    assert caught.value.code == "attachment.kind_too_long"


def test_a_stored_file_that_is_not_a_document_is_never_served(personas, draft):
    """Files stored before the content checks: an HTML page saved as "material"."""
    row = Attachment(application=draft, kind="旧材料", name="old.pdf")
    row.file.save("old.pdf", SimpleUploadedFile("old.pdf", b"<html><script>x</script>"))
    url = reverse("applications:attachment", args=[draft.pk, row.pk])
    assert personas.client_for(personas.candidate).get(url).status_code == 404
