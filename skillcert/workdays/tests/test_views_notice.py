"""The province officer pastes the annual notice, reviews what was read, then confirms."""

from pathlib import Path

import pytest

from skillcert.audit.models import AuditEvent
from skillcert.workdays.models import CalendarDay, CalendarYear

NOTICES = Path(__file__).parent / "notices"
URL = "/workdays/notice/"


@pytest.fixture
def notice_2025():
    return (NOTICES / "2025.txt").read_text(encoding="utf-8")


def test_preview_shows_the_days_and_writes_nothing(personas, notice_2025):
    CalendarDay.objects.filter(date__year=2025).delete()
    client = personas.client_for(personas.province)
    response = client.post(URL, {"year": 2025, "text": notice_2025, "preview": "1"})
    page = response.content.decode()
    assert response.status_code == 200
    assert "识别结果：2025年" in page
    assert "放假（28 天）" in page and "调休上班（5 天）" in page
    assert "2025-10-11" in page and "确认录入2025年放假安排" in page
    assert not CalendarDay.objects.filter(date__year=2025).exists()


def test_confirm_enters_the_year_and_is_audited(personas, notice_2025):
    CalendarDay.objects.filter(date__year=2025).delete()
    CalendarYear.objects.filter(year=2025).delete()
    client = personas.client_for(personas.province)
    response = client.post(URL, {"year": 2025, "text": notice_2025, "confirm": "1"})
    assert response.status_code == 302
    assert response["Location"] == "/workdays/?year=2025"
    assert CalendarYear.objects.get(year=2025).source == "notice"
    assert CalendarDay.objects.filter(date__year=2025, kind="workday").count() == 5
    event = AuditEvent.objects.get(action="workdays.notice_import")
    assert event.actor_id == personas.province.pk
    page = client.get("/workdays/?year=2025").content.decode()
    assert "国务院办公厅通知" in page and "2025年放假安排已录入" in page


def test_unreadable_line_is_shown_beside_the_text_and_nothing_changes(personas):
    before = CalendarDay.objects.count()
    client = personas.client_for(personas.province)
    response = client.post(
        URL,
        {
            "year": 2026,
            "text": "一、元旦：1月1日（周四）放假。\n二、春节：另行通知。",
            "confirm": "1",
        },
    )
    assert response.status_code == 200
    assert "第2行无法识别" in response.content.decode()
    assert CalendarDay.objects.count() == before
    assert not AuditEvent.objects.filter(action="workdays.notice_import").exists()


def test_wrong_year_is_reported_on_the_year_field(personas, notice_2025):
    client = personas.client_for(personas.province)
    response = client.post(URL, {"year": 2027, "text": notice_2025, "preview": "1"})
    assert "这是2025年的通知，与所选年份2027不符" in response.content.decode()


@pytest.mark.parametrize("who", ["city_nanjing", "clerk_a", "candidate"])
def test_only_the_province_officer_may_enter_a_year(personas, notice_2025, who):
    client = personas.client_for(getattr(personas, who))
    assert client.post(URL, {"year": 2025, "text": notice_2025, "confirm": "1"}).status_code == 404
    assert not AuditEvent.objects.filter(action="workdays.notice_import").exists()
