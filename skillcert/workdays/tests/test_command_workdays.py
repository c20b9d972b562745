import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

pytestmark = pytest.mark.django_db


def test_add_prints_the_date_across_national_day(capsys):
    call_command("workdays", "add", "2026-09-25", "15")
    assert capsys.readouterr().out.strip() == "2026-10-22"


def test_between_prints_the_count(capsys):
    call_command("workdays", "between", "2026-09-25", "2026-10-22")
    assert capsys.readouterr().out.strip() == "15"


def test_uncovered_year_is_a_clear_error():
    with pytest.raises(CommandError, match="2040年"):
        call_command("workdays", "add", "2040-01-01", "3")


def test_bad_date_is_a_clear_error():
    with pytest.raises(CommandError, match="YYYY-MM-DD"):
        call_command("workdays", "add", "2026-13-01", "3")


# --- import-notice ---------------------------------------------------------------------------

import datetime as dt  # noqa: E402
import json  # noqa: E402
from pathlib import Path  # noqa: E402

from chinese_calendar import constants  # noqa: E402

from skillcert.audit.models import AuditEvent  # noqa: E402
from skillcert.workdays.models import CalendarDay, CalendarYear  # noqa: E402
from skillcert.workdays.selectors import workdays_add  # noqa: E402

NOTICES = Path(__file__).parent / "notices"


def _day_rows(year):
    return sorted(CalendarDay.objects.filter(date__year=year).values_list("date", "kind"))


def test_import_notice_json_matches_chinesecalendar_for_2026(capsys):
    call_command(
        "workdays", "import-notice", "--year", "2026", "--file", str(NOTICES / "2026.txt"), "--json"
    )
    printed = json.loads(capsys.readouterr().out)
    assert printed == {
        "year": 2026,
        "holidays": [d.isoformat() for d in sorted(constants.holidays) if d.year == 2026],
        "workdays": [d.isoformat() for d in sorted(constants.workdays) if d.year == 2026],
    }


def test_import_notice_replaces_the_year_with_the_same_rows_as_the_package():
    before = _day_rows(2025)
    CalendarDay.objects.filter(date__year=2025).delete()
    CalendarDay.objects.create(date=dt.date(2025, 3, 3), kind="holiday", name="错误的旧记录")
    call_command("workdays", "import-notice", "--year", "2025", "--file", str(NOTICES / "2025.txt"))
    assert _day_rows(2025) == before
    year = CalendarYear.objects.get(year=2025)
    assert (year.source, year.notice) == ("notice", "国务院办公厅关于2025年部分节假日安排的通知")
    assert AuditEvent.objects.filter(action="workdays.notice_import").count() == 1


def test_import_notice_covers_a_new_year(tmp_path):
    """2027 is not in the package: a notice in the usual form (dates made up for the test,
    not the State Council's) makes it countable."""
    notice = tmp_path / "2027.txt"
    assert not CalendarYear.objects.filter(year=2027).exists()
    notice.write_text(
        "国务院办公厅关于2027年部分节假日安排的通知\n"
        "一、元旦：1月1日（周五）至3日（周日）放假，共3天。\n"
        "二、春节：2月6日（农历除夕、周六）至14日（周日）放假调休，共9天。2月20日（周六）上班。\n",
        encoding="utf-8",
    )
    call_command("workdays", "import-notice", "--year", "2027", "--file", str(notice))
    assert workdays_add(dt.date(2026, 12, 31), 1) == dt.date(2027, 1, 4)
    assert workdays_add(dt.date(2027, 2, 5), 1) == dt.date(2027, 2, 15)


def test_import_notice_dry_run_writes_nothing(capsys):
    before = _day_rows(2024)
    CalendarDay.objects.filter(date__year=2024).delete()
    call_command(
        "workdays",
        "import-notice",
        "--year",
        "2024",
        "--file",
        str(NOTICES / "2024.txt"),
        "--dry-run",
    )
    out = capsys.readouterr().out
    assert "未写入" in out and "2024-02-10" in out
    assert _day_rows(2024) == [] != before
    assert not AuditEvent.objects.filter(action="workdays.notice_import").exists()


def test_import_notice_unparsable_line_exits_2_naming_the_line(tmp_path):
    notice = tmp_path / "bad.txt"
    notice.write_text(
        "国务院办公厅关于2026年部分节假日安排的通知\n一、元旦：1月1日（周四）放假。\n"
        "二、春节：春节期间放假调休，共9天。\n",
        encoding="utf-8",
    )
    before = _day_rows(2026)
    with pytest.raises(CommandError) as caught:
        call_command("workdays", "import-notice", "--year", "2026", "--file", str(notice))
    assert caught.value.returncode == 2
    assert "第3行" in str(caught.value)
    assert _day_rows(2026) == before


def test_import_notice_missing_file_exits_2(tmp_path):
    with pytest.raises(CommandError) as caught:
        call_command(
            "workdays", "import-notice", "--year", "2026", "--file", str(tmp_path / "none.txt")
        )
    assert caught.value.returncode == 2
    assert "无法读取" in str(caught.value)


def test_import_notice_reads_gb18030(tmp_path, capsys):
    notice = tmp_path / "gbk.txt"
    notice.write_bytes((NOTICES / "2026.txt").read_text(encoding="utf-8").encode("gb18030"))
    call_command(
        "workdays", "import-notice", "--year", "2026", "--file", str(notice), "--json", "--dry-run"
    )
    assert json.loads(capsys.readouterr().out)["holidays"][0] == "2026-01-01"
