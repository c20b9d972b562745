"""Admission tickets for a whole sitting (issue 25, bench/tickets.py).

Target on this 2-core machine: the 10,865 tickets of seed 000's sitting (one multi-page PDF
per room of 30, with photo and check-in QR) in <= 30 s, rendered as the ticket job renders
them: `render_many(render_tickets_pdf, rooms)` on the render pool (one worker per core).
The pool is started and warmed before the clock starts, as in a long-running worker; its
start-up is printed apart.

The floor, measured in the same run: raw typst compiles of the ticket template with the same
rooms' data, fed as the product feeds it (a JSON file beside the template; QR SVG and photos
prepared beforehand), one typst.Compiler per core in as many processes. The last line
prints tickets/s, the floor's tickets/s and their ratio; exits 1 when the target is missed.

    .venv/bin/python bench/tickets.py [--tickets 10865]"""

from __future__ import annotations

import argparse
import io
import json
import multiprocessing
import os
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import asdict
from pathlib import Path

# The project root replaces this script's folder on the path: bench/statistics.py would
# otherwise shadow the standard library's statistics module (Django's SQLite backend uses it).
sys.path[0] = str(Path(__file__).resolve().parent.parent)
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "skillcert.config.settings")

from PIL import Image

from skillcert.common.documents import DATA_FILE, content_name, qr_svg
from skillcert.common.fonts import font_dirs
from skillcert.common.render_pool import pool_size, render_many, render_pool
from skillcert.exams.tickets import TICKET, Ticket, TicketFields, TicketSession, render_tickets_pdf

TICKETS, ROOM_SEATS, TARGET_SECONDS = 10_865, 30, 30.0


def _photo(i: int) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (295, 413), (i % 256, (i * 7) % 256, 180)).save(buffer, "JPEG", quality=85)
    return buffer.getvalue()


def rooms(count: int) -> list[list[Ticket]]:
    sessions = (
        TicketSession("理论知识", "2026年6月14日 09:00–10:30", "90分钟"),
        TicketSession("操作技能", "2026年6月14日 14:00–16:00", "120分钟"),
    )
    tickets = [
        Ticket(
            TicketFields(
                sitting="2026年江苏省企业人力资源管理师职业技能等级认定统一考试",
                ticket_no=f"T2026320100{i:05d}",
                name=f"考生{i}",
                id_number="3201**********1234",
                occupation="企业人力资源管理师",
                level="三级/高级工",
                site="南京市第一考点",
                address="南京市玄武区北京东路1号",
                room=f"{i // ROOM_SEATS + 1:03d}",
                seat=i % ROOM_SEATS + 1,
                sessions=sessions,
            ),
            check_in_url=f"https://example.cn/c/T2026320100{i:05d}",
            photo=_photo(i),
        )
        for i in range(count)
    ]
    return [tickets[i : i + ROOM_SEATS] for i in range(0, count, ROOM_SEATS)]


def time_tickets(batches: list[list[Ticket]]) -> float:
    started = time.perf_counter()
    pages = 0
    for room, pdf in zip(batches, render_many(render_tickets_pdf, batches), strict=True):
        assert pdf.startswith(b"%PDF")
        pages += len(room)
    return time.perf_counter() - started


# --- the floor: typst alone ----------------------------------------------------------------


def _raw_inputs(room: list[Ticket]) -> tuple[str, dict[str, bytes]]:
    """The template's JSON input exactly as render_tickets_pdf builds it."""
    pages, files = [], {}
    for ticket in room:
        name = content_name(ticket.photo) if ticket.photo else ""
        if ticket.photo:
            files[name] = ticket.photo
        page = asdict(ticket.fields)
        page |= {"seat": str(ticket.fields.seat), "photo": name, "qr": qr_svg(ticket.check_in_url)}
        pages.append(page)
    return json.dumps(pages, ensure_ascii=False), files


def _raw_compile(batch: list[tuple[str, dict[str, bytes]]]) -> int:
    import typst

    root = Path(tempfile.mkdtemp(prefix="bench-typst-"))
    main = root / TICKET.template.name
    main.write_text(TICKET.template.read_text(encoding="utf-8"), encoding="utf-8")
    compiler = typst.Compiler(
        str(main), root=str(root), font_paths=font_dirs(), ignore_system_fonts=True
    )
    for _, files in batch:
        for name, content in files.items():
            (root / name).write_bytes(content)
    data_file = root / DATA_FILE  # the template reads its data here, as the product feeds it
    data_file.write_text(batch[0][0], encoding="utf-8")
    compiler.compile(format="pdf")  # fonts parsed: untimed
    started = time.perf_counter()
    for data, _ in batch:
        data_file.write_text(data, encoding="utf-8")
        pdf = compiler.compile(format="pdf")
        assert isinstance(pdf, bytes) and pdf.startswith(b"%PDF")
    return round((time.perf_counter() - started) * 1e6)


def time_floor(batches: list[list[Ticket]]) -> float:
    """Tickets/s of bare typst compiles on every core (the slowest process's clock counts)."""
    inputs = [_raw_inputs(room) for room in batches]
    workers = pool_size()
    shares = [inputs[w::workers] for w in range(workers)]
    context = multiprocessing.get_context("forkserver")
    with ProcessPoolExecutor(workers, mp_context=context) as pool:
        micros = list(pool.map(_raw_compile, shares))
    return sum(len(room) for room in batches) / (max(micros) / 1e6)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--tickets", type=int, default=TICKETS)
    count = parser.parse_args().tickets
    batches = rooms(count)
    started = time.perf_counter()
    render_pool()
    warm = rooms(ROOM_SEATS * 2 * pool_size() * 4)
    assert sum(1 for _ in render_many(render_tickets_pdf, warm)) == len(warm)
    print(f"render pool: {pool_size()} workers started and warmed ({len(warm)} rooms) in "
          f"{time.perf_counter() - started:.1f} s (not timed)")  # fmt: skip
    seconds = time_tickets(batches)
    rate = count / seconds
    print(f"{count:,} tickets in {len(batches)} room PDFs: {seconds:.1f} s, {rate:.0f} tickets/s "
          f"(target {TARGET_SECONDS:.0f} s)")  # fmt: skip
    sample = batches[: min(len(batches), 80)]
    floor = time_floor(sample)
    print(f"floor: raw typst compile of the ticket template ({len(sample)} rooms), "
          f"{pool_size()} processes: {floor:.0f} tickets/s")  # fmt: skip
    # A smaller --tickets run is held to the same pace: 10,865 tickets in 30 s.
    ok = rate >= TICKETS / TARGET_SECONDS
    verdict = "OK" if ok else "MISSED"
    print(
        f"tickets: {count:,} in {seconds:.1f} s, {rate:.0f} tickets/s / floor {floor:.0f} "
        f"tickets/s = {rate / floor:.2f} {verdict}"
    )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
