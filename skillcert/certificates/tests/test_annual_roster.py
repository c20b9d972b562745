"""The annual report's roster (seed 001 §五 「认定人数及人员名单」) comes from the certificate
registry: first issues the organisation dated in the year, not revoked; frozen on submission."""

import datetime as dt

import pytest
from django.urls import reverse

from skillcert.accounts.actors import SystemActor
from skillcert.certificates.annual_roster import SOURCE_NAME, annual_roster_of
from skillcert.certificates.models import Certificate
from skillcert.certificates.services import Holder, certificate_issue_for
from skillcert.common.errors import DomainError
from skillcert.common.exports import XLSX
from skillcert.organizations.annual_reports import (
    ANNUAL_ROSTER_SOURCES,
    ReportLineInput,
    annual_report_roster,
    annual_report_save,
    annual_report_start,
    annual_report_submit,
)
from skillcert.organizations.models import AnnualReport
from skillcert.plans.tests.factories import file_org, make_candidate, make_id

YEAR = 2025
SYSTEM_TEST = SystemActor("test")


@pytest.fixture
def registry_source(monkeypatch):
    monkeypatch.setitem(ANNUAL_ROSTER_SOURCES, SOURCE_NAME, annual_roster_of)


def _issue(personas, hr, seq, day, level=3):
    return certificate_issue_for(
        organization=personas.org_a,
        holder=Holder(make_candidate(seq), hr, "", level),
        actor=SYSTEM_TEST,
        issue_date=day,
    )


@pytest.fixture
def issued(personas, hr, registry_source):
    """org_a certified candidates 1 and 2 (三级) in 2025, candidate 3 in 2024, and candidate 4
    in 2025 whose certificate was revoked; org_b certified candidate 5 in 2025."""
    file_org(personas.org_a, [hr], (3, 4))
    file_org(personas.org_b, [hr], (3,))
    first = _issue(personas, hr, 1, dt.date(YEAR, 3, 2))
    second = _issue(personas, hr, 2, dt.date(YEAR, 11, 30))
    _issue(personas, hr, 3, dt.date(YEAR - 1, 12, 31))
    revoked = _issue(personas, hr, 4, dt.date(YEAR, 6, 1))
    Certificate.objects.filter(pk=revoked.pk).update(status="revoked")
    certificate_issue_for(
        organization=personas.org_b,
        holder=Holder(make_candidate(5), hr, "", 3),
        actor=SYSTEM_TEST,
        issue_date=dt.date(YEAR, 5, 5),
    )
    return first, second


def _save(report, personas, assessed):
    return annual_report_save(
        report=report,
        lines=[ReportLineInput(ln.occupation_id, ln.level, assessed) for ln in report.lines.all()],
        examiner_changes="无变化",
        item_bank_changes="更新三级题库",
        actor=personas.clerk_a,
    )


def test_certificates_app_registers_the_roster_source():
    assert ANNUAL_ROSTER_SOURCES.get(SOURCE_NAME) is annual_roster_of


def test_report_counts_and_roster_come_from_the_registry(personas, issued):
    report = annual_report_start(org=personas.org_a, year=YEAR, actor=personas.clerk_a)
    assert sorted(report.lines.values_list("level", "certified")) == [(3, 2), (4, 0)]
    roster = annual_report_roster(report=report)
    assert [e.certificate_number for e in roster] == sorted(c.number for c in issued)
    assert {e.holder_name for e in roster} == {"考生1", "考生2"}
    assert all(make_id(1) not in e.id_number_masked for e in roster)


def test_submitted_report_keeps_the_roster_it_was_submitted_with(personas, hr, issued):
    report = annual_report_start(org=personas.org_a, year=YEAR, actor=personas.clerk_a)
    report = annual_report_submit(report=_save(report, personas, 5), actor=personas.clerk_a)
    _issue(personas, hr, 6, dt.date(YEAR, 12, 1))
    report = AnnualReport.objects.get(pk=report.pk)
    assert len(annual_report_roster(report=report)) == 2
    assert report.lines.get(level=3).certified == 2


def test_assessed_fewer_than_certified_is_refused_and_nothing_changes(personas, issued):
    report = annual_report_start(org=personas.org_a, year=YEAR, actor=personas.clerk_a)
    with pytest.raises(DomainError) as err:
        _save(report, personas, 1)
    assert (err.value.code, err.value.field) == (
        "annual_report.certified_exceeds_assessed",
        "lines",
    )
    assert sorted(report.lines.values_list("level", "assessed")) == [(3, 2), (4, 0)]


def test_submission_rechecks_certificates_issued_since_the_last_save(personas, hr, issued):
    report = _save(
        annual_report_start(org=personas.org_a, year=YEAR, actor=personas.clerk_a), personas, 2
    )
    _issue(personas, hr, 7, dt.date(YEAR, 12, 2))
    with pytest.raises(DomainError) as err:
        annual_report_submit(report=report, actor=personas.clerk_a)
    assert err.value.code == "annual_report.certified_exceeds_assessed"
    report.refresh_from_db()
    assert (report.status, report.roster) == ("draft", [])


def test_page_shows_the_roster_and_ignores_a_typed_certified_count(personas, issued):
    report = annual_report_start(org=personas.org_a, year=YEAR, actor=personas.clerk_a)
    client = personas.client("clerk_a")
    url = reverse("organizations:annual_report", args=[report.pk])
    page = client.get(url).content.decode()
    assert "认定人员名单（2 人）" in page
    assert issued[0].number in page
    assert make_id(1) not in page
    line = report.lines.get(level=3)
    other = report.lines.get(level=4)
    client.post(
        url,
        {
            f"assessed-{line.pk}": "9",
            f"certified-{line.pk}": "8",
            f"assessed-{other.pk}": "0",
            "examiner_changes": "无",
            "item_bank_changes": "无",
        },
    )
    saved = report.lines.get(level=3)  # saving rewrites the lines
    assert (saved.assessed, saved.certified) == (9, 2)


def test_page_exports_the_roster(personas, issued):
    report = annual_report_start(org=personas.org_a, year=YEAR, actor=personas.clerk_a)
    url = reverse("organizations:annual_report", args=[report.pk]) + "?export=xlsx"
    response = personas.client("clerk_a").get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == XLSX
    assert personas.client("clerk_b").get(url).status_code == 404
