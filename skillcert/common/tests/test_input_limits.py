"""L1: an over-long value is refused before it reaches the database, naming the field, on
every write path (SQLite would store it silently, PostgreSQL would answer 500)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import RequestFactory

from skillcert.common.errors import DomainError
from skillcert.common.input_limits import TOO_LONG, field_lengths_check
from skillcert.common.middleware import RejectNulBytesMiddleware
from skillcert.plans.models import EvaluationPlan
from skillcert.plans.services import plan_create
from skillcert.plans.tests.factories import file_org

pytestmark = pytest.mark.django_db


def _create(personas, hr, title: str) -> EvaluationPlan:
    file_org(personas.org_a, [hr], (3,))
    return plan_create(
        code="LEN-1",
        title=title,
        organization=personas.org_a,
        window_opens=dt.date(2026, 6, 1),
        window_closes=dt.date(2026, 6, 30),
        capacity=10,
        offerings=[(hr, 3)],
        actor=personas.clerk_a,
    )


def test_an_over_long_title_is_refused_naming_the_field_and_nothing_is_saved(personas, hr):
    with pytest.raises(DomainError) as exc:
        _create(personas, hr, "计" * 201)
    assert exc.value.code == TOO_LONG
    assert exc.value.field == "title"
    assert "计划名称最多 200 个字符" in exc.value.message
    assert not EvaluationPlan.objects.filter(code="LEN-1").exists()


def test_a_title_of_exactly_the_limit_is_accepted(personas, hr):
    plan = _create(personas, hr, "计" * 200)
    assert len(plan.title) == 200


def test_the_check_names_the_first_over_long_field_of_any_model(personas):
    org = personas.org_a
    org.name = "机" * 1000
    with pytest.raises(DomainError) as exc:
        field_lengths_check(org)
    assert (exc.value.code, exc.value.field) == (TOO_LONG, "name")


def test_a_page_that_lets_it_through_answers_400_with_the_message():
    request = RequestFactory().post("/anything/", {"name": "x"})
    middleware = RejectNulBytesMiddleware(lambda r: None)  # type: ignore[arg-type,return-value]
    error = DomainError(
        TOO_LONG, "名称最多 10 个字符，现在有 11 个，请缩短后重新提交", field="name"
    )
    response = middleware.process_exception(request, error)
    assert response is not None and response.status_code == 400
    assert "名称最多 10 个字符" in response.content.decode()
