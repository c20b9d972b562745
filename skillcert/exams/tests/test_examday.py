import pytest

from skillcert.common.errors import DomainError
from skillcert.exams.examday import (
    absences_mark,
    checkin_record,
    incident_record,
    misconduct_appeal,
    misconduct_appeal_decide,
    misconduct_decide,
    misconduct_record,
    room_record_sign,
    supervisor_report_submit,
)
from skillcert.exams.models import (
    AdmissionTicket,
    Attendance,
    Incident,
    Misconduct,
    RoomRecordSignature,
    SupervisorReport,
)
from skillcert.exams.selectors import policy_for
from skillcert.exams.tests.factories import EXAM_DAY, at, staffed_day


@pytest.fixture
def seated(sitting_setup, personas, hr):
    slot, room = staffed_day(sitting_setup, personas, hr)
    ticket = AdmissionTicket.objects.filter(
        application__seats__slot=slot, application__seats__room=room
    ).earliest("ticket_no")
    checks = dict.fromkeys(policy_for(province_code="320000").entry_checklist, True)
    return sitting_setup, slot, room, ticket, checks


def test_check_in_on_time_is_present(seated, personas):
    _setup, _slot, room, ticket, checks = seated
    row = checkin_record(
        ticket=ticket, checks=checks, actor=personas.examiner, at=at(EXAM_DAY, 8, 50)
    )
    assert row.status == "present" and row.seat.room == room


def test_check_in_after_the_late_limit_is_refused_and_recorded(seated, personas):
    _setup, _slot, room, ticket, checks = seated
    row = checkin_record(
        ticket=ticket, checks=checks, actor=personas.examiner, at=at(EXAM_DAY, 9, 31)
    )
    assert row.status == "refused_late"
    other = (
        AdmissionTicket.objects.filter(application__seats__room=room)
        .exclude(pk=ticket.pk)
        .earliest("ticket_no")
    )
    assert (
        checkin_record(
            ticket=other, checks=checks, actor=personas.examiner, at=at(EXAM_DAY, 9, 30)
        ).status
        == "present"
    )


def test_failed_entry_check_and_double_check_in_are_refused(seated, personas):
    _setup, _slot, _room, ticket, checks = seated
    with pytest.raises(DomainError) as exc:
        checkin_record(
            ticket=ticket,
            checks=checks | {"人像比对": False},
            actor=personas.examiner,
            at=at(EXAM_DAY, 8, 50),
        )
    assert exc.value.code == "exams.check_failed" and "人像比对" in exc.value.message
    assert not Attendance.objects.exists()
    checkin_record(ticket=ticket, checks=checks, actor=personas.examiner, at=at(EXAM_DAY, 8, 50))
    with pytest.raises(DomainError) as exc:
        checkin_record(
            ticket=ticket, checks=checks, actor=personas.examiner, at=at(EXAM_DAY, 8, 55)
        )
    assert exc.value.code == "exams.already_checked_in"
    assert Attendance.objects.count() == 1


def test_check_in_outside_the_slot_or_by_outsiders_is_refused(seated, personas):
    _setup, _slot, _room, ticket, checks = seated
    with pytest.raises(DomainError) as exc:
        checkin_record(ticket=ticket, checks=checks, actor=personas.examiner, at=at(EXAM_DAY, 6, 0))
    assert exc.value.code == "exams.no_slot_now"
    with pytest.raises(DomainError) as exc:
        checkin_record(ticket=ticket, checks=checks, actor=personas.clerk_b, at=at(EXAM_DAY, 8, 50))
    assert exc.value.code == "exams.not_site_staff"
    assert not Attendance.objects.exists()


def test_absences_are_marked_only_after_the_late_limit(seated, personas):
    _setup, slot, room, ticket, checks = seated
    checkin_record(ticket=ticket, checks=checks, actor=personas.examiner, at=at(EXAM_DAY, 8, 50))
    with pytest.raises(DomainError) as exc:
        absences_mark(slot=slot, room=room, actor=personas.examiner, at=at(EXAM_DAY, 9, 20))
    assert exc.value.code == "exams.too_early"
    assert Attendance.objects.count() == 1
    assert (
        absences_mark(slot=slot, room=room, actor=personas.examiner, at=at(EXAM_DAY, 9, 31)) == 29
    )
    assert Attendance.objects.filter(status="absent").count() == 29


def test_misconduct_decision_and_appeal(seated, personas):
    _setup, slot, _room, ticket, _checks = seated
    seat = ticket.application.seats.get(slot=slot)
    with pytest.raises(DomainError) as exc:
        misconduct_record(seat=seat, kind="phone", description="x", actor=personas.examiner)
    assert exc.value.code == "exams.misconduct_kind"
    with pytest.raises(DomainError) as exc:
        misconduct_record(seat=seat, kind="device", description=" ", actor=personas.examiner)
    assert exc.value.code == "exams.description_required"
    assert not Misconduct.objects.exists()
    row = misconduct_record(
        seat=seat, kind="device", description="开考后发现手机未关机", actor=personas.examiner
    )
    candidate_user = ticket.application.candidate.user
    assert candidate_user is None
    candidate = ticket.application.candidate
    candidate.user = personas.candidate
    candidate.save(update_fields=["user"])
    with pytest.raises(DomainError) as exc:
        misconduct_appeal(misconduct=row, text="手机已关机", actor=personas.candidate)
    assert exc.value.code == "exams.appeal_too_early"
    with pytest.raises(DomainError) as exc:
        misconduct_decide(
            misconduct=row, decision="warning", reason="考场规则第3条", actor=personas.examiner
        )
    assert exc.value.code == "exams.forbidden"
    row = misconduct_decide(
        misconduct=row, decision="subject_void", reason="考场规则第3条", actor=personas.city_nanjing
    )
    with pytest.raises(DomainError) as exc:
        misconduct_decide(
            misconduct=row, decision="warning", reason="改判", actor=personas.city_nanjing
        )
    assert exc.value.code == "status.transition_not_allowed"
    with pytest.raises(DomainError) as exc:
        misconduct_appeal(misconduct=row, text="不是我的", actor=personas.clerk_a)
    assert exc.value.code == "exams.forbidden"
    row = misconduct_appeal(misconduct=row, text="手机已关机，只是亮屏", actor=personas.candidate)
    row = misconduct_appeal_decide(
        misconduct=row, upheld=True, reply="监控显示屏幕亮起", actor=personas.city_nanjing
    )
    assert (row.decision, row.appeal_status) == ("subject_void", "upheld")


def test_room_record_is_signed_by_its_invigilators_only(seated, personas):
    _setup, slot, room, _ticket, _checks = seated
    with pytest.raises(DomainError) as exc:
        room_record_sign(slot=slot, room=room, actor=personas.supervisor)
    assert exc.value.code == "exams.not_room_staff"
    record = room_record_sign(slot=slot, room=room, actor=personas.examiner, notes="考试正常")
    with pytest.raises(DomainError) as exc:
        room_record_sign(slot=slot, room=room, actor=personas.examiner)
    assert exc.value.code == "exams.already_signed"
    assert (
        RoomRecordSignature.objects.filter(record=record).count() == 1
        and record.notes == "考试正常"
    )


def test_incident_and_supervisor_report(seated, personas):
    _setup, slot, room, _ticket, _checks = seated
    site = room.site
    with pytest.raises(DomainError) as exc:
        incident_record(slot=slot, site=site, description=" ", actor=personas.examiner)
    assert exc.value.code == "exams.description_required"
    incident_record(
        slot=slot, site=site, description="停电10分钟", action_taken="顺延", actor=personas.examiner
    )
    assert Incident.objects.count() == 1
    with pytest.raises(DomainError) as exc:
        supervisor_report_submit(
            slot=slot, site=site, findings="规范", rating="good", actor=personas.examiner
        )
    assert exc.value.code == "exams.not_supervisor"
    with pytest.raises(DomainError) as exc:
        supervisor_report_submit(
            slot=slot, site=site, findings="规范", rating="great", actor=personas.supervisor
        )
    assert exc.value.code == "exams.rating_invalid"
    supervisor_report_submit(
        slot=slot, site=site, findings="考务规范", rating="good", actor=personas.supervisor
    )
    with pytest.raises(DomainError) as exc:
        supervisor_report_submit(
            slot=slot, site=site, findings="再报", rating="good", actor=personas.supervisor
        )
    assert exc.value.code == "exams.report_exists"
    assert SupervisorReport.objects.count() == 1


def test_late_rule_is_data(seated, personas):
    _setup, _slot, _room, ticket, checks = seated
    from skillcert.exams.models import LogisticsPolicy

    LogisticsPolicy.objects.filter(province_id="320000").update(late_entry_minutes=15)
    row = checkin_record(
        ticket=ticket, checks=checks, actor=personas.examiner, at=at(EXAM_DAY, 9, 16)
    )
    assert row.status == "refused_late"
