"""Daily jobs the worker enqueues itself (django-tasks has no scheduler): once a day, from
`DAILY_FROM` local time, each job not yet run or enqueued that day goes on the queue. The
heartbeat thread of `manage.py worker` calls `schedule_tick` on every beat, so whichever
worker is running does it; the jobs themselves do nothing a second time the same day."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from dataclasses import dataclass

from django.utils import timezone
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from skillcert.exchange.selectors import push_due
from skillcert.exchange.tasks import exchange_push_run
from skillcert.personnel.tasks import (
    daily_sweep_last_run,
    daily_sweep_ran_on,
    personnel_daily_sweep,
)

logger = logging.getLogger(__name__)

# Early enough to be done before offices open; late enough that yesterday is over.
DAILY_FROM = dt.time(1, 0)


@dataclass(frozen=True)
class DailyJob:
    name: str
    task_path: str
    ran_on: Callable[[dt.date], bool]
    enqueue: Callable[[dt.date], object]
    last_run: Callable[[], dt.datetime | None]


DAILY_JOBS: tuple[DailyJob, ...] = (
    DailyJob(
        name="personnel_sweep",
        task_path=personnel_daily_sweep.module_path,
        ran_on=daily_sweep_ran_on,
        enqueue=lambda day: personnel_daily_sweep.enqueue(day=day.isoformat()),
        last_run=daily_sweep_last_run,
    ),
)


@dataclass(frozen=True)
class RecurringJob:
    """A job enqueued on any beat when it has work and no run of it is waiting or running
    (the exchange push: each run makes one attempt per peer, backoff decides the rest)."""

    name: str
    task_path: str
    due: Callable[[dt.datetime], bool]
    enqueue: Callable[[], object]


RECURRING_JOBS: tuple[RecurringJob, ...] = (
    RecurringJob(
        name="exchange_push",
        task_path=exchange_push_run.module_path,
        due=lambda now: push_due(now=now),
        enqueue=lambda: exchange_push_run.enqueue(),
    ),
)


def _waiting_or_running(task_path: str) -> bool:
    return DBTaskResult.objects.filter(
        task_path=task_path, status__in=(TaskResultStatus.READY, TaskResultStatus.RUNNING)
    ).exists()


def _enqueued_on(task_path: str, day: dt.date) -> bool:
    """A job for `day` is already on the queue, running, done or failed (a failure is
    retried the next day or by hand, not every beat)."""
    return DBTaskResult.objects.filter(
        task_path=task_path, args_kwargs__kwargs__day=day.isoformat()
    ).exists()


def schedule_tick(*, now: dt.datetime | None = None) -> list[str]:
    """Enqueue the daily jobs due at `now`; the names of those enqueued."""
    now = now or timezone.now()
    enqueued: list[str] = []
    for recurring in RECURRING_JOBS:
        if recurring.due(now) and not _waiting_or_running(recurring.task_path):
            recurring.enqueue()
            enqueued.append(recurring.name)
    local = timezone.localtime(now)
    if local.time() < DAILY_FROM:
        return enqueued
    day = local.date()
    for job in DAILY_JOBS:
        if job.ran_on(day) or _enqueued_on(job.task_path, day):
            continue
        job.enqueue(day)
        enqueued.append(job.name)
        logger.info("daily job %s enqueued for %s", job.name, day.isoformat())
    return enqueued


def daily_jobs_state() -> dict[str, str | None]:
    """Per daily job, when it last ran (ISO time) or None: what `/healthz` reports."""
    state: dict[str, str | None] = {}
    for job in DAILY_JOBS:
        last = job.last_run()
        state[job.name] = timezone.localtime(last).isoformat() if last is not None else None
    return state
