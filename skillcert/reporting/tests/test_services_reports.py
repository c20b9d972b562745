import datetime as dt
import io

import pytest
from django.core.files.storage import default_storage
from python_calamine import CalamineWorkbook

from skillcert.accounts.actors import SystemActor
from skillcert.common.errors import DomainError
from skillcert.regions.models import Region
from skillcert.reporting.models import StatisticsReport
from skillcert.reporting.selectors import report_regions
from skillcert.reporting.services import (
    figures_refresh,
    previous_period,
    report_period,
    statistics_report_generate,
)

OCTOBER = dt.date(2026, 10, 15)


@pytest.fixture
def october(live):
    result = live.result(live.application(OCTOBER, "approved", level=3), OCTOBER, passed=True)
    live.application(OCTOBER, "rejected")
    live.application(dt.date(2026, 9, 30), "approved")  # outside the month
    figures_refresh(actor=SystemActor("test"))
    return result


def test_monthly_report_renders_pdf_and_excel_with_the_months_figures(october):
    jiangsu = Region.objects.get(code="320000")
    report = statistics_report_generate(
        kind="monthly", period="2026-10", region=jiangsu, actor=SystemActor("test")
    )
    assert (report.date_from, report.date_to) == (dt.date(2026, 10, 1), dt.date(2026, 10, 31))
    assert report.figures["applications"] == 2 and report.figures["sat"] == 1
    with report.pdf.open("rb") as handle:
        assert handle.read(4) == b"%PDF"
    with report.xlsx.open("rb") as handle:
        book = CalamineWorkbook.from_filelike(io.BytesIO(handle.read()))
    cells = [c for row in book.get_sheet_by_index(0).to_python() for c in row]
    assert "江苏省技能人才统计月报（2026年10月）" in cells and "按地市" in cells


def test_generating_again_replaces_the_files(october, django_capture_on_commit_callbacks):
    jiangsu = Region.objects.get(code="320000")
    first = statistics_report_generate(
        kind="yearly", period="2026", region=jiangsu, actor=SystemActor("test")
    )
    old_pdf = first.pdf.name
    with django_capture_on_commit_callbacks(execute=True):
        again = statistics_report_generate(
            kind="yearly", period="2026", region=jiangsu, actor=SystemActor("test")
        )
    assert again.pk == first.pk and StatisticsReport.objects.count() == 1
    assert again.figures["applications"] == 3
    assert not default_storage.exists(old_pdf) and default_storage.exists(again.pdf.name)


@pytest.mark.parametrize(
    ("kind", "period", "code"),
    [
        ("monthly", "2026-13", "reporting.period_invalid"),
        ("monthly", "2026", "reporting.period_invalid"),
        ("yearly", "26", "reporting.period_invalid"),
        ("weekly", "2026", "reporting.kind_invalid"),
    ],
)
def test_bad_periods_are_refused(kind, period, code):
    with pytest.raises(DomainError) as exc:
        report_period(kind=kind, period=period)
    assert exc.value.code == code


def test_a_period_that_has_not_started_is_refused_and_nothing_is_kept(personas):
    with pytest.raises(DomainError) as exc:
        statistics_report_generate(
            kind="monthly",
            period="2026-12",
            region=Region.objects.get(code="320000"),
            actor=SystemActor("test"),
            today=dt.date(2026, 11, 23),
        )
    assert exc.value.code == "reporting.period_future"
    assert not StatisticsReport.objects.exists()


def test_periods_and_regions_for_the_schedule(personas):
    assert report_period(kind="monthly", period="2026-12") == (
        dt.date(2026, 12, 1),
        dt.date(2026, 12, 31),
    )
    assert previous_period(kind="monthly", today=dt.date(2026, 1, 5)) == "2025-12"
    assert previous_period(kind="yearly", today=dt.date(2026, 1, 5)) == "2025"
    assert [r.code for r in report_regions()] == ["320000", "320100", "320500"]
    assert [r.code for r in report_regions(within="3205")] == ["320000", "320500"]
