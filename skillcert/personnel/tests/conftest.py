"""Personnel fixtures on top of the root personas: the 劳动关系协调师 occupation the seed 001
rules name, a few valid ID numbers, and a person record for the examiner persona."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import pytest

from skillcert.common.identifiers import id_number_check_digit
from skillcert.occupations.models import Occupation, Specialty
from skillcert.personnel.demo import declaration_scan
from skillcert.personnel.models import LEARNING_MINUTES_PER_DAY, Person, Registration, TrainingPlan
from skillcert.personnel.services import (
    declaration_record,
    learning_record,
    person_register,
    training_plan_publish,
)
from skillcert.regions.models import Region


def make_id(seq: int, *, region: str = "320102", birth: str = "19800101") -> str:
    stem = f"{region}{birth}{seq:03d}"
    return stem + id_number_check_digit(stem)


@dataclass
class World:
    personas: Any
    ldgx: Occupation
    welder: Occupation
    welder_specialty: Specialty
    jiangsu: Region
    nanjing: Region
    suzhou: Region
    person: Person  # the examiner persona's person record, employed by org_a (Nanjing)
    other: Person  # a person in Suzhou, employed by org_b


def register(
    personas: Any,
    *,
    seq: int,
    user: Any = None,
    region: str = "320102",
    employer: Any = None,
    name: str = "王小明",
    declared: bool = True,
) -> Person:
    """A registered person who (by default) signed the declaration on 2026-01-05."""
    person = person_register(
        id_number=make_id(seq),
        name=name,
        education="bachelor",
        employer_name=employer.name if employer else "某某公司",
        employer=employer,
        region=Region.objects.get(code=region),
        phone="13912345678",
        address="南京市玄武区中山路1号",
        user=user,
        actor=personas.superuser,
        today=dt.date(2026, 1, 5),
    )
    if declared:
        declaration_record(
            person=person,
            signed_on=dt.date(2026, 1, 5),
            upload=declaration_scan(name),
            actor=personas.superuser,
            today=dt.date(2026, 1, 5),
        )
    return person


def learn_course(registration: Registration, *, actor: Any, minutes: int | None = None) -> None:
    """Record `minutes` (default: the plan's required time) as the organiser does from the
    course's attendance: a course day at most per day, from the plan's publication on."""
    plan = registration.plan
    left = plan.required_minutes if minutes is None else minutes
    day = plan.published_on
    while left > 0:
        chunk = min(LEARNING_MINUTES_PER_DAY, left)
        learning_record(
            registration=registration,
            attended_on=day,
            minutes=chunk,
            actor=actor,
            today=plan.exam_on,
        )
        left -= chunk
        day += dt.timedelta(days=1)


@pytest.fixture
def world(personas: Any) -> World:
    ldgx = Occupation.objects.create(code="4-07-03-03", name="劳动关系协调师")
    welder = Occupation.objects.create(code="6-18-02-04", name="焊工")
    specialty = Specialty.objects.create(occupation=welder, name="焊条电弧焊")
    person = register(
        personas, seq=1, user=personas.examiner, employer=personas.org_a, name="郑考评"
    )
    other = register(personas, seq=2, region="320505", employer=personas.org_b, name="孙其他")
    return World(
        personas=personas,
        ldgx=ldgx,
        welder=welder,
        welder_specialty=specialty,
        jiangsu=Region.objects.get(code="320000"),
        nanjing=Region.objects.get(code="320100"),
        suzhou=Region.objects.get(code="320500"),
        person=person,
        other=other,
    )


@pytest.fixture
def march_plan(world: World) -> TrainingPlan:
    """Published 2026-03-02 (first working day), registration closes 2026-03-09."""
    return training_plan_publish(
        province=world.jiangsu,
        year=2026,
        month=3,
        role="examiner",
        required_minutes=600,
        actor=world.personas.province,
    )
