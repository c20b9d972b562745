"""Reviewing with the materials in a browser: the organisation's clerk opens an application
from the review queue and sees the candidate's photo, a work record and the uploaded proof
beside the eligibility clause in words; back in the queue, ticks two of three applications,
confirms the count and only those two move on. The baseline (three submitted applications,
the first with a photo, a work record and a PDF) is built with services."""

from __future__ import annotations

import datetime as dt
import io
import re
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from conftest import make_user
from skillcert.accounts.models import Role
from skillcert.applications.models import Application, Status
from skillcert.applications.services import application_create, application_submit, attachment_add
from skillcert.candidates.models import WorkPeriod
from skillcert.candidates.services import candidate_photo_upload
from skillcert.operations.tests.browser import BROWSER, log_in, shot
from skillcert.plans.models import EvaluationPlan
from skillcert.plans.tests.factories import make_candidate

pytestmark = BROWSER

PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"


def _jpeg() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (300, 420), (200, 200, 255)).save(buffer, format="JPEG")
    return buffer.getvalue()


def _baseline(plan: EvaluationPlan) -> list[Application]:
    occupation = plan.offerings.get(level=4, occupation__code="4-07-03-02").occupation
    apps = []
    for n in range(3):
        user = make_user(f"review{n}", Role.CANDIDATE)
        candidate = make_candidate(71 + n, user=user)
        if n == 0:
            WorkPeriod.objects.create(
                candidate=candidate,
                employer="南京宏达机械厂",
                occupation_name="人事专员",
                start=dt.date(2012, 3, 1),
                end=dt.date(2014, 6, 30),
            )
            candidate_photo_upload(candidate=candidate, data=_jpeg(), actor=user)
        app = application_create(
            candidate=candidate, plan=plan, occupation=occupation, level=4, actor=user
        )
        if n == 0:
            attachment_add(
                application=app,
                upload=SimpleUploadedFile("工作年限证明.pdf", PDF),
                kind="工作年限证明",
                actor=user,
            )
        apps.append(application_submit(application=app, actor=user))
    return apps


def test_clerk_reviews_with_materials_and_approves_only_the_ticked(
    covered_clock: Any,
    personas: Any,
    plan: EvaluationPlan,
    open_page: Any,
    screenshots: Any,
    settings: Any,
    tmp_path: Any,
) -> None:
    settings.MEDIA_ROOT = tmp_path
    apps = _baseline(plan)
    page = open_page()
    log_in(page, personas.clerk_a.username)
    page.wait_for_url(re.compile(r"/dashboard/$"))

    page.locator("header nav").get_by_role("link", name="申报审核").click()
    page.wait_for_url(re.compile(r"/applications/review/"))
    shot(page, screenshots, "review-materials-01-queue", "申报审核", "考生71", "考生72", "考生73")

    page.get_by_role("link", name=f"#{apps[0].pk}", exact=True).click()
    page.wait_for_url(re.compile(rf"/applications/{apps[0].pk}/$"))
    body = shot(
        page,
        screenshots,
        "review-materials-02-application",
        "申报材料",
        "南京宏达机械厂",
        "人事专员",
        "累计从事本职业或相关职业工作6年（含）以上。",
        "工作年限证明.pdf",
    )
    assert "考生尚未上传证件照" not in body
    photo = page.locator("img.photo")
    photo.wait_for()
    assert photo.evaluate("img => img.complete && img.naturalWidth") == 300
    proof = page.get_by_role("link", name="工作年限证明.pdf")
    served = page.request.get(proof.get_attribute("href"))
    assert served.status == 200 and served.headers["content-type"] == "application/pdf"
    assert served.headers["cache-control"] == "private, no-store"

    page.locator("header nav").get_by_role("link", name="申报审核").click()
    page.wait_for_url(re.compile(r"/applications/review/"))
    page.check(f"#tick-{apps[0].pk}")
    page.check(f"#tick-{apps[2].pk}")
    page.get_by_role("button", name="批量通过").click()
    page.wait_for_url(re.compile(r"/applications/review/bulk/$"))
    shot(page, screenshots, "review-materials-03-confirm", "确认通过选中的 2 件申报？", "考生71")
    assert [a.status for a in Application.objects.filter(pk__in=[a.pk for a in apps])] == [
        Status.ORG_REVIEW
    ] * 3  # nothing moves before the confirmation

    page.get_by_role("button", name="确认通过 2 件").click()
    page.wait_for_url(re.compile(r"/applications/review/\?"))
    shot(page, screenshots, "review-materials-04-done", "已批量通过 2 件", "考生72")
    statuses = dict(
        Application.objects.filter(pk__in=[a.pk for a in apps]).values_list("pk", "status")
    )
    assert statuses == {
        apps[0].pk: Status.CITY_REVIEW,
        apps[1].pk: Status.ORG_REVIEW,
        apps[2].pk: Status.CITY_REVIEW,
    }
