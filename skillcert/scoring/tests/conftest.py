"""A plan with approved applications, a sealed paper (four objective items and one subjective
item), and the people who mark, examine and sit on the panel."""

from __future__ import annotations

import copy
import datetime as dt
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.utils import timezone

from conftest import make_user
from skillcert.accounts.actors import SystemActor
from skillcert.accounts.models import User
from skillcert.applications.models import Application, Status
from skillcert.candidates.models import Candidate
from skillcert.common.identifiers import id_number_check_digit
from skillcert.common.tests.module_rows import module_shares
from skillcert.itembank.models import (
    AssemblyBlueprint,
    Item,
    ItemStatus,
    Paper,
    PaperItem,
    PaperStatus,
)
from skillcert.occupations.models import Element, Occupation, Standard
from skillcert.personnel.models import Person, PersonRole
from skillcert.plans.models import EvaluationPlan, PlanKind, PlanOffering
from skillcert.plans.tests.factories import make_candidate, qualify
from skillcert.regions.models import Region
from skillcert.scoring.models import BatchDuty, ResultBatch
from skillcert.scoring.services import batch_entry_account_set, batch_open, staff_set

PASSWORD = "Correct-Horse-2026"
# candidate index -> answers to the 4 objective items (key: B, AC, 对, D); item 3 is too easy
ANSWERS = {
    0: ["B", "AC", "对", "D"],
    1: ["B", "A", "对", "C"],
    2: ["C", "AC", "对", "D"],
    3: ["A", "BD", "对", "A"],
}

SYSTEM_TEST = SystemActor("test")


def person_id(seq: int) -> str:
    stem = f"320102197501{seq:02d}5{seq % 100:02d}"[:17]
    return stem + id_number_check_digit(stem)


@dataclass
class World:
    personas: Any
    plan: EvaluationPlan
    occupation: Occupation
    paper: Paper
    candidates: list[Candidate]
    applications: list[Application]
    markers: list[Person]
    chief: Person
    examiners: list[Person]
    panel: list[Person]
    batch: ResultBatch
    users: dict[str, User] = field(default_factory=dict)

    def csv(self, rows: dict[int, list[str]] | None = None, *, form: str = "A") -> str:
        rows = ANSWERS if rows is None else rows
        lines = ["candidate_id,form,1,2,3,4"]
        for index, answers in rows.items():
            lines.append(",".join([str(self.applications[index].pk), form, *answers]))
        return "\n".join(lines) + "\n"

    def result(self, index: int) -> Any:
        from skillcert.scoring.models import Result

        return Result.objects.get(application=self.applications[index])


def _person(
    seq: int, name: str, user: User | None, occupation: Occupation, region: Region
) -> Person:
    person = Person.objects.create(
        user=user,
        id_number=person_id(seq),
        name=name,
        gender="M",
        birth_date=dt.date(1975, 1, 1),
        education="bachelor",
        employer_name="某大学",
        region=region,
    )
    PersonRole.objects.create(
        person=person,
        role="senior_examiner",
        occupation=occupation,
        level_high=1,
        level_low=5,
        province=Region.objects.get(code="320000"),
        valid_from=dt.date(2020, 1, 1),
    )
    qualify(person, [("senior_examiner", occupation, 1, 5)])
    return person


def _user(name: str) -> User:
    return make_user(name)


def scorers_with_accounts(
    rows: list[tuple[int, str, str]], occupation: Occupation, region: Region
) -> dict[str, Person]:
    """Senior examiners (`_person`) with accounts of their own, by name; `rows` holds each
    one's (seq, name, username)."""
    return {name: _person(seq, name, _user(user), occupation, region) for seq, name, user in rows}


def _sealed_paper(
    hr: Occupation,
    standard: Standard,
    author: User,
    *,
    code: str = "P-HR4-A",
    item_prefix: str = "S",
    subjective: bool = True,
) -> Paper:
    """A sealed level-4 paper: four objective items (key B, AC, 对, D), 10 points each, and
    (unless `subjective` is False) one subjective item of 60."""
    element, _ = Element.objects.get_or_create(
        standard=standard, code="A", defaults={"name": "人力资源规划"}
    )
    specs: list[tuple[str, Any, int]] = [
        ("single", {"stem": "s1", "options": ["甲", "乙", "丙", "丁"], "key": "B"}, 10),
        ("multiple", {"stem": "s2", "options": ["甲", "乙", "丙", "丁"], "key": ["A", "C"]}, 10),
        ("true_false", {"stem": "s3", "key": True}, 10),
        ("single", {"stem": "s4", "options": ["甲", "乙", "丙", "丁"], "key": "D"}, 10),
        ("subjective", {"stem": "s5", "answer": "要点", "scheme": "每点10分"}, 60),
    ][: 5 if subjective else 4]
    items = [
        Item.objects.create(
            occupation=hr,
            level=4,
            element=element,
            code=f"{item_prefix}{n:03d}",
            item_type=kind,
            status=ItemStatus.ACTIVE,
            content=content,
            score=score,
            author=author,
        )
        for n, (kind, content, score) in enumerate(specs, start=1)
    ]
    blueprint = AssemblyBlueprint.objects.create(
        occupation=hr,
        level=4,
        name="四级理论",
        difficulty_mean=0.6,
        difficulty_tolerance=0.2,
        created_by=author,
    )
    paper = Paper.objects.create(
        blueprint=blueprint,
        code=code,
        form_number=1,
        status=PaperStatus.SEALED,
        mean_difficulty=0.6,
        total_score=sum(score for _, _, score in specs),
        content_hash="0" * 64,
        sealed_at=timezone.now(),
        created_by=author,
    )
    for position, item in enumerate(items, start=1):
        PaperItem.objects.create(paper=paper, item=item, item_version=1, position=position)
    return paper


def build_world(personas: Any, plan: EvaluationPlan, hr: Occupation) -> World:
    PlanOffering.objects.get_or_create(plan=plan, occupation=hr, level=2)
    standard = Standard.objects.get(occupation=hr)
    paper = _sealed_paper(hr, standard, personas.superuser)
    candidates = [
        make_candidate(10 + i, user=personas.candidate if i == 0 else None) for i in range(4)
    ]
    applications = [
        Application.objects.create(
            plan=plan, candidate=c, occupation=hr, level=4, status=Status.APPROVED
        )
        for c in candidates
    ]
    senior = make_candidate(20)
    candidates.append(senior)
    applications.append(
        Application.objects.create(
            plan=plan, candidate=senior, occupation=hr, level=2, status=Status.APPROVED
        )
    )
    region = Region.objects.get(code="320505")
    users = {n: _user(n) for n in ["m1", "m2", "m3", "chief", "e1", "e2", "e3", "p1", "p2", "p3"]}
    markers = [_person(i, f"阅卷{i}", users[f"m{i}"], hr, region) for i in (1, 2, 3)]
    chief = _person(4, "组长", users["chief"], hr, region)
    examiners = [_person(10 + i, f"考评{i}", users[f"e{i}"], hr, region) for i in (1, 2, 3)]
    panel = [_person(20 + i, f"专家{i}", users[f"p{i}"], hr, region) for i in (1, 2, 3)]
    batch = batch_open(plan=plan, actor=personas.clerk_a)
    staff_set(batch=batch, duty=BatchDuty.MARKER, people=markers, actor=personas.clerk_a)
    staff_set(batch=batch, duty=BatchDuty.CHIEF_MARKER, people=[chief], actor=personas.clerk_a)
    staff_set(batch=batch, duty=BatchDuty.PRACTICAL, people=examiners, actor=personas.clerk_a)
    staff_set(batch=batch, duty=BatchDuty.PANEL, people=panel, actor=personas.clerk_a)
    batch = batch_entry_account_set(batch=batch, user=users["chief"], actor=personas.clerk_a)
    return World(
        personas,
        plan,
        hr,
        paper,
        candidates,
        applications,
        markers,
        chief,
        examiners,
        panel,
        batch,
        users,
    )


@pytest.fixture(scope="module")
def _module_world(
    request: pytest.FixtureRequest,
    _module_personas: Any,
    _module_plan: EvaluationPlan | None,
    _module_hr: Occupation | None,
) -> World | None:
    if _module_plan is None or not module_shares(request, "world", dated=True):
        return None
    assert _module_hr is not None  # every test asking for the world asks for hr
    return build_world(_module_personas, _module_plan, _module_hr)


@pytest.fixture
def world(
    _module_world: World | None,
    _copy_memo: dict[int, Any],
    personas: Any,
    plan: EvaluationPlan,
    hr: Occupation,
) -> World:
    """`build_world`, once for a module whose database tests all use it and none of which
    moves the clock; each test gets its own copies of the objects."""
    if _module_world is None:
        return build_world(personas, plan, hr)
    return copy.deepcopy(_module_world, _copy_memo)


# The post the enterprise fixture's employees hold: inside the norm's posts (flows.NORM_POSTS).
_POST = {"employer": "本企业", "occupation_name": "招聘专员", "related": True}


@pytest.fixture
def enterprise(plan: EvaluationPlan, hr: Any, personas: Any) -> Any:
    """An enterprise self-evaluation plan with 3 approved level-4 applications; clerk_a is
    the entry account. The scheme is set with WEIGHTS and EVIDENCE by the tests."""
    EvaluationPlan.objects.filter(pk=plan.pk).update(kind=PlanKind.ENTERPRISE, method="process")
    plan.refresh_from_db()
    apps = [
        Application.objects.create(
            plan=plan,
            candidate=make_candidate(40 + i),
            occupation=hr,
            level=4,
            status=Status.APPROVED,
            profile_snapshot={"work": [{"start": "2018-03-01", "end": None, **_POST}]},
        )
        for i in range(3)
    ]
    batch = batch_open(plan=plan, actor=personas.clerk_a)
    batch_entry_account_set(batch=batch, user=personas.clerk_a, actor=personas.clerk_a)
    return plan, apps, batch
