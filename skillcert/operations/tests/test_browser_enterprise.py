"""Enterprise self-evaluation in the browser: an employer (type Y) with an enterprise plan, two
approved employees and an opened batch (the baseline, through services); then, by clicking
only, the enterprise's clerk sets the evaluation scheme, enters the four dimensions for one
employee and sees 合格, and a province officer records a 直评 for the other with its document
number and evidence."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from django.utils import timezone

from conftest import PASSWORD, make_org
from skillcert.accounts.actors import SystemActor
from skillcert.accounts.models import Role
from skillcert.accounts.services import role_grant, user_create
from skillcert.applications.models import Application, Status
from skillcert.operations.tests.browser import (
    BROWSER,
    log_in,
    officer_page,
    shot,
)
from skillcert.organizations.models import OrgKind
from skillcert.plans.models import PlanKind
from skillcert.plans.services import plan_create, plan_details_set, plan_open
from skillcert.plans.tests.factories import file_org, make_candidate
from skillcert.scoring.models import Result, Route
from skillcert.scoring.services import batch_entry_account_set, batch_open

pytestmark = BROWSER

SYSTEM = SystemActor("test")
POST = "招聘专员"
PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"


def enterprise_baseline(occupation: Any) -> tuple[Any, Any, list[Application]]:
    """An employer filed for the occupation (levels 4 and 3), its clerk as the batch's entry
    account, an enterprise plan with one level-4 and one level-3 employee approved."""
    employer = make_org("南京精工制造有限公司", 9, "320102", kind=OrgKind.EMPLOYER)
    file_org(employer, [occupation], (4, 3))
    clerk = user_create(username="clerk_y", password=PASSWORD, full_name="企业经办", actor=SYSTEM)
    role_grant(user=clerk, role=Role.ORG_CLERK, organization=employer, actor=SYSTEM)
    today = timezone.localdate()
    plan = plan_create(
        code="QY-2026-001",
        title="2026年企业人力资源管理师自主评价",
        organization=employer,
        window_opens=today - dt.timedelta(days=5),
        window_closes=today + dt.timedelta(days=20),
        capacity=20,
        offerings=[(occupation, 4), (occupation, 3)],
        actor=clerk,
    )
    plan = plan_details_set(plan=plan, kind=PlanKind.ENTERPRISE, method="process", actor=clerk)
    plan = plan_open(plan=plan, actor=clerk)
    applications = [
        Application.objects.create(
            plan=plan,
            candidate=make_candidate(70 + level),
            occupation=occupation,
            level=level,
            status=Status.APPROVED,
            # their post: inside the norm the employer files (seed 004 §六)
            profile_snapshot={
                "work": [
                    {
                        "start": "2016-03-01",
                        "end": None,
                        "related": True,
                        "occupation_name": POST,
                    }
                ]
            },
        )
        for level in (4, 3)
    ]
    batch = batch_open(plan=plan, actor=clerk)
    batch_entry_account_set(batch=batch, user=clerk, actor=clerk)
    return plan, batch, applications


def test_employer_sets_scheme_evaluates_and_province_records_direct_channel(
    open_page: Any, screenshots: Path, personas: Any, hr: Any, tmp_path: Path, settings: Any
) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"
    _, batch, applications = enterprise_baseline(hr)
    employee = Result.objects.get(application=applications[0])
    talent = Result.objects.get(application=applications[1])

    # the enterprise's clerk designs the scheme
    page = open_page()
    log_in(page, "clerk_y")
    page.goto("/scoring/enterprise/")
    shot(page, screenshots, "enterprise-01-plans", "企业自主评价", "QY-2026-001", "设置方案")
    page.get_by_role("link", name="设置方案").click()
    shot(page, screenshots, "enterprise-02-scheme-form", "评价方案", "品德权重", "参评人员类别")
    for method in ("process", "performance"):
        page.check(f'input[name="methods"][value="{method}"]')
    weights = {"conduct": "0.2", "ability": "0.4", "performance": "0.3", "contribution": "0.1"}
    evidence = {
        "conduct": "peer_review",
        "ability": "assessment",
        "performance": "production_records",
        "contribution": "self_assessment",
    }
    for key, weight in weights.items():
        page.fill(f'input[name="weight_{key}"]', weight)
        page.check(f'input[name="evidence_{key}"][value="{evidence[key]}"]')
    page.check('input[name="candidate_kinds"][value="apprentice"]')
    page.get_by_role("button", name="保存评价方案").click()
    shot(page, screenshots, "enterprise-03-scheme-saved", "已保存企业人力资源管理师的评价方案")
    body = page.inner_text("main")
    assert "过程考核、业绩评审" in body and "本单位职工、学徒" in body

    # ... files it with the province as an evaluation norm for its posts (seed 004 §六)
    page.fill('textarea[name="posts"]', POST)
    page.fill('textarea[name="companies"]', "本企业")
    page.get_by_role("button", name="报省人社厅备案").click()
    shot(page, screenshots, "enterprise-03a-norm-filed", "评价规范已报省人社厅备案")

    # the province acknowledges it from its to-do list before anyone is evaluated by it
    officer = officer_page(open_page, screenshots, personas.province, "enterprise-06-second-factor")
    officer.goto("/dashboard/")
    officer.get_by_role("link", name="企业评价规范待确认备案").click()
    officer.locator("tr", has_text="QY-2026-001").get_by_role("link", name="查看/修改方案").click()
    officer.get_by_role("button", name="确认备案").click()
    shot(officer, screenshots, "enterprise-03b-norm-acknowledged", "已确认评价规范备案")

    # ... and enters the four dimensions for the employee
    page.goto("/scoring/enterprise/")
    page.get_by_role("link", name="企业评价（成绩录入中）").click()
    shot(page, screenshots, "enterprise-04-batch", "企业评价", employee.candidate_ref, "待评价")
    row = page.locator(f"#result-{employee.pk}")
    for key, value in (("conduct", "90"), ("ability", "80"), ("performance", "70")):
        row.locator(f'input[name="r{employee.pk}-{key}"]').fill(value)
    row.locator(f'input[name="r{employee.pk}-contribution"]').fill("60")
    row.get_by_role("button", name="保存评价").click()
    shot(page, screenshots, "enterprise-05-evaluated", f"已保存考生 {employee.candidate_ref}")
    assert "合格" in page.locator(f"#result-{employee.pk}").inner_text()
    assert "77.0" in page.locator(f"#result-{employee.pk}").inner_text()
    employee.refresh_from_db()
    assert employee.passed and str(employee.weighted_score) == "77.0"

    # the province officer recognises the level-3 talent through the direct channel
    officer.goto("/scoring/enterprise/")
    officer.get_by_role("link", name="企业评价（成绩录入中）").click()
    officer.locator(f"#result-{talent.pk}").get_by_role("link", name="高技能人才直评").click()
    shot(officer, screenshots, "enterprise-07-direct-form", "技能竞赛与直评认定", "证明材料")
    officer.fill('input[name="note"]', "苏人社直评〔2026〕5号")
    evidence_file = tmp_path / "直评决定.pdf"
    evidence_file.write_bytes(PDF)
    officer.set_input_files('input[name="evidence"]', str(evidence_file))
    officer.get_by_role("button", name="记录认定").click()
    shot(
        officer,
        screenshots,
        "enterprise-08-direct-recorded",
        f"已记录考生 {talent.candidate_ref} 的高技能人才直评认定",
    )
    talent.refresh_from_db()
    assert (talent.route, talent.passed) == (Route.DIRECT, True)
    assert talent.decision_note == "苏人社直评〔2026〕5号"
    assert batch.pk == talent.batch_id
