"""Seat assignment (pure: dataclasses and NumPy, no ORM).

Rules, in the order they bind:
1. A candidate sits in a room of their own district; a room holds rows × cols candidates.
2. Candidates with accommodation needs go to rooms marked accessible (in their district) first.
3. Rooms are filled in (site, room) order, so a sitting uses as few rooms as it can.
4. Seats are numbered from the door (front-left) in a serpentine: row 1 left to right, row 2
   right to left, and so on.
5. Neighbours (left, right, front, back) should not share an organisation or a paper form,
   wherever the numbers allow. Seats are two-coloured like a chessboard (no two cells of one
   colour touch): the most common form goes on one colour, and within a colour candidates are
   grouped by organisation, so at most one organisation straddles the two colours; a repair
   pass then swaps within a colour to break the remaining same-organisation contacts.
6. Randomness comes from the recorded seed only (a public draw): each district's generator is
   derived from (seed, district), so the chart is reproducible and one district's change does
   not reshuffle another's.
"""

from __future__ import annotations

import zlib
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache

import numpy as np

from skillcert.common.errors import DomainError

MAX_ROOM_SIDE = 200  # rows or columns of seats in one room


@dataclass(frozen=True)
class Room:
    room_id: str
    district: str
    site: str
    rows: int
    cols: int
    accessible: bool = False

    @property
    def capacity(self) -> int:
        return self.rows * self.cols


@dataclass(frozen=True)
class Candidate:
    candidate_id: str
    district: str
    org: str
    form: str = ""
    needs_accommodation: bool = False


@dataclass(frozen=True)
class Seat:
    candidate_id: str
    room_id: str
    seat_no: int
    row: int  # 1-based, row 1 nearest the door
    col: int  # 1-based, col 1 on the door side


@dataclass
class SeatingResult:
    seats: list[Seat]
    rooms_used: int
    adjacent_same_org: int
    adjacent_same_form: int


class SeatShortage(DomainError):
    """Some districts have fewer seats than candidates; `short_by` says by how many."""

    def __init__(self, short_by: dict[str, int]) -> None:
        detail = "；".join(f"{d} 缺 {n} 个座位" for d, n in sorted(short_by.items()))
        super().__init__("seating.short", f"考区座位不足：{detail}")
        self.short_by = short_by


@cache
def serpentine(rows: int, cols: int) -> tuple[np.ndarray, np.ndarray]:
    """(row, col) arrays, 0-based, in seat-number order."""
    r = np.repeat(np.arange(rows), cols)
    c = np.tile(np.arange(cols), rows)
    odd = (r % 2) == 1
    c[odd] = cols - 1 - c[odd]
    r.setflags(write=False)
    c.setflags(write=False)
    return r, c


def _validate(candidates: Sequence[Candidate], rooms: Sequence[Room]) -> None:
    seen: set[str] = set()
    for cand in candidates:
        if cand.candidate_id in seen:
            raise DomainError(
                "seating.duplicate_candidate",
                f"考生编号 {cand.candidate_id} 重复",
                field="candidate_id",
            )
        seen.add(cand.candidate_id)
    seen_rooms: set[str] = set()
    for room in rooms:
        if room.room_id in seen_rooms:
            raise DomainError(
                "seating.duplicate_room", f"考场编号 {room.room_id} 重复", field="room_id"
            )
        seen_rooms.add(room.room_id)
        if room.rows <= 0 or room.cols <= 0:
            raise DomainError(
                "seating.room_size", f"考场 {room.room_id} 的行数和列数必须为正整数", field="rows"
            )
        if room.rows > MAX_ROOM_SIDE or room.cols > MAX_ROOM_SIDE:
            # The seat grid is allocated whole: 30000 x 30000 would be gigabytes.
            raise DomainError(
                "seating.room_size",
                f"考场 {room.room_id[:40]} 的行数和列数不能超过 {MAX_ROOM_SIDE}",
                field="rows",
            )


def _district_rng(seed: int, district: str) -> np.random.Generator:
    return np.random.default_rng([seed, zlib.crc32(district.encode("utf-8"))])


def _neighbour_conflicts(grid: np.ndarray) -> int:
    """Pairs of touching occupied cells with equal codes (grid: -1 = empty)."""
    horizontal = (grid[:, 1:] == grid[:, :-1]) & (grid[:, 1:] >= 0)
    vertical = (grid[1:, :] == grid[:-1, :]) & (grid[1:, :] >= 0)
    return int(horizontal.sum() + vertical.sum())


def _cell_conflicts(grid: list[list[int]], r: int, c: int) -> int:
    value = grid[r][c]
    if value < 0:
        return 0
    rows, cols = len(grid), len(grid[0])
    total = 0
    if r > 0 and grid[r - 1][c] == value:
        total += 1
    if r + 1 < rows and grid[r + 1][c] == value:
        total += 1
    if c > 0 and grid[r][c - 1] == value:
        total += 1
    if c + 1 < cols and grid[r][c + 1] == value:
        total += 1
    return total


def _repair(
    grid: list[list[int]], order: list[int], rr: list[int], cc: list[int], colour: list[int]
) -> None:
    """Swap same-colour cells (keeping the form pattern) to remove same-organisation contacts.
    Greedy: fix the first conflicting cell with the best swap; stop when no swap helps."""
    n = len(order)
    for _ in range(2 * n):
        bad = [i for i in range(n) if _cell_conflicts(grid, rr[i], cc[i])]
        if not bad:
            return
        i = bad[0]
        ri, ci = rr[i], cc[i]
        before_i = _cell_conflicts(grid, ri, ci)
        best_gain, best_j = 0, -1
        for j in range(n):
            rj, cj = rr[j], cc[j]
            if colour[j] != colour[i] or grid[rj][cj] == grid[ri][ci]:
                continue
            before = before_i + _cell_conflicts(grid, rj, cj)
            grid[ri][ci], grid[rj][cj] = grid[rj][cj], grid[ri][ci]
            after = _cell_conflicts(grid, ri, ci) + _cell_conflicts(grid, rj, cj)
            grid[ri][ci], grid[rj][cj] = grid[rj][cj], grid[ri][ci]
            if before - after > best_gain:
                best_gain, best_j = before - after, j
        if best_j < 0:
            return
        j = best_j
        grid[ri][ci], grid[rr[j]][cc[j]] = grid[rr[j]][cc[j]], grid[ri][ci]
        order[i], order[j] = order[j], order[i]


def _seat_room(
    room: Room, members: list[Candidate], rng: np.random.Generator, org_codes: dict[str, int]
) -> tuple[list[Seat], int, int]:
    n = len(members)
    rr_all, cc_all = serpentine(room.rows, room.cols)
    rr, cc = rr_all[:n], cc_all[:n]
    colour = (rr + cc) % 2
    cells = np.concatenate([np.flatnonzero(colour == 0), np.flatnonzero(colour == 1)])
    forms = Counter(m.form for m in members if m.form)
    form_rank = {form: rank for rank, (form, _) in enumerate(forms.most_common())}
    org_count = Counter(m.org for m in members)
    noise = rng.random(n)
    ranked = sorted(
        range(n),
        key=lambda k: (
            form_rank.get(members[k].form, len(form_rank)),
            -org_count[members[k].org],
            members[k].org,
            noise[k],
        ),
    )
    placed = np.empty(n, dtype=np.int64)  # placed[i] = member sitting in the i-th seat
    placed[cells] = ranked
    order: list[int] = placed.tolist()
    grid = np.full((room.rows, room.cols), -1, dtype=np.int64)
    grid[rr, cc] = [org_codes[members[k].org] for k in order]
    conflicts = _neighbour_conflicts(grid)
    if conflicts:
        cells_grid: list[list[int]] = grid.tolist()
        _repair(cells_grid, order, rr.tolist(), cc.tolist(), colour.tolist())
        grid = np.array(cells_grid, dtype=np.int64)
        conflicts = _neighbour_conflicts(grid)
    same_form = 0
    if form_rank:
        form_grid = np.full((room.rows, room.cols), -1, dtype=np.int64)
        form_grid[rr, cc] = [form_rank.get(members[k].form, -2 - k) for k in order]
        same_form = _neighbour_conflicts(form_grid)
    rows_1 = (rr + 1).tolist()
    cols_1 = (cc + 1).tolist()
    room_id = room.room_id
    seats = [
        Seat(members[k].candidate_id, room_id, i + 1, rows_1[i], cols_1[i])
        for i, k in enumerate(order)
    ]
    return seats, conflicts, same_form


def solve_seating(
    candidates: Sequence[Candidate], rooms: Sequence[Room], *, seed: int
) -> SeatingResult:
    _validate(candidates, rooms)
    by_district: dict[str, list[Candidate]] = defaultdict(list)
    for cand in candidates:
        by_district[cand.district].append(cand)
    rooms_by_district: dict[str, list[Room]] = defaultdict(list)
    for room in sorted(rooms, key=lambda r: (r.district, r.site, r.room_id)):
        rooms_by_district[room.district].append(room)
    short = {
        district: len(members) - sum(r.capacity for r in rooms_by_district.get(district, []))
        for district, members in by_district.items()
        if len(members) > sum(r.capacity for r in rooms_by_district.get(district, []))
    }
    if short:
        raise SeatShortage(short)
    org_codes = {org: i for i, org in enumerate(sorted({c.org for c in candidates}))}
    seats: list[Seat] = []
    rooms_used = same_org = same_form = 0
    for district in sorted(by_district):
        rng = _district_rng(seed, district)
        # Sorted first, so the chart depends on the seed and the set of candidates, not on
        # the order of the input file.
        members = sorted(by_district[district], key=lambda c: c.candidate_id)
        shuffled = [members[i] for i in rng.permutation(len(members))]
        # Candidates needing accommodation first, into the accessible rooms first.
        shuffled.sort(key=lambda c: not c.needs_accommodation)
        district_rooms = sorted(rooms_by_district[district], key=lambda r: not r.accessible)
        start = 0
        for room in district_rooms:
            if start >= len(shuffled):
                break
            chunk = shuffled[start : start + room.capacity]
            start += len(chunk)
            room_seats, org_conflicts, form_conflicts = _seat_room(room, chunk, rng, org_codes)
            seats.extend(room_seats)
            rooms_used += 1
            same_org += org_conflicts
            same_form += form_conflicts
    return SeatingResult(seats, rooms_used, same_org, same_form)
