"""Bulk issuance as a background job. Restartable: a result that already has its certificate
is skipped (and the one-certificate-per-result constraint makes a duplicate impossible), so a
job re-run after its worker was killed finishes the rest without issuing anything twice."""

from __future__ import annotations

from django_tasks import task

from skillcert.certificates.models import Certificate, IssueBatch, IssueKind
from skillcert.common.errors import DomainError


@task()
def certificates_issue_batch_run(batch_id: int) -> None:
    from skillcert.certificates.services import certificate_issue
    from skillcert.scoring.models import Result

    batch = IssueBatch.objects.select_related("created_by").get(pk=batch_id)
    IssueBatch.objects.filter(pk=batch.pk).update(status="running")
    already = set(
        Certificate.objects.filter(
            result_id__in=batch.result_ids, kind=IssueKind.ISSUED
        ).values_list("result_id", flat=True)
    )
    failed: list[dict[str, object]] = []
    done = len(already)
    results = Result.objects.filter(pk__in=batch.result_ids).exclude(pk__in=already).order_by("pk")
    for result in results.select_related(
        "application__candidate", "occupation", "specialty", "organization"
    ):
        try:
            certificate_issue(result=result, actor=batch.created_by)
        except DomainError as exc:
            failed.append({"result": result.pk, "code": exc.code, "message": exc.message})
        done += 1
        # Progress outside any long transaction, so the page polling it sees each step.
        IssueBatch.objects.filter(pk=batch.pk).update(done=done, failed=failed)
    IssueBatch.objects.filter(pk=batch.pk).update(status="finished", done=done, failed=failed)
