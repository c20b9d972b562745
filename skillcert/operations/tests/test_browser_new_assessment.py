"""A new assessment carried to a certificate through the web alone.

The baseline is what a province has before anything in this test happens: its officers, the
occupation on the directory with its standard, and qualified examiners and a quality
supervisor in the personnel registry. From there every step is a person clicking in Chromium:
the province registers a new organisation; its administrator files it (备案) and the city
approves; the organisation files an evaluation plan 15 working days ahead and the city
approves it; a candidate registers and applies; three tiers review; the province sets up the
unified sitting and draws the seats; after the exam the organisation opens the result batch,
assigns the markers, designates the chief examiner's score-entry account and uploads the answer
file; the chief examiner enters the practical scores; the batch is submitted and published; the
candidate asks for a re-check, which is answered; the results are registered; the organisation
issues the certificates; and a visitor scans the QR code in the certificate's PDF. No service is
called by the test after the baseline. The clock is set inside the covered calendar and moved
forward as the months pass; every step leaves a screenshot in var/screenshots/new-assessment/."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings as django_settings

from conftest import make_uscc
from skillcert.occupations.models import DirectoryEntry
from skillcert.operations.tests.browser import (
    BROWSER,
    download,
    log_in,
    pass_second_factor,
    shot,
)
from skillcert.operations.tests.test_browser_journeys import (
    _candidate_applies,
    _candidate_registers,
    _three_tiers_review,
)
from skillcert.plans.models import EvaluationPlan
from skillcert.plans.tests.factories import hr, make_person

__all__ = ["hr"]  # fixture

pytestmark = BROWSER

BEIJING = dt.timezone(dt.timedelta(hours=8))
START = dt.datetime(2026, 4, 1, 9, 30, tzinfo=BEIJING)  # a Wednesday
EXAM_DAY = dt.date(2026, 6, 13)
ORG_NAME = "南京钟山职业技能评价中心"
ADMIN = "zs_admin"
STRONG = "Zhongshan-Bell-2026"
PLAN_CODE = "ZS-2026-01"


@pytest.fixture
def folder() -> Path:
    path = Path(django_settings.VAR_DIR) / "screenshots" / "new-assessment"
    path.mkdir(parents=True, exist_ok=True)
    return path


@pytest.fixture
def baseline(personas: Any, hr: Any) -> dict[str, Any]:
    """What the province already has: the occupation on the directory, two qualified
    examiners (one the chief examiner, with an account) and a quality supervisor."""
    for level in (4, 3, 2, 1):
        DirectoryEntry.objects.get_or_create(
            occupation=hr,
            level=level,
            defaults={"effective_from": dt.date(2020, 1, 1), "document_no": "苏人社规〔2020〕1号"},
        )
    examiners = [
        make_person(601, roles=[("examiner", hr, 1, 5)], name="孙立"),
        make_person(602, roles=[("examiner", hr, 1, 5)], name="钱敏"),
        make_person(603, roles=[("examiner", hr, 1, 5)], name="李强"),
    ]
    supervisor = make_person(701, roles=[("supervisor_external", hr, 1, 5)], name="吴督导")
    return {"examiners": examiners, "supervisor": supervisor, "occupation": hr}


def _pdf(folder: Path, name: str) -> Path:
    path = folder / name
    path.write_bytes(b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n")
    return path


def _officer(open_page: Any, folder: Path, username: str, user: Any, name: str) -> Any:
    page = open_page()
    log_in(page, username)
    pass_second_factor(page, folder, name, user)
    return page


def _sign_in(page: Any, username: str, password: str) -> None:
    page.goto("/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.locator("main").get_by_role("button", name="登录").click()


def _submit(page: Any, name: str) -> None:
    page.locator("main").get_by_role("button", name=name, exact=True).click()


# --- 1. the organisation comes on ------------------------------------------------------------


def _province_registers_the_organisation(province: Any, folder: Path) -> None:
    province.locator("header").get_by_role("link", name="评价机构", exact=True).click()
    province.get_by_role("link", name="登记新评价机构").click()
    province.fill("#id_name", ORG_NAME)
    province.select_option("#id_kind", value="S")
    province.fill("#id_uscc", make_uscc(77))
    province.fill("#id_region", "320102")
    province.fill("#id_address", "南京市玄武区中山门大街1号")
    province.fill("#id_admin_username", ADMIN)
    province.fill("#id_admin_full_name", "顾钟山")
    province.fill("#id_admin_password", STRONG)
    shot(province, folder, "01-register-organisation", "登记新评价机构")
    _submit(province, "登记")
    shot(province, folder, "02-organisation-registered", f"已登记“{ORG_NAME}”", ORG_NAME)


def _organisation_files(admin: Any, folder: Path) -> None:
    admin.locator("header").get_by_role("link", name="评价机构", exact=True).click()
    admin.get_by_role("link", name=ORG_NAME).click()
    start = admin.locator("form[action$='/filing_start/']")
    start.get_by_label("申请事项").select_option(value="initial")
    start.get_by_label("认定区域（行政区划代码）").fill("320100")
    start.get_by_role("button", name="创建").click()
    admin.fill("textarea[name=lines]", "4-07-03-02 4\n4-07-03-02 3\n")
    admin.get_by_role("button", name="保存认定范围").click()
    evidence = _pdf(folder, "evidence.pdf")
    # Every condition of the checklist, one form each (the page reloads after each save).
    for _ in range(30):
        pending = admin.locator("tr", has=admin.locator("form[action$='/evidence/']")).filter(
            has_text="未提供"
        )
        if pending.count() == 0:
            break
        row = pending.first
        if row.locator("input[type=file]").count():
            row.locator("input[type=file]").set_input_files(str(evidence))
        elif row.locator("input[name=number_value]").count():
            row.locator("input[name=number_value]").fill("20")
        elif row.locator("textarea[name=text_value]").count():
            row.locator("textarea[name=text_value]").fill("已建立考务、保密和质量管理制度")
        else:
            row.locator("input[name=declared]").check()
        row.get_by_role("button", name="保存").click()
        admin.wait_for_load_state("load")
    shot(admin, folder, "03-filing-ready", "首次备案", "企业人力资源管理师")
    _submit(admin, "提交审核")
    shot(admin, folder, "04-filing-submitted", "已提交")


def _city_approves_the_filing(city: Any, folder: Path) -> None:
    city.locator("header").get_by_role("link", name="评价机构", exact=True).click()
    city.get_by_role("link", name="备案待审核").click()
    city.get_by_role("link", name=ORG_NAME).click()
    city.select_option("select[name=decision]", value="approve")
    _submit(city, "提交审核意见")
    shot(city, folder, "05-filing-approved", "审核意见已保存", "已通过")


# --- 2. the plan ---------------------------------------------------------------------------


def _organisation_files_a_plan(admin: Any, folder: Path, baseline: dict[str, Any]) -> None:
    admin.locator("header").get_by_role("link", name="评价计划", exact=True).click()
    admin.get_by_role("link", name="新建评价计划").click()
    admin.fill("#id_code", PLAN_CODE)
    admin.fill("#id_title", "2026年企业人力资源管理师职业技能等级认定（钟山）")
    admin.fill("#id_window_opens", "2026-04-01")
    admin.fill("#id_window_closes", "2026-04-30")
    admin.fill("#id_capacity", "30")
    admin.get_by_label(re.compile("企业人力资源管理师.*四级")).check()
    _submit(admin, "创建")
    shot(admin, folder, "06-plan-created", PLAN_CODE)
    admin.select_option("#id_details-kind", value="social")
    admin.select_option("#id_details-method", value="exam")
    admin.locator("form[action$='/details/']").get_by_role("button", name="保存").click()
    for subject, starts, ends in (("theory", "09:00", "10:30"), ("practical", "14:00", "16:00")):
        admin.select_option("#id_session-subject", value=subject)
        admin.fill("#id_session-day", EXAM_DAY.isoformat())
        admin.fill("#id_session-starts", starts)
        admin.fill("#id_session-ends", ends)
        admin.fill("#id_session-site", "南京市第一考点")
        admin.fill("#id_session-expected", "1")
        admin.get_by_role("button", name="添加场次").click()
    staff = admin.locator("form[action$='/staff/']")
    for person in baseline["examiners"]:
        staff.get_by_label(re.compile(person.name)).check()
    staff.locator("select[name=staff-supervisor]").select_option(
        value=str(baseline["supervisor"].pk)
    )
    staff.get_by_role("button", name=re.compile("保存")).click()
    _submit(admin, "开放报名")
    shot(admin, folder, "07-plan-open", "报名状态：报名中")


def _province_sets_the_sampling(province: Any, folder: Path) -> None:
    """The city reviews a 30 % sample, the province every application (终审)."""
    province.locator("header").get_by_role("link", name="评价计划", exact=True).click()
    province.get_by_role("link", name=re.compile(PLAN_CODE)).first.click()
    province.get_by_label("复审（地市）抽样比例（%）").fill("30")
    province.get_by_label("终审（省级）抽样比例（%）").fill("100")
    _submit(province, "保存抽样比例")
    shot(province, folder, "08-sampling", "抽样比例已设置：复审 30", "终审抽取 100%")


def _organisation_files_the_plan(admin: Any, folder: Path) -> None:
    """A social plan is filed with its roster: after the reviews."""
    admin.locator("header").get_by_role("link", name="评价计划", exact=True).click()
    admin.get_by_role("link", name=re.compile(PLAN_CODE)).first.click()
    _submit(admin, "报备")
    shot(admin, folder, "15-plan-filed", "等待人社部门审核")


def _city_approves_the_plan(city: Any, folder: Path) -> None:
    city.locator("header").get_by_role("link", name="评价计划", exact=True).click()
    city.get_by_role("link", name=re.compile(PLAN_CODE)).first.click()
    city.get_by_role("link", name="审核本次报备").click()
    city.select_option("#id_decision", value="approve")
    _submit(city, "提交")
    shot(city, folder, "16-plan-approved", "审核通过")


# --- 4. the sitting ------------------------------------------------------------------------


def _province_sets_up_the_sitting(province: Any, folder: Path) -> None:
    province.locator("header").get_by_role("link", name="考务", exact=True).click()
    province.get_by_role("link", name="新建统一考试").click()
    province.fill("#id_code", "JS-2026-ZS")
    province.fill("#id_title", "2026年江苏省职业技能等级认定第二次统一考试")
    province.fill("#id_year", "2026")
    province.fill("#id_serial", "2")
    _submit(province, "创建")
    province.get_by_role("link", name=re.compile("考务设置")).click()
    province.get_by_label("评价计划").select_option(label=re.compile(PLAN_CODE))
    _submit(province, "编入统考")
    province.get_by_label("城市").select_option(value="320100")
    province.get_by_label("考核点办公室").fill("南京市职业技能鉴定中心考核点")
    _submit(province, "添加考区")
    for subject, starts, ends in (("theory", "09:00", "10:30"), ("practical", "14:00", "16:00")):
        slot = province.locator("form[action$='/slots/']")
        slot.get_by_label("科目").select_option(value=subject)
        slot.get_by_label("考试日期").fill(EXAM_DAY.isoformat())
        slot.get_by_label("开始时间").fill(starts)
        slot.get_by_label("结束时间").fill(ends)
        _submit(province, "添加时段")
    shot(province, folder, "17-sitting-setup", "考务设置", PLAN_CODE, "09:00")
    province.get_by_role("link", name=re.compile("返回")).first.click()
    province.get_by_role("link", name="考点考场设置").click()
    site = province.locator("form[action$='/sites/']")
    site.get_by_label("考点编号").fill("01")
    site.get_by_label("考点名称").fill("南京市第一考点")
    site.get_by_label("地址").fill("南京市玄武区北京东路1号")
    _submit(province, "添加考点")
    room = province.locator("form[action$='/rooms/']")
    room.get_by_label("考点").select_option(label=re.compile("南京市第一考点"))
    room.get_by_label("考场号").fill("001")
    room.get_by_label("行数").fill("5")
    room.get_by_label("列数").fill("6")
    _submit(province, "添加考场")
    shot(province, folder, "18-district", "南京市第一考点", "001")
    province.get_by_role("link", name=re.compile("返回")).first.click()
    for form in province.locator("form[action$='/seats/']").all():
        form.locator("input[name=seed]").fill("20260613")
        form.get_by_role("button", name="编排座位").click()
        province.wait_for_load_state("load")
    shot(province, folder, "19-seats-drawn", "座位")


def test_a_new_organisation_carries_a_new_assessment_to_a_verified_certificate(
    personas, baseline, open_page, folder, time_machine, settings, tmp_path, live_server
):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.SKILLCERT_PUBLIC_URL = live_server.url  # what the certificate's QR code points at
    time_machine.move_to(START, tick=True)

    province = _officer(open_page, folder, "province", personas.province, "00-province")
    _province_registers_the_organisation(province, folder)
    admin = open_page()
    _sign_in(admin, ADMIN, STRONG)
    _organisation_files(admin, folder)
    city = _officer(open_page, folder, "city_nj", personas.city_nanjing, "00-city")
    _city_approves_the_filing(city, folder)

    _organisation_files_a_plan(admin, folder, baseline)
    _province_sets_the_sampling(province, folder)

    # 3. A candidate registers and applies; three tiers review; the plan is filed and approved.
    candidate = _candidate_registers(open_page, folder, tmp_path)
    plan = EvaluationPlan.objects.get(code=PLAN_CODE)  # read, to name the offering to pick
    application = _candidate_applies(candidate, plan, folder)
    _three_tiers_review(
        open_page, personas, plan, application, folder, clerk=admin, city=city, province=province
    )
    _organisation_files_the_plan(admin, folder)
    _city_approves_the_plan(city, folder)

    # 4. The sitting: districts, sites, rooms, slots, seats; the candidate's ticket.
    _province_sets_up_the_sitting(province, folder)
    candidate.get_by_role("link", name="准考证", exact=True).click()
    shot(candidate, folder, "20-admission-ticket", "我的准考证")
    assert download(candidate, "下载PDF").startswith(b"%PDF-")
