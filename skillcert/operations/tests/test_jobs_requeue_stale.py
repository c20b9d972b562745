"""`jobs requeue-stale` requeues a RUNNING job only when the worker that claimed it has
stopped beating; a long job of a live worker is left alone however old it is."""

from __future__ import annotations

import datetime as dt
import io
import os
import socket
import subprocess
import sys

import pytest
from django.core.management import call_command
from django.utils import timezone
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult, get_date_max

from skillcert.audit.models import AuditEvent
from skillcert.operations.jobs import jobs_requeue_stale
from skillcert.operations.models import WorkerHeartbeat
from skillcert.operations.workers import SEEN_WITHIN

pytestmark = pytest.mark.django_db
OTHER_HOST = "worker-host-2"  # not this machine: only the heartbeat can tell


def _running(*, worker: str | None, started_ago: dt.timedelta) -> DBTaskResult:
    return DBTaskResult.objects.create(
        status=TaskResultStatus.RUNNING,
        started_at=timezone.now() - started_ago,
        args_kwargs={"args": [], "kwargs": {}},
        task_path="skillcert.applications.tasks.roster_import_run",
        backend_name="default",
        run_after=get_date_max(),
        worker_ids=[w for w in ("an-earlier-worker", worker) if w is not None],
    )


def _beat(
    worker: str,
    *,
    seen_ago: dt.timedelta,
    started_ago: dt.timedelta = dt.timedelta(hours=5),
    host: str = OTHER_HOST,
    pid: int = 4242,
) -> None:
    now = timezone.now()
    WorkerHeartbeat.objects.create(
        worker_id=worker,
        hostname=host,
        pid=pid,
        started_at=now - started_ago,
        seen_at=now - seen_ago,
    )


def _status(job: DBTaskResult) -> str:
    job.refresh_from_db()
    return job.status


def test_a_job_whose_worker_is_heartbeating_is_not_requeued_however_old():
    job = _running(worker="busy", started_ago=dt.timedelta(hours=3))
    _beat("busy", seen_ago=dt.timedelta(seconds=5))

    assert jobs_requeue_stale(older_than=dt.timedelta(minutes=30)) == 0
    assert _status(job) == TaskResultStatus.RUNNING
    assert not AuditEvent.objects.filter(action="jobs.requeue_stale").exists()


def test_a_job_whose_worker_stopped_beating_is_requeued():
    job = _running(worker="gone", started_ago=dt.timedelta(hours=1))
    _beat("gone", seen_ago=SEEN_WITHIN + dt.timedelta(seconds=30))

    assert jobs_requeue_stale(older_than=dt.timedelta(minutes=30)) == 1
    job.refresh_from_db()
    assert job.status == TaskResultStatus.READY and job.started_at is None
    event = AuditEvent.objects.get(action="jobs.requeue_stale")
    assert event.changes == {"ids": [None, [str(job.pk)]], "workers": [None, ["gone"]]}


def test_the_stale_window_follows_the_clock(time_machine):
    job = _running(worker="paused", started_ago=dt.timedelta(hours=1))
    _beat("paused", seen_ago=dt.timedelta(seconds=10))
    assert jobs_requeue_stale(older_than=dt.timedelta(minutes=30)) == 0

    time_machine.move_to(timezone.now() + SEEN_WITHIN, tick=False)
    assert jobs_requeue_stale(older_than=dt.timedelta(minutes=30)) == 1
    assert _status(job) == TaskResultStatus.READY


def test_a_job_with_no_heartbeat_row_or_no_worker_is_requeued():
    vanished = _running(worker="vanished", started_ago=dt.timedelta(hours=1))
    unclaimed = _running(worker=None, started_ago=dt.timedelta(hours=1))
    unclaimed.worker_ids = []
    unclaimed.save(update_fields=["worker_ids"])

    assert jobs_requeue_stale(older_than=dt.timedelta(minutes=30)) == 2
    assert {_status(vanished), _status(unclaimed)} == {TaskResultStatus.READY}


def test_older_than_stays_the_minimum_age():
    young = _running(worker="dead", started_ago=dt.timedelta(minutes=10))
    assert jobs_requeue_stale(older_than=dt.timedelta(minutes=30)) == 0
    assert _status(young) == TaskResultStatus.RUNNING


def test_the_last_claiming_worker_counts_not_an_earlier_one():
    job = _running(worker="current", started_ago=dt.timedelta(hours=1))
    _beat("an-earlier-worker", seen_ago=dt.timedelta(seconds=1))  # alive, but not this job's
    _beat("current", seen_ago=dt.timedelta(minutes=10))
    assert jobs_requeue_stale(older_than=dt.timedelta(minutes=30)) == 1
    assert _status(job) == TaskResultStatus.READY


def test_a_worker_restarted_under_the_same_id_does_not_keep_the_old_job_alive():
    job = _running(worker="worker-1", started_ago=dt.timedelta(hours=1))
    _beat("worker-1", seen_ago=dt.timedelta(seconds=1), started_ago=dt.timedelta(minutes=5))
    assert jobs_requeue_stale(older_than=dt.timedelta(minutes=30)) == 1
    assert _status(job) == TaskResultStatus.READY


def test_on_this_host_a_live_process_keeps_its_job_though_its_heartbeat_is_late():
    """SQLite: the heartbeat waits while a long job holds the write lock."""
    job = _running(worker="local", started_ago=dt.timedelta(hours=1))
    _beat("local", seen_ago=dt.timedelta(minutes=10), host=socket.gethostname(), pid=os.getpid())
    assert jobs_requeue_stale(older_than=dt.timedelta(minutes=30)) == 0
    assert _status(job) == TaskResultStatus.RUNNING

    ended = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"],
        check=True,
        capture_output=True,
        text=True,
    )
    WorkerHeartbeat.objects.filter(worker_id="local").update(pid=int(ended.stdout))
    assert jobs_requeue_stale(older_than=dt.timedelta(minutes=30)) == 1


def test_command_prints_the_count():
    _running(worker="gone", started_ago=dt.timedelta(hours=1))
    out = io.StringIO()
    call_command("jobs", "requeue-stale", "--older-than", "30", stdout=out)
    assert "已重新排队 1 个" in out.getvalue()
