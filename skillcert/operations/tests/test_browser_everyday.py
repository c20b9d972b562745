"""Browser journeys for what `make run` must let a newcomer do without any other command:
the province officer enters next year's holiday calendar by pasting the State Council's
notice, and an organisation's clerk imports a roster through the plan's page, the import run
by the background worker (a real `manage.py worker` process on PostgreSQL; on SQLite, whose
in-memory test database another process cannot open, by the immediate backend)."""

from __future__ import annotations

import signal
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection

from skillcert.applications.models import Application, ImportStatus, RosterImport
from skillcert.applications.tests.rosters import roster_bytes, valid_row
from skillcert.operations.models import WorkerHeartbeat
from skillcert.operations.tests.browser import (
    BROWSER,
    log_in,
    officer_page,
    shot,
)
from skillcert.operations.tests.test_browser_journeys import open_plan
from skillcert.operations.tests.test_worker_killed import ROOT, _worker_env
from skillcert.plans.tests.factories import make_id
from skillcert.workdays.models import CalendarDay, CalendarYear

pytestmark = BROWSER

# A notice in the State Council's usual form for a year the bundled calendar lacks (its dates
# are made up for the test, not the real arrangement).
NOTICE_2027 = """国务院办公厅关于2027年部分节假日安排的通知

经国务院批准，现将2027年元旦、春节放假调休日期的具体安排通知如下。
一、元旦：1月1日（周五）至3日（周日）放假，共3天。
二、春节：2月6日（农历除夕、周六）至14日（农历正月初八、周日）放假调休，共9天。2月20日（周六）上班。
节假日期间，各地区、各部门要妥善安排好值班和安全、保卫等工作。

国务院办公厅
"""


def test_province_officer_enters_next_years_calendar_by_pasting_the_notice(
    personas, open_page, screenshots
):
    assert not CalendarYear.objects.filter(year=2027).exists()
    officer = officer_page(open_page, screenshots, personas.province, "cal-01-totp")
    officer.locator("header nav").get_by_role("link", name="工作日历").click()
    officer.get_by_role("link", name="粘贴国务院放假通知录入年度安排").click()
    shot(officer, screenshots, "cal-02-notice", "录入年度放假安排")
    officer.fill("#id_year", "2027")
    officer.fill("#id_text", NOTICE_2027.replace("1月1日（周五）", "1月1日（周四）"))
    officer.get_by_role("button", name="检查").click()
    shot(officer, screenshots, "cal-03-wrong-weekday", "第4行无法识别", "1月1日是周五")
    assert not CalendarYear.objects.filter(year=2027).exists()

    officer.fill("#id_text", NOTICE_2027)
    officer.get_by_role("button", name="检查").click()
    shot(officer, screenshots, "cal-04-preview", "识别结果：2027年", "放假（12 天）", "2027-02-20")
    assert not CalendarDay.objects.filter(date__year=2027).exists()
    officer.get_by_role("button", name="确认录入2027年放假安排").click()
    shot(officer, screenshots, "cal-05-entered", "2027年放假安排已录入", "国务院办公厅通知")
    assert CalendarYear.objects.get(year=2027).source == "notice"

    # The new year counts: the first working day after 2026-12-31 is Monday 4 January.
    officer.fill("#id_calc-start", "2026-12-31")
    officer.fill("#id_calc-n", "1")
    officer.get_by_role("button", name="计算").click()
    shot(officer, screenshots, "cal-06-counted", "2027年1月4日")


def _start_worker(tmp_path: Path) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "manage.py", "worker", "--no-startup-delay", "--interval", "0.2"],
        cwd=ROOT,
        env=_worker_env(tmp_path),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )


def test_clerk_imports_a_roster_on_the_plan_page_and_the_worker_runs_it(
    personas, hr, open_page, screenshots, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path / "media"
    plan = open_plan(personas, hr)
    roster = tmp_path / "花名册.xlsx"
    roster.write_bytes(
        roster_bytes([valid_row(make_id(300 + i), 姓名=f"王{'一二三四五'[i]}") for i in range(5)])
    )
    worker = None
    if connection.vendor == "postgresql":
        settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
        worker = _start_worker(tmp_path)
    try:
        clerk = open_page()
        log_in(clerk, personas.clerk_a.username)
        clerk.locator("header nav").get_by_role("link", name="评价计划").click()
        clerk.get_by_role("link", name=plan.code).click()
        clerk.get_by_role("link", name="报名审核、抽样与花名册").click()
        shot(clerk, screenshots, "roster-01-plan", "花名册导入", "下载花名册模板")
        clerk.set_input_files("input[name=file]", str(roster))
        clerk.get_by_role("button", name="上传").click()
        clerk.wait_for_url("**/applications/roster/*/")
        # The progress card polls until the worker has finished.
        clerk.get_by_text("已导入 5 人").wait_for(timeout=60_000)
        shot(clerk, screenshots, "roster-02-done", "已完成", "已导入 5 人")
        assert "后台任务处理程序未运行" not in clerk.inner_text("body")
    finally:
        if worker is not None:
            worker.send_signal(signal.SIGTERM)
            worker.wait(timeout=30)
    job = RosterImport.objects.get()
    assert job.status == ImportStatus.DONE and job.imported == 5
    assert Application.objects.filter(plan=plan).count() == 5
    if worker is not None:
        assert worker.returncode == 0, worker.stderr.read().decode() if worker.stderr else ""
        assert not WorkerHeartbeat.objects.exists()  # a clean stop removes its heartbeat


@pytest.mark.postgres_only  # the immediate backend (SQLite tests) runs jobs in the request
def test_without_a_worker_the_roster_page_says_so(
    personas, hr, open_page, screenshots, settings, tmp_path
):
    """On PostgreSQL the job is queued for a worker that is not there: the page says so
    instead of leaving it at 排队中."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    plan = open_plan(personas, hr)
    roster = tmp_path / "roster.xlsx"
    roster.write_bytes(roster_bytes([valid_row(make_id(400))]))
    clerk = open_page()
    log_in(clerk, personas.clerk_a.username)
    clerk.goto(f"/applications/plans/{plan.pk}/")
    clerk.set_input_files("input[name=file]", str(roster))
    clerk.get_by_role("button", name="上传").click()
    clerk.wait_for_url("**/applications/roster/*/")
    shot(clerk, screenshots, "roster-03-no-worker", "排队中", "后台任务处理程序未运行")
    assert RosterImport.objects.get().status == ImportStatus.QUEUED
