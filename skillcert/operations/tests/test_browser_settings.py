"""The province settings journey in a browser: the province officer (second factor first)
opens 省级设置 from the menu, sees Jiangsu's copied personnel policy flagged 待核实, records a
new version of the re-check window with its document number, and confirms the flagged value."""

from __future__ import annotations

import importlib

from django.apps import apps
from django.utils import timezone

from skillcert.common.policies import policy_in_force
from skillcert.operations.tests.browser import (
    BROWSER,
    officer_page,
    shot,
)
from skillcert.personnel.models import ProvincePolicy
from skillcert.scoring.models import RecheckPolicy

pytestmark = BROWSER


def test_province_records_a_version_and_confirms_a_pending_value(personas, open_page, screenshots):
    # The rows as the data migrations leave them (the suite builds its database without them).
    for module in ("0010_province_policy_first_version",):
        importlib.import_module(f"skillcert.personnel.migrations.{module}").first_version(
            apps, None
        )
    jiangsu = policy_in_force(ProvincePolicy, province="32", on=timezone.localdate())
    assert jiangsu is not None and jiangsu.needs_verification

    page = officer_page(open_page, screenshots, personas.province, "settings-01-second-factor")
    page.locator("header").get_by_role("link", name="省级设置", exact=True).click()
    shot(page, screenshots, "settings-02-home", "省级设置", "待核实", "考评人员管理与每月培训")

    page.get_by_role("link", name="成绩复查期限").click()
    page.get_by_label("复查期限（工作日）").fill("20")
    page.get_by_label("依据文号").fill("苏人社规〔2026〕12号")
    page.get_by_role("button", name="录入新版本").click()
    shot(
        page,
        screenshots,
        "settings-03-recorded",
        "已录入成绩复查期限新版本",
        "苏人社规〔2026〕12号",
    )
    row = RecheckPolicy.objects.get(province_id="320000")
    assert row.workdays == 20 and row.document_no == "苏人社规〔2026〕12号"
    assert row.recorded_by == personas.province

    page.goto("/settings/personnel/")
    page.get_by_role("button", name="已对照本省文件核实").click()
    shot(page, screenshots, "settings-04-confirmed", "已核实考评人员管理与每月培训")
    jiangsu.refresh_from_db()
    assert not jiangsu.needs_verification and jiangsu.confirmed_by == personas.province
