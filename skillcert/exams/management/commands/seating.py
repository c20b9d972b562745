"""`manage.py seating solve --candidates cand.csv --rooms rooms.csv --seed 7 --out seats.csv`

Exit 0 and a one-line JSON summary on success; exit 3 with JSON naming each short district
when seats run out; exit 2 with JSON {code, message, field} on bad input."""

from __future__ import annotations

import csv
import json
import sys
from pathlib import Path
from typing import Any, NoReturn

from django.core.management.base import BaseCommand, CommandParser

from skillcert.common.errors import DomainError
from skillcert.common.exports import formula_safe
from skillcert.common.untrusted_files import csv_rows, text_decode
from skillcert.exams.seating import Candidate, Room, SeatShortage, solve_seating

CANDIDATE_COLUMNS = ["candidate_id", "district", "org", "form"]
ROOM_COLUMNS = ["room_id", "district", "site", "rows", "cols"]
OUTPUT_COLUMNS = ["candidate_id", "room_id", "seat_no", "row", "col"]


def _read(path: str, columns: list[str], what: str) -> list[dict[str, str]]:
    try:
        data = Path(path).read_bytes()
    except FileNotFoundError:
        raise DomainError("seating.file_missing", f"找不到{what}文件 {path}", field=what) from None
    except OSError as exc:
        raise DomainError(
            "seating.file_unreadable", f"无法读取{what}文件 {path}：{exc.strerror}", field=what
        ) from None
    lines = (
        row for row in csv_rows(text_decode(data, what=f"{what}文件"), what=f"{what}文件") if row
    )
    header = [h.strip() for h in next(lines, [])]
    if header != columns:
        shown = ",".join(header)[:200] or "(空)"
        raise DomainError(
            "seating.columns",
            f"{what}文件的列应为 {','.join(columns)}，实际为 {shown}",
            field=what,
        )
    rows = []
    for line_no, row in enumerate(lines, start=2):
        if len(row) != len(columns):
            raise DomainError("seating.row_shape", f"{what}文件第{line_no}行的列数不对", field=what)
        rows.append({key: value.strip() for key, value in zip(columns, row, strict=True)})
    return rows


def _positive_int(value: str, *, line: int, column: str) -> int:
    try:
        number = int(value)
    except ValueError:
        number = 0
    if number <= 0:
        raise DomainError(
            "seating.room_size", f"考场文件第{line}行的 {column}={value!r} 应为正整数", field=column
        )
    return number


class Command(BaseCommand):
    help = "排座：按考区把考生安排到考场座位（可复现的随机种子）"

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="subcommand", required=True)
        solve = sub.add_parser("solve")
        solve.add_argument("--candidates", required=True)
        solve.add_argument("--rooms", required=True)
        solve.add_argument("--seed", type=int, required=True)
        solve.add_argument("--out", required=True)

    def _fail(self, payload: dict[str, Any], code: int) -> NoReturn:
        self.stdout.write(json.dumps(payload, ensure_ascii=False))
        sys.exit(code)

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            cand_rows = _read(options["candidates"], CANDIDATE_COLUMNS, "考生")
            room_rows = _read(options["rooms"], ROOM_COLUMNS, "考场")
            candidates = [
                Candidate(r["candidate_id"], r["district"], r["org"], r["form"]) for r in cand_rows
            ]
            rooms = [
                Room(
                    r["room_id"],
                    r["district"],
                    r["site"],
                    _positive_int(r["rows"], line=i, column="rows"),
                    _positive_int(r["cols"], line=i, column="cols"),
                )
                for i, r in enumerate(room_rows, start=2)
            ]
            for i, cand in enumerate(candidates, start=2):
                if not cand.candidate_id or not cand.district:
                    raise DomainError(
                        "seating.required",
                        f"考生文件第{i}行缺少 candidate_id 或 district",
                        field="candidate_id",
                    )
            result = solve_seating(candidates, rooms, seed=options["seed"])
        except SeatShortage as exc:
            self._fail(
                {
                    "code": exc.code,
                    "message": exc.message,
                    "short_districts": [
                        {"district": d, "short_by": n} for d, n in sorted(exc.short_by.items())
                    ],
                },
                3,
            )
        except DomainError as exc:
            self._fail(exc.as_dict(), 2)
        with Path(options["out"]).open("w", encoding="utf-8", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow(OUTPUT_COLUMNS)
            writer.writerows(
                # ids come from the input files: inert if a spreadsheet opens the output
                (formula_safe(s.candidate_id), formula_safe(s.room_id), s.seat_no, s.row, s.col)
                for s in result.seats
            )
        self.stdout.write(
            json.dumps(
                {
                    "seated": len(result.seats),
                    "rooms_used": result.rooms_used,
                    "adjacent_same_org": result.adjacent_same_org,
                }
            )
        )
