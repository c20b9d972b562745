import datetime as dt
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from skillcert.reporting.models import Figures, RefreshRun, StatisticsReport


def _run(*args):
    out = StringIO()
    call_command("statistics", *args, stdout=out)
    return out.getvalue()


def test_refresh_then_incremental_refresh(live):
    live.application(dt.date(2026, 11, 2), "org_review")
    assert "全量重建" in _run("refresh")
    assert "重算" in _run("refresh", "--since", "2026-11-01")
    assert Figures.objects.get(grain="D").applications == 1
    assert list(RefreshRun.objects.values_list("full", flat=True)) == [False, True]


def test_refresh_refuses_a_bad_date(live):
    with pytest.raises(CommandError, match="YYYY-MM-DD"):
        _run("refresh", "--since", "2026-11-31")
    assert not RefreshRun.objects.exists()


def test_report_for_a_month_and_a_year(live):
    live.application(dt.date(2026, 10, 2), "approved")
    out = _run("report", "--period", "2026-10")
    assert "已生成 3 份报表" in out
    _run("report", "--year", "2026", "--region", "320100")
    assert sorted(StatisticsReport.objects.values_list("kind", "region_id")) == [
        ("monthly", "320000"),
        ("monthly", "320100"),
        ("monthly", "320500"),
        ("yearly", "320100"),
    ]


def test_report_refuses_a_bad_period_or_region(live):
    with pytest.raises(CommandError, match="2026-10"):
        _run("report", "--period", "2026-1")
    with pytest.raises(CommandError, match="省或市"):
        _run("report", "--previous", "month", "--region", "320102")
    assert not StatisticsReport.objects.exists()
