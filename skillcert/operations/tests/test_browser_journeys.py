"""Browser journeys: Playwright drives Debian's Chromium against the live server through one
candidate's whole path — registration and application, the three review tiers with the city's
sample draw, the admission ticket, the published result, the certificate and its public
verification. What no page does (plan filing, the sitting, scoring) goes through the real
services. Every step leaves a screenshot in var/screenshots/ and must show its Chinese text
drawn with a CJK font (not as empty boxes)."""

from __future__ import annotations

import base64
import datetime as dt
import re
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.utils import timezone
from django_otp.oath import totp
from PIL import Image

from skillcert.accounts.actors import SystemActor
from skillcert.applications.models import Application, Status
from skillcert.certificates.models import Certificate
from skillcert.certificates.selectors import verify_url
from skillcert.certificates.services import certificate_issue
from skillcert.exams.models import AdmissionTicket
from skillcert.exams.services import (
    room_add,
    seats_assign,
    slots_add,
)
from skillcert.exams.tests.factories import (
    EXAM_DAY,
    FILED_ON,
    at,
    nanjing_site,
    province_sitting,
)
from skillcert.operations.tests.browser import (
    BROWSER,
    download,
    log_in,
    officer_page,
    shot,
)
from skillcert.organizations.models import EvaluationOrg, OrgScope
from skillcert.plans.models import EvaluationPlan, PlanKind, Subject
from skillcert.plans.services import (
    plan_create,
    plan_details_set,
    plan_file,
    plan_open,
    plan_review,
    plan_session_add,
    plan_staff_set,
)
from skillcert.plans.tests.factories import file_org, make_id, make_person
from skillcert.scoring.models import Result
from skillcert.scoring.services import (
    batch_open,
    batch_publish,
    batch_register,
    batch_registration_submit,
    batch_submit,
    result_score_enter,
)
from skillcert.scoring.tests.flows import onsite_report_in

pytestmark = BROWSER

SYSTEM = SystemActor("test")
PUBLISHED_ON = dt.date(2026, 6, 22)  # the Monday after EXAM_DAY
REGISTERED_ON = dt.date(2026, 7, 20)  # after the re-check window
NAME = "林晓雯"
ID_NUMBER = make_id(77)


# --- what the pages do not do: the plan, the sitting, scoring -----------------------------


def open_plan(personas: Any, occupation: Any) -> EvaluationPlan:
    """Organisation A's plan, open today; the city samples 30 %, the province reviews all."""
    file_org(personas.org_a, [occupation], (5, 4, 3, 2, 1))
    # The filing below is dated FILED_ON: the organisation's filing must cover that day too.
    EvaluationOrg.objects.filter(pk=personas.org_a.pk).update(
        valid_from=dt.date(2025, 1, 1), valid_until=dt.date(2029, 12, 31)
    )
    OrgScope.objects.filter(org=personas.org_a).update(since=dt.date(2025, 1, 1))
    today = timezone.localdate()
    plan = plan_create(
        code="JS-2026-E2E",
        title="2026年企业人力资源管理师职业技能等级认定",
        organization=personas.org_a,
        window_opens=today - dt.timedelta(days=5),
        window_closes=today + dt.timedelta(days=20),
        capacity=30,
        offerings=[(occupation, 4)],
        actor=personas.clerk_a,
        city_sample_rate=Decimal("0.3"),
        province_sample_rate=Decimal("1"),
    )
    return plan_open(plan=plan, actor=personas.clerk_a)


def seat_the_plan(personas: Any, plan: EvaluationPlan, occupation: Any) -> None:
    """File the plan, put it in the province's unified sitting and draw the seats (which
    issues the admission tickets)."""
    clerk, province = personas.clerk_a, personas.province
    plan_details_set(plan=plan, kind=PlanKind.SOCIAL, method="exam", actor=clerk)
    plan_session_add(
        plan=plan,
        subject=Subject.THEORY,
        starts_at=at(EXAM_DAY, 9),
        ends_at=at(EXAM_DAY, 10, 30),
        site="南京市第一考点",
        expected=1,
        actor=clerk,
    )
    # The authority's pool for on-site supervision: a social plan names no supervisor.
    make_person(801, roles=[("supervisor_external", occupation, 1, 5)])
    plan_staff_set(
        plan=plan,
        examiners=[make_person(901, roles=[("examiner", occupation, 1, 5)])],
        supervisor=None,
        actor=clerk,
        today=FILED_ON,
    )
    plan_file(plan=plan, actor=clerk, today=FILED_ON)
    plan_review(plan=plan, approve=True, actor=personas.city_nanjing)
    plan.refresh_from_db()
    sitting, district = province_sitting([plan], province, code="JS-2026-E2E")
    site = nanjing_site(district, province)
    room_add(site=site, code="001", kind="paper", rows=5, cols=6, actor=province)
    (slot,) = slots_add(
        sitting=sitting,
        subject=Subject.THEORY,
        starts_at=at(EXAM_DAY, 9),
        ends_at=at(EXAM_DAY, 10, 30),
        actor=province,
    )
    seats_assign(slot=slot, seed=20260613, actor=province)


def score_and_publish(plan: EvaluationPlan) -> Result:
    batch = batch_open(plan=plan, actor=SYSTEM)
    (result,) = batch.results.all()
    result_score_enter(result=result, part="theory", score=86, actor=SYSTEM)
    result_score_enter(result=result, part="practical", score=78, actor=SYSTEM)
    batch_submit(batch=batch, actor=SYSTEM)
    batch_publish(batch=batch, actor=SYSTEM, today=PUBLISHED_ON)
    result.refresh_from_db()
    return result


def register_and_issue(personas: Any, result: Result) -> Certificate:
    batch = result.batch
    onsite_report_in(batch.plan, officer=personas.city_nanjing)
    batch_registration_submit(batch=batch, actor=SYSTEM, today=REGISTERED_ON)
    batch_register(batch=batch, actor=SYSTEM)
    result.refresh_from_db()
    return certificate_issue(result=result, actor=personas.clerk_a)


def photo_file(folder: Path) -> Path:
    path = folder / "photo.jpg"
    Image.new("RGB", (295, 413), (225, 232, 240)).save(path, "JPEG")
    return path


# --- the journey --------------------------------------------------------------------------


def test_candidate_goes_from_registration_to_a_verified_certificate(
    personas, hr, open_page, screenshots, settings, tmp_path, live_server
):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.SKILLCERT_PUBLIC_URL = live_server.url  # what the certificate's QR code points at
    plan = open_plan(personas, hr)
    candidate = _candidate_registers(open_page, screenshots, tmp_path)
    application = _candidate_applies(candidate, plan, screenshots)
    _three_tiers_review(open_page, personas, plan, application, screenshots)

    # 7. Seats are drawn; the candidate downloads the admission ticket.
    seat_the_plan(personas, plan, hr)
    ticket = AdmissionTicket.objects.get(application=application)
    candidate.get_by_role("link", name="准考证", exact=True).click()
    shot(candidate, screenshots, "14-admission-ticket", "我的准考证", ticket.ticket_no)
    assert download(candidate, "下载PDF").startswith(b"%PDF-")

    # 8. Results are published; the candidate sees the pass.
    result = score_and_publish(plan)
    candidate.get_by_role("link", name="我的成绩", exact=True).click()
    shot(candidate, screenshots, "15-result", "我的成绩", "企业人力资源管理师", "86", "合格")

    # 9. Registered, the certificate is issued; the candidate downloads it.
    certificate = register_and_issue(personas, result)
    candidate.locator("header").get_by_role("link", name="证书", exact=True).click()
    candidate.get_by_role("link", name=certificate.number).click()
    shot(candidate, screenshots, "16-certificate", certificate.number, "四级/中级工", NAME)
    assert download(candidate, "下载电子证书（PDF）").startswith(b"%PDF-")

    _anyone_verifies(open_page, certificate, screenshots)


def _candidate_registers(open_page, screenshots, tmp_path):
    # 1. The candidate finds registration from the login page and registers.
    candidate = open_page()
    candidate.goto("/")
    shot(candidate, screenshots, "01-login", "登录", "考生注册")
    candidate.get_by_role("link", name="考生注册").click()
    candidate.fill("#full_name", NAME)
    candidate.fill("#id_number", ID_NUMBER)
    candidate.fill("#phone", "13912345678")
    candidate.fill("#username", "linxiaowen")
    candidate.fill("#password", "Spring-Orchid-2026")
    shot(candidate, screenshots, "02-register", "考生注册", "居民身份证号码")
    candidate.locator("main").get_by_role("button", name="注册", exact=True).click()
    candidate.wait_for_url(re.compile(r"/candidates/profile/$"))
    shot(candidate, screenshots, "03-registered", "注册成功", "我的档案", NAME, ID_NUMBER)

    # 2. The profile: a certificate photo and eight years of related work.
    photo_form = candidate.locator("form[action$='/profile/photo/']")
    photo_form.locator("input[type=file]").set_input_files(str(photo_file(tmp_path)))
    photo_form.get_by_role("button", name="上传照片").click()
    work = candidate.locator("form[action$='/profile/work/add/']")
    work.locator("input[name=employer]").fill("南京某人力资源服务有限公司")
    work.locator("input[name=occupation_name]").fill("人力资源专员")
    started = timezone.localdate().replace(year=timezone.localdate().year - 8, day=1)
    work.locator("input[name=start]").fill(started.isoformat())
    work.get_by_role("button", name="添加").click()
    shot(candidate, screenshots, "04-profile", "已保存", "南京某人力资源服务有限公司", "相关")

    return candidate


def _candidate_applies(candidate, plan, screenshots):
    # 3. The application: new, then submitted; the eligibility clause is recorded.
    candidate.get_by_role("link", name="我的申报").first.click()
    candidate.get_by_role("link", name="新建申报").click()
    offering = plan.offerings.get(level=4)
    candidate.select_option("#offering", value=str(offering.pk))
    shot(candidate, screenshots, "05-application-new", "新建申报", "企业人力资源管理师")
    candidate.get_by_role("button", name="创建申报").click()
    candidate.get_by_role("button", name="提交申报").click()
    submitted = shot(
        candidate, screenshots, "06-application-submitted", "申报已提交", "待初审", "符合申报条件"
    )
    assert "generic-2018/4" in submitted
    application = Application.objects.get(plan=plan, candidate__user__username="linxiaowen")
    assert application.status == Status.ORG_REVIEW

    return application


def _decide(page, application):
    """Open the application from the queue and submit the review form as it stands."""
    page.get_by_role("link", name=f"#{application.pk}", exact=True).click()
    page.get_by_role("button", name="提交结论").click()


def _three_tiers_review(
    open_page, personas, plan, application, screenshots, clerk=None, city=None, province=None
):
    """Through the three tiers' pages; pass the pages of people already signed in."""
    # 4. The organisation's clerk reviews it (初审) from the queue.
    if clerk is None:
        clerk = open_page()
        log_in(clerk, "clerk_a")
    clerk.get_by_role("link", name="申报审核").click()
    shot(clerk, screenshots, "07-org-queue", "申报审核", NAME)
    _decide(clerk, application)
    shot(clerk, screenshots, "08-org-reviewed", "审核结论已保存", "初审通过，待抽取复审")

    # 5. The city officer (second factor first) draws the 复审 sample, then reviews it.
    city = city or officer_page(
        open_page, screenshots, personas.city_nanjing, "09-city-second-factor"
    )
    city.goto(f"/applications/plans/{plan.pk}/")
    city.select_option("select[name=tier]", value="city")
    city.get_by_role("button", name="抽取").click()
    shot(city, screenshots, "10-city-sample", "已抽取 1/1 件", "复审抽样比例")
    city.get_by_role("link", name="查看本计划待审申报").click()
    _decide(city, application)
    shot(city, screenshots, "11-city-reviewed", "审核结论已保存", "待终审")

    # 6. The province approves (终审).
    province = province or officer_page(
        open_page, screenshots, personas.province, "12-province-second-factor"
    )
    province.get_by_role("link", name="申报审核").click()
    _decide(province, application)
    shot(province, screenshots, "13-province-approved", "审核结论已保存", "审核通过")
    application.refresh_from_db()
    assert application.status == Status.APPROVED


def _anyone_verifies(open_page, certificate, screenshots):
    # 10. Anyone verifies it: by the QR code's URL, then by number + name + ID number.
    visitor = open_page()
    visitor.goto(verify_url(certificate))
    shot(visitor, screenshots, "17-verify-qr", "证书真实有效", NAME, "四级/中级工", "有效")
    visitor.get_by_role("link", name="按证书编号、姓名和证件号码查询").click()
    visitor.fill("#id_number", certificate.number)
    visitor.fill("#id_name", NAME)
    visitor.fill("#id_id_number", ID_NUMBER)
    visitor.locator("main").get_by_role("button", name="查询").click()
    found = shot(visitor, screenshots, "18-verify-query", certificate.number, "有效", NAME)
    assert ID_NUMBER not in found  # the public sees the masked number only
    visitor.fill("#id_id_number", make_id(78))
    visitor.locator("main").get_by_role("button", name="查询").click()
    shot(visitor, screenshots, "19-verify-query-mismatch", "未查到与所填信息一致的证书")
    assert Certificate.objects.filter(number=certificate.number, status="valid").exists()


def test_administrator_issues_a_binding_code_and_the_officer_binds_with_it(
    personas, open_page, screenshots
):
    """L4: an officer's authenticator is bound only with a code an administrator issued from
    the web; the code is shown once, in the page, never in its address."""
    admin = officer_page(open_page, screenshots, personas.superuser, "40-admin-binds")
    admin.locator("header").get_by_role("link", name="绑定码", exact=True).click()
    shot(admin, screenshots, "41-binding-codes", "身份验证器绑定码", personas.city_suzhou.username)
    row = admin.locator("tr", has_text=personas.city_suzhou.username)
    row.get_by_role("button", name="签发绑定码").click()
    body = shot(
        admin, screenshots, "42-binding-code-issued", "已为", "离开或刷新本页后将无法再次查看"
    )
    code = admin.inner_text("main .card .mono").strip()
    assert code and code in body and code not in admin.url

    officer = open_page()
    log_in(officer, personas.city_suzhou.username)
    shot(officer, screenshots, "43-officer-enrols", "绑定身份验证器", "绑定码")
    officer.fill("#id_enrolment_code", code)
    officer.locator("main").get_by_role("button", name="下一步").click()
    secret = officer.inner_text("main code").strip()
    key = base64.b32decode(secret + "=" * (-len(secret) % 8))
    officer.fill("#id_token", f"{totp(key):06d}")
    officer.locator("main").get_by_role("button", name="验证").click()
    officer.wait_for_url(re.compile(r"/dashboard/$"))

    # The code is spent: the officer no longer waits on the administrator's list.
    admin.reload()
    assert personas.city_suzhou.username not in admin.inner_text("main")


def test_a_refusal_is_a_chinese_page_in_the_site_frame(personas, open_page, screenshots):
    """A clerk who opens a province page is told in Chinese, inside the site, not by a bare
    English error page."""
    clerk = open_page()
    log_in(clerk, personas.clerk_a.username)
    clerk.goto("/accounts/totp-codes/")
    shot(clerk, screenshots, "44-refused", "无权操作")
