"""The review page shows the candidate's photo, the frozen profile (work records,
certificates, education) and every uploaded document beside the eligibility explanation,
to the reviewer of each tier in scope; the files behind it are served by id, privately, and
only to the application's candidate and reviewers."""

import datetime as dt
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from conftest import make_user
from skillcert.accounts.models import Role
from skillcert.applications.models import Attachment, Status, Tier
from skillcert.applications.services import (
    application_create,
    application_review,
    application_submit,
    attachment_add,
)
from skillcert.candidates.models import Education, HeldCertificate, WorkPeriod
from skillcert.candidates.services import candidate_photo_upload
from skillcert.plans.tests.factories import make_candidate

PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
CLAUSE_TEXT = "累计从事本职业或相关职业工作6年（含）以上。"


def _jpeg() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (300, 420), (200, 200, 255)).save(buffer, format="JPEG")
    return buffer.getvalue()


def _candidate_user(username):
    return make_user(username, Role.CANDIDATE)


def _application_with_materials(plan, hr, candidate, user):
    WorkPeriod.objects.create(
        candidate=candidate,
        employer="南京宏达机械厂",
        occupation_name="人事专员",
        start=dt.date(2012, 3, 1),
        end=dt.date(2014, 6, 30),
    )
    HeldCertificate.objects.create(
        candidate=candidate,
        kind="skill_level",
        number="S000032010005251000123",
        occupation_name="企业人力资源管理师",
        level=5,
        issued_on=dt.date(2014, 7, 1),
    )
    Education.objects.create(
        candidate=candidate,
        kind="大专",
        school="南京工业职业技术学院",
        major="人力资源管理",
        major_related=True,
        graduation=dt.date(2011, 7, 1),
    )
    candidate_photo_upload(candidate=candidate, data=_jpeg(), actor=user)
    app = application_create(candidate=candidate, plan=plan, occupation=hr, level=4, actor=user)
    attachment = attachment_add(
        application=app,
        upload=SimpleUploadedFile("工作年限证明.pdf", PDF),
        kind="工作年限证明",
        actor=user,
    )
    return application_submit(application=app, actor=user), attachment


@pytest.fixture
def reviewed(personas, plan, hr, candidate_person, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return _application_with_materials(plan, hr, candidate_person, personas.candidate)


def _urls(app, attachment):
    return {
        "page": reverse("applications:detail", args=[app.pk]),
        "photo": reverse("applications:photo", args=[app.pk]),
        "attachment": reverse("applications:attachment", args=[app.pk, attachment.pk]),
    }


def _assert_sees_everything(client, app, attachment):
    urls = _urls(app, attachment)
    page = client.get(urls["page"]).content.decode()
    assert urls["photo"] in page and urls["attachment"] in page
    assert "南京宏达机械厂" in page and "人事专员" in page  # work record
    assert "S000032010005251000123" in page and "职业技能等级证书" in page  # certificate
    assert "五级/初级工" in page
    assert "南京工业职业技术学院" in page and "人力资源管理" in page  # education
    assert "工作年限证明.pdf" in page
    assert CLAUSE_TEXT in page and "generic-2018/4/b" in page  # the clause, in words
    photo = client.get(urls["photo"])
    assert photo.status_code == 200 and photo["Content-Type"] == "image/jpeg"
    assert b"".join(photo.streaming_content)[:3] == b"\xff\xd8\xff"
    document = client.get(urls["attachment"])
    assert document.status_code == 200 and document["Content-Type"] == "application/pdf"
    assert b"".join(document.streaming_content) == PDF


def test_each_tier_reviewer_sees_photo_materials_and_clause_in_words(personas, reviewed):
    app, attachment = reviewed
    assert app.status == Status.ORG_REVIEW
    _assert_sees_everything(personas.client_for(personas.clerk_a), app, attachment)
    app = application_review(
        application=app, tier=Tier.ORG, decision="approve", actor=personas.clerk_a
    )
    assert app.status == Status.CITY_REVIEW
    _assert_sees_everything(personas.client_for(personas.city_nanjing), app, attachment)
    app = application_review(
        application=app, tier=Tier.CITY, decision="approve", actor=personas.city_nanjing
    )
    assert app.status == Status.PROVINCE_REVIEW
    _assert_sees_everything(personas.client_for(personas.province), app, attachment)


def test_the_candidate_sees_their_own_materials(personas, reviewed):
    app, attachment = reviewed
    _assert_sees_everything(personas.client_for(personas.candidate), app, attachment)


def test_files_are_never_cached_publicly_nor_rendered_as_pages(personas, reviewed):
    app, attachment = reviewed
    client = personas.client_for(personas.clerk_a)
    for url in (_urls(app, attachment)["photo"], _urls(app, attachment)["attachment"]):
        response = client.get(url)
        assert response["Cache-Control"] == "private, no-store"
        assert response["X-Content-Type-Options"] == "nosniff"
        assert "sandbox" in response["Content-Security-Policy"]
        # addressed by ids only: the stored file's path never appears in the URL
        assert attachment.file.name not in url and app.candidate.photo.name not in url


def test_outsiders_get_404_for_page_photo_and_documents(personas, reviewed):
    app, attachment = reviewed
    other = _candidate_user("kaosheng2")
    for outsider in (personas.clerk_b, personas.city_suzhou, personas.examiner, other):
        client = personas.client_for(outsider)
        for name, url in _urls(app, attachment).items():
            assert client.get(url).status_code == 404, (outsider.username, name)


def test_anonymous_is_sent_to_login_and_gets_no_file(personas, reviewed, client):
    app, attachment = reviewed
    for url in _urls(app, attachment).values():
        response = client.get(url)
        assert response.status_code == 302 and response.url.startswith("/accounts/login/")


def test_file_views_refuse_ids_outside_the_users_applications(
    personas, plan, hr, reviewed, settings
):
    mine, my_attachment = reviewed
    other_user = _candidate_user("kaosheng2")
    theirs, their_attachment = _application_with_materials(
        plan, hr, make_candidate(2, user=other_user), other_user
    )
    me = personas.client_for(personas.candidate)
    # another candidate's photo and document, by their application's id
    assert me.get(reverse("applications:photo", args=[theirs.pk])).status_code == 404
    assert (
        me.get(
            reverse("applications:attachment", args=[theirs.pk, their_attachment.pk])
        ).status_code
        == 404
    )
    # their document's id under my own application's id
    assert (
        me.get(reverse("applications:attachment", args=[mine.pk, their_attachment.pk])).status_code
        == 404
    )
    # an organisation's reviewer cannot reach a document through another organisation's id
    clerk_b = personas.client_for(personas.clerk_b)
    assert (
        clerk_b.get(
            reverse("applications:attachment", args=[mine.pk, my_attachment.pk])
        ).status_code
        == 404
    )
    assert clerk_b.get(reverse("applications:photo", args=[999999])).status_code == 404
    assert Attachment.objects.count() == 2


def test_a_candidate_without_photo_shows_so_and_the_photo_view_is_404(
    personas, plan, hr, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    user = _candidate_user("kaosheng3")
    app = application_create(
        candidate=make_candidate(3, user=user), plan=plan, occupation=hr, level=4, actor=user
    )
    app = application_submit(application=app, actor=user)
    client = personas.client_for(personas.clerk_a)
    page = client.get(reverse("applications:detail", args=[app.pk])).content.decode()
    assert "考生尚未上传证件照" in page and "未上传材料" in page
    assert reverse("applications:photo", args=[app.pk]) not in page
    assert client.get(reverse("applications:photo", args=[app.pk])).status_code == 404
