"""Background-job housekeeping. A worker killed mid-job (OOM, a host going down) leaves its
job RUNNING forever; `jobs_requeue_stale` puts such jobs back in the queue. Every job is
written to be restartable — it runs in one transaction (so a kill rolls it back) or skips the
work already done — so running it again never duplicates an import, a ticket or a
certificate. Run `manage.py jobs requeue-stale` from cron every few minutes."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from skillcert.audit.services import audit_record


def jobs_requeue_stale(*, older_than: dt.timedelta) -> int:
    cutoff = timezone.now() - older_than
    stale = DBTaskResult.objects.filter(status=TaskResultStatus.RUNNING, started_at__lt=cutoff)
    ids = list(stale.values_list("id", flat=True))
    if not ids:
        return 0
    count = DBTaskResult.objects.filter(id__in=ids, status=TaskResultStatus.RUNNING).update(
        status=TaskResultStatus.READY, started_at=None
    )
    audit_record(
        actor="system:jobs",
        action="jobs.requeue_stale",
        object_type="django_tasks_db.dbtaskresult",
        object_repr=f"{count} 个任务",
        changes={"ids": [None, [str(i) for i in ids]]},
    )
    return count
