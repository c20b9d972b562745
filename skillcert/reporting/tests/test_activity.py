"""Organisations' activity and examiners' workload tables of the dashboard, read from their
summaries; the live queries they replaced are kept here as the reference."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.db.models import Count, Q
from django.utils import timezone

from skillcert.accounts.actors import SystemActor
from skillcert.accounts.scope import Scope, scope_for
from skillcert.applications.models import Application, Status
from skillcert.exams.models import StaffAssignment
from skillcert.exams.tests.factories import EXAM_DAY, sitting_setup, staffed_day
from skillcert.organizations.credit import credit_listing_add, listing_in_force_q
from skillcert.organizations.models import EvaluationOrg
from skillcert.plans.models import EvaluationPlan
from skillcert.plans.tests.factories import draft_plan, make_person
from skillcert.reporting.models import OrgActivity, PostFigures
from skillcert.reporting.selectors import Filters, examiner_workload, organisations_activity
from skillcert.reporting.selectors.tables import Table, area_q, kind_q, period_q
from skillcert.reporting.services import figures_refresh
from skillcert.scoring.models import Result, ResultBatch, ResultStatus

pytestmark = pytest.mark.django_db
__all__ = ["sitting_setup"]  # the exams fixture, used below

REFRESH = SystemActor("test")


def live_examiner_workload(scope: Scope, filters: Filters) -> list[list[Any]]:
    """The rows the dashboard showed when it counted the posts live."""
    posts = StaffAssignment.objects.filter(
        scope.code_prefix_q("site__district__city__code"),
        area_q(filters, "site__district__city__code"),
        period_q(filters, "slot__starts_at__date"),
    )
    busiest = (
        posts.values("person__name", "person__region__name")
        .annotate(n=Count("id"))
        .order_by("-n", "person__name")[:20]
    )
    by_duty = {r["duty"]: r["n"] for r in posts.values("duty").annotate(n=Count("id"))}
    labels = dict(StaffAssignment._meta.get_field("duty").choices or [])
    rows: list[list[Any]] = [[f"合计 · {labels[d]}", "", n] for d, n in sorted(by_duty.items())]
    return rows + [[r["person__name"], r["person__region__name"], r["n"]] for r in busiest]


def live_organisations_activity(scope: Scope, filters: Filters) -> list[list[Any]]:
    """The rows the dashboard showed when it joined plans with applications live."""
    orgs = (
        EvaluationOrg.objects.filter(
            scope.code_prefix_q("region__code"),
            area_q(filters, "region__code"),
            kind_q(filters, "kind"),
        )
        .annotate(
            plan_count=Count(
                "plans", filter=period_q(filters, "plans__window_opens"), distinct=True
            ),
            application_count=Count(
                "plans__applications",
                filter=period_q(filters, "plans__applications__created_at__date"),
                distinct=True,
            ),
            listing_count=Count(
                "listings",
                filter=listing_in_force_q(timezone.localdate(), "listings__"),
                distinct=True,
            ),
        )
        .filter(Q(plan_count__gt=0) | Q(application_count__gt=0))
        .order_by("-application_count", "name")[:50]
    )
    rows = list(orgs.values_list("pk", "name", "plan_count", "application_count", "listing_count"))
    passed = dict(
        Result.objects.filter(
            organization__in=[r[0] for r in rows], passed=True, status=ResultStatus.REGISTERED
        )
        .values("organization_id")
        .annotate(n=Count("id"))
        .values_list("organization_id", "n")
    )
    return [
        [name, plans, apps, passed.get(pk, 0), listed] for pk, name, plans, apps, listed in rows
    ]


def _summary_rows() -> list[tuple[Any, ...]]:
    activity = OrgActivity.objects.values_list(
        "grain", "day", "organization_id", "plans", "applications", "registered_passed"
    )
    posts = PostFigures.objects.values_list(
        "grain", "day", "city_code", "person_id", "duty", "posts"
    )
    return sorted(map(tuple, activity)) + sorted(map(tuple, posts))


def _assert_tables_equal_live(personas: Any) -> None:
    today = timezone.localdate()
    choices = [
        Filters(),
        Filters(date_from=EXAM_DAY, date_to=EXAM_DAY),
        Filters(date_from=dt.date(2026, 4, 1), date_to=dt.date(2026, 4, 15)),
        Filters(date_from=dt.date(2026, 3, 20), date_to=today),
        Filters(date_from=today),
        Filters(region="3205"),
        Filters(region="320100"),
        Filters(org_kind="S"),
    ]
    for user in (personas.province, personas.city_nanjing, personas.city_suzhou):
        user._skillcert_scope = None
        scope = scope_for(user)
        for filters in choices:
            activity: Table = organisations_activity(scope, filters)
            assert activity.rows == live_organisations_activity(scope, filters), (user, filters)
            workload = examiner_workload(scope, filters)
            assert workload.rows == live_examiner_workload(scope, filters), (user, filters)


def test_after_an_incremental_refresh_the_tables_equal_the_live_counts(sitting_setup, personas, hr):
    slot, room = staffed_day(sitting_setup, personas, hr)
    # Everything above is older than the refresh's look-back: what follows is found only by
    # the incremental run's scan of changed rows.
    earlier = timezone.now() - dt.timedelta(hours=1)
    StaffAssignment.objects.update(created_at=earlier)
    EvaluationPlan.objects.update(created_at=earlier)
    Application.objects.update(updated_at=earlier)
    figures_refresh(actor=REFRESH, full=True)

    # a plan created since (its window opens on a past day), an application of it, posts
    # assigned since on a past exam day, results published and registered since, a listing
    draft = draft_plan(personas, hr, code="JS-2026-099", title="2026年第九十九批")
    suzhou_slot = sitting_setup.theory["320500"]
    suzhou_room = sitting_setup.rooms["sz1"]
    for n, duty in enumerate(["invigilator", "invigilator"]):
        person = make_person(70 + n, roles=[("examiner", hr, 1, 5)], name=f"监考{n}")
        StaffAssignment.objects.create(
            slot=suzhou_slot, site=suzhou_room.site, room=suzhou_room, person=person, duty=duty
        )
    extra = make_person(72, roles=[("examiner", hr, 1, 5)], name="监考甲")
    StaffAssignment.objects.create(
        slot=slot, site=room.site, room=room, person=extra, duty="invigilator"
    )
    for application in sitting_setup.apps_a[:3]:
        result = Result.objects.create(
            batch=_batch(sitting_setup.plan_a),
            application=application,
            organization_id=sitting_setup.plan_a.organization_id,
            occupation=application.occupation,
            level=application.level,
            candidate_ref=str(application.pk),
            passed=application.pk != sitting_setup.apps_a[2].pk,
            status=ResultStatus.PUBLISHED,
            published_at=dt.datetime(2026, 7, 1, 9, tzinfo=timezone.get_current_timezone()),
        )
        Result.objects.filter(pk=result.pk).update(
            status=ResultStatus.REGISTERED, registered_at=timezone.now()
        )
    credit_listing_add(
        org=personas.org_b,
        list_kind="abnormal",
        reason="逾期",
        document_no="苏2",
        starts_on=timezone.localdate(),
        actor=personas.province,
    )

    run = figures_refresh(actor=REFRESH)

    assert not run.full
    assert draft.window_opens == dt.date(2026, 4, 1)
    _assert_tables_equal_live(personas)
    incremental = _summary_rows()
    figures_refresh(actor=REFRESH, full=True)
    assert _summary_rows() == incremental


def _batch(plan: EvaluationPlan) -> ResultBatch:
    batch, _ = ResultBatch.objects.get_or_create(
        plan=plan, defaults={"organization_id": plan.organization_id}
    )
    return batch


def test_activity_lists_an_organisation_with_its_plans_and_applications(live, personas):
    live.application(dt.date(2026, 5, 10), Status.APPROVED)
    live.application(dt.date(2026, 5, 11), Status.ORG_REVIEW)
    figures_refresh(actor=REFRESH)
    table = organisations_activity(scope_for(personas.province), Filters())
    assert table.rows == [[live.plan.organization.name, 1, 2, 0, 0]]
    # another city's officer does not see it
    assert organisations_activity(scope_for(personas.city_suzhou), Filters()).rows == []


def test_activity_is_empty_until_the_summary_is_refreshed(live, personas):
    live.application(dt.date(2026, 5, 10), Status.APPROVED)
    assert organisations_activity(scope_for(personas.province), Filters()).rows == []
    assert live_organisations_activity(scope_for(personas.province), Filters()) != []


def test_workload_is_empty_without_exam_day_posts(personas):
    table = examiner_workload(scope_for(personas.province), Filters())
    assert table.rows == [] and table.headers[-1] == "岗位次数"
