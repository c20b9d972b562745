"""Reads for unified sittings, narrowed to the user, and the loaders that turn rows into the
ticket renderer's plain data. `tickets_for_plan` is the facade the scoring work uses: response
files name candidates by ticket number."""

from __future__ import annotations

import operator
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from functools import reduce
from typing import TYPE_CHECKING, Any, TypeVar

from django.db.models import Case, Exists, Model, OuterRef, Q, QuerySet, When
from django.utils import timezone

from skillcert.accounts.scope import Scope
from skillcert.common.errors import DomainError
from skillcert.common.policies import policy_in_force
from skillcert.exams import staffing
from skillcert.exams.models import (
    AdmissionTicket,
    AppealStatus,
    AttendanceStatus,
    District,
    ExamDayDuty,
    LogisticsPolicy,
    Misconduct,
    MisconductDecision,
    MisconductKind,
    Room,
    RoomRecord,
    Seat,
    Site,
    Sitting,
    StaffAssignment,
    TicketJob,
    TimeSlot,
)
from skillcert.exams.tickets import DEFAULT_RULES, Ticket, TicketFields, TicketSession
from skillcert.occupations.choices import LEVEL_OR_NONE_CHOICES
from skillcert.plans.choices import FilingStatus, Subject
from skillcert.plans.selectors import offerings_of_plans, plans_of_province
from skillcert.regions.choices import RegionLevel
from skillcert.regions.selectors import province_prefectures, regions_of_levels

if TYPE_CHECKING:
    from skillcert.applications.models import Application
    from skillcert.plans.models import EvaluationPlan
    from skillcert.regions.models import Region

LEVEL_LABELS: dict[int | None, str] = dict(LEVEL_OR_NONE_CHOICES)
M = TypeVar("M", bound=Model)


def sittings_visible(*, scope: Scope) -> QuerySet[Sitting]:
    """Officers: sittings of their province or with a district in their region; organisation
    staff: sittings their plans are in."""
    if scope.is_platform:
        rows = Sitting.objects.all()
    else:
        q = Q(pk__in=[])
        if scope.is_officer:
            q |= scope.code_prefix_q("districts__city__code")
            for prefix in scope.region_prefixes:
                q |= Q(province__code__startswith=prefix)
        if scope.organization_ids:
            q |= Q(plans__plan__organization_id__in=sorted(scope.organization_ids))
        rows = Sitting.objects.filter(q).distinct()
    return rows.select_related("province").order_by("-year", "-serial")


def _in_officer_region(
    rows: QuerySet[M], scope: Scope, *code_paths: str, province_only: bool = False
) -> QuerySet[M]:
    """All `rows` for the platform; for an officer (a province officer with `province_only`)
    those whose region code at one of `code_paths` lies in the officer's region; else none."""
    if scope.is_platform:
        return rows
    if not (scope.is_province_officer if province_only else scope.is_officer):
        return rows.none()
    return rows.filter(reduce(operator.or_, (scope.code_prefix_q(p) for p in code_paths)))


def districts_visible(*, scope: Scope) -> QuerySet[District]:
    rows = District.objects.select_related("sitting", "city")
    return _in_officer_region(rows, scope, "city__code")


def slots_visible(*, scope: Scope) -> QuerySet[TimeSlot]:
    rows = TimeSlot.objects.select_related("district", "sitting", "occupation")
    return _in_officer_region(rows, scope, "district__city__code")


def rooms_visible(*, scope: Scope) -> QuerySet[Room]:
    rows = Room.objects.select_related("site", "site__district", "site__district__sitting")
    return _in_officer_region(rows, scope, "site__district__city__code")


def ticket_jobs_visible(*, scope: Scope) -> QuerySet[TicketJob]:
    rows = TicketJob.objects.select_related("sitting", "district")
    # A province officer's prefix covers the sitting's province; a city officer's only its
    # own district's jobs.
    return _in_officer_region(rows, scope, "sitting__province__code", "district__city__code")


def tickets_of_plan(plan: EvaluationPlan) -> QuerySet[AdmissionTicket]:
    """The tickets of the plan's candidates, with application and district."""
    return (
        AdmissionTicket.objects.filter(application__plan=plan)
        .select_related(
            "district", "application", "application__candidate", "application__occupation"
        )
        .order_by("ticket_no")
    )


def tickets_for_plan(plan: EvaluationPlan) -> dict[str, Application]:
    """ticket_no → application for every ticket of the plan's candidates (response files
    name candidates by ticket number)."""
    return {t.ticket_no: t.application for t in tickets_of_plan(plan)}


def tickets_of_candidate(*, user: Any) -> QuerySet[AdmissionTicket]:
    if user is None or not getattr(user, "is_authenticated", False):
        return AdmissionTicket.objects.none()
    return AdmissionTicket.objects.filter(application__candidate__user=user).select_related(
        "sitting", "district", "application", "application__occupation"
    )


def ticket_by_token(*, token: str) -> AdmissionTicket | None:
    return (
        AdmissionTicket.objects.filter(token=token)
        .select_related(
            "sitting",
            "district",
            "application",
            "application__candidate",
            "application__occupation",
        )
        .first()
    )


def policy_for(*, province_code: str, on: dt.date | None = None) -> LogisticsPolicy:
    """The version of the province's exam rules in force on `on` (today by default)."""
    policy = policy_in_force(LogisticsPolicy, province=province_code, on=on or timezone.localdate())
    if policy is None:
        raise DomainError(
            "exams.policy_missing",
            f"省份 {province_code[:2]} 尚未设置考务规则（监考比例、迟到规则等），请省级先录入",
            field="province",
        )
    return policy


def policy_of_slot(slot: TimeSlot) -> LogisticsPolicy:
    """The province's exam rules in force on the slot's day."""
    return policy_for(province_code=slot.sitting.province_id, on=timezone.localdate(slot.starts_at))


def staff_rule_of(policy: LogisticsPolicy) -> staffing.StaffRule:
    """The staffing ratios of a version of the exam rules, as the pure staffing core takes
    them."""
    return staffing.StaffRule(
        policy.invigilator_per,
        policy.min_invigilators_theory,
        policy.examiner_per,
        policy.min_examiners_practical,
        policy.examiners_odd,
        policy.supervisors_per_site,
    )


def staff_of(*, slot: TimeSlot) -> QuerySet[StaffAssignment]:
    return StaffAssignment.objects.filter(slot=slot).select_related("person", "room", "site")


# --- ticket data for the renderer -------------------------------------------------------------


@dataclass(frozen=True)
class RoomTickets:
    site_id: int
    room_id: int
    tickets: list[Ticket]


def _time_text(slot: TimeSlot) -> str:
    start = timezone.localtime(slot.starts_at)
    end = timezone.localtime(slot.ends_at)
    return f"{start:%Y年%m月%d日} {start:%H:%M}–{end:%H:%M}"


def _rules(policy: LogisticsPolicy | None) -> tuple[str, ...]:
    if policy is None:
        return DEFAULT_RULES
    return (
        DEFAULT_RULES[0],
        f"开考{policy.late_entry_minutes}分钟后不得入场；开考{policy.no_leave_minutes}分钟内不得离场。",
        *DEFAULT_RULES[2:],
    )


def candidate_photo(candidate: Any) -> bytes | None:
    if not candidate.photo:
        return None
    try:
        with candidate.photo.open("rb") as handle:
            data: bytes = handle.read()
            return data
    except FileNotFoundError:
        return None


def check_in_url(base_url: str, token: str) -> str:
    return f"{base_url.rstrip('/')}/exams/checkin/{token}/"


def _ticket_fields(
    ticket: AdmissionTicket, own: list[Seat], policy: LogisticsPolicy | None
) -> TicketFields:
    """What one ticket shows: the first seat's room, and every session of the candidate."""
    first = own[0]
    application = ticket.application
    candidate = application.candidate
    sessions = tuple(
        TicketSession(
            Subject(s.slot.subject).label
            + ("" if s.room_id == first.room_id else f"（第{s.room.code}考场{s.seat_no}号）"),
            _time_text(s.slot),
            f"{int((s.slot.ends_at - s.slot.starts_at).total_seconds() // 60)}分钟",
        )
        for s in own
    )
    return TicketFields(
        sitting=ticket.sitting.title,
        ticket_no=ticket.ticket_no,
        name=candidate.full_name,
        id_number=candidate.id_number_masked,
        occupation=application.occupation.name,
        level=LEVEL_LABELS[application.level],
        site=first.room.site.name,
        address=first.room.site.address,
        room=first.room.code,
        seat=first.seat_no,
        sessions=sessions,
        rules=_rules(policy),
    )


def ticket_batches(
    tickets: Iterable[AdmissionTicket], *, base_url: str
) -> tuple[list[RoomTickets], int]:
    """Tickets grouped by the room of each candidate's first seat, in (site, room, seat)
    order, ready to render; plus the number of tickets without a seat (not rendered)."""
    tickets = list(tickets)
    seats = (
        Seat.objects.filter(
            application_id__in=[t.application_id for t in tickets],
            slot__sitting_id__in={t.sitting_id for t in tickets},
        )
        .select_related("slot", "room", "room__site")
        .order_by("slot__starts_at", "slot_id")
    )
    by_application: dict[int, list[Seat]] = defaultdict(list)
    for seat in seats:
        by_application[seat.application_id].append(seat)
    # The rules printed are those in force on the day of the candidate's first session.
    policies: dict[tuple[str, dt.date], LogisticsPolicy | None] = {}
    grouped: dict[tuple[str, str, int, int], list[tuple[int, Ticket]]] = defaultdict(list)
    unseated = 0
    for ticket in tickets:
        own = by_application.get(ticket.application_id, [])
        if not own:
            unseated += 1
            continue
        first = own[0]
        key_policy = (ticket.sitting.province_id, timezone.localdate(first.slot.starts_at))
        if key_policy not in policies:
            policies[key_policy] = policy_in_force(
                LogisticsPolicy, province=key_policy[0], on=key_policy[1]
            )
        fields = _ticket_fields(ticket, own, policies[key_policy])
        candidate = ticket.application.candidate
        key = (first.room.site.code, first.room.code, first.room.site_id, first.room_id)
        grouped[key].append(
            (
                first.seat_no,
                Ticket(fields, check_in_url(base_url, ticket.token), candidate_photo(candidate)),
            )
        )
    batches = [
        RoomTickets(site_id, room_id, [t for _, t in sorted(rows, key=lambda r: r[0])])
        for (_, _, site_id, room_id), rows in sorted(grouped.items())
    ]
    return batches, unseated


def tickets_queryset() -> QuerySet[AdmissionTicket]:
    return AdmissionTicket.objects.select_related(
        "sitting", "district", "application", "application__candidate", "application__occupation"
    ).order_by("ticket_no")


# --- set-up pages ------------------------------------------------------------------------


def sittings_run_by(*, scope: Scope) -> QuerySet[Sitting]:
    """Sittings the user runs as the province (set-up: plans, districts, time slots)."""
    rows = Sitting.objects.select_related("province")
    return _in_officer_region(rows, scope, "province__code", province_only=True)


def provinces_run_by(*, scope: Scope) -> QuerySet[Region]:
    rows = regions_of_levels(levels=[RegionLevel.PROVINCE])
    return _in_officer_region(rows, scope, "code", province_only=True)


def plans_without_sitting(*, sitting: Sitting) -> QuerySet[EvaluationPlan]:
    """Plans of the sitting's province not yet in any sitting, approved ones first (the
    others are listed so that the service can say why they cannot be added yet)."""
    return (
        plans_of_province(province_code=sitting.province_id)
        .filter(sitting_link__isnull=True)
        .exclude(filing_status=FilingStatus.UNFILED)
        .select_related("organization")
        .order_by(Case(When(filing_status=FilingStatus.APPROVED, then=0), default=1), "code")
    )


def cities_without_district(*, sitting: Sitting) -> QuerySet[Region]:
    return (
        province_prefectures(province_code=sitting.province_id)
        .exclude(code__in=sitting.districts.values("city_id"))
        .order_by("code")
    )


def sitting_offerings(*, sitting: Sitting) -> list[tuple[int, int | None, str]]:
    """(occupation id, level, label) offered by the sitting's plans."""
    rows = (
        offerings_of_plans(plan_ids=sitting.plans.values_list("plan_id", flat=True))
        .values_list("occupation_id", "occupation__name", "level")
        .distinct()
        .order_by("occupation__code", "-level")
    )
    return [(o, lv, f"{name} {LEVEL_LABELS[lv]}") for o, name, lv in rows]


# --- exam day ----------------------------------------------------------------------------


def duties_of(*, user: Any) -> QuerySet[StaffAssignment]:
    """The signed-in person's assignments (invigilator, examiner, supervisor), soonest first."""
    if user is None or not getattr(user, "is_authenticated", False):
        return StaffAssignment.objects.none()
    return (
        StaffAssignment.objects.filter(person__user=user)
        .select_related("slot", "slot__district", "slot__sitting", "site", "room")
        .order_by("slot__starts_at", "site__code", "room__code")
    )


@dataclass(frozen=True)
class RoomDay:
    room: Room
    seated: int
    present: int
    late: int
    absent: int
    record: RoomRecord | None
    signers: list[str]
    mine: bool  # the user invigilates (or examines in) this room


def site_day(*, slot: TimeSlot, site: Site, user: Any) -> list[RoomDay]:
    """Per room of the site used in the slot: seats and attendance counts, the room record
    with its signatures, and whether the user works in it."""
    counts: dict[int, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for room_id, status in Seat.objects.filter(slot=slot, room__site=site).values_list(
        "room_id", "attendance__status"
    ):
        counts[room_id]["seated"] += 1
        counts[room_id][status or ""] += 1
    mine = set(
        StaffAssignment.objects.filter(
            slot=slot, site=site, person__user=user, room__isnull=False
        ).values_list("room_id", flat=True)
    )
    records = {
        r.room_id: r
        for r in RoomRecord.objects.filter(slot=slot, room__site=site).prefetch_related(
            "signatures__person"
        )
    }
    rooms = Room.objects.filter(site=site, pk__in=set(counts) | mine).order_by("code")
    return [
        RoomDay(
            room=room,
            seated=counts[room.pk]["seated"],
            present=counts[room.pk][AttendanceStatus.PRESENT],
            late=counts[room.pk][AttendanceStatus.REFUSED_LATE],
            absent=counts[room.pk][AttendanceStatus.ABSENT],
            record=records.get(room.pk),
            signers=[s.person.name for s in records[room.pk].signatures.all()]
            if room.pk in records
            else [],
            mine=room.pk in mine,
        )
        for room in rooms
    ]


def seat_choices(*, slot: TimeSlot, site: Site) -> list[tuple[int, str]]:
    """Seats of the site in the slot, labelled room · seat · name · ticket number."""
    seats = (
        Seat.objects.filter(slot=slot, room__site=site)
        .select_related("room", "application__candidate")
        .order_by("room__code", "seat_no")
    )
    tickets = dict(
        AdmissionTicket.objects.filter(
            sitting_id=slot.sitting_id, application__seats__slot=slot
        ).values_list("application_id", "ticket_no")
    )
    return [
        (
            s.pk,
            f"第{s.room.code}考场 {s.seat_no}号 {s.application.candidate.full_name} "
            f"{tickets.get(s.application_id, '')}",
        )
        for s in seats
    ]


def misconduct_of_site(*, slot: TimeSlot, site: Site) -> QuerySet[Misconduct]:
    return (
        Misconduct.objects.filter(seat__slot=slot, seat__room__site=site)
        .select_related("seat", "seat__room", "seat__application__candidate")
        .order_by("-id")
    )


def misconduct_visible(*, scope: Scope, user: Any) -> QuerySet[Misconduct]:
    """Officers over the district, the staff of the site in that slot, and the candidate."""
    rows = Misconduct.objects.select_related(
        "seat",
        "seat__slot",
        "seat__slot__district",
        "seat__slot__sitting",
        "seat__room",
        "seat__room__site",
        "seat__application",
        "seat__application__candidate",
    )
    if scope.is_platform:
        return rows
    q = Q(pk__in=[])
    if scope.is_officer:
        q |= scope.code_prefix_q("seat__slot__district__city__code")
    if getattr(user, "is_authenticated", False):
        q |= Q(seat__application__candidate__user=user)
        staff = StaffAssignment.objects.filter(
            person__user=user, slot=OuterRef("seat__slot"), site=OuterRef("seat__room__site")
        )
        q |= Q(Exists(staff))
    return rows.filter(q)


def misconduct_of_candidate(*, user: Any) -> QuerySet[Misconduct]:
    if not getattr(user, "is_authenticated", False):
        return Misconduct.objects.none()
    return (
        Misconduct.objects.filter(seat__application__candidate__user=user)
        .select_related("seat__slot", "seat__slot__sitting")
        .order_by("-id")
    )


def staff_assignments_in_area(*, scope: Scope) -> QuerySet[StaffAssignment]:
    """Exam-day posts at the sites of the user's area (by the district's city), unordered."""
    return StaffAssignment.objects.filter(scope.code_prefix_q("site__district__city__code"))


def exam_day_duty_labels() -> dict[str, Any]:
    """Exam-day duty → its Chinese name."""

    return dict(ExamDayDuty.choices)


@dataclass(frozen=True)
class ExamDayOutcome:
    """A subject a candidate of a plan did not sit (absent, refused for lateness) or whose
    result a misconduct decision voided, as recorded on exam day."""

    application_id: int
    subject: str  # plans.choices.Subject value
    state: str  # "absent" or "voided" (the scoring part states)
    reason: str


def exam_day_outcomes(*, plan: EvaluationPlan) -> list[ExamDayOutcome]:
    """The plan's absences and voiding misconduct decisions, one per application and subject
    (a voiding decision wins over an absence; a decision overturned on appeal does not count).
    Scoring carries them onto the results, so that nobody types them in again."""
    found: dict[tuple[int, str], ExamDayOutcome] = {}
    absent = (AttendanceStatus.ABSENT, AttendanceStatus.REFUSED_LATE)
    for app_id, subject, status in (
        Seat.objects.filter(application__plan=plan, attendance__status__in=absent)
        .order_by("pk")
        .values_list("application_id", "slot__subject", "attendance__status")
    ):
        found[(app_id, subject)] = ExamDayOutcome(
            app_id, subject, "absent", AttendanceStatus(status).label
        )
    for app_id, subject, decision, kind in (
        Misconduct.objects.filter(
            seat__application__plan=plan,
            decision__in=[MisconductDecision.SUBJECT_VOID, MisconductDecision.ALL_VOID],
        )
        .exclude(appeal_status=AppealStatus.OVERTURNED)
        .order_by("pk")
        .values_list("seat__application_id", "seat__slot__subject", "decision", "kind")
    ):
        subjects = [subject] if decision == MisconductDecision.SUBJECT_VOID else Subject.values
        reason = f"违纪（{MisconductKind(kind).label}）：{MisconductDecision(decision).label}"
        for each in subjects:
            found[(app_id, each)] = ExamDayOutcome(app_id, each, "voided", reason)
    return [found[key] for key in sorted(found)]


# --- to-do counts for the workbench -----------------------------------------------------------

import datetime as dt  # noqa: E402  (appended section: the module's imports stay untouched)


def _day_start(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time.min, tzinfo=timezone.get_current_timezone())


def todo_duties_upcoming(*, user: Any, today: dt.date) -> list[dt.date]:
    """The days of the user's exam-day duties from today on, soonest first."""
    starts = duties_of(user=user).filter(slot__starts_at__gte=_day_start(today))
    return sorted(
        {timezone.localtime(at).date() for at in starts.values_list("slot__starts_at", flat=True)}
    )


def todo_tickets_upcoming(*, user: Any, today: dt.date) -> list[dt.date]:
    """The first exam day (from today on) of each of the candidate's admission tickets,
    counting the slots of the ticket's district for its occupation and level, soonest
    first."""
    from django.db.models import F, Min

    for_ticket = (
        Q(district__slots__occupation__isnull=True)
        | Q(district__slots__occupation=F("application__occupation"))
    ) & (Q(district__slots__level__isnull=True) | Q(district__slots__level=F("application__level")))
    rows = (
        tickets_of_candidate(user=user)
        .filter(for_ticket, district__slots__starts_at__gte=_day_start(today))
        .annotate(first=Min("district__slots__starts_at"))
        .values_list("first", flat=True)
    )
    return sorted(timezone.localtime(at).date() for at in rows)
