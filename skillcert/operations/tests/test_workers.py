"""The worker heartbeat: pages and /healthz say 后台任务处理程序未运行 when no worker has been
seen for a minute, instead of leaving jobs at 排队中 without a word."""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from skillcert.applications.models import ImportStatus, RosterImport
from skillcert.applications.tests.rosters import roster_bytes, valid_row
from skillcert.operations.models import WorkerHeartbeat
from skillcert.operations.workers import (
    HeartbeatThread,
    worker_heartbeat_beat,
    worker_heartbeat_clear,
    worker_is_running,
)
from skillcert.plans.tests.factories import make_id

NOT_RUNNING = "后台任务处理程序未运行"


def _beat(worker_id="w1"):
    worker_heartbeat_beat(worker_id=worker_id, started_at=timezone.now())


def test_a_fresh_heartbeat_means_running_and_a_minute_of_silence_does_not(db, time_machine):
    time_machine.move_to(dt.datetime(2026, 6, 1, 9, tzinfo=dt.UTC), tick=False)
    assert not worker_is_running()
    _beat()
    assert worker_is_running()
    time_machine.shift(dt.timedelta(seconds=59))
    assert worker_is_running()
    time_machine.shift(dt.timedelta(seconds=2))
    assert not worker_is_running()
    _beat()  # the same worker beats again: one row, refreshed
    assert WorkerHeartbeat.objects.count() == 1 and worker_is_running()


def test_a_clean_stop_is_seen_at_once(db):
    _beat()
    worker_heartbeat_clear(worker_id="w1")
    assert not worker_is_running()


def test_a_job_running_now_counts_as_a_live_worker(db):
    """On SQLite a long job holds the write lock and the heartbeat waits for it."""
    DBTaskResult.objects.create(
        task_path="skillcert.reporting.tasks.statistics_refresh_run",
        status=TaskResultStatus.RUNNING,
        started_at=timezone.now() - dt.timedelta(minutes=5),
        args_kwargs={"args": [], "kwargs": {}},
        backend_name="default",
        queue_name="default",
        priority=0,
    )
    assert worker_is_running()


@pytest.mark.django_db(transaction=True)
def test_heartbeat_thread_beats_on_its_own_connection_and_clears_on_stop():
    thread = HeartbeatThread(worker_id="thread-test")
    thread.start()
    for _ in range(100):
        if WorkerHeartbeat.objects.filter(worker_id="thread-test").exists():
            break
        thread.stopping.wait(0.05)
    assert WorkerHeartbeat.objects.filter(worker_id="thread-test").exists()
    thread.stop()
    assert not thread.is_alive()
    assert not WorkerHeartbeat.objects.exists()


def test_healthz_reports_the_worker(client, db):
    body = client.get("/healthz").json()
    assert (body["status"], body["worker"], body["worker_message"]) == (
        "ok",
        "not_running",
        NOT_RUNNING,
    )
    _beat()
    body = client.get("/healthz").json()
    assert body["worker"] == "running" and "worker_message" not in body


def test_queued_roster_import_says_the_worker_is_not_running(
    personas, plan, django_capture_on_commit_callbacks, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    client = personas.client_for(personas.clerk_a)
    with django_capture_on_commit_callbacks(execute=False):  # nothing picks the job up
        client.post(
            reverse("applications:roster_upload", args=[plan.pk]),
            {"file": SimpleUploadedFile("roster.xlsx", roster_bytes([valid_row(make_id(1))]))},
        )
    job = RosterImport.objects.get()
    assert job.status == ImportStatus.QUEUED
    url = reverse("applications:roster_status", args=[job.pk])
    for page in (client.get(url), client.get(url, HTTP_HX_REQUEST="true")):
        assert NOT_RUNNING in page.content.decode()
    _beat()
    assert NOT_RUNNING not in client.get(url).content.decode()


def test_pages_that_queue_jobs_warn_only_while_jobs_wait(personas, db):
    client = personas.client_for(personas.province)
    assert NOT_RUNNING not in client.get("/reporting/reports/").content.decode()
    DBTaskResult.objects.create(
        task_path="skillcert.reporting.tasks.statistics_refresh_run",
        status=TaskResultStatus.READY,
        args_kwargs={"args": [], "kwargs": {}},
        backend_name="default",
        queue_name="default",
        priority=0,
    )
    assert NOT_RUNNING in client.get("/reporting/reports/").content.decode()
