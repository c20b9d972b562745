"""The site's exam-day batch steps in the web: the door scanner's list uploaded (CSV and
xlsx, all or none, a bad row named by its line in the file), its template, and the button
that marks every room's missing candidates absent; anyone not working at the site gets 404."""

from __future__ import annotations

import io
from unittest import mock

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from python_calamine import CalamineWorkbook

from skillcert.audit.models import AuditEvent
from skillcert.common.errors import DomainError
from skillcert.common.tests.sheet_files import xlsx_bytes as _xlsx
from skillcert.exams.forms_bulk import checkin_sheet_read
from skillcert.exams.models import AdmissionTicket, Attendance, Seat
from skillcert.exams.selectors import policy_for
from skillcert.exams.tests.factories import EXAM_DAY, at


@pytest.fixture
def door(door_tickets):
    slot, room, tickets = door_tickets
    return slot, room, [t.ticket_no for t in tickets]


def _checks() -> list[str]:
    return list(policy_for(province_code="320000").entry_checklist)


def _post(client, slot, room, content: bytes, name: str, checks: list[str] | None = None):
    return client.post(
        reverse("exams:checkin_sheet", args=[slot.pk, room.site_id]),
        {
            "sheet-checks": _checks() if checks is None else checks,
            "sheet-file": SimpleUploadedFile(name, content),
        },
    )


def test_site_page_links_the_upload_and_the_template_lists_the_sites_tickets(door, personas):
    slot, room, tickets = door
    client = personas.client_for(personas.examiner)
    page = client.get(reverse("exams:site_day", args=[slot.pk, room.site_id])).content.decode()
    assert reverse("exams:checkin_sheet", args=[slot.pk, room.site_id]) in page
    assert "本考点全部考场标记缺考" in page
    form = client.get(reverse("exams:checkin_sheet", args=[slot.pk, room.site_id]))
    assert form.status_code == 200 and _checks()[0] in form.content.decode()
    template = client.get(reverse("exams:checkin_sheet_template", args=[slot.pk, room.site_id]))
    book = CalamineWorkbook.from_filelike(io.BytesIO(template.content))
    rows = book.get_sheet_by_name(book.sheet_names[0]).to_python()
    assert rows[0][:2] == ["准考证号", "签到时间"]
    assert set(tickets) <= {str(r[0]) for r in rows[1:]}


def test_csv_list_records_each_arrival_and_a_late_one_is_refused_entry(door, personas):
    slot, room, tickets = door
    text = f"准考证号,签到时间\n{tickets[0]},2026-06-13 08:40\n{tickets[1]},09:31\n{tickets[2]},\n"
    response = _post(personas.client_for(personas.examiner), slot, room, text.encode(), "a.csv")
    assert response.status_code == 302
    ticket_of = dict(AdmissionTicket.objects.values_list("application_id", "ticket_no"))
    rows = {ticket_of[a.seat.application_id]: a for a in Attendance.objects.select_related("seat")}
    assert set(rows) == {tickets[0], tickets[1]}  # a row without a time did not arrive
    assert rows[tickets[0]].status == "present"
    assert rows[tickets[0]].arrived_at == at(EXAM_DAY, 8, 40)
    assert rows[tickets[1]].status == "refused_late"
    assert AuditEvent.objects.filter(action="exams.checkin_bulk").count() == 1


def test_xlsx_list_with_date_cells_is_recorded(door, personas):
    slot, room, tickets = door
    sheet = [["准考证号", "签到时间"], [tickets[0], "2026/06/13 08:45"]]
    response = _post(personas.client_for(personas.examiner), slot, room, _xlsx(sheet), "a.xlsx")
    assert response.status_code == 302
    assert Attendance.objects.get().arrived_at == at(EXAM_DAY, 8, 45)


@pytest.mark.parametrize(
    ("second", "expected"),
    [
        ("{t1},八点四十", "第4行“签到时间”：应为"),
        ("2699999999999,08:41", "第4行：准考证号 2699999999999 不属于本次考试"),
        ("{t0},08:42", "第4行：准考证 {t0} 与第2行重复"),
        ("{t1},06:00", "第4行：准考证 {t1} 当前没有可签到的考试场次"),
    ],
)
def test_a_bad_row_is_named_by_its_line_in_the_file_and_nothing_is_recorded(
    door, personas, second, expected
):
    slot, room, tickets = door
    values = {"t0": tickets[0], "t1": tickets[1]}
    # line 3 is blank: the service's second row is the file's fourth line
    text = f"准考证号,签到时间\n{tickets[0]},08:40\n,\n{second.format(**values)}\n"
    response = _post(personas.client_for(personas.examiner), slot, room, text.encode(), "a.csv")
    assert response.status_code == 200
    assert expected.format(**values) in response.content.decode()
    assert not Attendance.objects.exists()


def test_an_unticked_entry_check_refuses_the_list(door, personas):
    slot, room, tickets = door
    text = f"准考证号,签到时间\n{tickets[0]},08:40\n"
    response = _post(
        personas.client_for(personas.examiner), slot, room, text.encode(), "a.csv", checks=[]
    )
    assert response.status_code == 200 and "入场检查未通过" in response.content.decode()
    assert not Attendance.objects.exists()


def test_reader_codes_for_a_bad_file(door):
    with pytest.raises(DomainError) as err:
        checkin_sheet_read("准考证号\n1\n".encode(), filename="a.csv", day=EXAM_DAY)
    assert err.value.code == "upload.header_missing"
    with pytest.raises(DomainError) as err:
        checkin_sheet_read("准考证号,签到时间\n1,\n".encode(), filename="a.csv", day=EXAM_DAY)
    assert err.value.code == "exams.checkin_sheet_empty"
    with pytest.raises(DomainError) as err:
        checkin_sheet_read(b"\x00\x01", filename="a.xls", day=EXAM_DAY)
    assert err.value.code == "upload.unreadable"


def test_site_absences_button_marks_every_room_after_the_late_limit(door, personas):
    slot, room, _tickets = door
    client = personas.client_for(personas.examiner)
    url = reverse("exams:absences_mark_site", args=[slot.pk, room.site_id])
    with mock.patch.object(timezone, "now", return_value=at(EXAM_DAY, 9, 10)):
        page = client.post(url, follow=True).content.decode()
    assert "才能登记缺考" in page and not Attendance.objects.exists()
    with mock.patch.object(timezone, "now", return_value=at(EXAM_DAY, 9, 31)):
        page = client.post(url, follow=True).content.decode()
    seated = Seat.objects.filter(slot=slot, room__site=room.site).count()
    assert f"各考场共登记缺考 {seated} 人" in page
    assert Attendance.objects.filter(status="absent").count() == seated


def test_anyone_not_working_at_the_site_gets_404(door, personas):
    slot, room, tickets = door
    text = f"准考证号,签到时间\n{tickets[0]},08:40\n".encode()
    for user in (personas.clerk_a, personas.clerk_b, personas.city_suzhou, personas.candidate):
        client = personas.client_for(user)
        assert _post(client, slot, room, text, "a.csv").status_code == 404
        url = reverse("exams:checkin_sheet_template", args=[slot.pk, room.site_id])
        assert client.get(url).status_code == 404
        url = reverse("exams:absences_mark_site", args=[slot.pk, room.site_id])
        assert client.post(url).status_code == 404
    assert not Attendance.objects.exists()
