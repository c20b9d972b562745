"""Writes for unified sittings: set-up (sitting, plans, districts, sites, rooms, time slots),
seating from a recorded public draw, admission tickets and their rendering job, and
postponing one district. Staff assignment is in `staffing_services`, exam day in `examday`."""

from __future__ import annotations

import datetime as dt
import secrets
from typing import TYPE_CHECKING

from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone

from skillcert.accounts.actors import Actor, actor_user
from skillcert.applications.notifications import Notice, notify
from skillcert.applications.selectors import applications_approved_in_plans
from skillcert.audit.lifecycle import Lifecycle
from skillcert.audit.services import audit_record, audited_create
from skillcert.common.errors import DomainError
from skillcert.exams import room_files, seating
from skillcert.exams.models import (
    AdmissionTicket,
    Attendance,
    District,
    DistrictStatus,
    DoorSide,
    Room,
    RoomKind,
    Seat,
    SeatDraw,
    Site,
    Sitting,
    SittingPlan,
    TicketJob,
    TimeSlot,
)
from skillcert.exams.permissions import require_district, require_province
from skillcert.exams.tasks import ticket_job_run
from skillcert.plans.choices import FilingStatus, Subject
from skillcert.regions.choices import RegionLevel

if TYPE_CHECKING:
    from skillcert.applications.models import Application
    from skillcert.occupations.models import Occupation
    from skillcert.plans.models import EvaluationPlan
    from skillcert.regions.models import Region

# A district may be postponed again (its new date fell through too); it never goes back.
DISTRICT_TRANSITIONS: dict[str, frozenset[str]] = {
    DistrictStatus.SCHEDULED: frozenset({DistrictStatus.POSTPONED}),
    DistrictStatus.POSTPONED: frozenset({DistrictStatus.POSTPONED}),
}
DISTRICT_LIFECYCLE: Lifecycle[str] = Lifecycle(
    "exams", DISTRICT_TRANSITIONS, dict(DistrictStatus.choices)
)

# Which rooms a subject may use.
ROOM_KINDS_FOR: dict[str, tuple[str, ...]] = {
    Subject.THEORY: (RoomKind.PAPER, RoomKind.COMPUTER),
    Subject.PRACTICAL: (RoomKind.PRACTICAL,),
    Subject.PANEL: (RoomKind.PAPER, RoomKind.COMPUTER, RoomKind.PRACTICAL),
}


# --- set-up ---------------------------------------------------------------------------------


def sitting_create(
    *, code: str, title: str, province: Region, year: int, serial: int, actor: Actor
) -> Sitting:
    require_province(actor, province.code)
    code = code.strip().upper()
    if not code or not title.strip():
        raise DomainError("exams.sitting_required", "请填写统考编号和名称", field="code")
    if province.level != RegionLevel.PROVINCE:
        raise DomainError("exams.province_invalid", "统考须由省级创建", field="province")
    if not 1 <= serial <= 99:
        raise DomainError("exams.serial_range", "年度内统考序号应为1到99", field="serial")
    return audited_create(
        Sitting,
        actor=actor,
        action="exams.sitting_create",
        changes={"code": [None, code], "year": [None, year], "serial": [None, serial]},
        clash=DomainError(
            "exams.sitting_taken", f"统考编号“{code}”或{year}年第{serial}次统考已存在", field="code"
        ),
        code=code,
        title=title.strip(),
        province=province,
        year=year,
        serial=serial,
        created_by=actor_user(actor),
    )


def sitting_plan_add(*, sitting: Sitting, plan: EvaluationPlan, actor: Actor) -> SittingPlan:
    """Put an approved plan's candidates into the sitting."""
    require_province(actor, sitting.province_id)
    if not plan.organization.region_id.startswith(sitting.province_id[:2]):
        raise DomainError(
            "exams.plan_other_province", f"评价计划 {plan.code} 不属于本省", field="plan"
        )
    if plan.filing_status != FilingStatus.APPROVED:
        raise DomainError(
            "exams.plan_not_approved",
            f"评价计划 {plan.code} 尚未通过报备审核（{plan.get_filing_status_display()}）",
            field="plan",
        )
    return audited_create(
        SittingPlan,
        actor=actor,
        action="exams.sitting_plan_add",
        changes={"plan": [None, plan.code]},
        clash=DomainError(
            "exams.plan_in_sitting", f"评价计划 {plan.code} 已编入统考", field="plan"
        ),
        audit_obj=sitting,
        sitting=sitting,
        plan=plan,
    )


def district_add(
    *,
    sitting: Sitting,
    city: Region,
    office_name: str,
    actor: Actor,
    office_address: str = "",
    office_phone: str = "",
) -> District:
    require_province(actor, sitting.province_id)
    if city.level != RegionLevel.PREFECTURE or not city.code.startswith(sitting.province_id[:2]):
        raise DomainError(
            "exams.city_invalid", f"{city.name}不是本省的地级市，不能设为考区", field="city"
        )
    if not office_name.strip():
        raise DomainError("exams.office_required", "请填写考核点办公室", field="office_name")
    return audited_create(
        District,
        actor=actor,
        action="exams.district_add",
        changes={"city": [None, city.code]},
        clash=DomainError("exams.district_exists", f"{city.name}考区已存在", field="city"),
        sitting=sitting,
        city=city,
        name=f"{city.name}考区",
        office_name=office_name.strip(),
        office_address=office_address.strip(),
        office_phone=office_phone.strip(),
    )


def site_add(*, district: District, code: str, name: str, address: str, actor: Actor) -> Site:
    require_district(actor, district)
    code, name, address = code.strip(), name.strip(), address.strip()
    if not code or not name or not address:
        raise DomainError("exams.site_required", "请填写考点编号、名称和地址", field="address")
    return audited_create(
        Site,
        actor=actor,
        action="exams.site_add",
        changes={"code": [None, code]},
        clash=DomainError("exams.site_exists", f"考点编号 {code} 已存在", field="code"),
        district=district,
        code=code,
        name=name,
        address=address,
    )


def room_add(
    *,
    site: Site,
    code: str,
    kind: str,
    rows: int,
    cols: int,
    actor: Actor,
    door: str = DoorSide.FRONT_LEFT,
    accessible: bool = False,
    location: str = "",
) -> Room:
    require_district(actor, site.district)
    if kind not in RoomKind.values:
        raise DomainError("exams.room_kind", "考场类型应为纸笔、机考或实操", field="kind")
    if door not in DoorSide.values:
        raise DomainError("exams.room_door", "请选择门的位置", field="door")
    if rows <= 0 or cols <= 0:
        raise DomainError("exams.room_size", f"考场 {code} 的行数和列数必须为正整数", field="rows")
    if not code.strip():
        raise DomainError("exams.room_code", "请填写考场号", field="code")
    return audited_create(
        Room,
        actor=actor,
        action="exams.room_add",
        changes={"code": [None, code.strip()], "size": [None, f"{rows}x{cols}"]},
        clash=DomainError(
            "exams.room_exists", f"{site.name}已有第{code.strip()}考场", field="code"
        ),
        site=site,
        code=code.strip(),
        kind=kind,
        rows=rows,
        cols=cols,
        door=door,
        accessible=accessible,
        location=location.strip(),
    )


def rooms_import(*, district: District, content: bytes, filename: str, actor: Actor) -> list[Room]:
    """Add a district's rooms from a spreadsheet: every row is checked first and any bad row
    stores nothing (RoomFileError lists each bad row)."""
    require_district(actor, district)
    sites = {s.code: s for s in Site.objects.filter(district=district)}
    existing = set(Room.objects.filter(site__district=district).values_list("site__code", "code"))
    rows, errors = room_files.parse_rooms(
        room_files.read_table(content, filename),
        site_codes=set(sites),
        existing=existing,
        district_name=district.name,
    )
    if errors:
        raise room_files.RoomFileError(
            "rooms.rows_invalid",
            f"{len({e.row for e in errors})}行有误，未导入任何考场；请修改后重新上传",
            errors,
        )
    try:
        with transaction.atomic():
            rooms = Room.objects.bulk_create(
                Room(
                    site=sites[r.site],
                    code=r.code,
                    kind=r.kind,
                    rows=r.rows,
                    cols=r.cols,
                    door=r.door,
                    accessible=r.accessible,
                    location=r.location,
                )
                for r in rows
            )
            audit_record(
                actor=actor,
                action="exams.rooms_import",
                obj=district,
                changes={"file": [None, filename[:100]], "rooms": [None, len(rooms)]},
            )
    except IntegrityError:
        # Another upload added one of these rooms meanwhile.
        raise room_files.RoomFileError(
            "rooms.exists", "部分考场已被他人同时添加，未导入任何考场；请刷新后重新上传"
        ) from None
    return rooms


def slots_add(
    *,
    sitting: Sitting,
    subject: str,
    starts_at: dt.datetime,
    ends_at: dt.datetime,
    actor: Actor,
    districts: list[District] | None = None,
    occupation: Occupation | None = None,
    level: int | None = None,
) -> list[TimeSlot]:
    """The same time slot in every district of the sitting (or the given ones)."""
    require_province(actor, sitting.province_id)
    if subject not in Subject.values:
        raise DomainError(
            "exams.subject_invalid", "科目应为理论知识、操作技能或综合评审", field="subject"
        )
    if ends_at <= starts_at:
        raise DomainError("exams.slot_order", "结束时间应晚于开始时间", field="ends_at")
    if level is not None and level not in (1, 2, 3, 4, 5):
        raise DomainError("exams.level_invalid", "等级应为一级至五级", field="level")
    chosen = districts if districts is not None else list(sitting.districts.all())
    if not chosen:
        raise DomainError("exams.districts_required", "请先设置考区", field="districts")
    if any(d.sitting_id != sitting.pk for d in chosen):
        raise DomainError("exams.district_other_sitting", "考区不属于本次统考", field="districts")
    with transaction.atomic():
        slots = [
            TimeSlot.objects.create(
                sitting=sitting,
                district=d,
                subject=subject,
                starts_at=starts_at,
                ends_at=ends_at,
                occupation=occupation,
                level=level,
            )
            for d in chosen
        ]
        audit_record(
            actor=actor,
            action="exams.slots_add",
            obj=sitting,
            changes={
                "subject": [None, subject],
                "starts_at": [None, starts_at],
                "districts": [None, [d.city_id for d in chosen]],
            },
        )
    return slots


# --- seating --------------------------------------------------------------------------------


# What seating reads of an application: its form (occupation and level), its organisation
# (neighbours), whether it needs an accessible room.
_SEATING_COLUMNS = (
    "pk",
    "level",
    "needs_accommodation",
    "plan__organization",
    "occupation__code",
)


def slot_applications(slot: TimeSlot) -> list[Application]:
    """Approved applications (after 终审) of the sitting's plans whose organisation is in the
    slot's district and whose occupation and level the slot covers."""
    rows = applications_approved_in_plans(
        plan_ids=SittingPlan.objects.filter(sitting_id=slot.sitting_id).values_list(
            "plan_id", flat=True
        )
    ).filter(plan__organization__region__code__startswith=slot.district.city_id[:4])
    if slot.occupation_id is not None:
        rows = rows.filter(occupation_id=slot.occupation_id)
    if slot.level is not None:
        rows = rows.filter(level=slot.level)
    # Only what seating and tickets read: a district seats thousands of candidates at once.
    return list(rows.select_related("plan", "occupation").only(*_SEATING_COLUMNS).order_by("id"))


def _form(application: Application) -> str:
    # Different occupations and levels sit different papers; mixing them in a room is how a
    # plan gets "different forms next to each other".
    return f"{application.occupation.code}/{application.level}"


def _seating_solve(
    slot: TimeSlot, district: District, applications: list[Application], seed: int
) -> seating.SeatingResult:
    """The pure seating core over the slot's candidates and the district's rooms."""
    rooms = list(
        Room.objects.filter(
            site__district=district, kind__in=ROOM_KINDS_FOR[slot.subject]
        ).select_related("site")
    )
    return seating.solve_seating(
        [
            seating.Candidate(
                str(a.pk),
                str(district.pk),
                str(a.plan.organization_id),
                _form(a),
                needs_accommodation=a.needs_accommodation,
            )
            for a in applications
        ],
        [
            seating.Room(str(r.pk), str(district.pk), r.site.code, r.rows, r.cols, r.accessible)
            for r in rooms
        ],
        seed=seed,
    )


def _seats_store(
    slot: TimeSlot, applications: list[Application], result: seating.SeatingResult
) -> None:
    """Replace the slot's seat chart with the solved one."""
    forms = {str(a.pk): _form(a) for a in applications}
    Seat.objects.filter(slot=slot).delete()
    Seat.objects.bulk_create(
        (
            Seat(
                slot_id=slot.pk,
                application_id=int(s.candidate_id),
                room_id=int(s.room_id),
                seat_no=s.seat_no,
                row=s.row,
                col=s.col,
                form=forms[s.candidate_id],
            )
            for s in result.seats
        ),
        batch_size=1000,
    )


def seats_assign(*, slot: TimeSlot, seed: int, actor: Actor) -> SeatDraw:
    """Seat every approved candidate of the slot with the public-draw `seed` (recorded), and
    issue admission tickets to those who have none yet. Re-running replaces the slot's chart
    until exam day starts (attendance recorded)."""
    district = slot.district
    require_district(actor, district)
    if not 0 <= seed < 2**63:
        raise DomainError("exams.seed_range", "随机种子应为非负整数", field="seed")
    with transaction.atomic():
        # One writer per district at a time: seat charts and ticket serials.
        District.objects.select_for_update().get(pk=district.pk)
        locked = TimeSlot.objects.select_for_update().get(pk=slot.pk)
        if Attendance.objects.filter(seat__slot=locked).exists():
            raise DomainError(
                "exams.slot_started", "该时段已开始签到，不能重新编排座位", field="slot"
            )
        applications = slot_applications(locked)
        if not applications:
            raise DomainError(
                "exams.no_candidates", f"{district.name}该时段没有审核通过的考生", field="slot"
            )
        result = _seating_solve(locked, district, applications, seed)
        _seats_store(locked, applications, result)
        draw = SeatDraw.objects.create(
            slot=locked,
            seed=seed,
            seated=len(result.seats),
            rooms_used=result.rooms_used,
            adjacent_same_org=result.adjacent_same_org,
            adjacent_same_form=result.adjacent_same_form,
            actor=actor_user(actor),
        )
        issued = _tickets_issue(district, applications)
        audit_record(
            actor=actor,
            action="exams.seats_assign",
            obj=draw,
            changes={
                "seed": [None, seed],
                "seated": [None, len(result.seats)],
                "rooms_used": [None, result.rooms_used],
                "tickets_issued": [None, issued],
            },
        )
    return draw


def ticket_number(*, year: int, city_code: str, sitting_serial: int, serial: int) -> str:
    """YY + city (4) + sitting serial (2) + serial in the district (5): 13 digits."""
    if not 1 <= serial <= 99_999:
        raise DomainError("exams.ticket_serial", "考区准考证号已用完（每考区最多99999个）")
    return f"{year % 100:02d}{city_code[:4]}{sitting_serial:02d}{serial:05d}"


def _tickets_issue(district: District, applications: list[Application]) -> int:
    """Tickets for the applications that have none in this sitting. Call with the district
    row locked: serials continue from the district's highest."""
    sitting = district.sitting
    have = set(
        AdmissionTicket.objects.filter(
            sitting=sitting, application_id__in=[a.pk for a in applications]
        ).values_list("application_id", flat=True)
    )
    missing = sorted(
        (a for a in applications if a.pk not in have),
        key=lambda a: (a.occupation.code, -(a.level or 0), a.pk),
    )
    if not missing:
        return 0
    last = AdmissionTicket.objects.filter(district=district).aggregate(m=Max("ticket_no"))["m"]
    serial = int(last[-5:]) if last else 0
    AdmissionTicket.objects.bulk_create(
        (
            AdmissionTicket(
                sitting_id=sitting.pk,
                district_id=district.pk,
                application_id=a.pk,
                ticket_no=ticket_number(
                    year=sitting.year,
                    city_code=district.city_id,
                    sitting_serial=sitting.serial,
                    serial=serial + i,
                ),
                token=secrets.token_urlsafe(32),
            )
            for i, a in enumerate(missing, start=1)
        ),
        batch_size=1000,
    )
    return len(missing)


def ticket_job_start(
    *, sitting: Sitting, actor: Actor, district: District | None = None, base_url: str = ""
) -> TicketJob:
    """Queue rendering of the sitting's (or one district's) tickets: a PDF per room."""
    if district is None:
        require_province(actor, sitting.province_id)
    else:
        require_district(actor, district)
    tickets = AdmissionTicket.objects.filter(sitting=sitting)
    if district is not None:
        tickets = tickets.filter(district=district)
    total = tickets.count()
    if total == 0:
        raise DomainError("tickets.empty", "没有需要生成的准考证，请先编排座位")
    with transaction.atomic():
        job = audited_create(
            TicketJob,
            actor=actor,
            action="exams.ticket_job_start",
            changes={"total": [None, total]},
            sitting=sitting,
            district=district,
            total=total,
            created_by=actor_user(actor),
        )
        transaction.on_commit(lambda: ticket_job_run.enqueue(job.pk, base_url))
    return job


# --- postponement ---------------------------------------------------------------------------


def _postpone_check(
    locked: District, slots: list[TimeSlot], new_first_day: dt.date, today: dt.date
) -> dt.date:
    """The district has slots, none started, and the new first day is later than both the
    old one and today. Returns the old first day."""
    if not slots:
        raise DomainError("exams.no_slots", f"{locked.name}没有考试时段", field="district")
    first_day = timezone.localtime(slots[0].starts_at).date()
    if new_first_day <= first_day or new_first_day <= today:
        raise DomainError(
            "exams.postpone_date",
            f"延期后的首场日期应晚于原定日期（{first_day:%Y-%m-%d}）和今天",
            field="new_first_day",
        )
    if Attendance.objects.filter(seat__slot__district=locked).exists():
        raise DomainError(
            "exams.slot_started", f"{locked.name}已开始签到，不能整体延期", field="district"
        )
    return first_day


def _tickets_reissue(district: District) -> list[AdmissionTicket]:
    tickets = list(
        AdmissionTicket.objects.filter(district=district).select_related(
            "application", "application__candidate"
        )
    )
    now = timezone.now()
    for ticket in tickets:
        ticket.revision += 1
        ticket.reissued_at = now
    AdmissionTicket.objects.bulk_update(tickets, ["revision", "reissued_at"])
    return tickets


def _postponement_notify(
    district: District, slots: list[TimeSlot], tickets: list[AdmissionTicket], reason: str
) -> None:
    when = "；".join(
        f"{Subject(s.subject).label} {timezone.localtime(s.starts_at):%Y-%m-%d %H:%M}"
        for s in slots
    )
    notify(
        [
            Notice(
                candidate_id=t.application.candidate_id,
                application_id=t.application_id,
                subject=f"{district.name}考试延期",
                body=f"因{reason}，{district.name}考试延期至：{when}。"
                f"准考证（{t.ticket_no}）已重新发放，请下载新的准考证。",
            )
            for t in tickets
        ]
    )


def district_postpone(
    *,
    district: District,
    new_first_day: dt.date,
    reason: str,
    actor: Actor,
    base_url: str = "",
    today: dt.date | None = None,
) -> District:
    """Move every slot of one district by whole days so its first slot falls on
    `new_first_day` (times of day kept), reissue its tickets and tell its candidates. The
    other districts are untouched and proceed."""
    require_province(actor, district.sitting.province_id)
    reason = reason.strip()
    if not reason:
        raise DomainError("exams.reason_required", "请填写延期原因", field="reason")
    today = today or timezone.localdate()
    with transaction.atomic():
        locked = District.objects.select_for_update().get(pk=district.pk)
        slots = list(
            TimeSlot.objects.select_for_update().filter(district=locked).order_by("starts_at")
        )
        first_day = _postpone_check(locked, slots, new_first_day, today)
        shift = dt.timedelta(days=(new_first_day - first_day).days)
        for slot in slots:
            slot.starts_at += shift
            slot.ends_at += shift
        TimeSlot.objects.bulk_update(slots, ["starts_at", "ends_at"])
        tickets = _tickets_reissue(locked)
        locked.status_reason = reason
        DISTRICT_LIFECYCLE.move(
            locked,
            DistrictStatus.POSTPONED,
            actor=actor,
            action="district_postpone",
            update_fields=("status_reason",),
            changes={
                "first_day": [first_day, new_first_day],
                "reason": [None, reason],
                "tickets_reissued": [None, len(tickets)],
            },
        )
        _postponement_notify(locked, slots, tickets, reason)
        if tickets:
            job = TicketJob.objects.create(
                sitting=locked.sitting,
                district=locked,
                total=len(tickets),
                created_by=actor_user(actor),
            )
            transaction.on_commit(lambda: ticket_job_run.enqueue(job.pk, base_url))
    return locked
