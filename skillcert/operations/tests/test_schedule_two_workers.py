"""Two workers beating at the same moment enqueue today's daily job once: the schedule's
check and its enqueue run under one lock across workers (bench/cluster.py runs two)."""

from __future__ import annotations

import dataclasses
import datetime as dt
import threading
import time

import pytest
from django.db import connection
from django_tasks_db.models import DBTaskResult

from skillcert.operations import schedule
from skillcert.operations.workers import worker_schedule_tick
from skillcert.personnel.tasks import personnel_daily_sweep

CST = dt.timezone(dt.timedelta(hours=8))
MORNING = dt.datetime(2026, 6, 2, 2, 30, tzinfo=CST)


def _slow_to_check(job: schedule.DailyJob) -> schedule.DailyJob:
    """The job's "already ran today?" check, slowed so both workers are inside the tick at
    once (without the lock both find nothing and both enqueue)."""

    def ran_on(day: dt.date) -> bool:
        time.sleep(0.3)
        return job.ran_on(day)

    return dataclasses.replace(job, ran_on=ran_on)


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_two_workers_ticking_at_once_enqueue_the_daily_job_once(settings, monkeypatch):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    monkeypatch.setattr(schedule, "DAILY_JOBS", tuple(map(_slow_to_check, schedule.DAILY_JOBS)))
    enqueued: list[list[str]] = []
    failures: list[BaseException] = []

    def worker() -> None:
        try:
            enqueued.append(worker_schedule_tick(now=MORNING))
        except BaseException as exc:  # reported below, not lost in the thread
            failures.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert failures == []
    assert sorted(enqueued) == [[], ["personnel_sweep"]]
    jobs = DBTaskResult.objects.filter(task_path=personnel_daily_sweep.module_path)
    assert list(jobs.values_list("args_kwargs__kwargs__day", flat=True)) == ["2026-06-02"]


def test_the_tick_enqueues_nothing_twice_on_one_worker(db, time_machine):
    time_machine.move_to(MORNING, tick=False)
    assert worker_schedule_tick(now=MORNING) == ["personnel_sweep"]  # run at once by tests
    assert worker_schedule_tick(now=MORNING + dt.timedelta(minutes=10)) == []
