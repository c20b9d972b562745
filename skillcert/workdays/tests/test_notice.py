"""The State Council notice reader, checked day by day against chinesecalendar's tables for
the years the package covers."""

import datetime as dt
from pathlib import Path

import pytest
from chinese_calendar import constants

from skillcert.common.errors import DomainError
from skillcert.workdays.notice import notice_parse

NOTICES = Path(__file__).parent / "notices"


@pytest.mark.parametrize("year", [2024, 2025, 2026])
def test_notice_matches_chinesecalendar_day_by_day(year):
    notice = notice_parse((NOTICES / f"{year}.txt").read_text(encoding="utf-8"), year=year)
    assert sorted(notice.holidays) == sorted(d for d in constants.holidays if d.year == year)
    assert sorted(notice.workdays) == sorted(d for d in constants.workdays if d.year == year)


def test_combined_festivals_and_cross_month_ranges_keep_their_names():
    notice = notice_parse((NOTICES / "2025.txt").read_text(encoding="utf-8"), year=2025)
    assert notice.holidays[dt.date(2025, 10, 6)] == "国庆节、中秋节"
    assert notice.holidays[dt.date(2025, 2, 4)] == "春节"  # 1月28日至2月4日
    assert notice.workdays == {
        dt.date(2025, 1, 26): "春节",
        dt.date(2025, 2, 8): "春节",
        dt.date(2025, 4, 27): "劳动节",
        dt.date(2025, 9, 28): "国庆节、中秋节",
        dt.date(2025, 10, 11): "国庆节、中秋节",
    }


def test_single_day_without_makeup():
    notice = notice_parse("一、元旦：1月1日（周三）放假1天，不调休。", year=2025)
    assert notice.holidays == {dt.date(2025, 1, 1): "元旦"}
    assert notice.workdays == {}


def test_range_ending_in_the_next_month_without_repeating_the_year():
    notice = notice_parse(
        "二、春节：2月15日（农历腊月二十八、周日）至23日（农历正月初七、周一）放假调休，共9天。"
        "2月14日（周六）、2月28日（周六）上班。",
        year=2026,
    )
    assert min(notice.holidays) == dt.date(2026, 2, 15)
    assert max(notice.holidays) == dt.date(2026, 2, 23)
    assert sorted(notice.workdays) == [dt.date(2026, 2, 14), dt.date(2026, 2, 28)]


def test_preamble_closing_and_signature_lines_are_skipped():
    text = (NOTICES / "2026.txt").read_text(encoding="utf-8")
    assert "国务院办公厅\n2025年11月4日" in text
    assert len(notice_parse(text, year=2026).holidays) == 33


@pytest.mark.parametrize(
    ("line", "says"),
    [
        ("一、元旦：1月1日（周五）至3日（周六）放假调休，共3天。", "周四"),
        ("一、元旦：1月1日（周四）至3日（周六）放假调休，共4天。", "共3天"),
        ("一、元旦：1月1日（周四）至3日（周六）放假调休，共3天。1月5日（周一）上班。", "不是周末"),
        ("一、元旦：元月初一放假。", "放假日期"),
        ("一、元旦：2月30日放假。", "不是有效日期"),
        ("一、元旦：另行通知。", "没有放假日期"),
    ],
)
def test_an_unreadable_item_names_its_line(line, says):
    with pytest.raises(DomainError) as caught:
        notice_parse(f"国务院办公厅关于2026年部分节假日安排的通知\n\n{line}", year=2026)
    assert caught.value.code == "workdays.notice_unparsable"
    assert "第3行" in caught.value.message
    assert says in caught.value.message


def test_a_notice_for_another_year_is_refused():
    text = (NOTICES / "2025.txt").read_text(encoding="utf-8")
    with pytest.raises(DomainError) as caught:
        notice_parse(text, year=2027)
    assert caught.value.code == "workdays.notice_year_mismatch"
    assert "2025年" in caught.value.message


def test_text_without_items_is_refused():
    with pytest.raises(DomainError) as caught:
        notice_parse("国务院办公厅\n2025年11月4日\n", year=2026)
    assert caught.value.code == "workdays.notice_empty"


def test_a_day_both_rest_and_work_is_refused():
    with pytest.raises(DomainError) as caught:
        notice_parse(
            "一、元旦：1月3日（周六）放假。\n二、春节：2月16日放假。1月3日（周六）上班。",
            year=2026,
        )
    assert caught.value.code == "workdays.notice_conflict"
