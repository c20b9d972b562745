"""A background job survives its worker being killed: the test starts a real `worker`
process on the test database, kills it (SIGKILL) while a roster import runs, requeues the
stale job and lets a new worker finish it — and every candidate is imported exactly once."""

from __future__ import annotations

import base64
import datetime as dt
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.db.models import F
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from skillcert.applications.models import Application, ImportStatus, RosterImport
from skillcert.applications.services import roster_upload_create
from skillcert.applications.tests.rosters import roster_bytes, valid_row
from skillcert.common import pii
from skillcert.operations.jobs import jobs_requeue_stale
from skillcert.operations.models import WorkerHeartbeat
from skillcert.operations.workers import SEEN_WITHIN, worker_is_running
from skillcert.plans.tests.factories import make_id

ROOT = Path(__file__).resolve().parents[3]
ROWS = 900


def _worker_env(tmp_path: Path) -> dict[str, str]:
    db = connection.settings_dict
    keys = ",".join(f"{kid}:{base64.b64encode(key).decode()}" for kid, key in pii._keys())
    return {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "SKILLCERT_ENV": "local",
        "SKILLCERT_VAR_DIR": str(tmp_path),
        "DATABASE_URL": (
            f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
        ),
        "SKILLCERT_PII_KEYS": keys,
        "SKILLCERT_PII_HASH_KEY": base64.b64encode(pii._hash_key()).decode(),
    }


def _stderr(process: subprocess.Popen[bytes]) -> str:
    return process.stderr.read().decode() if process.stderr else ""


def _worker(tmp_path: Path, *extra: str) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [
            sys.executable,
            "manage.py",
            "worker",
            "--no-startup-delay",
            "--interval",
            "0.2",
            *extra,
        ],
        cwd=ROOT,
        env=_worker_env(tmp_path),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_import_job_restarts_after_its_worker_is_killed(plan, personas, settings, tmp_path):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    settings.MEDIA_ROOT = tmp_path / "media"
    rows = [
        valid_row(make_id(i, birth=f"1990{1 + i // 28 % 12:02d}{1 + i % 28:02d}"))
        for i in range(ROWS)
    ]
    plan.__class__.objects.filter(pk=plan.pk).update(capacity=ROWS + 10)
    upload = SimpleUploadedFile("roster.xlsx", roster_bytes(rows))
    job = roster_upload_create(
        plan=plan, upload=upload, actor=personas.clerk_a, partial=True, dry_run=False
    )
    task = DBTaskResult.objects.get()

    first = _worker(tmp_path)
    deadline = time.monotonic() + 60
    while DBTaskResult.objects.get(pk=task.pk).status != TaskResultStatus.RUNNING:
        assert time.monotonic() < deadline, (
            _stderr(first) if first.poll() is not None else "worker never started the job"
        )
        time.sleep(0.05)
    # the worker announced itself (its heartbeat thread beats beside the running job)
    while not WorkerHeartbeat.objects.exists():
        assert time.monotonic() < deadline, "the worker wrote no heartbeat"
        time.sleep(0.05)
    assert worker_is_running()
    first.send_signal(signal.SIGKILL)
    first.wait(timeout=30)

    task.refresh_from_db()
    assert task.status == TaskResultStatus.RUNNING  # left behind by the dead worker
    assert Application.objects.filter(plan=plan).count() == 0  # its transaction died with it

    # Its heartbeat is still fresh: the job stays until the worker has been silent for
    # SEEN_WITHIN (a paused or busy worker is not a dead one).
    assert jobs_requeue_stale(older_than=dt.timedelta(0)) == 0
    WorkerHeartbeat.objects.filter(pid=first.pid).update(seen_at=F("seen_at") - SEEN_WITHIN)
    assert jobs_requeue_stale(older_than=dt.timedelta(0)) == 1
    second = _worker(tmp_path, "--batch")
    assert second.wait(timeout=300) == 0, _stderr(second)
    # a worker that stops cleanly removes its row; the killed one's row ages out
    assert list(WorkerHeartbeat.objects.values_list("pid", flat=True)) == [first.pid]

    task.refresh_from_db()
    job.refresh_from_db()
    assert task.status == TaskResultStatus.SUCCESSFUL
    assert job.status == ImportStatus.DONE
    assert Application.objects.filter(plan=plan).count() == ROWS
    assert RosterImport.objects.count() == 1
