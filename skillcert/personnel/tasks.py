"""The daily personnel sweep as a background task: void cards left uncollected past their
deadline (banning after the province's count in a row), expire lapsed roles and record the
expiry reminders. The worker enqueues it once a day (`operations.schedule`); each run is
recorded as an audit event keyed by its day, which `/healthz` reads for the last run."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django_tasks import task

from skillcert.accounts.actors import TASK, Actor, actor_scope
from skillcert.audit.selectors import audit_events, audit_events_of_object
from skillcert.audit.services import audit_record
from skillcert.personnel.services import card_reminders_send, cards_void_uncollected, roles_expire

SWEEP_ACTION = "personnel.daily_sweep"
SWEEP_OBJECT = "personnel.daily_sweep"


@dataclass(frozen=True)
class SweepOutcome:
    day: dt.date
    voided: int
    expired: int
    reminded: int
    skipped: bool = False  # already run that day


def daily_sweep_ran_on(day: dt.date) -> bool:
    return audit_events_of_object(object_type=SWEEP_OBJECT, object_id=day.isoformat()).exists()


def daily_sweep_last_run() -> dt.datetime | None:
    """When the sweep last finished (its audit event), or None if it never ran."""
    event = audit_events(scope=actor_scope(TASK), action=SWEEP_ACTION).first()
    return event.created_at if event is not None else None


def personnel_daily_sweep_run(
    *, actor: Actor, today: dt.date | None = None, force: bool = False
) -> SweepOutcome:
    """Run the sweep for `today` once: a second run the same day does nothing unless forced
    (an operator's `manage.py personnel_daily`; the services are idempotent anyway)."""
    day = today or timezone.localdate()
    if not force and daily_sweep_ran_on(day):
        return SweepOutcome(day, 0, 0, 0, skipped=True)
    with transaction.atomic():
        voided = len(cards_void_uncollected(actor=actor, today=day))
        expired = roles_expire(actor=actor, today=day)
        reminded = len(card_reminders_send(actor=actor, today=day))
        audit_record(
            actor=actor,
            action=SWEEP_ACTION,
            object_type=SWEEP_OBJECT,
            object_id=day.isoformat(),
            object_repr=f"考评人员每日处理 {day.isoformat()}",
            changes={"voided": voided, "expired": expired, "reminded": reminded},
        )
    return SweepOutcome(day, voided, expired, reminded)


@task()
def personnel_daily_sweep(day: str = "") -> dict[str, int | bool]:
    outcome = personnel_daily_sweep_run(
        actor=TASK, today=dt.date.fromisoformat(day) if day else None
    )
    return {
        "voided": outcome.voided,
        "expired": outcome.expired,
        "reminded": outcome.reminded,
        "skipped": outcome.skipped,
    }
