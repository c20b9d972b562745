"""Exam-day writes: check-in at the door (ticket QR, photo and ID compared, the entry
checklist, the late rule), absence, misconduct with decision and appeal, the room record
signed by its invigilators, incidents per site and the supervisor's report. The late and
early-leave limits and the checklist are the province's data (LogisticsPolicy)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING

from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone

from skillcert.accounts.actors import Actor, actor_user
from skillcert.audit.lifecycle import Lifecycle
from skillcert.audit.services import audit_record, audit_record_batch
from skillcert.common.errors import DomainError, Forbidden
from skillcert.common.uploads import DOCUMENT_KINDS, MP4, document_store
from skillcert.exams import staffing
from skillcert.exams.models import (
    AdmissionTicket,
    AppealStatus,
    Attendance,
    AttendanceStatus,
    ExamDayDuty,
    Incident,
    LogisticsPolicy,
    Misconduct,
    MisconductDecision,
    MisconductKind,
    Room,
    RoomKind,
    RoomRecord,
    RoomRecordSignature,
    Seat,
    Site,
    StaffAssignment,
    SupervisorReport,
    TimeSlot,
)
from skillcert.exams.permissions import may_run_district
from skillcert.exams.selectors import policy_of_slot, staff_rule_of
from skillcert.personnel.selectors import person_of
from skillcert.plans.choices import Subject

if TYPE_CHECKING:
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
DECISION_LIFECYCLE: Lifecycle[str] = Lifecycle(
    "exams", DECISION_TRANSITIONS, dict(MisconductDecision.choices), status_field="decision"
)
APPEAL_LIFECYCLE: Lifecycle[str] = Lifecycle(
    "exams", APPEAL_TRANSITIONS, dict(AppealStatus.choices), status_field="appeal_status"
)
# Check-in opens this long before a slot starts.
CHECK_IN_OPENS = dt.timedelta(hours=2)
# Exceptions to the staffing ratios recorded above this app (the province's, in supervision),
# by key: a function of the slot giving the recorded reason, or "" when there is none.
STAFFING_EXCEPTIONS: dict[str, Callable[[TimeSlot], str]] = {}


def staffing_exception_register(name: str, lookup: Callable[[TimeSlot], str]) -> None:
    STAFFING_EXCEPTIONS[name] = lookup


def _staffing_exception(slot: TimeSlot) -> str:
    for lookup in STAFFING_EXCEPTIONS.values():
        reason = lookup(slot)
        if reason:
            return reason
    return ""


def room_staffing_shortfall(*, slot: TimeSlot, room: Room) -> str:
    """Why the room may not start for want of staff ("" when it may): fewer invigilators
    (theory) or examiners (practical, panel) assigned than the province's exam rules require
    for the candidates seated in it (DOMAIN §4), and no exception recorded for the slot."""
    rule = staff_rule_of(policy_of_slot(slot))
    practical = room.kind == RoomKind.PRACTICAL or slot.subject in (
        Subject.PRACTICAL,
        Subject.PANEL,
    )
    duty = staffing.EXAMINER if practical else staffing.INVIGILATOR
    candidates = Seat.objects.filter(slot=slot, room=room).count()
    needed = staffing.required_staff(rule, duty=duty, candidates=candidates)
    assigned = StaffAssignment.objects.filter(slot=slot, room=room, duty=duty).count()
    if assigned >= needed or _staffing_exception(slot):
        return ""
    return (
        f"第{room.code}考场{candidates}名考生，按考务规则需{staffing.DUTY_NAMES[duty]}"
        f"{needed}人，仅安排{assigned}人"
    )


def _person_of(actor: Actor) -> Person | None:
    return person_of(actor_user(actor))


def may_work_site(actor: Actor, slot: TimeSlot, site_id: int) -> bool:
    """Officers over the district, and the staff assigned to this site in this slot."""
    if may_run_district(actor, slot.district):
        return True
    person = _person_of(actor)
    return (
        person is not None
        and StaffAssignment.objects.filter(slot=slot, site_id=site_id, person=person).exists()
    )


def _require_site(actor: Actor, slot: TimeSlot, site_id: int) -> None:
    if not may_work_site(actor, slot, site_id):
        raise Forbidden("exams.not_site_staff", "只有本考点本场次的考务人员可以记录")


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


def _checklist_require(policy: LogisticsPolicy, checks: Mapping[str, bool]) -> None:
    failed = [item for item in policy.entry_checklist if not checks.get(item)]
    if failed:
        raise DomainError(
            "exams.check_failed", f"入场检查未通过：{'、'.join(failed)}", field="checks"
        )


def _room_start_require(slot: TimeSlot, room: Room) -> None:
    shortfall = room_staffing_shortfall(slot=slot, room=room)
    if shortfall:
        raise DomainError(
            "exams.room_understaffed",
            f"{shortfall}，不能开考；请补足考务人员，或由省级人社部门记录例外",
            field="room",
        )


def checkin_record(
    *,
    ticket: AdmissionTicket,
    checks: Mapping[str, bool],
    actor: Actor,
    at: dt.datetime | None = None,
) -> Attendance:
    """Record arrival at the door. Every checklist item must pass; after the late-entry limit
    the candidate is refused (recorded as such, counted absent). The room's first arrival
    starts it, refused while it has fewer staff than the ratios require (unless the province
    recorded an exception for the slot)."""
    now = at or timezone.now()
    seat = current_seat(ticket, at=now)
    slot = seat.slot
    _require_site(actor, slot, seat.room.site_id)
    policy = policy_of_slot(slot)
    _checklist_require(policy, checks)
    # The room starts with its first arrival: only then are its staff counted.
    if not Attendance.objects.filter(seat__slot=slot, seat__room_id=seat.room_id).exists():
        _room_start_require(slot, seat.room)
    late = now > slot.starts_at + dt.timedelta(minutes=policy.late_entry_minutes)
    status = AttendanceStatus.REFUSED_LATE if late else AttendanceStatus.PRESENT
    try:
        with transaction.atomic():
            row = Attendance.objects.create(
                seat=seat,
                status=status,
                arrived_at=now,
                checks=dict.fromkeys(policy.entry_checklist, True),
                recorded_by=actor_user(actor),
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


# A site's door scanners hold at most a few thousand scans; longer lists are split.
CHECKIN_BULK_ROWS = 5000


# A door scanner's line: the ticket number, the arrival time and the seat it is for.
_Arrival = tuple[str, dt.datetime, Seat]


def checkins_record_bulk(
    *,
    slot: TimeSlot,
    site: Site,
    arrivals: Sequence[tuple[str, dt.datetime]],
    checks: Mapping[str, bool],
    actor: Actor,
) -> list[Attendance]:
    """Record many arrivals at one site in one slot at once: the list the site's door
    scanner kept (ticket number, arrival time), uploaded when the doors close. Each row gets what
    `checkin_record` gives it (the checklist passed, refused after the late-entry limit, a
    room starts only when it is staffed, no second check-in), all or nothing: a refused row
    names its line and nothing is written. The rows are inserted together and one audit
    event commits to every row (the rows and the SHA-256 of their canonical JSON). Returns
    the attendance rows in list order."""
    if len(arrivals) > CHECKIN_BULK_ROWS:
        raise DomainError(
            "exams.checkin_list_too_long",
            f"一次最多提交{CHECKIN_BULK_ROWS}条签到记录，请分批提交",
            field="arrivals",
        )
    _require_site(actor, slot, site.pk)
    if not arrivals:
        return []
    policy = policy_of_slot(slot)
    _checklist_require(policy, checks)
    lines = _arrival_lines(arrivals)
    placed = _arrivals_place(slot=slot, site=site, arrivals=arrivals, lines=lines)
    _arrivals_require_new(placed, lines)
    _rooms_start_require(slot, placed)
    rows = _attendances_new(placed, policy=policy, slot=slot, actor=actor)
    _attendances_insert(rows, placed, slot=slot, actor=actor)
    return rows


def _arrival_lines(arrivals: Sequence[tuple[str, dt.datetime]]) -> dict[str, int]:
    """Each ticket's line in the list; a ticket listed twice is refused."""
    lines: dict[str, int] = {}
    for line, (ticket_no, _) in enumerate(arrivals, start=1):
        if ticket_no in lines:
            raise DomainError(
                "exams.already_checked_in",
                f"第{line}行：准考证 {ticket_no} 与第{lines[ticket_no]}行重复",
                field="arrivals",
            )
        lines[ticket_no] = line
    return lines


def _arrivals_place(
    *,
    slot: TimeSlot,
    site: Site,
    arrivals: Sequence[tuple[str, dt.datetime]],
    lines: Mapping[str, int],
) -> list[_Arrival]:
    """Each arrival with its seat in the slot, read in two queries: the ticket must be the
    sitting's, its room at this site and the arrival within the check-in window."""
    tickets = {
        t.ticket_no: t
        for t in AdmissionTicket.objects.filter(sitting_id=slot.sitting_id, ticket_no__in=lines)
    }
    seats = {
        s.application_id: s
        for s in Seat.objects.filter(
            slot=slot, application_id__in=[t.application_id for t in tickets.values()]
        ).select_related("room")
    }
    opens, closes = slot.starts_at - CHECK_IN_OPENS, slot.ends_at
    placed: list[_Arrival] = []
    for line, (ticket_no, arrived_at) in enumerate(arrivals, start=1):
        ticket = tickets.get(ticket_no)
        if ticket is None:
            raise DomainError(
                "exams.ticket_unknown",
                f"第{line}行：准考证号 {ticket_no} 不属于本次考试",
                field="arrivals",
            )
        seat = seats.get(ticket.application_id)
        if seat is not None and seat.room.site_id != site.pk:
            raise DomainError(
                "exams.ticket_other_site",
                f"第{line}行：准考证 {ticket_no} 的考场不在{site.name}",
                field="arrivals",
            )
        if seat is None or not opens <= arrived_at <= closes:
            raise DomainError(
                "exams.no_slot_now",
                f"第{line}行：准考证 {ticket_no} 当前没有可签到的考试场次",
                field="arrivals",
            )
        placed.append((ticket_no, arrived_at, seat))
    return placed


def _arrivals_require_new(placed: Sequence[_Arrival], lines: Mapping[str, int]) -> None:
    done = set(
        Attendance.objects.filter(seat__in=[seat for _, _, seat in placed]).values_list(
            "seat_id", flat=True
        )
    )
    for ticket_no, _, seat in placed:
        if seat.pk in done:
            raise DomainError(
                "exams.already_checked_in",
                f"第{lines[ticket_no]}行：准考证 {ticket_no} 本场已签到",
                field="arrivals",
            )


def _rooms_start_require(slot: TimeSlot, placed: Sequence[_Arrival]) -> None:
    # A room starts with its first arrival: only then are its staff counted.
    rooms = {seat.room_id: seat.room for _, _, seat in placed}
    started = set(
        Attendance.objects.filter(seat__slot=slot, seat__room_id__in=rooms)
        .values_list("seat__room_id", flat=True)
        .distinct()
    )
    for room_id in sorted(rooms.keys() - started):
        _room_start_require(slot, rooms[room_id])


def _attendances_new(
    placed: Sequence[_Arrival], *, policy: LogisticsPolicy, slot: TimeSlot, actor: Actor
) -> list[Attendance]:
    late_after = slot.starts_at + dt.timedelta(minutes=policy.late_entry_minutes)
    user = actor_user(actor)
    entries = dict.fromkeys(policy.entry_checklist, True)
    return [
        Attendance(
            seat=seat,
            status=AttendanceStatus.REFUSED_LATE
            if arrived_at > late_after
            else AttendanceStatus.PRESENT,
            arrived_at=arrived_at,
            checks=entries,
            recorded_by=user,
        )
        for _, arrived_at, seat in placed
    ]


def _attendances_insert(
    rows: list[Attendance], placed: Sequence[_Arrival], *, slot: TimeSlot, actor: Actor
) -> None:
    """Insert the rows together with the one audit event that commits to all of them."""
    try:
        with transaction.atomic():
            Attendance.objects.bulk_create(rows, batch_size=500)
            if any(r.pk is None for r in rows):  # backends that return no ids
                ids = dict(
                    Attendance.objects.filter(seat__in=[r.seat for r in rows]).values_list(
                        "seat_id", "pk"
                    )
                )
                for r in rows:
                    r.pk = ids[r.seat_id]
            audited = [
                {
                    "id": r.pk,
                    "ticket": ticket_no,
                    "seat": r.seat_id,
                    "status": r.status,
                    "arrived_at": r.arrived_at.isoformat() if r.arrived_at else None,
                }
                for r, (ticket_no, _, _) in zip(rows, placed, strict=True)
            ]
            audit_record_batch(
                actor=actor,
                action="exams.checkin_bulk",
                obj=slot,
                rows=audited,
            )
    except IntegrityError:
        # Checked in at another door in the same instant: nothing of the list is kept.
        raise DomainError(
            "exams.already_checked_in",
            "名单中有考生刚在其他入口签到，请刷新后重新提交",
            field="arrivals",
        ) from None


def leave_allowed_from(slot: TimeSlot) -> dt.datetime:
    policy = policy_of_slot(slot)
    return slot.starts_at + dt.timedelta(minutes=policy.no_leave_minutes)


def _require_entry_closed(slot: TimeSlot, now: dt.datetime) -> None:
    """Absences are recorded only after the late-entry limit (a late candidate may still come)."""
    policy = policy_of_slot(slot)
    closes = slot.starts_at + dt.timedelta(minutes=policy.late_entry_minutes)
    if now <= closes:
        raise DomainError(
            "exams.too_early",
            f"开考{policy.late_entry_minutes}分钟后（{timezone.localtime(closes):%H:%M}）才能登记缺考",
        )


def absences_mark(
    *, slot: TimeSlot, room: Room, actor: Actor, at: dt.datetime | None = None
) -> int:
    """After the late-entry limit, everyone in the room without an arrival is absent (缺考)."""
    now = at or timezone.now()
    _require_site(actor, slot, room.site_id)
    _require_entry_closed(slot, now)
    with transaction.atomic():
        missing = list(
            Seat.objects.select_for_update(of=("self",))
            .filter(slot=slot, room=room, attendance__isnull=True)
            .order_by("pk")
        )
        Attendance.objects.bulk_create(
            (
                Attendance(seat=s, status=AttendanceStatus.ABSENT, recorded_by=actor_user(actor))
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


def absences_mark_site(
    *, slot: TimeSlot, site: Site, actor: Actor, at: dt.datetime | None = None
) -> int:
    """`absences_mark` for every room of the site at once (the site office closes the
    doors): the same rule, one insert, and one audit event that commits to every seat
    marked (the rows and the SHA-256 of their canonical JSON)."""
    now = at or timezone.now()
    _require_site(actor, slot, site.pk)
    _require_entry_closed(slot, now)
    user = actor_user(actor)
    with transaction.atomic():
        missing = list(
            Seat.objects.select_for_update(of=("self",))
            .filter(slot=slot, room__site=site, attendance__isnull=True)
            .order_by("pk")
        )
        Attendance.objects.bulk_create(
            (Attendance(seat=s, status=AttendanceStatus.ABSENT, recorded_by=user) for s in missing),
            batch_size=500,
            # A check-in at the door in the same instant wins; its row stays.
            ignore_conflicts=True,
        )
        rows = [
            {"seat": s.pk, "room": s.room_id, "status": AttendanceStatus.ABSENT} for s in missing
        ]
        audit_record_batch(
            actor=actor,
            action="exams.absences_mark_site",
            obj=site,
            rows=rows,
            slot=slot.pk,
        )
    return len(missing)


# Photos, scans and video of misconduct: checked by content like every upload, stored under a
# random name (the file name a phone gives may carry a person's name), at most 20 MB.
MISCONDUCT_EVIDENCE_KINDS = (*DOCUMENT_KINDS, MP4)
MISCONDUCT_EVIDENCE_MAX_BYTES = 20 * 1024 * 1024


def _evidence_store(row: Misconduct, evidence: UploadedFile) -> None:
    try:
        document_store(
            upload=evidence,
            into=row.evidence,
            kinds=MISCONDUCT_EVIDENCE_KINDS,
            max_bytes=MISCONDUCT_EVIDENCE_MAX_BYTES,
        )
    except DomainError as exc:
        raise DomainError(exc.code, exc.message, field="evidence") from None


def misconduct_record(
    *,
    seat: Seat,
    kind: str,
    description: str,
    actor: Actor,
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
            recorded_by=actor_user(actor),
        )
        if evidence is not None:
            _evidence_store(row, evidence)
        try:
            row.save()
        except Exception:
            if row.evidence:
                row.evidence.delete(save=False)  # nothing stored for a row not written
            raise
        audit_record(
            actor=actor, action="exams.misconduct_record", obj=row, changes={"kind": [None, kind]}
        )
    return row


def misconduct_decide(
    *, misconduct: Misconduct, decision: str, reason: str, actor: Actor
) -> Misconduct:
    if not may_run_district(actor, misconduct.seat.slot.district):
        raise Forbidden("exams.forbidden", "违纪处理由考区所在地人社部门决定")
    if not reason.strip():
        raise DomainError("exams.reason_required", "请写明处理依据", field="reason")
    with transaction.atomic():
        locked = Misconduct.objects.select_for_update().get(pk=misconduct.pk)
        locked.decision_reason = reason.strip()
        DECISION_LIFECYCLE.move(
            locked,
            decision,
            actor=actor,
            action="misconduct_decide",
            update_fields=("decision_reason",),
        )
    return locked


def misconduct_appeal(*, misconduct: Misconduct, text: str, actor: Actor) -> Misconduct:
    """The candidate appeals the decision."""
    owner = misconduct.seat.application.candidate.user_id
    user = actor_user(actor)
    if user is None or owner != user.pk:
        raise Forbidden("exams.forbidden", "只有考生本人可以申诉")
    if misconduct.decision == MisconductDecision.PENDING:
        raise DomainError("exams.appeal_too_early", "处理决定作出后才能申诉", field="misconduct")
    if not text.strip():
        raise DomainError("exams.reason_required", "请写明申诉理由", field="text")
    return _appeal_move(misconduct, AppealStatus.FILED, actor, appeal_text=text.strip())


def misconduct_appeal_decide(
    *, misconduct: Misconduct, upheld: bool, reply: str, actor: Actor
) -> Misconduct:
    if not may_run_district(actor, misconduct.seat.slot.district):
        raise Forbidden("exams.forbidden", "申诉由考区所在地人社部门复核")
    if not reply.strip():
        raise DomainError("exams.reason_required", "请写明复核意见", field="reply")
    target = AppealStatus.UPHELD if upheld else AppealStatus.OVERTURNED
    return _appeal_move(misconduct, target, actor, appeal_reply=reply.strip())


def _appeal_move(misconduct: Misconduct, target: str, actor: Actor, **fields: str) -> Misconduct:
    with transaction.atomic():
        locked = Misconduct.objects.select_for_update().get(pk=misconduct.pk)
        for name, value in fields.items():
            setattr(locked, name, value)
        APPEAL_LIFECYCLE.move(
            locked, target, actor=actor, action="misconduct_appeal", update_fields=tuple(fields)
        )
    return locked


def room_record_sign(*, slot: TimeSlot, room: Room, actor: Actor, notes: str = "") -> RoomRecord:
    """The signed-in invigilator (or examiner) of this room signs its record (考场记录)."""
    person = _person_of(actor)
    if (
        person is None
        or not StaffAssignment.objects.filter(
            slot=slot,
            room=room,
            person=person,
            duty__in=[ExamDayDuty.INVIGILATOR, ExamDayDuty.EXAMINER],
        ).exists()
    ):
        raise Forbidden("exams.not_room_staff", "只有本考场的监考员（考评员）可以签署考场记录")
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
    actor: Actor,
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
            reported_by=actor_user(actor),
        )
        audit_record(
            actor=actor, action="exams.incident_record", obj=row, changes={"site": [None, site.pk]}
        )
    return row


def supervisor_report_submit(
    *, slot: TimeSlot, site: Site, findings: str, rating: str, actor: Actor
) -> SupervisorReport:
    person = _person_of(actor)
    if (
        person is None
        or not StaffAssignment.objects.filter(
            slot=slot, site=site, person=person, duty=ExamDayDuty.SUPERVISOR
        ).exists()
    ):
        raise Forbidden("exams.not_supervisor", "只有本考点本场次的质量督导员可以提交督导报告")
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
    return list(policy_of_slot(slot).entry_checklist)
