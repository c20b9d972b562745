"""证书签发 on the web and the API: the organisation issues from a registered batch, all at once
in a background job or one result at a time; nobody else can, and nothing before registration
or for an organisation on the abnormal list."""

from __future__ import annotations

import pytest
from django.test import Client
from django.utils import timezone

from skillcert.certificates.models import Certificate, IssueBatch
from skillcert.certificates.selectors import certificate_verify_token
from skillcert.certificates.services import (
    certificates_issue_resume,
    certificates_issue_start,
)
from skillcert.certificates.tasks import certificates_issue_batch_run
from skillcert.certificates.tests.conftest import level4_result
from skillcert.common.errors import DomainError
from skillcert.occupations.models import Occupation
from skillcert.organizations.credit import credit_listing_add
from skillcert.plans.tests.factories import make_candidate
from skillcert.scoring.models import BatchStatus, Result, ResultBatch

ISSUE = "/certificates/issue/"


def _batch(plan, hr, *, passing=2, failing=1, status=BatchStatus.REGISTERED, candidate=None):
    """A result batch of `plan` (the scoring workflow that produces one is tested in scoring):
    `passing` passing results and `failing` failing ones, registered unless told otherwise."""
    registered = status == BatchStatus.REGISTERED
    batch = ResultBatch.objects.create(
        plan=plan,
        organization=plan.organization,
        status=status,
        registered_at=timezone.now() if registered else None,
    )
    for i in range(passing + failing):
        person = candidate if (candidate is not None and i == 0) else make_candidate(500 + i)
        level4_result(batch, person, hr, passed=i < passing, registered=registered)
    return batch


def _passing(batch):
    return list(Result.objects.filter(batch=batch, passed=True).order_by("pk"))


def _abnormal(personas):
    credit_listing_add(
        org=personas.org_a,
        list_kind="abnormal",
        reason="年度报告弄虚作假",
        document_no="宁人社〔2026〕3号",
        starts_on=timezone.localdate(),
        actor=personas.city_nanjing,
    )


# --- good -------------------------------------------------------------------------------------


def test_clerk_sees_registered_batches_with_counts(personas, plan, hr):
    batch = _batch(plan, hr, passing=2, failing=1)
    page = personas.client_for(personas.clerk_a).get(ISSUE)
    assert page.status_code == 200
    text = page.content.decode()
    assert "证书签发" in text and plan.code in text
    assert f"/certificates/issue/batches/{batch.pk}/" in text
    table = page.context["table"]
    assert [(row[0].pk, row[1], row[2], row[3]) for row in table] == [(batch.pk, 2, 0, 2)]
    export = personas.client_for(personas.clerk_a).get(ISSUE, {"export": "xlsx"})
    assert export.status_code == 200
    assert export["Content-Type"].startswith("application/vnd.openxmlformats")


def test_clerk_issues_a_whole_batch_in_one_job(
    personas, plan, hr, django_capture_on_commit_callbacks
):
    batch = _batch(plan, hr, passing=2, failing=1)
    client = personas.client_for(personas.clerk_a)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"{ISSUE}batches/{batch.pk}/start/")
    job = IssueBatch.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"{ISSUE}jobs/{job.pk}/"
    assert job.status == "finished" and job.total == 2 and job.done == 2 and job.failed == []
    assert job.result_batch_id == batch.pk
    assert set(Certificate.objects.values_list("result_id", flat=True)) == {
        r.pk for r in _passing(batch)
    }
    progress = client.get(response["Location"])
    assert progress.status_code == 200
    assert "已完成：签发 2 张证书" in progress.content.decode()
    partial = client.get(response["Location"], headers={"HX-Request": "true"})
    assert 'id="issue-progress"' in partial.content.decode()
    assert "<html" not in partial.content.decode()
    detail = client.get(f"{ISSUE}batches/{batch.pk}/").content.decode()
    assert "本批次合格成绩均已发证" in detail


def test_clerk_issues_one_result_at_a_time(personas, plan, hr):
    batch = _batch(plan, hr, passing=2, failing=0)
    first, second = _passing(batch)
    client = personas.client_for(personas.clerk_a)
    response = client.post(f"{ISSUE}results/{first.pk}/")
    assert response.status_code == 302
    assert response["Location"] == f"{ISSUE}batches/{batch.pk}/"
    certificate = Certificate.objects.get()
    assert certificate.result_id == first.pk
    page = client.get(response["Location"]).content.decode()
    assert certificate.number in page and "签发证书" in page
    assert f'action="{ISSUE}results/{second.pk}/"' in page


def test_restarting_issues_only_what_is_left_and_never_twice(
    personas, plan, hr, django_capture_on_commit_callbacks
):
    batch = _batch(plan, hr, passing=3, failing=0)
    first = _passing(batch)[0]
    client = personas.client_for(personas.clerk_a)
    client.post(f"{ISSUE}results/{first.pk}/")
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"{ISSUE}batches/{batch.pk}/start/")
    job = IssueBatch.objects.get()
    assert job.total == 2 and first.pk not in job.result_ids
    assert Certificate.objects.count() == 3
    # the job run again (a worker restarted) and the batch started again: nothing more
    certificates_issue_batch_run.call(job.pk)
    response = client.post(f"{ISSUE}batches/{batch.pk}/start/", follow=True)
    assert "合格成绩均已发证" in response.content.decode()
    assert Certificate.objects.count() == 3
    assert IssueBatch.objects.count() == 1
    with pytest.raises(DomainError) as err:
        certificates_issue_resume(job=job, actor=personas.clerk_a)
    assert err.value.code == "certificate.issue_job_finished"


def test_an_unfinished_job_is_resumed_not_duplicated(
    personas, plan, hr, django_capture_on_commit_callbacks
):
    batch = _batch(plan, hr, passing=2, failing=0)
    job = certificates_issue_start(result_batch=batch, actor=personas.clerk_a)  # never ran
    with pytest.raises(DomainError) as err:
        certificates_issue_start(result_batch=batch, actor=personas.clerk_a)
    assert err.value.code == "certificate.issue_job_running"
    client = personas.client_for(personas.clerk_a)
    assert "重新运行" in client.get(f"{ISSUE}jobs/{job.pk}/").content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"{ISSUE}jobs/{job.pk}/resume/")
    assert response.status_code == 302
    job.refresh_from_db()
    assert job.status == "finished" and job.done == 2
    assert Certificate.objects.count() == 2 and IssueBatch.objects.count() == 1


def test_skip_reasons_are_shown_in_chinese(personas, plan, hr, django_capture_on_commit_callbacks):
    batch = _batch(plan, hr, passing=2, failing=0)
    outside = Occupation.objects.create(code="4-07-03-03", name="劳动关系协调师")
    Result.objects.filter(pk=_passing(batch)[1].pk).update(occupation=outside)
    client = personas.client_for(personas.clerk_a)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"{ISSUE}batches/{batch.pk}/start/")
    job = IssueBatch.objects.get()
    assert [f["code"] for f in job.failed] == ["org.outside_scope"]
    page = client.get(response["Location"]).content.decode()
    assert "1 个成绩未发证" in page
    assert "不包括该职业的四级/中级工" in page and "org.outside_scope" in page
    assert Certificate.objects.count() == 1


# --- bad input ---------------------------------------------------------------------------------


def test_nothing_is_issued_before_registration(personas, plan, hr):
    batch = _batch(plan, hr, passing=1, failing=0, status=BatchStatus.PUBLISHED)
    result = _passing(batch)[0]
    client = personas.client_for(personas.clerk_a)
    assert plan.code not in client.get(ISSUE).content.decode()
    assert client.get(f"{ISSUE}batches/{batch.pk}/").status_code == 404
    assert client.post(f"{ISSUE}batches/{batch.pk}/start/").status_code == 404
    response = client.post(f"{ISSUE}results/{result.pk}/", follow=True)
    assert "成绩尚未登记备案，不能发证" in response.content.decode()
    _nothing_issued(batch, personas, "certificate.batch_not_registered")


def _nothing_issued(batch, personas, code):
    """Starting the issue of `batch` is refused with `code`; no certificate, no issue batch."""
    with pytest.raises(DomainError) as err:
        certificates_issue_start(result_batch=batch, actor=personas.clerk_a)
    assert err.value.code == code
    assert Certificate.objects.count() == 0 and IssueBatch.objects.count() == 0


def test_an_abnormal_listed_organisation_issues_nothing(personas, plan, hr):
    batch = _batch(plan, hr, passing=2, failing=0)
    _abnormal(personas)
    client = personas.client_for(personas.clerk_a)
    response = client.post(f"{ISSUE}batches/{batch.pk}/start/", follow=True)
    assert "已列入经营异常名录（宁人社〔2026〕3号），不能发放职业技能等级证书" in (
        response.content.decode()
    )
    response = client.post(f"{ISSUE}results/{_passing(batch)[0].pk}/", follow=True)
    assert "异常名录" in response.content.decode()
    _nothing_issued(batch, personas, "org.abnormal_listed")


def test_unknown_batch_and_job_are_not_found(personas, plan):
    client = personas.client_for(personas.clerk_a)
    assert client.get(f"{ISSUE}batches/999999/").status_code == 404
    assert client.post(f"{ISSUE}batches/999999/start/").status_code == 404
    assert client.get(f"{ISSUE}jobs/999999/").status_code == 404
    assert client.post(f"{ISSUE}results/999999/").status_code == 404
    assert client.get(f"{ISSUE}batches/1/start/").status_code == 405


# --- attackers ---------------------------------------------------------------------------------


def test_another_organisation_cannot_see_or_issue(personas, plan, hr):
    batch = _batch(plan, hr, passing=2, failing=0)
    job = certificates_issue_start(result_batch=batch, actor=personas.clerk_a)  # not yet run
    client = personas.client_for(personas.clerk_b)
    assert plan.code not in client.get(ISSUE).content.decode()
    assert client.get(f"{ISSUE}batches/{batch.pk}/").status_code == 404
    assert client.post(f"{ISSUE}batches/{batch.pk}/start/").status_code == 404
    assert client.get(f"{ISSUE}jobs/{job.pk}/").status_code == 404
    assert client.post(f"{ISSUE}jobs/{job.pk}/resume/").status_code == 404
    assert client.post(f"{ISSUE}results/{_passing(batch)[0].pk}/").status_code == 404
    with pytest.raises(DomainError) as err:
        certificates_issue_start(result_batch=batch, actor=personas.clerk_b)
    assert err.value.code == "certificate.issue_forbidden"
    assert Certificate.objects.count() == 0 and IssueBatch.objects.count() == 1


def test_a_candidate_cannot_issue_their_own_certificate(personas, plan, hr, candidate_person):
    batch = _batch(plan, hr, passing=1, failing=0, candidate=candidate_person)
    own = _passing(batch)[0]
    client = personas.client_for(personas.candidate)
    assert client.get(ISSUE).status_code == 404
    assert client.get(f"{ISSUE}batches/{batch.pk}/").status_code == 404
    assert client.post(f"{ISSUE}batches/{batch.pk}/start/").status_code == 404
    assert client.post(f"{ISSUE}results/{own.pk}/").status_code == 403
    assert Certificate.objects.count() == 0 and IssueBatch.objects.count() == 0


def test_anonymous_is_sent_to_log_in(personas, plan, hr):
    batch = _batch(plan, hr, passing=1, failing=0)
    client = Client()
    for response in (
        client.get(ISSUE),
        client.get(f"{ISSUE}batches/{batch.pk}/"),
        client.post(f"{ISSUE}batches/{batch.pk}/start/"),
        client.post(f"{ISSUE}results/{_passing(batch)[0].pk}/"),
    ):
        assert response.status_code == 302
        assert "/login/" in response["Location"] or "/accounts/" in response["Location"]
    assert Certificate.objects.count() == 0 and IssueBatch.objects.count() == 0


def test_officers_have_no_issuing_page(personas, plan, hr):
    batch = _batch(plan, hr, passing=1, failing=0)
    for officer in (personas.city_nanjing, personas.province):
        client = personas.client_for(officer)
        assert client.get(ISSUE).status_code == 404
        assert client.post(f"{ISSUE}batches/{batch.pk}/start/").status_code == 404
        assert client.post(f"{ISSUE}results/{_passing(batch)[0].pk}/").status_code == 403
    assert Certificate.objects.count() == 0


# --- the candidate's 我的证书, the same day ---------------------------------------------------


def test_the_candidate_sees_the_new_certificate_with_pdf_and_qr(
    personas, plan, hr, candidate_person
):
    batch = _batch(plan, hr, passing=1, failing=0, candidate=candidate_person)
    personas.client_for(personas.clerk_a).post(f"{ISSUE}results/{_passing(batch)[0].pk}/")
    certificate = Certificate.objects.get()
    assert certificate.issue_date == timezone.localdate()
    client = personas.client_for(personas.candidate)
    page = client.get("/certificates/").content.decode()
    assert "我的证书" in page and certificate.number in page
    detail = client.get(f"/certificates/{certificate.number}/")
    assert detail.status_code == 200 and "下载电子证书（PDF）" in detail.content.decode()
    pdf = client.get(f"/certificates/{certificate.number}/certificate.pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF-")
    # the QR code on the PDF carries this token: it verifies, online, as a valid certificate
    assert certificate_verify_token(certificate.token).valid
    verified = Client().get(f"/v/{certificate.token}")
    assert "证书真实有效" in verified.content.decode()


# --- API ----------------------------------------------------------------------------------------

API = "/api/v1/certificates/issue"


def test_api_starts_a_batch_follows_it_and_issues_one(
    personas, plan, hr, django_capture_on_commit_callbacks
):
    batch = _batch(plan, hr, passing=3, failing=0)
    first = _passing(batch)[0]
    client = personas.client_for(personas.clerk_a)
    one = client.post(f"{API}/results/{first.pk}", content_type="application/json")
    assert one.status_code == 201
    assert one.json()["result"] == first.pk and one.json()["level"] == 4
    with django_capture_on_commit_callbacks(execute=True):
        started = client.post(f"{API}/batches/{batch.pk}", content_type="application/json")
    assert started.status_code == 201
    job_id = started.json()["id"]
    status = client.get(f"{API}/jobs/{job_id}").json()
    assert status["status"] == "finished" and status["issued"] == 2 and status["skipped"] == []
    assert status["batch"] == batch.pk and status["percent"] == 100
    again = client.post(f"{API}/batches/{batch.pk}", content_type="application/json")
    assert again.status_code == 400 and again.json()["code"] == "certificate.batch_all_issued"
    assert Certificate.objects.count() == 3


def test_api_refuses_bad_input_and_attackers(personas, plan, hr, candidate_person):
    batch = _batch(plan, hr, passing=1, failing=0, candidate=candidate_person)
    unregistered_plan_batch = _passing(batch)[0]
    clerk_b = personas.client_for(personas.clerk_b)
    assert clerk_b.post(f"{API}/batches/{batch.pk}").status_code == 404
    assert clerk_b.post(f"{API}/results/{unregistered_plan_batch.pk}").status_code == 404
    candidate = personas.client_for(personas.candidate)
    refused = candidate.post(f"{API}/results/{unregistered_plan_batch.pk}")
    assert refused.status_code == 403 and refused.json()["code"] == "certificate.issue_forbidden"
    assert Client().post(f"{API}/batches/{batch.pk}").status_code == 401
    _abnormal(personas)
    clerk_a = personas.client_for(personas.clerk_a)
    listed = clerk_a.post(f"{API}/batches/{batch.pk}")
    assert listed.status_code == 400 and listed.json()["code"] == "org.abnormal_listed"
    assert clerk_a.get(f"{API}/jobs/999999").status_code == 404
    assert Certificate.objects.count() == 0 and IssueBatch.objects.count() == 0
