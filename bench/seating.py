"""Seating at seed 000's scale and at a million candidates (issue 8, bench/seating.py).

Targets: 10,865 candidates in 13 districts and 362 rooms seated in <= 1 s; 1,000,000
candidates in 33,400 rooms in <= 30 s. The admission-ticket PDF figure joins this script when
tickets exist. Prints the figures on the last line; exits 1 when a target is missed."""

from __future__ import annotations

import os
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "skillcert.config.settings")

from skillcert.exams.seating import Candidate, Room, solve_seating


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
    ok = jiangsu <= 1.0 and million <= 30.0
    verdict = "OK" if ok else "MISSED"
    rate = 1_000_000 / million
    print(f"seating: jiangsu {jiangsu:.2f} s, million {million:.1f} s, {rate:,.0f}/s {verdict}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
