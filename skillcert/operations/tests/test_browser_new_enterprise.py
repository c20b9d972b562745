"""A new enterprise evaluates its own employee and issues the certificate, through the web alone.

The twin of test_browser_new_assessment for an employer (type Y, 用人单位), from the same
baseline (the occupation on the directory, qualified examiners and a quality supervisor): the
province registers the enterprise with its administrator; the enterprise files (its checklist is
the employer one) and the city approves; the enterprise creates an enterprise self-evaluation
plan (企业自主评价, process assessment) and imports its employee from a roster on the plan's
page; the enterprise, the city (a 30 % sample) and the province (all) review; the plan is filed
and approved. After the assessment the enterprise opens the result batch, opens a dedicated
score-entry account and designates it, sets the evaluation scheme; the entry account enters the
four dimensions (品德 first) and submits; the enterprise publishes and, after the re-check
window, submits for registration; the province registers; the enterprise issues the
certificate, downloads its PDF, and a visitor scans the QR code in it. No service is called by
the test after the baseline; every step leaves a screenshot in var/screenshots/new-enterprise/."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings as django_settings

from conftest import PASSWORD
from skillcert.applications.tests.rosters import roster_bytes, valid_row
from skillcert.certificates.models import Certificate
from skillcert.operations.tests.browser import BROWSER, officer_page, shot
from skillcert.operations.tests.test_browser_new_assessment import (
    BEIJING,
    START,
    _back_after_a_while,
    _certificate_qr_url,
    _city_approves_the_filing,
    _city_approves_the_plan,
    _open_batch,
    _organisation_files,
    _organisation_files_a_plan,
    _organisation_files_the_plan,
    _province_registers_the_organisation,
    _province_sets_the_sampling,
    _register_and_issue,
    _sign_in,
    _submit,
    baseline,
)
from skillcert.plans.models import EvaluationPlan
from skillcert.plans.tests.factories import make_id
from skillcert.scoring.models import Result

__all__ = ["baseline"]  # fixture

pytestmark = BROWSER

ENTERPRISE = "南京精工制造有限公司"
ADMIN = "jg_admin"
STRONG = "Jinggong-Lathe-2026"
ENTRY = "jg_entry"  # the dedicated score-entry account the enterprise opens
ENTRY_PASSWORD = "Jinggong-Entry-2026"
PLAN_CODE = "JG-2026-01"
EMPLOYEE = "周海燕"
POST = "招聘专员"  # the employee's post: inside the norm the province acknowledges


@pytest.fixture
def folder() -> Path:
    path = Path(django_settings.VAR_DIR) / "screenshots" / "new-enterprise"
    path.mkdir(parents=True, exist_ok=True)
    return path


# --- the employees come onto the plan ------------------------------------------------------


def _enterprise_imports_its_employee(admin: Any, folder: Path, tmp: Path) -> None:
    """An enterprise does not wait for its employees to apply one by one: it imports them
    from a roster on the plan's page."""
    roster = tmp / "职工花名册.xlsx"
    roster.write_bytes(roster_bytes([valid_row(make_id(388), 姓名=EMPLOYEE, 从事岗位=POST)]))
    admin.locator("header").get_by_role("link", name="评价计划", exact=True).click()
    admin.get_by_role("link", name=re.compile(PLAN_CODE)).first.click()
    admin.get_by_role("link", name="报名审核、抽样与花名册").click()
    shot(admin, folder, "09-roster-page", "花名册导入", "下载花名册模板")
    admin.set_input_files("input[name=file]", str(roster))
    admin.get_by_role("button", name="上传").click()
    admin.wait_for_url("**/applications/roster/*/")
    admin.get_by_text("已导入 1 人").wait_for()
    shot(admin, folder, "10-roster-imported", "已完成", "已导入 1 人")


def _approve_ticked(page: Any, folder: Path, name: str, tier: str) -> None:
    """A reviewer's queue of one tier: tick the employee, 批量通过, confirm."""
    page.locator("header").get_by_role("link", name="申报审核", exact=True).click()
    page.goto(f"{page.url.split('?')[0]}?tier={tier}")
    row = page.locator("tr", has_text=EMPLOYEE)
    row.locator("input[name=ids]").check()
    page.get_by_role("button", name="批量通过").click()
    shot(page, folder, f"{name}-confirm", "确认通过选中的 1 件申报", EMPLOYEE)
    page.get_by_role("button", name="确认通过 1 件").click()
    shot(page, folder, name, "已批量通过 1 件")


def _three_tiers_approve(admin: Any, city: Any, province: Any, folder: Path) -> None:
    _approve_ticked(admin, folder, "11-enterprise-reviewed", "org")
    city.locator("header").get_by_role("link", name="评价计划", exact=True).click()
    city.get_by_role("link", name=re.compile(PLAN_CODE)).first.click()
    city.get_by_role("link", name="报名审核、抽样与花名册").click()
    city.select_option("select[name=tier]", value="city")
    city.get_by_role("button", name="抽取").click()
    shot(city, folder, "12-city-sample", "已抽取 1/1 件")
    _approve_ticked(city, folder, "13-city-reviewed", "city")
    _approve_ticked(province, folder, "14-province-approved", "province")


# --- after the assessment --------------------------------------------------------------------


def _enterprise_opens_its_entry_account(admin: Any, folder: Path) -> None:
    """Results are entered through a dedicated account, not the everyday login (seed 004
    §十八): the administrator opens one for the enterprise."""
    admin.locator("header").get_by_role("link", name="评价机构", exact=True).click()
    admin.get_by_role("link", name=ENTERPRISE).click()
    admin.get_by_role("link", name="机构账号").click()
    admin.fill("#id_username", ENTRY)
    admin.fill("#id_full_name", "成绩录入专用")
    admin.fill("#id_phone", "13912340001")
    admin.fill("#id_password", ENTRY_PASSWORD)
    admin.select_option("#id_role", value="org_clerk")
    _submit(admin, "开通")
    shot(admin, folder, "18-entry-account-opened", f"已开通账号 {ENTRY}")


def _enterprise_opens_the_batch(admin: Any, folder: Path) -> None:
    admin.locator("header").get_by_role("link", name="成绩批次", exact=True).click()
    shot(admin, folder, "19-batches", "待建立成绩批次的计划", PLAN_CODE)
    admin.locator("tr", has_text=PLAN_CODE).get_by_role("button", name="建立成绩批次").click()
    shot(admin, folder, "20-batch-opened", "成绩批次设置", "企业自主评价", EMPLOYEE)
    admin.locator("#entry-account select").select_option(label=f"成绩录入专用（{ENTRY}）")
    admin.locator("#entry-account").get_by_role("button", name="指定录入账号").click()
    shot(admin, folder, "21-entry-account", f"已指定 {ENTRY} 为成绩录入专用账号")


def _enterprise_sets_the_scheme(admin: Any, folder: Path) -> None:
    """Process assessment and performance review; 品德 weighs 0.3 with its own pass mark."""
    admin.get_by_role("link", name="企业评价（评价方案与四个维度）").click()
    admin.get_by_role("link", name="评价方案").click()
    admin.locator("tr", has_text=PLAN_CODE).get_by_role("link", name="设置方案").click()
    shot(admin, folder, "22-scheme-form", "评价方案", "品德权重", "参评人员类别")
    for method in ("process", "performance"):
        admin.check(f'input[name="methods"][value="{method}"]')
    for key, weight, evidence in (
        ("conduct", "0.3", "peer_review"),
        ("ability", "0.3", "assessment"),
        ("performance", "0.3", "production_records"),
        ("contribution", "0.1", "self_assessment"),
    ):
        admin.fill(f'input[name="weight_{key}"]', weight)
        admin.check(f'input[name="evidence_{key}"][value="{evidence}"]')
    admin.get_by_role("button", name="保存评价方案").click()
    shot(
        admin, folder, "23-scheme-saved", "已保存企业人力资源管理师的评价方案", "过程考核、业绩评审"
    )


def _enterprise_files_the_norm(admin: Any, province: Any, folder: Path) -> None:
    """The scheme is an enterprise evaluation norm: filed with the province with the posts and
    companies it applies to, and acknowledged before anyone is evaluated by it (seed 004 §六)."""
    admin.fill('textarea[name="posts"]', f"{POST}\n薪酬专员")
    admin.fill('textarea[name="companies"]', "本企业")
    admin.get_by_role("button", name="报省人社厅备案").click()
    shot(admin, folder, "23a-norm-filed", "评价规范已报省人社厅备案", "已报省人社厅备案")
    province.locator("header").get_by_role("link", name="企业评价", exact=True).click()
    province.locator("tr", has_text=PLAN_CODE).get_by_role("link", name="查看/修改方案").click()
    province.get_by_role("button", name="确认备案").click()
    shot(province, folder, "23b-norm-acknowledged", "已确认评价规范备案", "省人社厅已备案")


def _entry_account_evaluates_and_submits(entry: Any, folder: Path) -> None:
    entry.locator("header").get_by_role("link", name="成绩批次", exact=True).click()
    entry.get_by_role("link", name=re.compile(PLAN_CODE)).first.click()
    entry.get_by_role("link", name="企业评价（评价方案与四个维度）").click()
    shot(entry, folder, "24-evaluation-form", "企业评价", EMPLOYEE, "待评价")
    row = entry.locator("tr", has_text=EMPLOYEE)
    for key, value in (("conduct", "92"), ("ability", "85"), ("performance", "80")):
        row.locator(f'input[name$="-{key}"]').fill(value)  # 品德 first
    row.locator('input[name$="-contribution"]').fill("70")
    row.get_by_role("button", name="保存评价").click()
    shot(entry, folder, "25-evaluated", "的评价：合格", "84.1")
    entry.get_by_role("button", name="确认并提交本批次成绩").click()
    shot(entry, folder, "26-submitted", "成绩已提交，录入已锁定")


def test_a_new_enterprise_evaluates_its_employee_to_a_verified_certificate(
    personas, baseline, open_page, folder, time_machine, settings, tmp_path, live_server
):
    time_machine.move_to(START, tick=True)  # the same calendar as the social journey
    settings.SKILLCERT_PUBLIC_URL = live_server.url  # what the certificate's QR code points at
    settings.MEDIA_ROOT = tmp_path / "media"

    # 1. The enterprise comes on: registered by the province, filed, approved by the city.
    province = officer_page(open_page, folder, personas.province, "00-province")
    _province_registers_the_organisation(
        province,
        folder,
        name=ENTERPRISE,
        kind="Y",
        uscc_seq=78,
        admin=(ADMIN, "秦精工", STRONG),
    )
    admin = open_page()
    _sign_in(admin, ADMIN, STRONG)
    _organisation_files(admin, folder, tmp_path, name=ENTERPRISE)
    city = officer_page(open_page, folder, personas.city_nanjing, "00-city")
    _city_approves_the_filing(city, folder, name=ENTERPRISE)

    # 2. Its own plan: enterprise self-evaluation by process assessment.
    _organisation_files_a_plan(
        admin,
        folder,
        baseline,
        code=PLAN_CODE,
        title="2026年企业人力资源管理师企业自主评价（精工）",
        kind="enterprise",
        method="process",
    )
    _province_sets_the_sampling(province, folder, code=PLAN_CODE)

    # 3. Its employee comes on from a roster; three tiers review; the plan is filed, approved.
    _enterprise_imports_its_employee(admin, folder, tmp_path)
    _three_tiers_approve(admin, city, province, folder)
    _organisation_files_the_plan(admin, folder, code=PLAN_CODE)
    _city_approves_the_plan(city, folder, code=PLAN_CODE)

    # 4. After the assessment: the batch, the dedicated entry account, the scheme; the entry
    # account enters the four dimensions and submits.
    time_machine.move_to(dt.datetime(2026, 6, 15, 9, 30, tzinfo=BEIJING), tick=True)
    _back_after_a_while(admin, ADMIN, STRONG)
    _enterprise_opens_its_entry_account(admin, folder)
    _enterprise_opens_the_batch(admin, folder)
    _enterprise_sets_the_scheme(admin, folder)
    _back_after_a_while(province, "province", PASSWORD, officer=personas.province)
    _enterprise_files_the_norm(admin, province, folder)
    entry = open_page()
    _sign_in(entry, ENTRY, ENTRY_PASSWORD)
    _entry_account_evaluates_and_submits(entry, folder)
    _open_batch(admin, code=PLAN_CODE)
    _submit(admin, "发布成绩")
    shot(admin, folder, "27-published", "已发布")

    # 5. After the re-check window: registration, then issuance.
    time_machine.move_to(dt.datetime(2026, 7, 20, 9, 30, tzinfo=BEIJING), tick=True)
    _back_after_a_while(admin, ADMIN, STRONG)
    _back_after_a_while(province, "province", PASSWORD, officer=personas.province)
    _register_and_issue(admin, province, folder, first=28, holder=EMPLOYEE, code=PLAN_CODE)

    # 6. The enterprise hands its employee the certificate; a visitor scans its QR code.
    url = _certificate_qr_url(admin, folder, "32-certificate", holder=EMPLOYEE)
    visitor = open_page()
    visitor.goto(url)
    assert url.startswith(live_server.url)
    shot(visitor, folder, "33-verified", "证书真实有效", EMPLOYEE, "有效", ENTERPRISE)
    plan = EvaluationPlan.objects.get(code=PLAN_CODE)  # read: what was made
    result = Result.objects.get(batch__plan=plan)
    assert (plan.kind, result.route, str(result.weighted_score)) == (
        "enterprise",
        "self_evaluation",
        "84.1",
    )
    certificate = Certificate.objects.get(organization__name=ENTERPRISE)
    assert certificate.holder_name == EMPLOYEE and certificate.level == 4
    assert certificate.status == "valid" and certificate.issue_date == dt.date(2026, 7, 20)
