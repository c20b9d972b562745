"""Publication of a batch's results, per district; the re-check window runs from it."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from skillcert.accounts.actors import Actor, actor_user
from skillcert.applications.notifications import notify
from skillcert.audit.services import audit_record
from skillcert.common.errors import DomainError
from skillcert.scoring.models import (
    BatchStatus,
    Publication,
    Result,
    ResultBatch,
    ResultStatus,
)
from skillcert.scoring.selectors import (
    recheck_workdays,
)
from skillcert.scoring.services._access import (
    require_org_or_officer,
)
from skillcert.scoring.services._common import (
    BATCH_LABELS,
    RESULT_BATCH,
    lock_batch,
    result_notice,
)
from skillcert.workdays.selectors import workdays_add


def _results_to_publish(batch: ResultBatch, district: str) -> list[Result]:
    """The batch's submitted results of the district (all districts for ""), locked."""
    if batch.status not in (BatchStatus.SUBMITTED, BatchStatus.PUBLISHED):
        raise DomainError(
            "scoring.publish_status",
            f"成绩批次状态为“{BATCH_LABELS[batch.status]}”，不能发布",
        )
    rows = Result.objects.select_for_update().filter(batch=batch, status=ResultStatus.SUBMITTED)
    if district:
        rows = rows.filter(district=district)
    results = list(rows.select_related("application").order_by("pk"))
    if not results:
        raise DomainError(
            "scoring.nothing_to_publish",
            f"考区“{district}”没有待发布的成绩" if district else "没有待发布的成绩",
            field="district",
        )
    if Publication.objects.filter(batch=batch, district=district).exists():
        raise DomainError("scoring.published_twice", "该考区已发布", field="district")
    return results


def _record_publication(
    batch: ResultBatch, district: str, results: list[Result], closes: dt.date, actor: Actor
) -> Publication:
    now = timezone.now()
    for row in results:
        row.status = ResultStatus.PUBLISHED
        row.published_at = now
        row.recheck_closes_on = closes
    Result.objects.filter(pk__in=[row.pk for row in results]).update(
        status=ResultStatus.PUBLISHED, published_at=now, recheck_closes_on=closes
    )
    return Publication.objects.create(
        batch=batch,
        district=district,
        published_at=now,
        recheck_closes_on=closes,
        published_by=actor_user(actor),
        count=len(results),
    )


def batch_publish(
    *, batch: ResultBatch, district: str = "", actor: Actor, today: dt.date | None = None
) -> Publication:
    """Publish the batch's results (of one district, or every district not yet published).
    The re-check window runs from the publication day; the first publication moves the batch
    to published."""
    district = district.strip()
    today = today or timezone.localdate()
    with transaction.atomic():
        batch = lock_batch(batch)
        require_org_or_officer(actor, batch, "发布成绩")
        results = _results_to_publish(batch, district)
        window = recheck_workdays(region_code=batch.organization.region_id, on=today)
        closes = workdays_add(today, window)
        publication = _record_publication(batch, district, results, closes, actor)
        changes = {"district": district, "count": len(results), "recheck_closes_on": closes}
        if batch.status == BatchStatus.SUBMITTED:
            RESULT_BATCH.move(
                batch, BatchStatus.PUBLISHED, actor=actor, action="publish", changes=changes
            )
        else:
            audit_record(actor=actor, action="result_batch.publish", obj=batch, changes=changes)
        notify(
            [
                result_notice(
                    r,
                    "成绩已发布",
                    f"您的评价成绩已发布，如有异议可在 {closes:%Y年%m月%d日} 前申请复查。",
                )
                for r in results
            ]
        )
    return publication
