"""Supervision test data: filed organisations with open plans (one employer, one social
organisation) and a pool of external supervisors with accounts."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import pytest
from django.utils import timezone

from conftest import make_uscc
from skillcert.accounts.actors import Actor, SystemActor
from skillcert.occupations.models import Occupation
from skillcert.organizations.models import EvaluationOrg, OrgKind
from skillcert.personnel.models import Person, PersonRole, RoleKind
from skillcert.plans.models import EvaluationPlan
from skillcert.plans.services import plan_create, plan_open
from skillcert.plans.tests.factories import file_org, make_id
from skillcert.regions.models import Region
from skillcert.supervision.models import DrawKind, Visit
from skillcert.supervision.services import supervision_draw


@dataclass
class World:
    personas: Any
    hr: Occupation
    employer: EvaluationOrg
    employer_plans: list[EvaluationPlan]
    social_plan: EvaluationPlan
    supervisors: list[Person]


def make_supervisor(seq: int, *, user: Any = None, employer: EvaluationOrg | None = None) -> Person:
    today = timezone.localdate()
    person = Person.objects.create(
        user=user,
        id_number=make_id(500 + seq, birth="19750101"),
        name=f"督导员{seq}",
        gender="M",
        birth_date=dt.date(1975, 1, 1),
        education="bachelor",
        employer=employer,
        employer_name=employer.name if employer else "南京某职业学院",
        region=Region.objects.get(code="320102"),
    )
    PersonRole.objects.create(
        person=person,
        role=RoleKind.SUPERVISOR_EXTERNAL,
        occupation=Occupation.objects.get(code="4-07-03-02"),
        level_high=1,
        level_low=5,
        province=Region.objects.get(code="320000"),
        valid_from=today - dt.timedelta(days=100),
    )
    return person


def _plan(code: str, org: EvaluationOrg, occupation: Occupation, actor: Actor) -> EvaluationPlan:
    today = timezone.localdate()
    created = plan_create(
        code=code,
        title=f"{code} 认定",
        organization=org,
        window_opens=today - dt.timedelta(days=5),
        window_closes=today + dt.timedelta(days=20),
        capacity=30,
        offerings=[(occupation, 4)],
        actor=actor,
    )
    return plan_open(plan=created, actor=actor)


@pytest.fixture
def world(personas: Any, hr: Occupation) -> World:
    employer = EvaluationOrg.objects.create(
        name="南京某电器集团", kind=OrgKind.EMPLOYER, uscc=make_uscc(77), region_id="320106"
    )
    file_org(employer, [hr], (5, 4, 3))
    file_org(personas.org_a, [hr], (5, 4, 3))
    employer_plans = [
        _plan(f"YQ-2026-{i:03d}", employer, hr, SystemActor("test")) for i in range(1, 6)
    ]
    social_plan = _plan("SH-2026-001", personas.org_a, hr, SystemActor("test"))
    supervisors = [make_supervisor(1, user=personas.supervisor)] + [
        make_supervisor(i) for i in range(2, 4)
    ]
    return World(personas, hr, employer, employer_plans, social_plan, supervisors)


@pytest.fixture
def visit(world: World) -> Visit:
    """The province's on-site draw in Nanjing: its one visit, sent to the supervisor persona."""
    supervision_draw(
        kind=DrawKind.ONSITE,
        region=Region.objects.get(code="320100"),
        actor=world.personas.province,
    )
    row = Visit.objects.get()
    Visit.objects.filter(pk=row.pk).update(supervisor=world.supervisors[0])
    row.refresh_from_db()
    return row
