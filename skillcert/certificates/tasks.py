"""Bulk issuance as a background job. Restartable: a result that already has its certificate
is skipped (and the one-certificate-per-result constraint makes a duplicate impossible), so a
job re-run after its worker was killed finishes the rest without issuing anything twice.

The job issues through `certificates.issuing`; `certificates.services` enqueues it."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.utils import timezone
from django_tasks import task

from skillcert.accounts.actors import TASK, Actor
from skillcert.certificates.issuing import (
    Skip,
    certificate_issue_or_skip,
    certificates_issue_bulk,
)
from skillcert.certificates.models import Certificate, IssueBatch, IssueBatchStatus, IssueKind
from skillcert.common.errors import DomainError
from skillcert.scoring.selectors import results_by_ids

if TYPE_CHECKING:
    from skillcert.scoring.models import Result

# A result another run of the same job issued a moment ago is done, not a failure.
_ALREADY_ISSUED = "certificate.already_issued"
# Results issued per transaction: progress shows after each chunk, and a killed worker
# loses at most one chunk's work (rolled back, issued again on resume).
CHUNK = 250


def _issue_chunk(results: list[Result], actor: Actor) -> list[Skip]:
    """The chunk in one set-based call; should another run have issued one of its results
    meanwhile, the chunk is issued result by result instead (that one skipped)."""
    try:
        return certificates_issue_bulk(results=results, actor=actor)[1]
    except DomainError as exc:
        if exc.code != _ALREADY_ISSUED:
            raise
    skipped = []
    for result in results:
        _, skip = certificate_issue_or_skip(result=result, actor=actor)
        if skip is not None:
            skipped.append(skip)
    return skipped


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
    results = list(
        results_by_ids(batch.result_ids)
        .exclude(pk__in=already)
        .select_related("application__candidate", "occupation", "specialty", "organization")
    )
    for start in range(0, len(results), CHUNK):
        chunk = results[start : start + CHUNK]
        failed.extend(s for s in _issue_chunk(chunk, actor) if s["code"] != _ALREADY_ISSUED)
        done += len(chunk)
        # Progress outside any long transaction, so the page polling it sees each step.
        IssueBatch.objects.filter(pk=batch.pk).update(done=done, failed=failed)
    IssueBatch.objects.filter(pk=batch.pk).update(
        status=IssueBatchStatus.FINISHED, done=done, failed=failed, finished_at=timezone.now()
    )
