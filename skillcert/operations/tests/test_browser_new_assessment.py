"""A new assessment carried to a certificate through the web alone.

The baseline is what a province has before anything in this test happens: its officers, the
occupation on the directory with its standard, and qualified examiners and an external quality
supervisor in the personnel registry. From there every step is a person clicking in Chromium:
the province registers a new organisation; its administrator files it (备案) and the city
approves; the organisation creates an evaluation plan and opens it, the province sets the
review sampling; a candidate registers and applies; three tiers review; the organisation files
the plan with its roster 15 working days ahead and the city approves it and appoints the
on-site quality supervisor (外督); the province sets up the unified sitting and draws the seats;
the supervisor answers the checklist and submits the report on the exam day; after the exam
the organisation opens the result batch, assigns the markers, designates the chief examiner's
score-entry account and uploads the answer file; the chief examiner enters the practical
scores; the batch is submitted and published; the candidate asks for a re-check, which is
answered; the results are registered; the organisation issues the certificates; and a
visitor scans the QR code in the certificate's PDF. No service is called by the test after
the baseline. The clock is set inside the covered calendar and moved forward as the months
pass; every step leaves a screenshot in var/screenshots/new-assessment/."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings as django_settings
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from conftest import PASSWORD, make_uscc
from skillcert.accounts.actors import SystemActor
from skillcert.accounts.choices import Role
from skillcert.accounts.services import role_grant
from skillcert.certificates.models import Certificate
from skillcert.exams.models import AdmissionTicket
from skillcert.occupations.models import DirectoryEntry
from skillcert.operations.tests.browser import (
    BROWSER,
    download,
    log_in,
    officer_page,
    qr_codes_in_pdf,
    shot,
)
from skillcert.operations.tests.test_browser_journeys import (
    _candidate_applies,
    _candidate_registers,
    _three_tiers_review,
)
from skillcert.operations.tests.test_browser_scoring_setup import _objective_paper
from skillcert.plans.models import EvaluationPlan
from skillcert.plans.tests.factories import make_person
from skillcert.regions.models import Region
from skillcert.scoring.tests.conftest import _user, scorers_with_accounts

pytestmark = BROWSER

BEIJING = dt.timezone(dt.timedelta(hours=8))
START = dt.datetime(2026, 4, 1, 9, 30, tzinfo=BEIJING)  # a Wednesday
EXAM_DAY = dt.date(2026, 6, 13)
ORG_NAME = "南京钟山职业技能评价中心"
ADMIN = "zs_admin"
STRONG = "Zhongshan-Bell-2026"
PLAN_CODE = "ZS-2026-01"
CANDIDATE_NAME = "林晓雯"  # who registers in _candidate_registers


@pytest.fixture
def folder() -> Path:
    path = Path(django_settings.VAR_DIR) / "screenshots" / "new-assessment"
    path.mkdir(parents=True, exist_ok=True)
    return path


@pytest.fixture
def baseline(personas: Any, hr: Any) -> dict[str, Any]:
    """What the province already has: the occupation on the directory, qualified examiners,
    an external quality supervisor with an account (the authority's pool for on-site
    supervision) and the people who score (one the chief examiner), with accounts."""
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
    account = _user("zs_dd")
    supervisor = make_person(
        701, roles=[("supervisor_external", hr, 1, 5)], name="吴督导", user=account
    )
    role_grant(user=account, role=Role.SUPERVISOR, actor=SystemActor("baseline"))
    # The province's sealed level-4 paper, and the people who score with accounts of their own.
    _objective_paper(hr, personas.superuser)
    suzhou = Region.objects.get(code="320505")
    scorers = scorers_with_accounts(
        [
            (41, "主考郑", "zs_chief"),
            (42, "考评冯", "zs_e1"),
            (43, "考评陈", "zs_e2"),
            (44, "考评褚", "zs_e3"),
        ],
        hr,
        suzhou,
    )
    for person in scorers.values():  # their accounts were opened as examiners' accounts
        assert person.user is not None
        role_grant(user=person.user, role=Role.EXAMINER, actor=SystemActor("baseline"))
    return {"examiners": examiners, "supervisor": supervisor, "scorers": scorers}


def _pdf(folder: Path, name: str) -> Path:
    path = folder / name
    path.write_bytes(b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n")
    return path


def _sign_in(page: Any, username: str, password: str) -> None:
    page.goto("/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.locator("main").get_by_role("button", name="登录").click()


def _back_after_a_while(page: Any, username: str, password: str, officer: Any = None) -> None:
    """Weeks later the session has long expired (30 minutes): sign in again; an officer types
    the code the authenticator shows (the test reads the bound key, as the phone holds it)."""
    _sign_in(page, username, password)
    if officer is not None:
        device = TOTPDevice.objects.get(user=officer, confirmed=True)
        page.fill("#id_token", f"{totp(device.bin_key):06d}")
        page.locator("main").get_by_role("button", name="验证").click()
    page.wait_for_url(re.compile(r"/dashboard/$"))


def _submit(page: Any, name: str) -> None:
    page.locator("main").get_by_role("button", name=name, exact=True).click()


# --- 1. the organisation comes on ------------------------------------------------------------


def _province_registers_the_organisation(
    province: Any,
    folder: Path,
    *,
    name: str = ORG_NAME,
    kind: str = "S",
    uscc_seq: int = 77,
    admin: tuple[str, str, str] = (ADMIN, "顾钟山", STRONG),  # username, full name, password
) -> None:
    province.locator("header").get_by_role("link", name="评价机构", exact=True).click()
    province.get_by_role("link", name="登记新评价机构").click()
    province.fill("#id_name", name)
    province.select_option("#id_kind", value=kind)
    province.fill("#id_uscc", make_uscc(uscc_seq))
    province.fill("#id_region", "320102")
    province.fill("#id_address", "南京市玄武区中山门大街1号")
    province.fill("#id_admin_username", admin[0])
    province.fill("#id_admin_full_name", admin[1])
    province.fill("#id_admin_password", admin[2])
    shot(province, folder, "01-register-organisation", "登记新评价机构")
    _submit(province, "登记")
    shot(province, folder, "02-organisation-registered", f"已登记“{name}”", name)


def _organisation_files(admin: Any, folder: Path, tmp: Path, name: str = ORG_NAME) -> None:
    admin.locator("header").get_by_role("link", name="评价机构", exact=True).click()
    admin.get_by_role("link", name=name).click()
    start = admin.locator("form[action$='/filing_start/']")
    start.get_by_label("申请事项").select_option(value="initial")
    start.get_by_label("认定区域（行政区划代码）").fill("320100")
    start.get_by_role("button", name="创建").click()
    admin.fill("textarea[name=lines]", "4-07-03-02 4\n4-07-03-02 3\n")
    admin.get_by_role("button", name="保存认定范围").click()
    evidence = _pdf(tmp, "evidence.pdf")
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


def _city_approves_the_filing(city: Any, folder: Path, name: str = ORG_NAME) -> None:
    city.locator("header").get_by_role("link", name="评价机构", exact=True).click()
    city.get_by_role("link", name="备案待审核").click()
    city.get_by_role("link", name=name).click()
    city.select_option("select[name=decision]", value="approve")
    _submit(city, "提交审核意见")
    shot(city, folder, "05-filing-approved", "审核意见已保存", "已通过")


# --- 2. the plan ---------------------------------------------------------------------------


def _organisation_files_a_plan(
    admin: Any,
    folder: Path,
    baseline: dict[str, Any],
    *,
    code: str = PLAN_CODE,
    title: str = "2026年企业人力资源管理师职业技能等级认定（钟山）",
    kind: str = "social",
    method: str = "exam",
) -> None:
    admin.locator("header").get_by_role("link", name="评价计划", exact=True).click()
    admin.get_by_role("link", name="新建评价计划").click()
    admin.fill("#id_code", code)
    admin.fill("#id_title", title)
    admin.fill("#id_window_opens", "2026-04-01")
    admin.fill("#id_window_closes", "2026-04-30")
    admin.fill("#id_capacity", "30")
    admin.get_by_label(re.compile("企业人力资源管理师.*四级")).check()
    _submit(admin, "创建")
    shot(admin, folder, "06-plan-created", code)
    admin.select_option("#id_details-kind", value=kind)
    admin.select_option("#id_details-method", value=method)
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
    if kind != "social":  # a social plan's on-site supervisor is appointed by the authority
        staff.locator("select[name=staff-supervisor]").select_option(
            value=str(baseline["supervisor"].pk)
        )
    staff.get_by_role("button", name=re.compile("保存")).click()
    _submit(admin, "开放报名")
    shot(admin, folder, "07-plan-open", "报名状态：报名中")


def _province_sets_the_sampling(province: Any, folder: Path, code: str = PLAN_CODE) -> None:
    """The city reviews a 30 % sample, the province every application (终审)."""
    province.locator("header").get_by_role("link", name="评价计划", exact=True).click()
    province.get_by_role("link", name=re.compile(code)).first.click()
    province.get_by_label("复审（地市）抽样比例（%）").fill("30")
    province.get_by_label("终审（省级）抽样比例（%）").fill("100")
    _submit(province, "保存抽样比例")
    shot(province, folder, "08-sampling", "抽样比例已设置：复审 30", "终审抽取 100%")


def _organisation_files_the_plan(admin: Any, folder: Path, code: str = PLAN_CODE) -> None:
    """A social plan is filed with its roster: after the reviews."""
    admin.locator("header").get_by_role("link", name="评价计划", exact=True).click()
    admin.get_by_role("link", name=re.compile(code)).first.click()
    _submit(admin, "报备")
    shot(admin, folder, "15-plan-filed", "等待人社部门审核")


def _city_approves_the_plan(city: Any, folder: Path, code: str = PLAN_CODE) -> None:
    city.locator("header").get_by_role("link", name="评价计划", exact=True).click()
    city.get_by_role("link", name=re.compile(code)).first.click()
    city.get_by_role("link", name="审核本次报备").click()
    city.select_option("#id_decision", value="approve")
    _submit(city, "提交")
    shot(city, folder, "16-plan-approved", "审核通过")


def _city_appoints_the_onsite_supervisor(city: Any, folder: Path, code: str = PLAN_CODE) -> None:
    """From the plan's page to the on-site supervision page: the city sends 吴督导."""
    city.locator("header").get_by_role("link", name="评价计划", exact=True).click()
    city.get_by_role("link", name=re.compile(code)).first.click()
    city.get_by_role("link", name="派遣现场质量督导员与督导报告").click()
    shot(city, folder, "16a-onsite", "现场质量督导", "尚未派遣", "人社部门尚未派遣现场质量督导员")
    city.locator("tr", has_text="吴督导").get_by_role("button", name="派遣").click()
    shot(city, folder, "16b-onsite-appointed", "已派遣吴督导担任现场质量督导员", "已派出")


def _supervisor_reports(supervisor: Any, folder: Path) -> None:
    """On the exam day the on-site supervisor answers the checklist and submits the report."""
    supervisor.get_by_role("link", name=re.compile("派给我的督导任务")).click()
    supervisor.locator("tr", has_text=PLAN_CODE).get_by_role("link").first.click()
    for select in supervisor.locator("select[name^=result_]").all():
        select.select_option("yes")
    _submit(supervisor, "保存检查表")
    supervisor.select_option("#f-rating", value="pass")
    supervisor.fill("#f-report", "入场核验、考场纪律、试卷保密均符合规定，未发现问题。")
    _submit(supervisor, "提交")
    shot(supervisor, folder, "20a-onsite-report", "督导记录", "合格", "入场核验")


# --- 4. the sitting ------------------------------------------------------------------------


def _province_sets_up_the_sitting(province: Any, folder: Path) -> None:
    province.locator("header").get_by_role("link", name="考务", exact=True).click()
    province.get_by_role("link", name="新建统一考试").click()
    province.fill("#id_code", "JS-2026-ZS")
    province.fill("#id_title", "2026年江苏省职业技能等级认定第二次统一考试")
    province.fill("#id_year", "2026")
    province.fill("#id_serial", "2")
    _submit(province, "创建")
    shot(province, folder, "17-sitting-created", "请编入评价计划并设置考区")
    province.get_by_label("评价计划").select_option(index=1)  # the only approved plan
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
    province.get_by_role("link", name="返回统一考试").click()
    province.get_by_role("link", name="考点考场设置").click()
    site = province.locator("form[action$='/sites/']")
    site.get_by_label("考点编号").fill("01")
    site.get_by_label("考点名称").fill("南京市第一考点")
    site.get_by_label("地址").fill("南京市玄武区北京东路1号")
    _submit(province, "添加考点")
    room = province.locator("form[action$='/rooms/']")
    room.get_by_label("考点").select_option(index=1)  # the site just added
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


# --- 5. scoring -------------------------------------------------------------------------------


def _tick(page: Any, form: str, names: list[str], button: str) -> None:
    for name in names:
        page.locator(form).get_by_label(f"{name}（某大学）").check()
    page.locator(form).get_by_role("button", name=button).click()
    page.wait_for_load_state("load")


def _organisation_sets_up_scoring(admin: Any, folder: Path, ticket: str, tmp: Path) -> None:
    admin.locator("header").get_by_role("link", name="成绩批次", exact=True).click()
    shot(admin, folder, "21-batches", "待建立成绩批次的计划", PLAN_CODE)
    admin.locator("tr", has_text=PLAN_CODE).get_by_role("button", name="建立成绩批次").click()
    shot(admin, folder, "22-batch-opened", "成绩批次设置", ticket)
    _tick(admin, "#staff-chief_marker", ["主考郑"], "保存阅卷组长")
    _tick(admin, "#staff-practical", ["考评冯", "考评陈", "考评褚"], "保存操作技能考评员")
    admin.locator("#entry-account select").select_option(label="zs_chief")
    admin.locator("#entry-account").get_by_role("button", name="指定录入账号").click()
    shot(admin, folder, "23-entry-account", "已指定 zs_chief 为成绩录入专用账号")
    answers = tmp / "answers.csv"
    answers.write_text(f"candidate_id,form,1,2,3,4\n{ticket},A,B,AC,对,D\n", encoding="utf-8")
    admin.locator("#responses select").select_option(label="P-E2E-A（企业人力资源管理师 4级）")
    admin.locator("#responses input[type=file]").set_input_files(str(answers))
    admin.locator("#responses").get_by_role("button", name="上传并评分").click()
    admin.get_by_text("已完成客观题评分：1 名考生").wait_for()
    shot(admin, folder, "24-answers-scored", "已完成客观题评分：1 名考生")


def _chief_enters_and_submits(chief: Any, folder: Path, ticket: str) -> None:
    chief.locator("header").get_by_role("link", name="评分任务", exact=True).click()
    chief.locator("tr", has_text=PLAN_CODE).get_by_role("link", name="成绩录入").click()
    row = chief.locator("tr", has_text=ticket)
    row.locator("form").first.locator("select[name=part]").select_option("practical")
    row.locator("form").first.locator("input[name=score]").fill("78")
    row.get_by_role("button", name="录入成绩").click()
    chief.wait_for_load_state("load")
    shot(chief, folder, "25-practical-entered", "78.0")
    chief.get_by_role("button", name="确认并提交本批次成绩").click()
    shot(chief, folder, "26-submitted", "成绩已提交，录入已锁定")


def _open_batch(page: Any, code: str = PLAN_CODE) -> None:
    page.locator("header").get_by_role("link", name=re.compile("成绩")).first.click()
    page.get_by_role("link", name=re.compile(code)).first.click()


def _register_and_issue(
    admin: Any, province: Any, folder: Path, *, first: int, holder: str, code: str = PLAN_CODE
) -> None:
    """The organisation files the batch's registration, the province confirms it, and the
    organisation issues the certificates; the screenshots are numbered from `first`."""
    _open_batch(admin, code=code)
    _submit(admin, "提交登记备案")
    shot(admin, folder, f"{first}-registration-submitted", "登记")
    _open_batch(province, code=code)
    _submit(province, "确认登记备案")
    shot(province, folder, f"{first + 1}-registered", "已登记")
    admin.locator("header").get_by_role("link", name="证书签发", exact=True).click()
    admin.get_by_role("link", name=re.compile(code)).first.click()
    shot(admin, folder, f"{first + 2}-issue-batch", "证书签发", holder)
    admin.get_by_role("button", name=re.compile("签发|发证")).first.click()
    admin.get_by_text("已完成").first.wait_for()
    shot(admin, folder, f"{first + 3}-issued", "已完成")


def _certificate_qr_url(page: Any, folder: Path, name: str, *, holder: str) -> str:
    """Open the newest certificate from the menu and read the QR code in its PDF."""
    page.locator("header").get_by_role("link", name="证书", exact=True).click()
    page.get_by_role("link", name=re.compile(r"^\w{6,}$")).first.click()
    shot(page, folder, name, holder, "四级/中级工")
    (url,) = qr_codes_in_pdf(download(page, "下载电子证书（PDF）"))
    return url


def test_a_new_organisation_carries_a_new_assessment_to_a_verified_certificate(
    personas, baseline, open_page, folder, time_machine, settings, tmp_path, live_server
):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.SKILLCERT_PUBLIC_URL = live_server.url  # what the certificate's QR code points at
    time_machine.move_to(START, tick=True)

    province = officer_page(open_page, folder, personas.province, "00-province")
    _province_registers_the_organisation(province, folder)
    admin = open_page()
    _sign_in(admin, ADMIN, STRONG)
    _organisation_files(admin, folder, tmp_path)
    city = officer_page(open_page, folder, personas.city_nanjing, "00-city")
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
    _city_appoints_the_onsite_supervisor(city, folder)

    # 4. The sitting: districts, sites, rooms, slots, seats; the candidate's ticket.
    _province_sets_up_the_sitting(province, folder)
    candidate.get_by_role("link", name="准考证", exact=True).click()
    ticket = AdmissionTicket.objects.get(application=application).ticket_no  # read, to type it
    shot(candidate, folder, "20-admission-ticket", "我的准考证", ticket)
    assert download(candidate, "下载PDF").startswith(b"%PDF-")

    # The exam day: the on-site supervisor's report, which registration will need.
    time_machine.move_to(dt.datetime(2026, 6, 13, 16, 30, tzinfo=BEIJING), tick=True)
    supervisor = open_page()
    log_in(supervisor, "zs_dd")
    _supervisor_reports(supervisor, folder)

    # 5. After the exam: the batch, its people, the answer file; the chief enters and submits.
    time_machine.move_to(dt.datetime(2026, 6, 15, 9, 30, tzinfo=BEIJING), tick=True)
    _back_after_a_while(admin, ADMIN, STRONG)
    _organisation_sets_up_scoring(admin, folder, ticket, tmp_path)
    chief = open_page()
    log_in(chief, "zs_chief")
    _chief_enters_and_submits(chief, folder, ticket)

    # 6. Publication; the candidate asks for a re-check of the theory score; it is answered.
    _back_after_a_while(candidate, "linxiaowen", "Spring-Orchid-2026")
    _open_batch(admin)
    _submit(admin, "发布成绩")
    shot(admin, folder, "27-published", "已发布")
    candidate.get_by_role("link", name="我的成绩", exact=True).click()
    shot(candidate, folder, "28-result", "企业人力资源管理师", "合格", "申请复查")
    candidate.locator("input[name=reason]").fill("理论成绩与估分不符")
    candidate.get_by_role("button", name="申请复查").click()
    shot(candidate, folder, "29-recheck-requested", "复查")
    _open_batch(admin)
    admin.locator("input[name=outcome]").fill("复核无误，维持原成绩")
    admin.get_by_role("button", name="复核加分并办结").click()
    shot(admin, folder, "30-recheck-answered", "复核无误，维持原成绩")

    # 7. After the re-check window: registration, then issuance.
    time_machine.move_to(dt.datetime(2026, 7, 20, 9, 30, tzinfo=BEIJING), tick=True)
    _back_after_a_while(admin, ADMIN, STRONG)
    _back_after_a_while(province, "province", PASSWORD, officer=personas.province)
    _back_after_a_while(candidate, "linxiaowen", "Spring-Orchid-2026")
    _register_and_issue(admin, province, folder, first=31, holder=CANDIDATE_NAME)

    # 8. The candidate's certificate; a visitor scans the QR code in its PDF.
    url = _certificate_qr_url(candidate, folder, "35-certificate", holder=CANDIDATE_NAME)
    assert url.startswith(live_server.url)
    visitor = open_page()
    visitor.goto(url)
    shot(visitor, folder, "36-verified", "证书真实有效", CANDIDATE_NAME, "有效", ORG_NAME)
    certificate = Certificate.objects.get(organization__name=ORG_NAME)  # read: what was made
    assert (certificate.level, certificate.status, certificate.issue_date) == (
        4,
        "valid",
        dt.date(2026, 7, 20),
    )
