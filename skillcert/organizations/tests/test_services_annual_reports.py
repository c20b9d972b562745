import datetime as dt

import pytest
from django.utils import timezone

from skillcert.accounts.scope import scope_for
from skillcert.common.errors import DomainError
from skillcert.organizations.annual_reports import (
    ANNUAL_ROSTER_SOURCES,
    ReportLineInput,
    RosterEntry,
    annual_report_save,
    annual_report_start,
    annual_report_submit,
    annual_reports_flag_overdue,
    annual_reports_overdue,
)
from skillcert.organizations.models import AnnualReport, CreditEvent
from skillcert.organizations.tests.conftest import file_org

TODAY = timezone.localdate()
THIS_YEAR = TODAY.year


def _filed(personas):
    return file_org(personas, lines=[("6-31-01-03", 4), ("6-31-01-03", 3)])


def _fill(report, personas, assessed=10):
    lines = [
        ReportLineInput(line.occupation_id, line.level, assessed) for line in report.lines.all()
    ]
    return annual_report_save(
        report=report,
        lines=lines,
        examiner_changes="新增考评员2名",
        item_bank_changes="更新三级题库200题",
        problems="无",
        fixes="无",
        actor=personas.clerk_a,
    )


def test_report_is_prefilled_with_the_year_scope(personas, catalogue):
    org = _filed(personas)
    report = annual_report_start(org=org, year=THIS_YEAR, actor=personas.clerk_a)
    assert sorted(report.lines.values_list("level", "assessed")) == [(3, 0), (4, 0)]


def test_unfiled_organisation_has_no_report(personas, catalogue):
    with pytest.raises(DomainError) as err:
        annual_report_start(org=personas.org_a, year=THIS_YEAR, actor=personas.clerk_a)
    assert err.value.code == "annual_report.not_filed"


def test_assessed_cannot_be_fewer_than_the_registry_certified(personas, catalogue, monkeypatch):
    org = _filed(personas)
    report = annual_report_start(org=org, year=THIS_YEAR, actor=personas.clerk_a)
    first = report.lines.order_by("pk")[0]
    entries = [
        RosterEntry(f"S{n}", "张三", "3201**", first.occupation_id, "x", first.level, TODAY)
        for n in range(5)
    ]
    monkeypatch.setitem(ANNUAL_ROSTER_SOURCES, "stub", lambda org_id, year: entries)
    with pytest.raises(DomainError) as err:
        _fill(report, personas, assessed=3)
    assert err.value.code == "annual_report.certified_exceeds_assessed"
    assert sum(report.lines.values_list("assessed", flat=True)) == 0


def test_lines_outside_the_scope_are_refused(personas, catalogue):
    org = _filed(personas)
    report = annual_report_start(org=org, year=THIS_YEAR, actor=personas.clerk_a)
    with pytest.raises(DomainError) as err:
        annual_report_save(
            report=report,
            lines=[ReportLineInput(catalogue.hr.pk, 4, 1)],
            actor=personas.clerk_a,
        )
    assert err.value.code == "annual_report.outside_scope"


def test_submission_needs_item_bank_and_examiner_changes(personas, catalogue):
    org = _filed(personas)
    report = annual_report_start(org=org, year=THIS_YEAR, actor=personas.clerk_a)
    with pytest.raises(DomainError) as err:
        annual_report_submit(report=report, actor=personas.clerk_a)
    assert err.value.code == "annual_report.incomplete"
    assert AnnualReport.objects.get(pk=report.pk).status == "draft"


def test_on_time_submission_is_not_late_and_locks_the_report(personas, catalogue):
    org = _filed(personas)
    report = _fill(annual_report_start(org=org, year=THIS_YEAR, actor=personas.clerk_a), personas)
    report = annual_report_submit(report=report, actor=personas.clerk_a)
    assert (report.status, report.late) == ("submitted", False)
    with pytest.raises(DomainError) as err:
        _fill(report, personas)
    assert err.value.code == "annual_report.submitted"


def test_late_submission_is_flagged_once_in_the_integrity_file(personas, catalogue):
    org = _filed(personas)
    year = THIS_YEAR - 1
    # the organisation was filed last year (its validity started then)
    type(org).objects.filter(pk=org.pk).update(valid_from=dt.date(year, 3, 1))
    report = _fill(annual_report_start(org=org, year=year, actor=personas.clerk_a), personas)
    assert annual_report_submit(report=report, actor=personas.clerk_a).late
    assert CreditEvent.objects.filter(org=org, kind="late_report", report_year=year).count() == 1


def test_officers_see_overdue_organisations_and_flag_them_idempotently(personas, catalogue):
    org = _filed(personas)
    year = THIS_YEAR - 1
    type(org).objects.filter(pk=org.pk).update(valid_from=dt.date(year, 3, 1))
    today = timezone.localdate()
    assert list(
        annual_reports_overdue(scope=scope_for(personas.city_nanjing), year=year, today=today)
    ) == [org]
    assert (
        list(annual_reports_overdue(scope=scope_for(personas.city_suzhou), year=year, today=today))
        == []
    )
    assert annual_reports_flag_overdue(year=year, actor=personas.province) == 1
    assert annual_reports_flag_overdue(year=year, actor=personas.province) == 0
    assert CreditEvent.objects.filter(org=org, kind="late_report").count() == 1


def test_nobody_is_overdue_before_the_due_date(personas, catalogue):
    _filed(personas)
    assert not annual_reports_overdue(
        scope=scope_for(personas.province), year=THIS_YEAR, today=dt.date(THIS_YEAR, 12, 31)
    ).exists()


def test_city_officer_cannot_flag_overdue_reports(personas, catalogue):
    with pytest.raises(DomainError) as err:
        annual_reports_flag_overdue(year=THIS_YEAR - 1, actor=personas.city_nanjing)
    assert err.value.code == "org.forbidden"
