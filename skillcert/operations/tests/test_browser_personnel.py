"""Browser journey of the personnel registry: an organisation's clerk registers a new person
from the 考评人员 menu, enters a certificate and a work record, checks the examiner
qualification (and sees the verdict clause by clause), opens the person's platform account;
the person signs in and registers for the month's examiner training (no 404). The training
plan is published by the service beforehand; the clock stands on a day its registration is
open."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from conftest import PASSWORD
from skillcert.occupations.models import Occupation
from skillcert.operations.tests.browser import BROWSER, log_in, shot
from skillcert.personnel.models import Person, Registration
from skillcert.personnel.services import training_plan_publish
from skillcert.personnel.tests.conftest import make_id
from skillcert.regions.models import Region

pytestmark = BROWSER

SHANGHAI = dt.timezone(dt.timedelta(hours=8))
OPEN_DAY = dt.datetime(2026, 3, 4, 10, tzinfo=SHANGHAI)  # registration 2026-03-02 … 03-09
NAME = "钱新人"
ID_NUMBER = make_id(51)
OCCUPATION = "劳动关系协调师（4-07-03-03）"


def test_clerk_registers_a_person_who_then_registers_for_training(
    personas: Any, open_page: Any, screenshots: Any, time_machine: Any
) -> None:
    time_machine.move_to(OPEN_DAY, tick=True)
    Occupation.objects.create(code="4-07-03-03", name="劳动关系协调师")
    plan = training_plan_publish(
        province=Region.objects.get(code="320000"),
        year=2026,
        month=3,
        role="examiner",
        required_minutes=600,
        actor=personas.province,
    )

    # 1. The clerk registers the person from the menu.
    clerk = open_page()
    log_in(clerk, "clerk_a")
    clerk.locator("header").get_by_role("link", name="考评人员", exact=True).click()
    shot(clerk, screenshots, "personnel-01-list", "考评人员", "登记人员")
    clerk.get_by_role("link", name="登记人员").click()
    clerk.fill("#id_name", NAME)
    clerk.fill("#id_id_number", ID_NUMBER)
    clerk.select_option("#id_education", label="本科")
    clerk.fill("#id_phone", "13812345678")
    clerk.select_option("#id_employer", label=personas.org_a.name)
    shot(clerk, screenshots, "personnel-02-register", "登记考评人员", "身份证号码")
    clerk.locator("main").get_by_role("button", name="登记", exact=True).click()
    clerk.wait_for_url(re.compile(r"/personnel/\d+/$"))
    shot(clerk, screenshots, "personnel-03-registered", "已登记考评人员", "证书、职称与工作经历")
    person = Person.objects.get(name=NAME)
    assert person.employer_id == personas.org_a.pk

    # 2. A certificate and a work record.
    clerk.select_option("#id_certificate-occupation", label=OCCUPATION)
    clerk.select_option("#id_certificate-level", label="三级")
    clerk.fill("#id_certificate-number", "S000032010003051")
    clerk.fill("#id_certificate-issued_on", "2020-06-30")
    clerk.get_by_role("button", name="登记证书").click()
    shot(clerk, screenshots, "personnel-04-certificate", "证书已登记", "S000032010003051")
    clerk.fill("#id_work-description", "企业劳动关系协调")
    clerk.select_option("#id_work-occupation", label=OCCUPATION)
    clerk.fill("#id_work-start", "2015-03-01")
    clerk.get_by_role("button", name="登记工作经历").click()
    shot(clerk, screenshots, "personnel-05-work", "工作经历已登记", "企业劳动关系协调")

    # 3. The examiner qualification, decided clause by clause.
    clerk.select_option("#id_role-role", label="考评员")
    clerk.select_option("#id_role-occupation", label=OCCUPATION)
    clerk.select_option("#id_role-level_high", label="三级")
    clerk.select_option("#id_role-level_low", label="五级")
    clerk.get_by_role("button", name="核对资格条件").click()
    body = shot(
        clerk,
        screenshots,
        "personnel-06-qualification",
        "考评员资格核对：符合资格条件",
        "符合条款 ldgx-examiner-2023/a",
    )
    assert "须经培训考核并领取证卡" in body

    # 4. The person's platform account.
    clerk.fill("#id_account-username", "qianxinren")
    clerk.fill("#id_account-password", PASSWORD)
    clerk.get_by_role("button", name="开通平台账户").click()
    shot(clerk, screenshots, "personnel-07-account", "平台账户已开通")
    person.refresh_from_db()
    assert person.user is not None and person.user.username == "qianxinren"

    # 5. The person signs in and registers for the month's training.
    examiner = open_page()
    log_in(examiner, "qianxinren")
    examiner.locator("header").get_by_role("link", name="考评员资格", exact=True).click()
    shot(examiner, screenshots, "personnel-08-me", "我的考评员资格", plan.title)
    examiner.get_by_role("link", name=plan.title).click()
    examiner.select_option("select[name=occupation]", label=OCCUPATION)
    examiner.get_by_role("button", name="报名", exact=True).click()
    examiner.wait_for_url(re.compile(r"/personnel/registrations/\d+/$"))
    shot(examiner, screenshots, "personnel-09-registered", "报名成功", plan.title)
    registration = Registration.objects.get(person=person, plan=plan)
    assert registration.qualification["qualified"] is True
