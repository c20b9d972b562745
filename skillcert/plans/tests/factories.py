"""Test data for plans, candidates and applications: a small catalogue, a filed
organisation, an open plan and candidates with profiles. Fixtures are re-exported by each
app's tests/conftest.py."""

from __future__ import annotations

import copy
import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone

from skillcert.accounts.actors import SystemActor
from skillcert.candidates.models import Candidate, HeldCertificate, WorkPeriod
from skillcert.candidates.services import Registration, candidate_register
from skillcert.common.identifiers import id_number_check_digit
from skillcert.common.pii import pii_digest
from skillcert.common.tests.module_rows import module_shares
from skillcert.occupations.models import Occupation, Specialty, Standard
from skillcert.organizations.models import EvaluationOrg, OrgScope, OrgStatus
from skillcert.personnel.demo import (
    declaration_scan,
    hr_setter_rule_publish,
    question_setter_appoint,
)
from skillcert.personnel.models import Person, PersonRole
from skillcert.personnel.services import declaration_record, qualification_override_record
from skillcert.plans.models import EvaluationPlan
from skillcert.plans.services import plan_create, plan_open
from skillcert.regions.models import Region

TEST = SystemActor("test")


def make_id(seq: int, birth: str = "19900307", region: str = "320102") -> str:
    first17 = f"{region}{birth}{seq % 1000:03d}"
    return first17 + id_number_check_digit(first17)


def file_org(org: EvaluationOrg, occupations: list[Occupation], levels: tuple[int, ...]) -> None:
    """Stand-in for an approved filing (the organisations app's flow is tested there)."""
    today = timezone.localdate()
    EvaluationOrg.objects.filter(pk=org.pk).update(
        status=OrgStatus.FILED,
        filing_number=f"S0000{org.pk:08d}"[:13],
        # from a fixed day, so that tests dating rows in 2026 find the filing valid whatever
        # the clock says
        valid_from=dt.date(2020, 1, 1),
        valid_until=today + dt.timedelta(days=365 * 3),
    )
    for occupation in occupations:
        for level in levels:
            OrgScope.objects.get_or_create(
                org=org,
                occupation=occupation,
                level=level,
                specialty=None,
                active=True,
                defaults={"since": dt.date(2020, 1, 1)},
            )
    org.refresh_from_db()


def build_hr() -> Occupation:
    occupation, _ = Occupation.objects.get_or_create(
        code="4-07-03-02", defaults={"name": "企业人力资源管理师"}
    )
    Standard.objects.get_or_create(
        occupation=occupation,
        kind="national",
        code="4-07-03-02",
        edition_year=2019,
        defaults={"name": "企业人力资源管理师国家职业技能标准", "levels": [4, 3, 2, 1]},
    )
    return occupation


@pytest.fixture(scope="module")
def _module_hr(request: pytest.FixtureRequest, _module_rows: bool) -> Occupation | None:
    return build_hr() if module_shares(request, "hr") else None


@pytest.fixture
def hr(_module_hr: Occupation | None, _copy_memo: dict[int, Any], db: Any) -> Occupation:
    """企业人力资源管理师 with its national standard (built once for a module whose database
    tests all use it, like `personas`)."""
    return build_hr() if _module_hr is None else copy.deepcopy(_module_hr, _copy_memo)


@pytest.fixture
def special(db: Any, personas: Any) -> Occupation:
    """A 专项职业能力考核 occupation: a single skill, no levels (seed 004 §一), in org_a's
    filed scope (a filing lists it at a level; for an occupation without levels any line of
    it puts the occupation in scope)."""
    occupation, _ = Occupation.objects.get_or_create(
        code="4-03-02-91",
        defaults={"name": "中式面点制作", "certification_kind": "special_ability"},
    )
    file_org(personas.org_a, [occupation], (5,))
    return occupation


def build_welder() -> Occupation:
    occupation, _ = Occupation.objects.get_or_create(code="6-18-02-04", defaults={"name": "焊工"})
    Standard.objects.get_or_create(
        occupation=occupation,
        kind="national",
        code="6-18-02-04",
        edition_year=2018,
        defaults={"name": "焊工国家职业技能标准", "levels": [5, 4, 3, 2, 1]},
    )
    Specialty.objects.get_or_create(occupation=occupation, name="焊条电弧焊")
    return occupation


@pytest.fixture(scope="module")
def _module_welder(request: pytest.FixtureRequest, _module_rows: bool) -> Occupation | None:
    return build_welder() if module_shares(request, "welder") else None


@pytest.fixture
def welder(_module_welder: Occupation | None, _copy_memo: dict[int, Any], db: Any) -> Occupation:
    return build_welder() if _module_welder is None else copy.deepcopy(_module_welder, _copy_memo)


def build_plan(personas: Any, hr: Occupation, welder: Occupation) -> EvaluationPlan:
    """org_a's open plan for 企业人力资源管理师 4/3 and 焊工 5/4, its window around today."""
    file_org(personas.org_a, [hr, welder], (5, 4, 3, 2, 1))
    today = timezone.localdate()
    created = plan_create(
        code="JS-2026-001",
        title="2026年第一批企业人力资源管理师、焊工认定",
        organization=personas.org_a,
        window_opens=today - dt.timedelta(days=5),
        window_closes=today + dt.timedelta(days=20),
        capacity=50,
        offerings=[(hr, 4), (hr, 3), (welder, 5), (welder, 4)],
        actor=personas.clerk_a,
    )
    return plan_open(plan=created, actor=personas.clerk_a)


@pytest.fixture(scope="module")
def _module_plan(
    request: pytest.FixtureRequest,
    _module_personas: Any,
    _module_hr: Occupation | None,
    _module_welder: Occupation | None,
) -> EvaluationPlan | None:
    if not module_shares(request, "plan", dated=True):
        return None
    assert (
        _module_personas and _module_hr and _module_welder
    )  # every test asking for plan asks for them
    return build_plan(_module_personas, _module_hr, _module_welder)


@pytest.fixture
def plan(
    _module_plan: EvaluationPlan | None,
    _copy_memo: dict[int, Any],
    personas: Any,
    hr: Occupation,
    welder: Occupation,
) -> EvaluationPlan:
    """`build_plan`, once for a module whose database tests all use it and none of which
    moves the clock (the window is dated from today)."""
    if _module_plan is None:
        return build_plan(personas, hr, welder)
    return copy.deepcopy(_module_plan, _copy_memo)


def draft_plan(personas: Any, hr: Occupation, *, code: str, title: str) -> EvaluationPlan:
    """A draft plan of org_a for 四级 企业人力资源管理师, applications in April 2026; org_a's
    filing and scope run from 2025 to 2029 so that filing dates in 2026 find them valid
    whatever the clock says."""
    file_org(personas.org_a, [hr], (4, 3))
    EvaluationOrg.objects.filter(pk=personas.org_a.pk).update(
        valid_from=dt.date(2025, 1, 1), valid_until=dt.date(2029, 12, 31)
    )
    OrgScope.objects.filter(org=personas.org_a).update(since=dt.date(2025, 1, 1))
    personas.org_a.refresh_from_db()
    return plan_create(
        code=code,
        title=title,
        organization=personas.org_a,
        window_opens=dt.date(2026, 4, 1),
        window_closes=dt.date(2026, 4, 30),
        capacity=20,
        offerings=[(hr, 4)],
        actor=personas.clerk_a,
    )


def set_rates(plan: EvaluationPlan, city: str, province: str) -> EvaluationPlan:
    EvaluationPlan.objects.filter(pk=plan.pk).update(
        city_sample_rate=Decimal(city), province_sample_rate=Decimal(province)
    )
    plan.refresh_from_db()
    return plan


def self_registered(seq: int = 1, *, username: str = "zhang", name: str = "张三") -> Registration:
    """A person who registered an account themselves on 2026-01-01, ID number make_id(seq):
    the account and (for an ID number the platform had not met) their candidate record."""
    return candidate_register(
        username=username,
        password="Correct-Horse-2026",
        full_name=name,
        id_number=make_id(seq),
        phone="13912345678",
        today=dt.date(2026, 1, 1),
    )


def make_candidate(
    seq: int, *, user: Any = None, years: int = 7, cert_level: int | None = None
) -> Candidate:
    id_number = make_id(seq)
    candidate = Candidate.objects.create(
        user=user,
        full_name=f"考生{seq}",
        id_number=id_number,
        id_number_digest=pii_digest(id_number),
        birth_date=dt.date(1990, 3, 7),
        gender="M" if int(id_number[16]) % 2 else "F",
        phone=f"139{seq:08d}",
        phone_digest=pii_digest(f"139{seq:08d}"),
    )
    today = timezone.localdate()
    WorkPeriod.objects.create(
        candidate=candidate, start=today.replace(year=today.year - years), end=None
    )
    if cert_level is not None:
        HeldCertificate.objects.create(
            candidate=candidate,
            kind="skill_level",
            occupation_name="企业人力资源管理师",
            level=cert_level,
            issued_on=today.replace(year=today.year - years + 1),
        )
    return candidate


@pytest.fixture
def candidate_person(personas: Any) -> Candidate:
    """The `candidate` persona's person: 7 years of related work (eligible for 四级 via
    "6 years"), no certificate (not eligible for 三级)."""
    return make_candidate(1, user=personas.candidate)


def make_person(
    seq: int,
    *,
    roles: list[tuple[str, Occupation, int, int]],
    employer: EvaluationOrg | None = None,
    region: str = "320102",
    name: str = "",
    qualified: bool = True,
    user: Any = None,
) -> Person:
    """A person holding `roles` since 2024, with the account `user` if given. `qualified`:
    staffing binds to a passed qualification check, so the person has signed the declaration
    and, for the examiner roles whose conditions these bare records fail, the province
    recorded an override."""
    person = Person.objects.create(
        user=user,
        id_number=make_id(seq, birth="19750101", region=region),
        name=name or f"考评员{seq}",
        gender="M",
        birth_date=dt.date(1975, 1, 1),
        education="bachelor",
        employer=employer,
        employer_name=employer.name if employer else f"单位{seq}",
        region_id=region,
    )
    for role, occupation, high, low in roles:
        PersonRole.objects.create(
            person=person,
            role=role,
            occupation=occupation,
            level_high=high,
            level_low=low,
            province_id="320000",
            valid_from=dt.date(2024, 1, 1),
            valid_until=dt.date(2028, 12, 31),
        )
    if qualified:
        qualify(person, roles)
    return person


def declared(person: Person, actor: Any = TEST, *, on: dt.date = dt.date(2020, 1, 6)) -> Person:
    """`person` signed the conduct declaration (seed 001 §二(1)(4)) on `on`."""
    declaration_record(
        person=person, signed_on=on, upload=declaration_scan(person.name), actor=actor, today=on
    )
    return person


def overridden(
    person: Person,
    actor: Any,
    occupation: Occupation,
    role: str = "examiner",
    *,
    levels: tuple[int, int] = (1, 5),
    today: dt.date | None = None,
) -> Person:
    """The province recorded an override of `person`'s failed check for `role` (with 文号)."""
    qualification_override_record(
        person=person,
        role=role,
        occupation=occupation,
        level_high=levels[0],
        level_low=levels[1],
        province=Region.objects.get(code="320000"),
        reason="考评人员不足，省鉴定中心决定",
        document_number="苏人社鉴〔2026〕12号",
        actor=actor,
        today=today,
    )
    return person


def qualify(person: Person, roles: list[tuple[str, Occupation, int, int]]) -> None:
    """The signed declaration (2020-01-06) and the province's override for each examiner role."""
    declared(person)
    for role, occupation, high, low in roles:
        if role in ("examiner", "senior_examiner"):
            overridden(
                person, TEST, occupation, role, levels=(high, low), today=dt.date(2024, 1, 1)
            )


def appointed_setter(user: Any, occupation: Occupation, organization: EvaluationOrg) -> Person:
    """`user` registered as a person and appointed question setter of `occupation` by the
    province yesterday, under seed 001 §三's conditions (for 企业人力资源管理师 the demo's
    stand-in rule), with a confidentiality agreement with `organization`: what the item
    bank's 命题人员 role requires."""
    seq = 700 + user.pk % 200
    person = Person.objects.create(
        user=user,
        id_number=make_id(seq, birth="19700101"),
        name=user.full_name or user.username,
        gender="M",
        birth_date=dt.date(1970, 1, 1),
        education="master",
        employer_name="南京某大学",
        region_id="320102",
    )
    hr_setter_rule_publish(TEST)
    question_setter_appoint(
        person=person,
        occupations=[occupation],
        organization=organization,
        on=timezone.localdate() - dt.timedelta(days=1),
        actor=TEST,
    )
    return person
