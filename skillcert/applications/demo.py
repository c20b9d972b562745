"""Demo data for `manage.py demo`: two plans of organisation A.

- The completed assessment (`PLAN_CODE`), loaded on the demo's story clock in 2026: every
  application approved through the three tiers, then filed, sat, scored, registered and
  certified by the other apps' demos.
- The plan open today (`OPEN_PLAN_CODE`): its window runs around the day the demo is loaded,
  with applications waiting at each review stage, unfiled, so a newcomer can review them and
  file it from the web.

Idempotent: each does nothing when its plan exists."""

from __future__ import annotations

import datetime as dt
import io

import xlsxwriter
from django.utils import timezone

from skillcert.accounts.actors import Actor
from skillcert.accounts.models import User
from skillcert.applications.importing import roster_import
from skillcert.applications.models import Application, Tier
from skillcert.applications.roster import COLUMNS
from skillcert.applications.services import application_review
from skillcert.common.identifiers import id_number_check_digit
from skillcert.occupations.models import Occupation
from skillcert.organizations.models import EvaluationOrg, OrgScope, OrgStatus
from skillcert.plans.models import EvaluationPlan
from skillcert.plans.services import plan_create, plan_open

PLAN_CODE = "DEMO-2026-NJ01"
OPEN_PLAN_CODE = "DEMO-NJ-OPEN"
# (name, birth, work start, level) -> stage reached
PEOPLE = [
    ("赵一", "19880214", "2016-03-01", 4, "org_review"),
    ("钱二", "19900521", "2015-07-01", 4, "city_review"),
    ("孙三", "19870930", "2014-09-01", 4, "province_review"),
    ("李四", "19920118", "2017-02-01", 4, "approved"),
    ("周五", "19851111", "2013-05-01", 4, "returned"),
]
# the completed assessment's candidates: all approved (one of them will be absent)
PAST_PEOPLE = [
    ("冯一鸣", "19860312", "2012-03-01", 4, "approved"),
    ("陈晓", "19890705", "2014-07-01", 4, "approved"),
    ("褚建国", "19840122", "2011-09-01", 4, "approved"),
    ("卫兰", "19910916", "2015-03-01", 4, "approved"),
    ("蒋文", "19871208", "2013-02-01", 4, "approved"),
]


def _ensure_filed(org: EvaluationOrg, occupation: Occupation) -> None:
    """The organisations demo does not file organisation A yet; file it here so a plan may
    be created (organization_check_may_evaluate)."""
    today = timezone.localdate()
    org.refresh_from_db()  # the organisations demo may have filed it a moment ago
    if org.status == OrgStatus.UNFILED:
        EvaluationOrg.objects.filter(pk=org.pk).update(
            status=OrgStatus.FILED,
            filing_number=f"S0000{org.pk:08d}"[:13],
            valid_from=today - dt.timedelta(days=365),
            valid_until=today + dt.timedelta(days=365 * 4),
        )
        org.refresh_from_db()
    for level in (4, 3):
        if not OrgScope.objects.filter(
            org=org, occupation=occupation, level=level, active=True
        ).exists():
            OrgScope.objects.create(
                org=org, occupation=occupation, level=level, since=today - dt.timedelta(days=30)
            )


def _roster(people: list[tuple[str, str, str, int, str]], seq_base: int) -> bytes:
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    sheet = book.add_worksheet("花名册")
    headers = [c.header for c in COLUMNS]
    sheet.write_row(0, 0, headers)
    for row, (name, birth, work, level, _) in enumerate(people, start=1):
        first17 = f"320102{birth}{seq_base + row:03d}"
        values = {
            "姓名": name,
            "证件号码": first17 + id_number_check_digit(first17),
            "手机号码": f"1390000{seq_base + row:04d}",
            "职业编码": "4-07-03-02",
            "申报等级": level,
            "参加本职业工作日期": work,
        }
        for col, header in enumerate(headers):
            if header in values:
                sheet.write(row, col, values[header])
    book.close()
    return buffer.getvalue()


def _plan_with_applications(
    *,
    actor: Actor,
    org: EvaluationOrg,
    code: str,
    title: str,
    people: list[tuple[str, str, str, int, str]],
    seq_base: int,
) -> None:
    if EvaluationPlan.objects.filter(code=code).exists():
        return
    hr = Occupation.objects.filter(code="4-07-03-02").first()
    if hr is None:
        return
    _ensure_filed(org, hr)
    today = timezone.localdate()
    plan = plan_create(
        code=code,
        title=title,
        organization=org,
        window_opens=today - dt.timedelta(days=10),
        window_closes=today + dt.timedelta(days=30),
        capacity=200,
        offerings=[(hr, 4), (hr, 3)],
        actor=actor,
    )
    plan = plan_open(plan=plan, actor=actor)
    roster_import(plan=plan, source=_roster(people, seq_base), actor=actor)
    clerk = User.objects.get(username="org_a")
    city = User.objects.get(username="nanjing")
    province = User.objects.get(username="sheng")
    apps = {a.candidate.full_name: a for a in Application.objects.filter(plan=plan)}
    steps = {
        "org_review": [],
        "city_review": [(Tier.ORG, clerk)],
        "province_review": [(Tier.ORG, clerk), (Tier.CITY, city)],
        "approved": [(Tier.ORG, clerk), (Tier.CITY, city), (Tier.PROVINCE, province)],
    }
    for name, *_, stage in people:
        app = apps[name]
        if stage == "returned":
            application_review(
                application=app,
                tier=Tier.ORG,
                decision="return",
                reason="请补充单位出具的工作年限证明",
                actor=clerk,
            )
            continue
        for tier, reviewer in steps[stage]:
            app = application_review(application=app, tier=tier, decision="approve", actor=reviewer)


def load_applications_demo(actor: Actor, org: EvaluationOrg) -> None:
    """The completed assessment's plan (run on the story clock: its window is around then)."""
    _plan_with_applications(
        actor=actor,
        org=org,
        code=PLAN_CODE,
        title="2026年南京企业人力资源管理师认定（演示）",
        people=PAST_PEOPLE,
        seq_base=100,
    )


def load_open_plan_demo(actor: Actor, org: EvaluationOrg) -> None:
    """The plan open on the day the demo is loaded, with applications at each review stage."""
    _plan_with_applications(
        actor=actor,
        org=org,
        code=OPEN_PLAN_CODE,
        title="南京企业人力资源管理师认定（演示·报名中）",
        people=PEOPLE,
        seq_base=0,
    )
