from unittest import mock

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from skillcert.exams.models import (
    Attendance,
    Incident,
    Misconduct,
    RoomRecord,
    Seat,
    SupervisorReport,
)
from skillcert.exams.services import seats_assign
from skillcert.exams.tests.factories import EXAM_DAY, at, staffed_day

PNG = b"\x89PNG\r\n\x1a\n" + b"\0" * 64


@pytest.fixture
def day(sitting_setup, personas, hr):
    """Nanjing's theory slot seated; the examiner persona invigilates room nj1 and the
    supervisor persona supervises the site."""
    return staffed_day(sitting_setup, personas, hr)


def _site_url(slot, room):
    return reverse("exams:site_day", args=[slot.pk, room.site_id])


def test_invigilator_finds_the_site_page_from_their_duties(day, personas):
    slot, room = day
    client = personas.client_for(personas.examiner)
    duties = client.get(reverse("exams:my_duties")).content.decode()
    assert _site_url(slot, room) in duties and "第001考场" in duties
    page = client.get(_site_url(slot, room)).content.decode()
    assert "第001考场" in page and "本人监考" in page and "签署考场记录" in page


def test_site_page_is_404_for_anyone_not_working_there(day, personas, sitting_setup):
    slot, room = day
    for user in (personas.clerk_a, personas.clerk_b, personas.city_suzhou, personas.candidate):
        assert personas.client_for(user).get(_site_url(slot, room)).status_code == 404
    # Suzhou's site in Nanjing's slot does not exist for anybody.
    other = reverse("exams:site_day", args=[slot.pk, sitting_setup.sites["sz"].pk])
    assert personas.client_for(personas.province).get(other).status_code == 404
    assert personas.client_for(personas.city_nanjing).get(_site_url(slot, room)).status_code == 200


def test_absences_are_marked_only_after_the_late_limit(day, personas):
    slot, room = day
    client = personas.client_for(personas.examiner)
    url = reverse("exams:absences_mark", args=[slot.pk, room.pk])
    with mock.patch.object(timezone, "now", return_value=at(EXAM_DAY, 9, 10)):
        page = client.post(url, follow=True).content.decode()
    assert "开考30分钟后（09:30）才能登记缺考" in page
    assert not Attendance.objects.exists()
    with mock.patch.object(timezone, "now", return_value=at(EXAM_DAY, 9, 31)):
        page = client.post(url, follow=True).content.decode()
    seated = Seat.objects.filter(slot=slot, room=room).count()
    assert f"第001考场登记缺考 {seated} 人" in page
    assert Attendance.objects.filter(status="absent").count() == seated


def test_invigilator_signs_the_room_record_and_others_cannot(day, personas):
    slot, room = day
    url = reverse("exams:room_record_sign", args=[slot.pk, room.pk])
    refused = personas.client_for(personas.city_nanjing).post(url, {"record-notes": "正常"})
    assert refused.status_code == 403
    assert not RoomRecord.objects.exists()
    client = personas.client_for(personas.examiner)
    client.post(url, {"record-notes": "9:00开考，11:00收卷，无异常"})
    record = RoomRecord.objects.get()
    assert record.notes.startswith("9:00开考") and record.signatures.get().person.name == "监考甲"
    page = client.get(_site_url(slot, room)).content.decode()
    assert "签名：监考甲" in page


def test_misconduct_is_recorded_with_evidence_and_bad_input_records_nothing(
    day, personas, sitting_setup
):
    slot, room = day
    seat = Seat.objects.filter(slot=slot, room=room).earliest("seat_no")
    client = personas.client_for(personas.examiner)
    url = reverse("exams:misconduct_record", args=[slot.pk, room.site_id])
    device = {"misconduct-seat": seat.pk, "misconduct-kind": "device"}
    page = client.post(url, device | {"misconduct-description": ""}).content.decode()
    assert "事实经过：" in page
    seen = device | {"misconduct-description": "携带手机"}
    exe = SimpleUploadedFile("evidence.exe", b"MZ")
    page = client.post(url, seen | {"misconduct-evidence": exe}).content.decode()
    assert "只接受 JPG、PNG、PDF 或 MP4 文件" in page
    # A web page named like a photo is refused by its content, beside the evidence field.
    web_page = SimpleUploadedFile("photo.png", b"<html><script>alert(1)</script></html>")
    page = client.post(url, seen | {"misconduct-evidence": web_page}).content.decode()
    assert "证据（照片、视频截图，可不传）：文件“photo.png”的实际内容是网页/标记文件" in page
    # A seat in Suzhou is not a choice at a Nanjing site.
    suzhou = sitting_setup.theory["320500"]
    seats_assign(slot=suzhou, seed=1, actor=personas.province)
    other = Seat.objects.filter(slot=suzhou).earliest("seat_no")
    page = client.post(
        url,
        {"misconduct-seat": other.pk, "misconduct-kind": "crib", "misconduct-description": "x"},
    ).content.decode()
    assert "考生（考场·座位）：" in page
    assert not Misconduct.objects.exists()
    photo = SimpleUploadedFile("photo.png", PNG)
    response = client.post(
        url,
        device | {"misconduct-description": "开考后在座位上使用手机", "misconduct-evidence": photo},
    )
    row = Misconduct.objects.get()
    assert response.url == reverse("exams:misconduct", args=[row.pk])
    assert row.seat == seat and row.evidence.name.endswith(".png")
    assert "photo" not in row.evidence.name  # stored under a random name


def test_misconduct_decision_appeal_and_review(day, personas):
    slot, room = day
    seat = Seat.objects.filter(slot=slot, room=room).earliest("seat_no")
    candidate = seat.application.candidate
    candidate.user = personas.candidate
    candidate.save(update_fields=["user"])
    personas.client_for(personas.examiner).post(
        reverse("exams:misconduct_record", args=[slot.pk, room.site_id]),
        {
            "misconduct-seat": seat.pk,
            "misconduct-kind": "crib",
            "misconduct-description": "夹带纸条",
            "misconduct-evidence": SimpleUploadedFile("photo.png", PNG),
        },
    )
    row = Misconduct.objects.get()
    page_url = reverse("exams:misconduct", args=[row.pk])
    evidence_url = reverse("exams:misconduct_evidence", args=[row.pk])
    for outsider in (personas.clerk_b, personas.city_suzhou):
        client = personas.client_for(outsider)
        assert client.get(page_url).status_code == 404
        assert client.get(evidence_url).status_code == 404
    city = personas.client_for(personas.city_nanjing)
    assert city.get(evidence_url).status_code == 200
    decide = reverse("exams:misconduct_decide", args=[row.pk])
    page = city.post(
        decide, {"decision-decision": "subject_void", "decision-reason": ""}
    ).content.decode()
    assert "处理依据：请写明处理依据" in page
    row.refresh_from_db()
    assert row.decision == "pending"
    city.post(decide, {"decision-decision": "subject_void", "decision-reason": "考场规则第5条"})
    row.refresh_from_db()
    assert row.decision == "subject_void"
    owner = personas.client_for(personas.candidate)
    tickets = owner.get(reverse("exams:my_tickets")).content.decode()
    assert page_url in tickets and "该科目成绩无效" in tickets
    appeal = reverse("exams:misconduct_appeal", args=[row.pk])
    page = owner.post(appeal, {"appeal-text": " "}).content.decode()
    assert "申诉理由：请写明申诉理由" in page
    owner.post(appeal, {"appeal-text": "纸条是准考证背面的考试须知"})
    row.refresh_from_db()
    assert row.appeal_status == "filed"
    city.post(
        reverse("exams:misconduct_appeal_decide", args=[row.pk]),
        {"review-upheld": "1", "review-reply": "经查看监控，维持原处理"},
    )
    row.refresh_from_db()
    assert row.appeal_status == "upheld" and row.appeal_reply == "经查看监控，维持原处理"


def test_incidents_are_recorded_per_site(day, personas):
    slot, room = day
    client = personas.client_for(personas.examiner)
    url = reverse("exams:incident_record", args=[slot.pk, room.site_id])
    page = client.post(url, {"incident-description": ""}).content.decode()
    assert "情况：" in page
    assert not Incident.objects.exists()
    client.post(
        url, {"incident-description": "9:40 停电5分钟", "incident-action_taken": "启用应急照明"}
    )
    incident = Incident.objects.get()
    assert incident.site == room.site and incident.action_taken == "启用应急照明"


def test_only_the_sites_supervisor_submits_the_report(day, personas):
    slot, room = day
    url = reverse("exams:supervisor_report", args=[slot.pk, room.site_id])
    refused = personas.client_for(personas.examiner).post(
        url, {"report-rating": "good", "report-findings": "规范"}
    )
    assert refused.status_code == 403
    client = personas.client_for(personas.supervisor)
    page = client.post(url, {"report-findings": "规范"}).content.decode()
    assert "总体评价：" in page
    assert not SupervisorReport.objects.exists()
    client.post(url, {"report-rating": "minor", "report-findings": "第002考场开考迟2分钟"})
    assert SupervisorReport.objects.get().person.name == "督导乙"
