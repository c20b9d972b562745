"""Organisations' activity and examiners' workload tables of the dashboard."""

from __future__ import annotations

import datetime as dt

import pytest

from skillcert.accounts.scope import scope_for
from skillcert.applications.models import Status
from skillcert.reporting.selectors import Filters, examiner_workload, organisations_activity

pytestmark = pytest.mark.django_db


def test_activity_lists_an_organisation_with_its_plans_and_applications(live, personas):
    live.application(dt.date(2026, 5, 10), Status.APPROVED)
    live.application(dt.date(2026, 5, 11), Status.ORG_REVIEW)
    table = organisations_activity(scope_for(personas.province), Filters())
    assert table.rows == [[live.plan.organization.name, 1, 2, 0, 0]]
    # another city's officer does not see it
    assert organisations_activity(scope_for(personas.city_suzhou), Filters()).rows == []


def test_workload_is_empty_without_exam_day_posts(personas):
    table = examiner_workload(scope_for(personas.province), Filters())
    assert table.rows == [] and table.headers[-1] == "岗位次数"
