"""Room outputs for people: the sign-in roster (考场签到表, with photos) as a PDF, and the data
for the door list (门贴) and the seat chart (座位图) pages."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from django.utils import timezone

from skillcert.common.documents import TypstDocument, content_name
from skillcert.common.fonts import require_glyphs
from skillcert.exams.models import AdmissionTicket, DoorSide, Room, Seat, TimeSlot
from skillcert.exams.selectors import LEVEL_LABELS, candidate_photo
from skillcert.plans.choices import Subject

ROSTER = TypstDocument(Path(__file__).with_name("typst") / "roster.typ")


@dataclass(frozen=True)
class SeatLine:
    seat_no: int
    row: int
    col: int
    ticket_no: str
    name: str
    id_number: str  # masked
    occupation: str


def room_lines(slot: TimeSlot, room: Room) -> list[SeatLine]:
    seats = list(
        Seat.objects.filter(slot=slot, room=room)
        .select_related("application", "application__candidate", "application__occupation")
        .order_by("seat_no")
    )
    numbers = dict(
        AdmissionTicket.objects.filter(
            sitting_id=slot.sitting_id, application_id__in=[s.application_id for s in seats]
        ).values_list("application_id", "ticket_no")
    )
    return [
        SeatLine(
            s.seat_no,
            s.row,
            s.col,
            numbers.get(s.application_id, ""),
            s.application.candidate.full_name,
            s.application.candidate.id_number_masked,
            f"{s.application.occupation.name} {LEVEL_LABELS[s.application.level]}",
        )
        for s in seats
    ]


def slot_text(slot: TimeSlot) -> str:
    start = timezone.localtime(slot.starts_at)
    end = timezone.localtime(slot.ends_at)
    return f"{Subject(slot.subject).label} {start:%Y年%m月%d日 %H:%M}–{end:%H:%M}"


def roster_pdf(slot: TimeSlot, room: Room) -> bytes:
    seats = list(
        Seat.objects.filter(slot=slot, room=room)
        .select_related("application__candidate")
        .order_by("seat_no")
    )
    photos = {s.application_id: candidate_photo(s.application.candidate) for s in seats}
    files: dict[str, bytes] = {}
    rows = []
    for line, seat in zip(room_lines(slot, room), seats, strict=True):
        require_glyphs(line.name, field="name")
        photo = photos[seat.application_id]
        name = content_name(photo) if photo else ""
        if photo:
            files[name] = photo
        rows.append(
            {
                "seat": str(line.seat_no),
                "ticket_no": line.ticket_no,
                "name": line.name,
                "id_number": line.id_number,
                "occupation": line.occupation,
                "photo": name,
            }
        )
    data = {
        "title": slot.sitting.title,
        "room": f"{room.site.name} 第{room.code}考场 {room.location}".strip(),
        "time": slot_text(slot),
        "rows": rows,
    }
    return ROSTER.render(data, files=files)


def seat_grid(room: Room, lines: list[SeatLine]) -> list[list[SeatLine | None]]:
    """Rows front (door) to back; columns as seen from the front of the room, so a door on
    the right shows column 1 on the right."""
    grid: list[list[SeatLine | None]] = [[None] * room.cols for _ in range(room.rows)]
    for line in lines:
        col = line.col - 1 if room.door == DoorSide.FRONT_LEFT else room.cols - line.col
        grid[line.row - 1][col] = line
    return grid
