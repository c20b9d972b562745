"""Personnel fixtures on top of the root personas: the 劳动关系协调师 occupation the seed 001
rules name, a few valid ID numbers, and a person record for the examiner persona."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import pytest

from skillcert.accounts.actors import COMMAND
from skillcert.common.identifiers import id_number_check_digit
from skillcert.occupations.models import Occupation, Specialty
from skillcert.personnel.demo import course_learn, course_units_seed, declaration_scan
from skillcert.personnel.models import (
    Person,
    PersonCertificate,
    PersonRole,
    QualificationOverride,
    Registration,
    TrainingPlan,
)
from skillcert.personnel.services import (
    declaration_record,
    exam_result_record,
    person_certificate_add,
    person_register,
    pledge_sign,
    qualification_override_record,
    registration_city_review,
    registration_province_review,
    registration_recommend,
    registration_submit,
    relation_declare,
    role_appoint,
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


def learn_course(registration: Registration, *, actor: Any, minutes: int | None = None) -> int:
    """The course platform's completion events, recorded by `actor`, of the province's course
    units (the five demo units of two hours each, added if missing) until `minutes` (default:
    the plan's required time) are reached, from the plan's publication on; returns the
    minutes learned."""
    plan = registration.plan
    course_units_seed(plan.province, COMMAND)
    return course_learn(registration, actor=actor, first_day=plan.published_on, minutes=minutes)


def certify(
    world: World,
    person: Person | None = None,
    *,
    level: int = 3,
    number: str = "",
    issued_on: dt.date = dt.date(2019, 6, 1),
    actor: Any = None,
) -> PersonCertificate:
    """A 劳动关系协调师 certificate of `level` for `person` (the examiner persona's person),
    recorded by `actor` (the superuser)."""
    person = person or world.person
    return person_certificate_add(
        person=person,
        occupation=world.ldgx,
        level=level,
        number=number or f"JS{person.pk:010d}",
        issued_on=issued_on,
        actor=actor or world.personas.superuser,
    )


def examiner_override(
    world: World,
    person: Person | None = None,
    *,
    today: dt.date,
    reason: str = "行业急需",
    actor: Any = None,
    **changes: Any,
) -> QualificationOverride:
    """`actor`'s (the province officer's) override of the examiner qualification check for
    `person` (the examiner persona's person): 劳动关系协调师 levels 3-5, Jiangsu."""
    return qualification_override_record(
        person=person or world.person,
        role="examiner",
        occupation=world.ldgx,
        level_high=3,
        level_low=5,
        province=world.jiangsu,
        reason=reason,
        actor=actor or world.personas.province,
        today=today,
        **changes,
    )


def declared_relative(world: World, *, seq: int = 77, name: str = "郑亲属") -> str:
    """The ID number of a relative the examiner persona's person declared (recusal)."""
    relative = make_id(seq)
    relation_declare(
        person=world.person,
        kind="relative",
        counterpart_id_number=relative,
        counterpart_name=name,
        actor=world.personas.examiner,
    )
    return relative


def appoint(
    world: World, role: str, *, person: Person | None = None, actor: Any = None, **extra: Any
) -> PersonRole:
    """`role_appoint` of `person` (world.other, in Suzhou) for 劳动关系协调师 1-5 in Jiangsu by
    `actor` (the province officer); `extra` overrides or adds arguments."""
    return role_appoint(
        person=person or world.other,
        role=role,
        occupation=extra.pop("occupation", world.ldgx),
        level_high=extra.pop("level_high", 1),
        level_low=extra.pop("level_low", 5),
        province=world.jiangsu,
        actor=actor or world.personas.province,
        **extra,
    )


def publish(
    world: World, month: int, *, role: str = "examiner", minutes: int = 60, actor: Any = None
) -> TrainingPlan:
    """The Jiangsu training plan of `month` 2026 for `role`, published by `actor` (the province
    officer) with `minutes` of required learning."""
    return training_plan_publish(
        province=world.jiangsu,
        year=2026,
        month=month,
        role=role,
        required_minutes=minutes,
        actor=actor or world.personas.province,
    )


# How far `registration_through` takes a registration, in the order of the flow.
STAGES = ("submitted", "recommended", "city_approved", "province_approved", "passed", "pledged")


def registration_through(
    world: World,
    plan: TrainingPlan,
    upto: str = "submitted",
    *,
    person: Person | None = None,
    actor: Any = None,
    today: dt.date | None = None,
    learn_actor: Any = None,
    **extra: Any,
) -> Registration:
    """The examiner persona's person (or `person`) registered for 劳动关系协调师 3-5 by `actor`
    (the examiner) on `today` (the plan's publication day), then taken `upto` a stage: recommended
    by org_a, approved by Nanjing and the province, course learned (recorded by `learn_actor`,
    the province) and exam passed, pledge signed by `actor`. `extra` goes to the submission."""
    p = world.personas
    actor = actor or p.examiner
    reg = registration_submit(
        plan=plan,
        person=person or world.person,
        occupation=extra.pop("occupation", world.ldgx),
        level_high=extra.pop("level_high", 3),
        level_low=extra.pop("level_low", 5),
        actor=actor,
        today=today or plan.published_on,
        **extra,
    )
    stage = STAGES.index(upto)
    if stage >= STAGES.index("recommended"):
        registration_recommend(registration=reg, actor=p.clerk_a)
    if stage >= STAGES.index("city_approved"):
        registration_city_review(registration=reg, approve=True, actor=p.city_nanjing)
    if stage >= STAGES.index("province_approved"):
        registration_province_review(registration=reg, approve=True, actor=p.province)
    if stage >= STAGES.index("passed"):
        learn_course(reg, actor=learn_actor or p.province)
        exam_result_record(registration=reg, score=80, actor=p.province)
    if stage >= STAGES.index("pledged"):
        pledge_sign(registration=reg, actor=actor)
    return reg


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
    """Published 2026-03-02 (first working day), registration closes 2026-03-06."""
    return publish(world, 3, minutes=600)
