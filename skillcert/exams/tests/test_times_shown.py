"""Times a person reads are Beijing time: a 09:00 exam is stored as 01:00 UTC and must not be
shown as 01:00 anywhere a slot or plan session names itself."""

from __future__ import annotations

import datetime as dt

from skillcert.audit.models import AuditEvent
from skillcert.exams.models import District, Incident, Site, TimeSlot
from skillcert.plans.models import PlanSession

NINE_BEIJING = dt.datetime(2026, 6, 13, 1, 0, tzinfo=dt.UTC)


def test_slot_and_session_names_are_in_beijing_time():
    slot = TimeSlot(district=District(name="南京考区"), subject="theory", starts_at=NINE_BEIJING)
    assert str(slot) == "南京考区 理论知识 2026-06-13 09:00"
    session = PlanSession(subject="theory", starts_at=NINE_BEIJING)
    assert str(session).endswith("2026-06-13 09:00")


def test_audit_rows_name_their_time_in_beijing_time():
    event = AuditEvent(created_at=NINE_BEIJING, action="x.y", object_repr="对象")
    assert str(event).startswith("2026-06-13 09:00:00")


def test_incidents_are_named_in_beijing_time():
    incident = Incident(site=Site(name="南京市第一考点"), occurred_at=NINE_BEIJING)
    assert str(incident).endswith("09:00")
