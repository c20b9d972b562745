"""Seating at seed 000's scale and at a million candidates (issue 8, bench/seating.py).

Targets: 10,865 candidates in 13 districts and 362 rooms seated in <= 1 s; 1,000,000
candidates in 33,400 rooms in <= 30 s; 10,865 admission tickets rendered to PDF in <= 120 s.
Prints the figures on the last line; exits 1 when a target is missed."""

from __future__ import annotations

import os
import random
import sys
import time
from pathlib import Path

# The project root replaces this script's folder on the path: bench/statistics.py would
# otherwise shadow the standard library's statistics module (Django's SQLite backend uses it).
sys.path[0] = str(Path(__file__).resolve().parent.parent)
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "skillcert.config.settings")

from skillcert.exams.seating import Candidate, Room, solve_seating
from skillcert.exams.tickets import Ticket, TicketFields, TicketSession, render_tickets_pdf

TICKETS = 10_865


def _photo(i: int) -> bytes:
    import io

    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (295, 413), (i % 256, (i * 7) % 256, 200)).save(buffer, "JPEG", quality=85)
    return buffer.getvalue()


def _render_range(bounds: tuple[int, int]) -> int:
    """One room's tickets as one PDF (a page each), as the ticket job renders them."""
    start, stop = bounds
    sessions = (TicketSession("理论知识", "2025年6月14日 09:00–10:30", "90分钟"),)
    tickets = [
        Ticket(
            TicketFields(
                sitting="2025年江苏省职业技能等级认定统一考试",
                ticket_no=f"T2025{i:08d}",
                name=f"考生{i}",
                id_number="3201**********1234",
                occupation="企业人力资源管理师",
                level="三级/高级工",
                site="南京市第一考点",
                address="南京市玄武区北京东路1号",
                room=f"{i // 30:03d}",
                seat=i % 30 + 1,
                sessions=sessions,
            ),
            f"https://example.cn/c/T2025{i:08d}",
            _photo(i),
        )
        for i in range(start, stop)
    ]
    pdf = render_tickets_pdf(tickets)
    assert pdf.startswith(b"%PDF")
    return stop - start


def timed_tickets(processes: int = 2) -> float:
    """Tickets render in a pool of worker processes, as the ticket job does."""
    from concurrent.futures import ProcessPoolExecutor

    step = 30  # a room
    ranges = [(a, min(a + step, TICKETS)) for a in range(0, TICKETS, step)]
    started = time.perf_counter()
    with ProcessPoolExecutor(processes) as pool:
        done = sum(pool.map(_render_range, ranges))
    assert done == TICKETS
    return time.perf_counter() - started


def scenario(
    candidates: int, rooms: int, districts: int, seed: int
) -> tuple[list[Candidate], list[Room]]:
    rng = random.Random(seed)
    # Rooms of 30 seats (6 x 5), with every 10th room a larger one (6 x 6), as in seed 000
    # where 362 rooms held 10,865 candidates.
    room_list = [
        Room(
            f"R{i:06d}",
            f"D{i % districts:02d}",
            f"S{i % districts:02d}-{i // 400}",
            6,
            6 if i % 10 == 0 else 5,
        )
        for i in range(rooms)
    ]
    capacity = [0] * districts
    for room in room_list:
        capacity[int(room.district[1:])] += room.capacity
    people: list[Candidate] = []
    district = 0
    for i in range(candidates):
        while capacity[district] == 0:
            district = (district + 1) % districts
        capacity[district] -= 1
        people.append(
            Candidate(
                f"C{i:07d}",
                f"D{district:02d}",
                f"O{rng.randrange(candidates // 25 + 1)}",
                "AB"[i % 2],
            )
        )
        district = (district + 1) % districts
    return people, room_list


def timed(candidates: int, rooms: int, districts: int) -> tuple[float, int]:
    people, room_list = scenario(candidates, rooms, districts, seed=1)
    started = time.perf_counter()
    result = solve_seating(people, room_list, seed=7)
    elapsed = time.perf_counter() - started
    assert len(result.seats) == candidates
    return elapsed, result.adjacent_same_org


def main() -> int:
    jiangsu, jiangsu_contacts = timed(10_865, 362, 13)
    print(f"seed 000 scale: 10,865 candidates, 362 rooms: {jiangsu:.2f} s (target 1 s)")
    print(f"  same-organisation neighbours: {jiangsu_contacts}")
    million, million_contacts = timed(1_000_000, 33_400, 31)
    print(f"1,000,000 candidates, 33,400 rooms: {million:.1f} s (target 30 s)")
    print(f"  same-organisation neighbours: {million_contacts}")
    tickets = timed_tickets()
    print(f"{TICKETS:,} admission tickets rendered to PDF: {tickets:.1f} s (target 120 s)")
    ok = jiangsu <= 1.0 and million <= 30.0 and tickets <= 120.0
    verdict = "OK" if ok else "MISSED"
    print(
        f"seating: jiangsu {jiangsu:.2f} s, million {million:.1f} s, "
        f"tickets {TICKETS / tickets:.0f}/s {verdict}"
    )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
