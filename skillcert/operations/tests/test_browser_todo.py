"""The to-do list in a browser: a clerk signs in, reads on the dashboard what waits for the
organisation (the count and the working-day deadline), clicks an item and lands on the page
where the work is done. The baseline (an unfiled plan with its first exam on 1 July 2026 and
two applications at the organisation's tier) is built with services; the clock stands on
COVERED_NOW (Monday 1 June 2026)."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from django.utils import timezone

from skillcert.applications.models import Status
from skillcert.exams.tests.factories import applications_add
from skillcert.operations.tests.browser import BROWSER, log_in, shot
from skillcert.plans.models import EvaluationPlan, PlanKind, Subject
from skillcert.plans.services import plan_details_set, plan_session_add
from skillcert.plans.tests.factories import make_candidate

pytestmark = BROWSER

EXAM_DAY = dt.date(2026, 7, 1)


def _baseline(personas: Any, plan: EvaluationPlan) -> None:
    plan_details_set(plan=plan, kind=PlanKind.SOCIAL, method="exam", actor=personas.clerk_a)
    starts = dt.datetime.combine(EXAM_DAY, dt.time(9), tzinfo=timezone.get_current_timezone())
    plan_session_add(
        plan=plan,
        subject=Subject.THEORY,
        starts_at=starts,
        ends_at=starts + dt.timedelta(hours=2),
        site="南京市第一考点",
        expected=10,
        actor=personas.clerk_a,
    )
    occupation = plan.offerings.order_by("pk")[0].occupation
    candidates = [make_candidate(seq) for seq in (61, 62)]
    applications_add(plan, candidates, occupation, 4, status=Status.ORG_REVIEW)


def test_clerk_follows_a_todo_item_to_where_the_work_is_done(
    covered_clock, personas, plan, open_page, screenshots
):
    _baseline(personas, plan)
    page = open_page()
    log_in(page, personas.clerk_a.username)
    page.wait_for_url(re.compile(r"/dashboard/$"))
    shot(page, screenshots, "todo-01-dashboard", "待办事项", "评价机构")

    filing = page.locator('tr[data-todo="org.plans_to_file"]')
    assert filing.locator("td").nth(1).inner_text().strip() == "1"
    assert "报备截止：2026-06-09（还剩6个工作日）" in filing.inner_text()
    reviews = page.locator('tr[data-todo="org.applications"]')
    assert reviews.locator("td").nth(1).inner_text().strip() == "2"

    reviews.get_by_role("link", name="待初审的申报").click()
    page.wait_for_url(re.compile(r"/applications/review/\?tier=org$"))
    body = shot(page, screenshots, "todo-02-review-queue", "考生61", "考生62")
    assert "考生61" in body

    page.goto("/dashboard/")
    filing = page.locator('tr[data-todo="org.plans_to_file"]')
    filing.get_by_role("link", name="待报备（或退回修改）的评价计划").click()
    page.wait_for_url(re.compile(r"/plans/$"))
    shot(page, screenshots, "todo-03-plans", plan.code)
