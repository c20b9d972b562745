"""Background workers' heartbeat: a worker writes its row every few seconds; a page or
`/healthz` reads whether any worker has been seen within the last minute."""

from __future__ import annotations

import datetime as dt
import logging
import os
import socket
import threading

from django.db import DatabaseError, connection, transaction
from django.utils import timezone
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from skillcert.operations.models import WorkerHeartbeat

logger = logging.getLogger(__name__)

HEARTBEAT_EVERY = dt.timedelta(seconds=10)
# A worker not seen for this long counts as not running.
SEEN_WITHIN = dt.timedelta(minutes=1)
# A job started this recently by a worker is a sign of life too: on SQLite a long job holds
# the write lock, and the heartbeat waits for it.
RUNNING_JOB_WITHIN = dt.timedelta(minutes=30)
WORKER_NOT_RUNNING = "后台任务处理程序未运行"
# PostgreSQL advisory lock key held while a worker decides which daily jobs to enqueue.
SCHEDULE_LOCK = 0x5C_0001


def worker_heartbeat_beat(*, worker_id: str, started_at: dt.datetime) -> None:
    """Record that this worker is alive (an upsert of its row)."""
    WorkerHeartbeat.objects.update_or_create(
        worker_id=worker_id,
        defaults={
            "hostname": socket.gethostname()[:255],
            "pid": os.getpid(),
            "started_at": started_at,
            "seen_at": timezone.now(),
        },
    )


def worker_heartbeat_clear(*, worker_id: str) -> None:
    """A clean stop: the worker is gone at once, not a minute later."""
    WorkerHeartbeat.objects.filter(worker_id=worker_id).delete()


def worker_last_seen() -> dt.datetime | None:
    return WorkerHeartbeat.objects.order_by("-seen_at").values_list("seen_at", flat=True).first()


def worker_is_running(*, now: dt.datetime | None = None) -> bool:
    now = now or timezone.now()
    last = worker_last_seen()
    if last is not None and last >= now - SEEN_WITHIN:
        return True
    return DBTaskResult.objects.filter(
        status=TaskResultStatus.RUNNING, started_at__gte=now - RUNNING_JOB_WITHIN
    ).exists()


def worker_schedule_tick(*, now: dt.datetime | None = None) -> list[str]:
    """`operations.schedule.schedule_tick`, one worker at a time. Its check (is today's job
    on the queue?) and its enqueue are two statements: two workers beating at once would both
    find the job missing and both enqueue it, and the two runs then overlap on two workers. On
    PostgreSQL the tick holds a transaction-level advisory lock, so the second worker waits and
    then finds the first one's job. SQLite serves one host and one worker (`make run`), and its
    IMMEDIATE transaction would make every beat wait for a long job's write lock."""
    from skillcert.operations.schedule import schedule_tick

    if connection.vendor != "postgresql":
        return schedule_tick(now=now)
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [SCHEDULE_LOCK])
        return schedule_tick(now=now)


def jobs_waiting() -> bool:
    return DBTaskResult.objects.filter(status=TaskResultStatus.READY).exists()


class HeartbeatThread(threading.Thread):
    """Beats every HEARTBEAT_EVERY on its own database connection until stopped, and
    enqueues the daily jobs that are due (`operations.schedule`)."""

    def __init__(self, *, worker_id: str) -> None:
        super().__init__(name=f"heartbeat-{worker_id}", daemon=True)
        self.worker_id = worker_id
        self.started_at = timezone.now()
        self.stopping = threading.Event()

    def run(self) -> None:
        try:
            while not self.stopping.is_set():
                try:
                    worker_heartbeat_beat(worker_id=self.worker_id, started_at=self.started_at)
                except DatabaseError:
                    # A job holding SQLite's write lock longer than the busy timeout: the
                    # running job itself shows the worker is alive; beat again next time.
                    logger.warning("worker heartbeat: database busy, will retry")
                try:
                    worker_schedule_tick()
                except DatabaseError:
                    logger.warning("worker schedule: database busy, will retry")
                except Exception:  # a failing schedule must not stop the heartbeat
                    logger.exception("worker schedule: daily jobs not enqueued")
                self.stopping.wait(HEARTBEAT_EVERY.total_seconds())
        finally:
            connection.close()

    def stop(self) -> None:
        self.stopping.set()
        self.join(timeout=5)
        try:
            worker_heartbeat_clear(worker_id=self.worker_id)
        except DatabaseError:
            logger.warning("worker heartbeat: could not remove the row on stop")
