"""The worker runs the personnel sweep once a day on its own (`operations.schedule`), records
the run and `/healthz` shows when it last ran."""

from __future__ import annotations

import datetime as dt

from django.test import Client

from skillcert.accounts.actors import TASK
from skillcert.audit.models import AuditEvent
from skillcert.operations.schedule import DAILY_FROM, daily_jobs_state, schedule_tick
from skillcert.personnel.tasks import (
    SWEEP_ACTION,
    daily_sweep_last_run,
    daily_sweep_ran_on,
    personnel_daily_sweep_run,
)

CST = dt.timezone(dt.timedelta(hours=8))
MORNING = dt.datetime(2026, 6, 2, 2, 30, tzinfo=CST)


def test_the_sweep_runs_once_a_day_from_the_daily_hour(db, time_machine):
    time_machine.move_to(MORNING, tick=False)
    early = dt.datetime.combine(MORNING.date(), DAILY_FROM, tzinfo=CST) - dt.timedelta(minutes=1)
    assert schedule_tick(now=early) == []
    assert not AuditEvent.objects.filter(action=SWEEP_ACTION).exists()
    # the test backend runs the job at once
    assert schedule_tick(now=MORNING) == ["personnel_sweep"]
    assert daily_sweep_ran_on(MORNING.date())
    assert schedule_tick(now=MORNING + dt.timedelta(hours=3)) == []
    assert AuditEvent.objects.filter(action=SWEEP_ACTION).count() == 1
    next_day = MORNING + dt.timedelta(days=1)
    time_machine.move_to(next_day, tick=False)
    assert schedule_tick(now=next_day) == ["personnel_sweep"]
    assert AuditEvent.objects.filter(action=SWEEP_ACTION).count() == 2


def test_a_second_run_the_same_day_does_nothing_unless_forced(db, time_machine):
    time_machine.move_to(MORNING, tick=False)
    first = personnel_daily_sweep_run(actor=TASK, today=MORNING.date())
    second = personnel_daily_sweep_run(actor=TASK, today=MORNING.date())
    assert not first.skipped and second.skipped
    assert AuditEvent.objects.filter(action=SWEEP_ACTION).count() == 1
    forced = personnel_daily_sweep_run(actor=TASK, today=MORNING.date(), force=True)
    assert not forced.skipped
    assert AuditEvent.objects.filter(action=SWEEP_ACTION).count() == 2


def test_healthz_shows_when_the_sweep_last_ran(db, time_machine, tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path
    time_machine.move_to(MORNING, tick=False)
    assert daily_jobs_state() == {"personnel_sweep": None}
    assert Client().get("/healthz").json()["daily_jobs"] == {"personnel_sweep": None}
    schedule_tick(now=MORNING)
    last = daily_sweep_last_run()
    assert last is not None
    body = Client().get("/healthz").json()
    assert dt.datetime.fromisoformat(body["daily_jobs"]["personnel_sweep"]) == last
    # the public answer stays the status alone
    public = Client().get("/healthz", REMOTE_ADDR="203.0.113.9").json()
    assert public == {"status": "ok"}
