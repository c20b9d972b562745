"""The subsidy basis: registered passing results of the period per organisation, and which of
them meet the conditions (organisation not listed, supervision findings corrected)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from python_calamine import CalamineWorkbook

from skillcert.accounts.scope import scope_for
from skillcert.applications.models import Status
from skillcert.audit.models import AuditEvent
from skillcert.organizations.credit import credit_listing_add
from skillcert.organizations.models import CreditList
from skillcert.reporting.selectors import subsidy_basis
from skillcert.reporting.tests.conftest import local
from skillcert.scoring.models import ResultStatus

pytestmark = pytest.mark.django_db
MAY = (dt.date(2026, 5, 1), dt.date(2026, 5, 31))


def _registered(live: Any, day: dt.date, *, passed: bool = True) -> None:
    result = live.result(live.application(day, Status.APPROVED), day, passed=passed)
    type(result).objects.filter(pk=result.pk).update(
        status=ResultStatus.REGISTERED, registered_at=local(day, 15)
    )


def test_counts_registered_passing_results_of_the_period_only(live, personas):
    _registered(live, dt.date(2026, 5, 10))
    _registered(live, dt.date(2026, 5, 31))
    _registered(live, dt.date(2026, 5, 12), passed=False)
    _registered(live, dt.date(2026, 6, 1))  # next period
    rows = subsidy_basis(scope=scope_for(personas.province), date_from=MAY[0], date_to=MAY[1])
    assert [(r.registered, r.eligible, r.reason) for r in rows] == [(2, 2, "")]
    assert rows[0].level == "四级/中级工"


def test_a_listed_organisation_counts_but_is_not_eligible(live, personas):
    _registered(live, dt.date(2026, 5, 10))
    credit_listing_add(
        org=live.plan.organization,
        list_kind=CreditList.ABNORMAL,
        reason="未按时报送年度报告",
        document_no="苏人社〔2026〕9号",
        starts_on=dt.date(2026, 5, 20),
        actor=personas.province,
    )
    rows = subsidy_basis(scope=scope_for(personas.province), date_from=MAY[0], date_to=MAY[1])
    assert [(r.registered, r.eligible) for r in rows] == [(1, 0)]
    assert "异常" in rows[0].reason


def test_another_city_sees_nothing(live, personas):
    _registered(live, dt.date(2026, 5, 10))
    assert (
        subsidy_basis(scope=scope_for(personas.city_suzhou), date_from=MAY[0], date_to=MAY[1]) == []
    )


def test_page_exports_the_table_and_audits_the_export(live, personas):
    _registered(live, dt.date(2026, 5, 10))
    client = personas.client_for(personas.province)
    page = client.get("/reporting/subsidy/", {"date_from": "2026-05-01", "date_to": "2026-05-31"})
    assert page.status_code == 200
    assert "符合补贴条件 1 人" in page.content.decode()
    export = client.get(
        "/reporting/subsidy/",
        {"date_from": "2026-05-01", "date_to": "2026-05-31", "export": "xlsx"},
    )
    assert export.status_code == 200
    sheet = CalamineWorkbook.from_filelike(_bytes(export)).get_sheet_by_index(0).to_python()
    assert sheet[0][0] == "评价机构" and sheet[1][5] == 1
    assert AuditEvent.objects.filter(action="reporting.subsidy_export").count() == 1


def test_bad_dates_are_refused_with_the_field_named(personas):
    client = personas.client_for(personas.province)
    bad = client.get("/reporting/subsidy/", {"date_from": "2026-13-01"})
    assert bad.status_code == 400
    assert "日期格式应为 YYYY-MM-DD" in bad.content.decode()
    reversed_ = client.get(
        "/reporting/subsidy/", {"date_from": "2026-06-01", "date_to": "2026-05-01"}
    )
    assert reversed_.status_code == 400
    assert "结束日期不能早于开始日期" in reversed_.content.decode()
    assert not AuditEvent.objects.filter(action="reporting.subsidy_export").exists()


def _bytes(response: Any) -> Any:
    import io

    return io.BytesIO(
        b"".join(response.streaming_content) if response.streaming else response.content
    )
