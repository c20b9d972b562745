"""The portal's file of applications (`registrations_submit_bulk`): each stored as
`registration_submit` stores one, one audit event committing to every row, all or nothing;
and its API (`POST /plans/{id}/registration-imports`)."""

import datetime as dt

import pytest

from skillcert.accounts.actors import COMMAND
from skillcert.audit.models import AuditEvent
from skillcert.common.errors import DomainError
from skillcert.personnel.models import Registration, RegistrationEvent
from skillcert.personnel.services import (
    Application,
    person_ban,
    registration_submit,
    registrations_submit_bulk,
)

from .conftest import certify, register
from .test_services_bulk import _rows_hash

# The March 2026 plan (`march_plan`) opens on 2026-03-02 and closes on 2026-03-06.
OPEN_DAY = dt.date(2026, 3, 3)


def _applications(world, *people):
    return [Application(person=p, occupation=world.ldgx, level_high=3, level_low=5) for p in people]


def test_file_stores_what_single_submission_stores(world, march_plan):
    certify(world, number="JS2019000001")
    second = register(world.personas, seq=3, name="钱第二")
    single = registration_submit(
        plan=march_plan,
        person=world.person,
        occupation=world.ldgx,
        level_high=3,
        level_low=5,
        actor=COMMAND,
        today=OPEN_DAY,
    )
    certify(world, second, number="JS2019000002")
    [batch] = registrations_submit_bulk(
        plan=march_plan, applications=_applications(world, second), actor=COMMAND, today=OPEN_DAY
    )
    fields = ("status", "purpose", "occupation_id", "level_high", "region_id", "qualification")
    assert [getattr(batch, f) for f in fields] == [getattr(single, f) for f in fields]
    assert batch.qualification["qualified"] is True
    notes = [
        RegistrationEvent.objects.get(registration=r, action="submit").note for r in (single, batch)
    ]
    assert notes[0] == notes[1]
    event = AuditEvent.objects.get(action="personnel.registration_submit_bulk")
    assert event.changes["rows_sha256"] == _rows_hash(event)


def test_file_outside_the_window_changes_nothing(world, march_plan):
    with pytest.raises(DomainError) as err:
        registrations_submit_bulk(
            plan=march_plan,
            applications=_applications(world, world.person, world.other),
            actor=COMMAND,
            today=dt.date(2026, 3, 9),
        )
    assert err.value.code == "personnel.registration_closed"
    assert "第1行" in err.value.message
    assert not Registration.objects.exists()


def test_repeated_or_registered_person_refuses_the_file(world, march_plan):
    with pytest.raises(DomainError) as err:
        registrations_submit_bulk(
            plan=march_plan,
            applications=_applications(world, world.person, world.person),
            actor=COMMAND,
            today=OPEN_DAY,
        )
    assert err.value.code == "personnel.duplicate_registration"
    assert "第2行" in err.value.message
    assert not Registration.objects.exists()


def test_banned_person_refuses_the_file(world, march_plan):
    person_ban(person=world.other, reason="考试舞弊", actor=world.personas.province)
    with pytest.raises(DomainError) as err:
        registrations_submit_bulk(
            plan=march_plan,
            applications=_applications(world, world.person, world.other),
            actor=COMMAND,
            today=OPEN_DAY,
        )
    assert err.value.code == "personnel.banned"
    assert "孙其他" in err.value.message
    assert not Registration.objects.exists()


def test_an_officer_may_not_submit_for_people(world, march_plan):
    with pytest.raises(DomainError) as err:
        registrations_submit_bulk(
            plan=march_plan,
            applications=_applications(world, world.person),
            actor=world.personas.province,
            today=OPEN_DAY,
        )
    assert err.value.code == "personnel.forbidden"


def _import(world, client, plan, person):
    return client.post(
        f"/api/v1/personnel/plans/{plan.pk}/registration-imports",
        {
            "applications": [
                {"person": person.pk, "occupation": world.ldgx.pk, "level_high": 3, "level_low": 5}
            ]
        },
        content_type="application/json",
    )


def test_platform_imports_the_portals_file(world, march_plan, time_machine):
    time_machine.move_to(dt.datetime(2026, 3, 3, 10, tzinfo=dt.UTC), tick=False)
    answer = _import(world, world.personas.client("superuser"), march_plan, world.person)
    assert answer.status_code == 201, answer.content
    assert Registration.objects.get().person_id == world.person.pk


@pytest.mark.parametrize(("persona", "status"), [("province", 403), ("clerk_b", 404)])
def test_only_the_platform_imports_applications(world, march_plan, persona, status):
    answer = _import(world, world.personas.client(persona), march_plan, world.person)
    assert answer.status_code == status
    assert not Registration.objects.exists()
