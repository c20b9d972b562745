"""Background-job housekeeping. A worker killed mid-job (OOM, a host going down) leaves its
job RUNNING forever; `jobs_requeue_stale` puts such jobs back in the queue. Every job is
written to be restartable — it runs in one transaction (so a kill rolls it back) or skips the
work already done — so running it again never duplicates an import, a ticket or a
certificate. Run `manage.py jobs requeue-stale` from cron every few minutes.

A job's age alone does not say its worker is gone: a long import, or a worker waiting on a
lock, is alive and still working. So a RUNNING job is requeued only when it is older than
`older_than` *and* the worker that claimed it (the last entry of DBTaskResult.worker_ids) has
stopped beating: no WorkerHeartbeat row seen within `heartbeat_within`, or a row whose worker
started after the job did (a restarted worker that reuses its --worker-id never resumes the
old process's job)."""

from __future__ import annotations

import datetime as dt
import os
import socket

from django.db import transaction
from django.utils import timezone
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from skillcert.accounts.actors import SystemActor
from skillcert.audit.services import audit_record
from skillcert.operations.models import WorkerHeartbeat
from skillcert.operations.workers import SEEN_WITHIN

# The job supervision acting on its own (requeueing the jobs of a dead worker).
JOBS = SystemActor("jobs")


def _process_exists(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # someone else's process, but it exists
    return True


def jobs_requeue_stale(
    *, older_than: dt.timedelta, heartbeat_within: dt.timedelta = SEEN_WITHIN
) -> int:
    now = timezone.now()
    host = socket.gethostname()[:255]
    with transaction.atomic():
        # Locked (PostgreSQL) so a worker finishing one of these jobs meanwhile waits for
        # this decision instead of racing it.
        running = list(
            DBTaskResult.objects.select_for_update()
            .filter(status=TaskResultStatus.RUNNING, started_at__lt=now - older_than)
            .order_by("pk")
            .values_list("id", "worker_ids", "started_at")
        )
        claimed_by = {job_id: workers[-1] if workers else None for job_id, workers, _ in running}
        beats = {
            beat.worker_id: beat
            for beat in WorkerHeartbeat.objects.filter(
                worker_id__in={w for w in claimed_by.values() if w is not None}
            )
        }
        stale: list[str] = []
        gone: set[str] = set()
        for job_id, _, started_at in running:
            beat = beats.get(claimed_by[job_id] or "")
            alive = (
                beat is not None
                and started_at is not None  # always: started_at__lt leaves out NULL
                and beat.started_at <= started_at
                and (
                    beat.seen_at >= now - heartbeat_within
                    # On this host a late heartbeat is not proof of death: on SQLite the
                    # heartbeat waits while a long job holds the write lock, and a stopped
                    # (SIGSTOP) worker resumes its job. The process itself answers.
                    or (beat.hostname == host and _process_exists(beat.pid))
                )
            )
            if not alive:
                stale.append(str(job_id))
                gone.add(claimed_by[job_id] or "")
        if not stale:
            return 0
        count = DBTaskResult.objects.filter(id__in=stale, status=TaskResultStatus.RUNNING).update(
            status=TaskResultStatus.READY, started_at=None
        )
        audit_record(
            actor=JOBS,
            action="jobs.requeue_stale",
            object_type="django_tasks_db.dbtaskresult",
            object_repr=f"{count} 个任务",
            changes={"ids": [None, stale], "workers": [None, sorted(gone)]},
        )
    return count
