"""Exam-day writes: check-in at the door (ticket QR, photo and ID compared, the entry
checklist, the late rule), absence, misconduct with decision and appeal, the room record
signed by its invigilators, incidents per site and the supervisor's report. The late and
early-leave limits and the checklist are the province's data (LogisticsPolicy)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone

from skillcert.audit.services import audit_record
from skillcert.common.errors import DomainError, Forbidden
from skillcert.common.transitions import check_transition
from skillcert.exams.models import (
    AdmissionTicket,
    AppealStatus,
    Attendance,
    AttendanceStatus,
    Duty,
    Incident,
    Misconduct,
    MisconductDecision,
    MisconductKind,
    Room,
    RoomRecord,
    RoomRecordSignature,
    Seat,
    Site,
    StaffAssignment,
    SupervisorReport,
    TimeSlot,
)
from skillcert.exams.permissions import may_run_district
from skillcert.exams.selectors import policy_for
from skillcert.personnel.models import Person

DECISION_TRANSITIONS: dict[str, frozenset[str]] = {
    MisconductDecision.PENDING: frozenset(
        {MisconductDecision.WARNING, MisconductDecision.SUBJECT_VOID, MisconductDecision.ALL_VOID}
    ),
}
APPEAL_TRANSITIONS: dict[str, frozenset[str]] = {
    AppealStatus.NONE: frozenset({AppealStatus.FILED}),
    AppealStatus.FILED: frozenset({AppealStatus.UPHELD, AppealStatus.OVERTURNED}),
}
# Check-in opens this long before a slot starts.
CHECK_IN_OPENS = dt.timedelta(hours=2)


def _user(actor: Any) -> Any:
    return actor if getattr(actor, "is_authenticated", False) else None


def _person_of(actor: Any) -> Person | None:
    user = _user(actor)
    return Person.objects.filter(user=user).first() if user is not None else None


def may_work_site(actor: Any, slot: TimeSlot, site_id: int) -> bool:
    """Officers over the district, and the staff assigned to this site in this slot."""
    if may_run_district(actor, slot.district):
        return True
    person = _person_of(actor)
    return (
        person is not None
        and StaffAssignment.objects.filter(slot=slot, site_id=site_id, person=person).exists()
    )


def _require_site(actor: Any, slot: TimeSlot, site_id: int) -> None:
    if not may_work_site(actor, slot, site_id):
        raise DomainError("exams.not_site_staff", "只有本考点本场次的考务人员可以记录")


def current_seat(ticket: AdmissionTicket, *, at: dt.datetime) -> Seat:
    """The candidate's seat in the slot that is open for check-in at `at`."""
    seat = (
        Seat.objects.filter(
            application_id=ticket.application_id,
            slot__sitting_id=ticket.sitting_id,
            slot__starts_at__lte=at + CHECK_IN_OPENS,
            slot__ends_at__gte=at,
        )
        .select_related("slot", "slot__district", "slot__sitting", "room", "room__site")
        .order_by("slot__starts_at")
        .first()
    )
    if seat is None:
        raise DomainError(
            "exams.no_slot_now",
            f"准考证 {ticket.ticket_no} 当前没有可签到的考试场次",
            field="ticket",
        )
    return seat


def checkin_record(
    *,
    ticket: AdmissionTicket,
    checks: Mapping[str, bool],
    actor: Any,
    at: dt.datetime | None = None,
) -> Attendance:
    """Record arrival at the door. Every checklist item must pass; after the late-entry limit
    the candidate is refused (recorded as such, counted absent)."""
    now = at or timezone.now()
    seat = current_seat(ticket, at=now)
    slot = seat.slot
    _require_site(actor, slot, seat.room.site_id)
    policy = policy_for(province_code=slot.sitting.province_id)
    failed = [item for item in policy.entry_checklist if not checks.get(item)]
    if failed:
        raise DomainError(
            "exams.check_failed", f"入场检查未通过：{'、'.join(failed)}", field="checks"
        )
    late = now > slot.starts_at + dt.timedelta(minutes=policy.late_entry_minutes)
    status = AttendanceStatus.REFUSED_LATE if late else AttendanceStatus.PRESENT
    try:
        with transaction.atomic():
            row = Attendance.objects.create(
                seat=seat,
                status=status,
                arrived_at=now,
                checks=dict.fromkeys(policy.entry_checklist, True),
                recorded_by=_user(actor),
            )
            audit_record(
                actor=actor,
                action="exams.checkin",
                obj=row,
                changes={"ticket": [None, ticket.ticket_no], "status": [None, status]},
            )
    except IntegrityError:
        raise DomainError(
            "exams.already_checked_in", f"准考证 {ticket.ticket_no} 本场已签到", field="ticket"
        ) from None
    return row


def leave_allowed_from(slot: TimeSlot) -> dt.datetime:
    policy = policy_for(province_code=slot.sitting.province_id)
    return slot.starts_at + dt.timedelta(minutes=policy.no_leave_minutes)


def absences_mark(*, slot: TimeSlot, room: Room, actor: Any, at: dt.datetime | None = None) -> int:
    """After the late-entry limit, everyone in the room without an arrival is absent (缺考)."""
    now = at or timezone.now()
    _require_site(actor, slot, room.site_id)
    policy = policy_for(province_code=slot.sitting.province_id)
    closes = slot.starts_at + dt.timedelta(minutes=policy.late_entry_minutes)
    if now <= closes:
        raise DomainError(
            "exams.too_early",
            f"开考{policy.late_entry_minutes}分钟后（{timezone.localtime(closes):%H:%M}）才能登记缺考",
        )
    with transaction.atomic():
        missing = list(
            Seat.objects.select_for_update(of=("self",))
            .filter(slot=slot, room=room, attendance__isnull=True)
            .order_by("pk")
        )
        Attendance.objects.bulk_create(
            (
                Attendance(seat=s, status=AttendanceStatus.ABSENT, recorded_by=_user(actor))
                for s in missing
            ),
            # A check-in at the door in the same instant wins; its row stays.
            ignore_conflicts=True,
        )
        audit_record(
            actor=actor,
            action="exams.absences_mark",
            obj=room,
            changes={"slot": [None, slot.pk], "absent": [None, len(missing)]},
        )
    return len(missing)


def misconduct_record(
    *,
    seat: Seat,
    kind: str,
    description: str,
    actor: Any,
    occurred_at: dt.datetime | None = None,
    evidence: UploadedFile | None = None,
) -> Misconduct:
    _require_site(actor, seat.slot, seat.room.site_id)
    if kind not in MisconductKind.values:
        raise DomainError("exams.misconduct_kind", "请选择违纪类型", field="kind")
    if not description.strip():
        raise DomainError("exams.description_required", "请写明事实经过", field="description")
    with transaction.atomic():
        row = Misconduct(
            seat=seat,
            kind=kind,
            description=description.strip(),
            occurred_at=occurred_at or timezone.now(),
            recorded_by=_user(actor),
        )
        if evidence is not None:
            row.evidence.save(evidence.name or "evidence", evidence, save=False)
        row.save()
        audit_record(
            actor=actor, action="exams.misconduct_record", obj=row, changes={"kind": [None, kind]}
        )
    return row


def misconduct_decide(
    *, misconduct: Misconduct, decision: str, reason: str, actor: Any
) -> Misconduct:
    if not may_run_district(actor, misconduct.seat.slot.district):
        raise Forbidden("exams.forbidden", "违纪处理由考区所在地人社部门决定")
    if not reason.strip():
        raise DomainError("exams.reason_required", "请写明处理依据", field="reason")
    with transaction.atomic():
        locked = Misconduct.objects.select_for_update().get(pk=misconduct.pk)
        check_transition(
            allowed=DECISION_TRANSITIONS,
            current=locked.decision,
            target=decision,
            labels=dict(MisconductDecision.choices),
        )
        before = locked.decision
        locked.decision, locked.decision_reason = decision, reason.strip()
        locked.save(update_fields=["decision", "decision_reason"])
        audit_record(
            actor=actor,
            action="exams.misconduct_decide",
            obj=locked,
            changes={"decision": [before, decision]},
        )
    return locked


def misconduct_appeal(*, misconduct: Misconduct, text: str, actor: Any) -> Misconduct:
    """The candidate appeals the decision."""
    owner = misconduct.seat.application.candidate.user_id
    if _user(actor) is None or owner != actor.pk:
        raise Forbidden("exams.forbidden", "只有考生本人可以申诉")
    if misconduct.decision == MisconductDecision.PENDING:
        raise DomainError("exams.appeal_too_early", "处理决定作出后才能申诉", field="misconduct")
    if not text.strip():
        raise DomainError("exams.reason_required", "请写明申诉理由", field="text")
    return _appeal_move(misconduct, AppealStatus.FILED, actor, appeal_text=text.strip())


def misconduct_appeal_decide(
    *, misconduct: Misconduct, upheld: bool, reply: str, actor: Any
) -> Misconduct:
    if not may_run_district(actor, misconduct.seat.slot.district):
        raise Forbidden("exams.forbidden", "申诉由考区所在地人社部门复核")
    if not reply.strip():
        raise DomainError("exams.reason_required", "请写明复核意见", field="reply")
    target = AppealStatus.UPHELD if upheld else AppealStatus.OVERTURNED
    return _appeal_move(misconduct, target, actor, appeal_reply=reply.strip())


def _appeal_move(misconduct: Misconduct, target: str, actor: Any, **fields: str) -> Misconduct:
    with transaction.atomic():
        locked = Misconduct.objects.select_for_update().get(pk=misconduct.pk)
        check_transition(
            allowed=APPEAL_TRANSITIONS,
            current=locked.appeal_status,
            target=target,
            labels=dict(AppealStatus.choices),
        )
        before = locked.appeal_status
        locked.appeal_status = target
        for name, value in fields.items():
            setattr(locked, name, value)
        locked.save(update_fields=["appeal_status", *fields])
        audit_record(
            actor=actor,
            action="exams.misconduct_appeal",
            obj=locked,
            changes={"appeal_status": [before, target]},
        )
    return locked


def room_record_sign(*, slot: TimeSlot, room: Room, actor: Any, notes: str = "") -> RoomRecord:
    """The signed-in invigilator (or examiner) of this room signs its record (考场记录)."""
    person = _person_of(actor)
    if (
        person is None
        or not StaffAssignment.objects.filter(
            slot=slot, room=room, person=person, duty__in=[Duty.INVIGILATOR, Duty.EXAMINER]
        ).exists()
    ):
        raise DomainError("exams.not_room_staff", "只有本考场的监考员（考评员）可以签署考场记录")
    with transaction.atomic():
        record, _ = RoomRecord.objects.select_for_update().get_or_create(slot=slot, room=room)
        if notes.strip():
            record.notes = notes.strip()
            record.save(update_fields=["notes"])
        try:
            with transaction.atomic():
                RoomRecordSignature.objects.create(record=record, person=person)
        except IntegrityError:
            raise DomainError("exams.already_signed", f"{person.name}已签署本考场记录") from None
        audit_record(
            actor=actor,
            action="exams.room_record_sign",
            obj=record,
            changes={"person": [None, person.pk]},
        )
    return record


def incident_record(
    *,
    slot: TimeSlot,
    site: Site,
    description: str,
    actor: Any,
    action_taken: str = "",
    occurred_at: dt.datetime | None = None,
) -> Incident:
    _require_site(actor, slot, site.pk)
    if not description.strip():
        raise DomainError("exams.description_required", "请写明情况", field="description")
    with transaction.atomic():
        row = Incident.objects.create(
            slot=slot,
            site=site,
            occurred_at=occurred_at or timezone.now(),
            description=description.strip(),
            action_taken=action_taken.strip(),
            reported_by=_user(actor),
        )
        audit_record(
            actor=actor, action="exams.incident_record", obj=row, changes={"site": [None, site.pk]}
        )
    return row


def supervisor_report_submit(
    *, slot: TimeSlot, site: Site, findings: str, rating: str, actor: Any
) -> SupervisorReport:
    person = _person_of(actor)
    if (
        person is None
        or not StaffAssignment.objects.filter(
            slot=slot, site=site, person=person, duty=Duty.SUPERVISOR
        ).exists()
    ):
        raise DomainError("exams.not_supervisor", "只有本考点本场次的质量督导员可以提交督导报告")
    if rating not in ("good", "minor", "serious"):
        raise DomainError("exams.rating_invalid", "请选择总体评价", field="rating")
    if not findings.strip():
        raise DomainError("exams.description_required", "请写明督导情况", field="findings")
    try:
        with transaction.atomic():
            row = SupervisorReport.objects.create(
                slot=slot, site=site, person=person, findings=findings.strip(), rating=rating
            )
            audit_record(
                actor=actor,
                action="exams.supervisor_report",
                obj=row,
                changes={"rating": [None, rating]},
            )
    except IntegrityError:
        raise DomainError("exams.report_exists", f"{site.name}本场次的督导报告已提交") from None
    return row


def checklist_for(slot: TimeSlot) -> list[str]:
    return list(policy_for(province_code=slot.sitting.province_id).entry_checklist)
