"""The to-do list on the dashboard and at /api/v1/me/todo: per role, scoped, each item
linking to the page where the work is done, deadlines counted in working days. The clock
stands on COVERED_NOW (Monday 1 June 2026) so that nothing depends on today's date."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from conftest import COVERED_NOW
from skillcert.applications.models import Application, RosterImport, Status
from skillcert.exams.tests.factories import session_add
from skillcert.organizations.models import AnnualReport, AnnualReportStatus
from skillcert.personnel.models import Card
from skillcert.plans.models import EvaluationPlan, FilingStatus, PlanKind
from skillcert.plans.services import plan_details_set
from skillcert.plans.tests.factories import file_org, make_candidate, make_person
from skillcert.scoring.models import BatchStatus, Result, ResultBatch, ResultStatus
from skillcert.supervision.models import Complaint, ComplaintStatus, SubjectKind, Visit
from skillcert.workbench.todo import Due, TodoItem, filing_due, todo_for, workday_due
from skillcert.workdays.selectors import workdays_add, workdays_between

TODAY = COVERED_NOW.date()  # Monday 2026-06-01
EXAM_DAY = dt.date(2026, 7, 1)  # a Wednesday, after the Dragon Boat holiday (19-21 June)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("covered_clock")]


def items_of(user: Any, today: dt.date = TODAY) -> dict[str, TodoItem]:
    return {item.key: item for group in todo_for(user=user, today=today) for item in group.items}


def due_of(item: TodoItem) -> Due:
    assert item.due is not None, item.key
    return item.due


def at(day: dt.date, hour: int) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour), tzinfo=timezone.get_current_timezone())


def application(plan: EvaluationPlan, seq: int, status: str, *, user: Any = None) -> Application:
    occupation = plan.offerings.order_by("pk")[0].occupation
    return Application.objects.create(
        plan=plan,
        candidate=make_candidate(seq, user=user),
        occupation=occupation,
        level=4,
        status=status,
        holds_seat=True,
        eligible=True,
    )


def assert_links_open(personas: Any, user: Any, items: dict[str, TodoItem]) -> None:
    client = personas.client_for(user)
    for item in items.values():
        assert client.get(item.url).status_code == 200, (item.key, item.url)


def assert_api_matches(personas: Any, user: Any) -> None:
    body = personas.client_for(user).get("/api/v1/me/todo").json()
    assert body["today"] == TODAY.isoformat()
    expected = todo_for(user=user, today=TODAY)
    assert [g["role"] for g in body["groups"]] == [g.role for g in expected]
    got = {i["key"]: i for g in body["groups"] for i in g["items"]}
    for key, item in items_of(user).items():
        assert got[key]["count"] == item.count
        assert got[key]["url"] == item.url
        if item.due is None:
            assert got[key]["due"] is None
        else:
            assert got[key]["due"]["date"] == due_of(item).day.isoformat()
            assert got[key]["due"]["workdays_left"] == due_of(item).workdays_left
    assert set(got) == set(items_of(user))


# --- working-day deadlines ------------------------------------------------------------------


def test_filing_deadline_is_the_last_day_plan_file_accepts():
    due = filing_due(EXAM_DAY, TODAY)
    # plan_file refuses when the exam is before the 15th working day after the filing day
    assert workdays_add(due.day, 15) <= EXAM_DAY
    assert workdays_add(due.day + dt.timedelta(days=1), 15) > EXAM_DAY
    assert due.day == dt.date(2026, 6, 9)  # 15 working days: 10 June to 1 July, 19 June a holiday
    assert due.workdays_left == workdays_between(TODAY, due.day) == 6
    assert due.text == "报备截止：2026-06-09（还剩6个工作日）"


def test_a_passed_deadline_counts_the_working_days_overdue():
    due = workday_due("办理期限", dt.date(2026, 5, 27), TODAY)
    assert due.workdays_left == -3  # 28, 29 May and 1 June
    assert due.overdue
    assert "已逾期3个工作日" in due.text


def test_a_year_missing_from_the_calendar_is_named_not_guessed():
    due = workday_due("办理期限", dt.date(2031, 3, 3), TODAY)
    assert due.workdays_left is None
    assert "工作日历未录入" in due.text


# --- organisation staff ---------------------------------------------------------------------


@pytest.fixture
def org_work(personas: Any, plan: EvaluationPlan) -> EvaluationPlan:
    """Org A: two applications at its first tier, the open plan unfiled with its first exam
    on EXAM_DAY, a roster import with errors and a batch still being entered."""
    plan_details_set(plan=plan, kind=PlanKind.SOCIAL, method="exam", actor=personas.clerk_a)
    session_add(plan, personas.clerk_a, day=EXAM_DAY, ends=(11,), expected=10)
    application(plan, 11, Status.ORG_REVIEW)
    application(plan, 12, Status.ORG_REVIEW)
    application(plan, 13, Status.CITY_REVIEW)
    RosterImport.objects.create(
        plan=plan, file_name="花名册.xlsx", file="r.xlsx", status="done", error_count=2
    )
    ResultBatch.objects.create(plan=plan, organization=personas.org_a)
    return plan


def test_org_clerk_sees_the_work_of_the_organisation(personas, org_work):
    items = items_of(personas.clerk_a)
    assert items["org.applications"].count == 2
    assert items["org.applications"].url == "/applications/review/?tier=org"
    filing = items["org.plans_to_file"]
    assert (filing.count, due_of(filing).day, due_of(filing).workdays_left) == (
        1,
        dt.date(2026, 6, 9),
        6,
    )
    assert items["org.roster_errors"].count == 1
    roster = RosterImport.objects.get()
    assert items["org.roster_errors"].url == f"/applications/roster/{roster.pk}/"
    assert items["org.batches_to_submit"].count == 1
    assert "city.applications" not in items  # the city's tier is not the clerk's work
    assert_links_open(personas, personas.clerk_a, items)


def test_a_clerk_of_another_organisation_sees_none_of_it(personas, org_work):
    assert items_of(personas.clerk_b) == {}
    page = personas.client_for(personas.clerk_b).get("/dashboard/").content.decode()
    assert "目前没有等待您办理的事项" in page
    assert personas.client_for(personas.clerk_b).get("/api/v1/me/todo").json()["groups"] == []


def test_a_fixed_roster_leaves_the_list(personas, org_work):
    RosterImport.objects.create(
        plan=org_work, file_name="花名册2.xlsx", file="r2.xlsx", status="done", error_count=0
    )
    assert "org.roster_errors" not in items_of(personas.clerk_a)


def test_dashboard_shows_each_item_with_count_deadline_and_link(personas, org_work):
    page = personas.client_for(personas.clerk_a).get("/dashboard/").content.decode()
    assert "待办事项" in page
    assert '<a href="/applications/review/?tier=org">待初审的申报</a>' in page
    assert "报备截止：2026-06-09（还剩6个工作日）" in page


def test_api_returns_the_same_list(personas, org_work):
    assert_api_matches(personas, personas.clerk_a)


def test_api_refuses_an_anonymous_caller(client):
    assert client.get("/api/v1/me/todo").status_code == 401


def test_annual_report_shows_from_a_month_before_it_is_due(personas, hr):
    file_org(personas.org_a, [hr], (4,))
    december = dt.date(2026, 12, 10)
    assert items_of(personas.clerk_a, december)["org.annual_report"].count == 2  # 2025 missing
    AnnualReport.objects.create(
        org=personas.org_a, year=2025, status=AnnualReportStatus.SUBMITTED, submitted_at=COVERED_NOW
    )
    due = items_of(personas.clerk_a, december)["org.annual_report"]
    assert due.count == 1
    assert due_of(due).day == dt.date(2026, 12, 31)
    assert due_of(due).workdays_left == workdays_between(december, dt.date(2026, 12, 31))
    assert due.url == f"/organizations/{personas.org_a.pk}/"
    assert "org.annual_report" not in items_of(personas.clerk_a, dt.date(2026, 11, 20))
    AnnualReport.objects.create(
        org=personas.org_a, year=2026, status=AnnualReportStatus.SUBMITTED, submitted_at=COVERED_NOW
    )
    assert "org.annual_report" not in items_of(personas.clerk_a, december)


# --- officers -------------------------------------------------------------------------------


@pytest.fixture
def officer_work(personas: Any, plan: EvaluationPlan) -> EvaluationPlan:
    """Org A (Nanjing): one application at each officer tier, its plan filed with the first
    exam on EXAM_DAY, complaints received and being handled, a batch with the authority."""
    session_add(plan, personas.clerk_a, day=EXAM_DAY, ends=(11,), expected=10)
    EvaluationPlan.objects.filter(pk=plan.pk).update(filing_status=FilingStatus.FILED)
    application(plan, 21, Status.CITY_REVIEW)
    application(plan, 22, Status.PROVINCE_REVIEW)
    complaint = {
        "complainant_kind": "public",
        "subject_kind": SubjectKind.ORGANIZATION,
        "subject_name": personas.org_a.name,
        "region_id": "320102",
        "content": "考场纪律松散",
        "org": personas.org_a,
        "received_on": dt.date(2026, 5, 25),
    }
    Complaint.objects.create(number="TS-1", tracking_digest="x", **complaint)
    Complaint.objects.create(
        number="TS-2",
        tracking_digest="y",
        status=ComplaintStatus.HANDLING,
        assignee=personas.city_nanjing,
        due_on=dt.date(2026, 6, 12),
        **complaint,
    )
    ResultBatch.objects.create(
        plan=plan, organization=personas.org_a, status=BatchStatus.REGISTRATION
    )
    return plan


def test_city_officer_sees_its_sample_plans_and_complaints(personas, officer_work):
    items = items_of(personas.city_nanjing)
    assert items["city.applications"].count == 1
    assert items["city.applications"].url == "/applications/review/?tier=city"
    assert items["officer.plans_to_review"].count == 1
    assert due_of(items["officer.plans_to_review"]).day == EXAM_DAY
    assert items["officer.complaints_to_triage"].count == 1
    handling = items["officer.complaints_handling"]
    assert handling.count == 1
    assert (due_of(handling).day, due_of(handling).workdays_left) == (dt.date(2026, 6, 12), 9)
    assert "province.batches_to_register" not in items
    assert_links_open(personas, personas.city_nanjing, items)
    assert_api_matches(personas, personas.city_nanjing)


def test_another_city_sees_nothing_of_nanjing(personas, officer_work):
    assert items_of(personas.city_suzhou) == {}


def test_province_officer_sees_the_final_tier_and_registrations(personas, officer_work):
    items = items_of(personas.province)
    assert items["province.applications"].count == 1
    assert items["province.applications"].url == "/applications/review/?tier=province"
    assert items["officer.plans_to_review"].count == 1
    assert items["province.batches_to_register"].count == 1
    assert items["officer.complaints_handling"].count == 1
    assert "city.applications" not in items
    assert_links_open(personas, personas.province, items)


# --- examiners, supervisors, candidates -----------------------------------------------------


def test_examiner_sees_the_card_to_collect_with_its_deadline(personas, hr):
    person = make_person(31, roles=[("examiner", hr, 1, 5)], user=personas.examiner)
    Card.objects.create(
        person=person,
        role="examiner",
        occupation=hr,
        level_high=1,
        level_low=5,
        province_id="320000",
        number="KP-2026-0001",
        issued_on=dt.date(2026, 5, 20),
        valid_until=dt.date(2029, 5, 19),
        collection_opens_on=dt.date(2026, 5, 25),
        collection_deadline=dt.date(2026, 6, 5),
    )
    items = items_of(personas.examiner)
    card = items["examiner.cards"]
    assert (card.count, due_of(card).day, due_of(card).workdays_left) == (1, dt.date(2026, 6, 5), 4)
    assert card.url == "/personnel/me/"
    assert items_of(personas.supervisor) == {}
    assert_links_open(personas, personas.examiner, items)


def test_supervisor_sees_the_visit_sent_on(personas, plan, hr):
    person = make_person(41, roles=[("supervisor_external", hr, 1, 5)], user=personas.supervisor)
    Visit.objects.create(plan=plan, org=personas.org_a, supervisor=person, kind="onsite")
    items = items_of(personas.supervisor)
    assert items["supervisor.visits"].count == 1
    assert items_of(personas.examiner) == {}
    assert_links_open(personas, personas.supervisor, items)


def test_candidate_sees_the_returned_application_and_the_recheck_window(personas, plan):
    returned = application(plan, 51, Status.RETURNED, user=personas.candidate)
    application(plan, 52, Status.RETURNED)  # someone else's
    batch = ResultBatch.objects.create(
        plan=plan, organization=personas.org_a, status=BatchStatus.PUBLISHED
    )
    Result.objects.create(
        batch=batch,
        application=returned,
        organization=personas.org_a,
        occupation=returned.occupation,
        level=4,
        candidate_ref="2026000001",
        status=ResultStatus.PUBLISHED,
        published_at=COVERED_NOW,
        recheck_closes_on=dt.date(2026, 6, 22),
    )
    items = items_of(personas.candidate)
    assert items["candidate.returned"].count == 1
    recheck = items["candidate.rechecks"]
    assert (recheck.count, due_of(recheck).day, due_of(recheck).workdays_left) == (
        1,
        dt.date(2026, 6, 22),
        14,  # 2-5, 8-12, 15-18 and 22 June; 19 June is the Dragon Boat Festival
    )
    assert "candidate.rechecks" not in items_of(personas.candidate, dt.date(2026, 6, 23))
    assert items_of(personas.clerk_b) == {}
    assert_links_open(personas, personas.candidate, items)
    assert_api_matches(personas, personas.candidate)
