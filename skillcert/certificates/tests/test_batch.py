"""Bulk issuance from registered results, as one service call running as a job."""

import pytest

from skillcert.certificates.models import Certificate, IssueBatch
from skillcert.certificates.services import certificate_issue, certificates_issue_batch
from skillcert.certificates.tasks import certificates_issue_batch_run
from skillcert.certificates.tests.conftest import level4_result
from skillcert.common.errors import DomainError
from skillcert.plans.tests.factories import make_candidate
from skillcert.scoring.models import Result, ResultBatch


def _results(plan, hr, count, *, passed=True):
    """Registered results (the scoring workflow that produces them is tested in scoring)."""
    batch, _ = ResultBatch.objects.get_or_create(
        plan=plan, defaults={"organization": plan.organization}
    )
    rows: list[Result] = []
    for i in range(count):
        candidate = make_candidate(300 + len(rows) + Result.objects.count())
        rows.append(level4_result(batch, candidate, hr, passed=passed and i % 5 != 4))
    return rows


def test_a_batch_issues_every_passing_result_once_and_reports_the_rest(
    plan, hr, personas, django_capture_on_commit_callbacks
):
    results = _results(plan, hr, 10)
    with django_capture_on_commit_callbacks(execute=True):
        batch = certificates_issue_batch(
            organization=plan.organization,
            result_ids=[r.pk for r in results],
            actor=personas.clerk_a,
        )
    batch.refresh_from_db()
    assert batch.status == "finished"
    assert batch.done == 10
    assert Certificate.objects.count() == 8
    assert {f["code"] for f in batch.failed} == {"certificate.result_not_passed"}
    # Running the job again (a worker killed and restarted) issues nothing twice.
    certificates_issue_batch_run.call(batch.pk)
    assert Certificate.objects.count() == 8


def test_issuing_the_same_result_twice_is_refused(plan, hr, personas):
    result = _results(plan, hr, 1)[0]
    certificate_issue(result=result, actor=personas.clerk_a)
    with pytest.raises(DomainError) as err:
        certificate_issue(result=result, actor=personas.clerk_a)
    assert err.value.code == "certificate.already_issued"
    assert Certificate.objects.count() == 1


def test_an_empty_batch_is_refused(plan, personas):
    with pytest.raises(DomainError) as exc:
        certificates_issue_batch(
            organization=plan.organization, result_ids=[], actor=personas.clerk_a
        )
    assert exc.value.code == "certificate.batch_empty"
    assert IssueBatch.objects.count() == 0
