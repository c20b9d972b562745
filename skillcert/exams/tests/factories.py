"""Test data for exam logistics: people with roles (stand-ins for the personnel flow), an
approved plan with approved applications (stand-ins for the review flow, which the
applications tests cover), and a unified sitting with districts, sites, rooms and slots."""

from __future__ import annotations

import copy
import datetime as dt
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.utils import timezone

from skillcert.applications.models import Application, Status
from skillcert.candidates.models import Candidate
from skillcert.common.tests.module_rows import module_shares
from skillcert.exams.models import District, Room, Site, Sitting, StaffAssignment, TimeSlot
from skillcert.exams.services import (
    district_add,
    room_add,
    seats_assign,
    site_add,
    sitting_create,
    sitting_plan_add,
    slots_add,
)
from skillcert.occupations.models import Occupation
from skillcert.organizations.models import EvaluationOrg, OrgScope
from skillcert.plans.models import EvaluationPlan, PlanKind, Subject
from skillcert.plans.services import (
    plan_create,
    plan_details_set,
    plan_file,
    plan_review,
    plan_session_add,
    plan_staff_set,
)
from skillcert.plans.tests.factories import file_org, make_candidate, make_person
from skillcert.regions.models import Region

# Filing day and exam day used throughout: 2026 is in the working-day calendar.
FILED_ON = dt.date(2026, 5, 6)
EXAM_DAY = dt.date(2026, 6, 13)


def at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=timezone.get_current_timezone())


def session_add(
    plan: EvaluationPlan,
    actor: Any,
    *,
    subject: str = Subject.THEORY,
    day: dt.date = EXAM_DAY,
    starts: tuple[int, ...] = (9,),
    ends: tuple[int, ...] = (10, 30),
    site: str = "南京市第一考点",
    expected: int = 5,
) -> Any:
    """`plan_session_add`: by default a theory session on EXAM_DAY from 9:00 to 10:30 at
    南京市第一考点 for 5 candidates."""
    return plan_session_add(
        plan=plan,
        subject=subject,
        starts_at=at(day, *starts),
        ends_at=at(day, *ends),
        site=site,
        expected=expected,
        actor=actor,
    )


def ready_to_file(
    plan: EvaluationPlan, personas: Any, occupation: Occupation, *, day: dt.date = EXAM_DAY
) -> None:
    """What a plan needs to be filed besides its roster: a session on `day`, an examiner and
    an external supervisor (in the authority's pool; named on the plan unless it is a social
    assessment, whose on-site supervisor the authority appoints)."""
    session_add(plan, personas.clerk_a, day=day)
    plan.refresh_from_db(fields=["kind"])
    supervisor = make_person(2, roles=[("supervisor_external", occupation, 1, 5)])
    plan_staff_set(
        plan=plan,
        examiners=[make_person(1, roles=[("examiner", occupation, 1, 5)])],
        supervisor=None if plan.kind == PlanKind.SOCIAL else supervisor,
        actor=personas.clerk_a,
        today=FILED_ON,
    )


def applications_add(
    plan: EvaluationPlan,
    candidates: list[Candidate],
    occupation: Occupation,
    level: int,
    *,
    status: str = Status.APPROVED,
) -> list[Application]:
    """Eligible applications holding seats, written directly in `status` (no review run)."""
    return [
        Application.objects.create(
            plan=plan,
            candidate=c,
            occupation=occupation,
            level=level,
            status=status,
            holds_seat=True,
            eligible=True,
        )
        for c in candidates
    ]


def approve(
    plan: EvaluationPlan, candidates: list[Candidate], occupation: Occupation, level: int
) -> list[Application]:
    return applications_add(plan, candidates, occupation, level)


def approved_plan(
    personas: Any,
    occupation: Occupation,
    *,
    org: EvaluationOrg | None = None,
    clerk: Any = None,
    code: str,
    candidates: int,
    first_seq: int,
    level: int = 4,
) -> tuple[EvaluationPlan, list[Application]]:
    """A filed, approved plan of `org` (org_a, whose clerk is clerk_a, unless named) with
    `candidates` approved applications (candidates numbered from `first_seq`)."""
    org = org or personas.org_a
    clerk = clerk or (personas.clerk_b if org == personas.org_b else personas.clerk_a)
    file_org(org, [occupation], (5, 4, 3, 2, 1))
    # Fixed dates below: the filing must cover FILED_ON whatever the clock says.
    EvaluationOrg.objects.filter(pk=org.pk).update(
        valid_from=dt.date(2025, 1, 1), valid_until=dt.date(2029, 12, 31)
    )
    OrgScope.objects.filter(org=org).update(since=dt.date(2025, 1, 1))
    org.refresh_from_db()
    plan = plan_create(
        code=code,
        title=f"{code} 认定",
        organization=org,
        window_opens=dt.date(2026, 4, 1),
        window_closes=dt.date(2026, 4, 30),
        capacity=max(candidates, 1) * 2,
        offerings=[(occupation, level)],
        actor=clerk,
    )
    plan_details_set(plan=plan, kind=PlanKind.SOCIAL, method="exam", actor=clerk)
    session_add(plan, clerk, expected=candidates)
    examiner = make_person(900 + first_seq % 97, roles=[("examiner", occupation, 1, 5)])
    # In the authority's pool: a social plan names no supervisor of its own.
    make_person(800 + first_seq % 97, roles=[("supervisor_external", occupation, 1, 5)])
    plan_staff_set(plan=plan, examiners=[examiner], supervisor=None, actor=clerk, today=FILED_ON)
    people = [make_candidate(first_seq + i) for i in range(candidates)]
    applications = approve(plan, people, occupation, level)
    plan_file(plan=plan, actor=clerk, today=FILED_ON)
    officer = personas.city_nanjing if org.region_id.startswith("3201") else personas.city_suzhou
    plan_review(plan=plan, approve=True, actor=officer)
    plan.refresh_from_db()
    return plan, applications


@dataclass
class Setup:
    sitting: Sitting
    plan_a: EvaluationPlan
    plan_b: EvaluationPlan
    apps_a: list[Application]
    apps_b: list[Application]
    nanjing: District
    suzhou: District
    sites: dict[str, Site] = field(default_factory=dict)
    rooms: dict[str, Room] = field(default_factory=dict)
    theory: dict[str, TimeSlot] = field(default_factory=dict)


def province_sitting(
    plans: list[EvaluationPlan], province: Any, *, code: str
) -> tuple[Sitting, District]:
    """Jiangsu's first unified sitting of 2026 with `plans` in it, and its Nanjing district."""
    sitting = sitting_create(
        code=code,
        title="2026年江苏省职业技能等级认定统一考试",
        province=Region.objects.get(code="320000"),
        year=2026,
        serial=1,
        actor=province,
    )
    for plan in plans:
        sitting_plan_add(sitting=sitting, plan=plan, actor=province)
    nanjing = district_add(
        sitting=sitting,
        city=Region.objects.get(code="320100"),
        office_name="南京市职业技能鉴定中心考核点",
        actor=province,
    )
    return sitting, nanjing


def nanjing_site(district: District, province: Any) -> Site:
    return site_add(
        district=district,
        code="01",
        name="南京市第一考点",
        address="南京市玄武区北京东路1号",
        actor=province,
    )


def _add_sites_and_rooms(setup: Setup, province: Any) -> None:
    """One site per district; Nanjing with two paper rooms and a practical one."""
    setup.sites["nj"] = nanjing_site(setup.nanjing, province)
    setup.sites["sz"] = site_add(
        district=setup.suzhou,
        code="01",
        name="苏州市第一考点",
        address="苏州市姑苏区人民路2号",
        actor=province,
    )
    setup.rooms["nj1"] = room_add(
        site=setup.sites["nj"], code="001", kind="paper", rows=5, cols=6, actor=province
    )
    setup.rooms["nj2"] = room_add(
        site=setup.sites["nj"], code="002", kind="paper", rows=5, cols=6, actor=province
    )
    setup.rooms["nj_p"] = room_add(
        site=setup.sites["nj"], code="101", kind="practical", rows=2, cols=5, actor=province
    )
    setup.rooms["sz1"] = room_add(
        site=setup.sites["sz"], code="001", kind="paper", rows=5, cols=6, actor=province
    )


def build_sitting(
    personas: Any, occupation: Occupation, *, count_a: int = 40, count_b: int = 10
) -> Setup:
    plan_a, apps_a = approved_plan(
        personas, occupation, code="NJ-1", candidates=count_a, first_seq=100
    )
    plan_b, apps_b = approved_plan(
        personas, occupation, org=personas.org_b, code="SZ-1", candidates=count_b, first_seq=400
    )
    province = personas.province
    sitting, nanjing = province_sitting([plan_a, plan_b], province, code="JS-2026-01")
    suzhou = district_add(
        sitting=sitting,
        city=Region.objects.get(code="320500"),
        office_name="苏州市职业技能鉴定中心考核点",
        actor=province,
    )
    setup = Setup(sitting, plan_a, plan_b, apps_a, apps_b, nanjing, suzhou)
    _add_sites_and_rooms(setup, province)
    for slot in slots_add(
        sitting=sitting,
        subject=Subject.THEORY,
        starts_at=at(EXAM_DAY, 9),
        ends_at=at(EXAM_DAY, 10, 30),
        actor=province,
    ):
        setup.theory[slot.district.city_id] = slot
    return setup


@pytest.fixture(scope="module")
def _module_sitting_setup(
    request: pytest.FixtureRequest, _module_personas: Any, _module_hr: Occupation | None
) -> Setup | None:
    if not module_shares(request, "sitting_setup", dated=True):
        return None
    assert _module_personas and _module_hr  # every test asking for the sitting asks for them
    return build_sitting(_module_personas, _module_hr)


@pytest.fixture
def sitting_setup(
    _module_sitting_setup: Setup | None, _copy_memo: dict[int, Any], personas: Any, hr: Occupation
) -> Setup:
    """`build_sitting`, once for a module whose database tests all use it and none of which
    moves the clock; each test gets its own copies of the objects."""
    if _module_sitting_setup is None:
        return build_sitting(personas, hr)
    return copy.deepcopy(_module_sitting_setup, _copy_memo)


def staffed_day(setup: Setup, personas: Any, occupation: Occupation) -> tuple[TimeSlot, Room]:
    """Nanjing's theory slot seated (seed 7); the examiner persona and a second invigilator
    (a theory room needs at least two) invigilate room nj1 and the supervisor persona
    supervises its site."""
    slot = setup.theory["320100"]
    seats_assign(slot=slot, seed=7, actor=personas.province)
    room = setup.rooms["nj1"]
    invigilator = make_person(
        50, roles=[("examiner", occupation, 1, 5)], name="监考甲", user=personas.examiner
    )
    supervisor = make_person(
        51,
        roles=[("supervisor_external", occupation, 1, 5)],
        name="督导乙",
        user=personas.supervisor,
    )
    StaffAssignment.objects.create(
        slot=slot, site=room.site, room=room, person=invigilator, duty="invigilator"
    )
    StaffAssignment.objects.create(slot=slot, site=room.site, person=supervisor, duty="supervisor")
    second = make_person(52, roles=[("examiner", occupation, 1, 5)], name="监考丙")
    StaffAssignment.objects.create(
        slot=slot, site=room.site, room=room, person=second, duty="invigilator"
    )
    return slot, room
