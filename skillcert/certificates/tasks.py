"""Bulk issuance as a background job. Restartable: a result that already has its certificate
is skipped (and the one-certificate-per-result constraint makes a duplicate impossible), so a
job re-run after its worker was killed finishes the rest without issuing anything twice.

The job issues through `certificates.issuing`; `certificates.services` enqueues it."""

from __future__ import annotations

from django.utils import timezone
from django_tasks import task

from skillcert.accounts.actors import TASK
from skillcert.certificates.issuing import Skip, certificate_issue_or_skip
from skillcert.certificates.models import Certificate, IssueBatch, IssueBatchStatus, IssueKind
from skillcert.scoring.selectors import results_by_ids

# A result another run of the same job issued a moment ago is done, not a failure.
_ALREADY_ISSUED = "certificate.already_issued"


@task()
def certificates_issue_batch_run(batch_id: int) -> None:
    batch = IssueBatch.objects.select_related("created_by").get(pk=batch_id)
    # Whoever started the batch issues it; a batch a process started is issued by the task.
    actor = batch.created_by or TASK
    IssueBatch.objects.filter(pk=batch.pk).update(status=IssueBatchStatus.RUNNING)
    already = set(
        Certificate.objects.filter(
            result_id__in=batch.result_ids, kind=IssueKind.ISSUED
        ).values_list("result_id", flat=True)
    )
    failed: list[Skip] = []
    done = len(already)
    results = results_by_ids(batch.result_ids).exclude(pk__in=already)
    for result in results.select_related(
        "application__candidate", "occupation", "specialty", "organization"
    ):
        _, skip = certificate_issue_or_skip(result=result, actor=actor)
        if skip is not None and skip["code"] != _ALREADY_ISSUED:
            failed.append(skip)
        done += 1
        # Progress outside any long transaction, so the page polling it sees each step.
        IssueBatch.objects.filter(pk=batch.pk).update(done=done, failed=failed)
    IssueBatch.objects.filter(pk=batch.pk).update(
        status=IssueBatchStatus.FINISHED, done=done, failed=failed, finished_at=timezone.now()
    )
