from collections import Counter

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from skillcert.common.errors import DomainError
from skillcert.exams.seating import Candidate, Room, SeatShortage, serpentine, solve_seating


def _room(room_id, district="南京", rows=5, cols=6, site="S1", accessible=False):
    return Room(room_id, district, site, rows, cols, accessible)


def test_seats_are_numbered_from_the_door_in_a_serpentine():
    rows, cols = serpentine(3, 4)
    assert list(zip(rows.tolist(), cols.tolist(), strict=True))[:6] == [
        (0, 0),
        (0, 1),
        (0, 2),
        (0, 3),
        (1, 3),
        (1, 2),
    ]


def test_every_candidate_gets_one_seat_in_their_district_within_capacity():
    candidates = [
        Candidate(f"c{i}", "南京" if i % 3 else "苏州", f"org{i % 7}") for i in range(100)
    ]
    rooms = [_room("nj1"), _room("nj2"), _room("nj3"), _room("sz1", "苏州"), _room("sz2", "苏州")]
    result = solve_seating(candidates, rooms, seed=7)
    assert sorted(s.candidate_id for s in result.seats) == sorted(
        c.candidate_id for c in candidates
    )
    room_district = {r.room_id: r.district for r in rooms}
    district = {c.candidate_id: c.district for c in candidates}
    assert all(room_district[s.room_id] == district[s.candidate_id] for s in result.seats)
    per_room = Counter(s.room_id for s in result.seats)
    assert all(count <= 30 for count in per_room.values())
    assert len({(s.room_id, s.seat_no) for s in result.seats}) == 100


def test_same_seed_gives_the_same_chart_and_another_seed_another():
    candidates = [Candidate(f"c{i}", "南京", f"org{i % 5}") for i in range(60)]
    rooms = [_room("a"), _room("b")]
    first = solve_seating(candidates, rooms, seed=7).seats
    assert solve_seating(list(reversed(candidates)), rooms, seed=7).seats == first
    assert solve_seating(candidates, rooms, seed=8).seats != first


def test_a_change_in_one_district_does_not_reshuffle_another():
    nanjing = [Candidate(f"n{i}", "南京", "o") for i in range(20)]
    suzhou = [Candidate(f"s{i}", "苏州", "o") for i in range(20)]
    rooms = [_room("nj"), _room("sz", "苏州")]
    before = {s for s in solve_seating(nanjing + suzhou, rooms, seed=3).seats if s.room_id == "nj"}
    extra = [Candidate("s99", "苏州", "o")]
    after = {
        s for s in solve_seating(nanjing + suzhou + extra, rooms, seed=3).seats if s.room_id == "nj"
    }
    assert before == after


def test_two_organisations_in_equal_numbers_never_touch():
    candidates = [Candidate(f"c{i}", "南京", "甲" if i % 2 else "乙") for i in range(30)]
    result = solve_seating(candidates, [_room("r")], seed=1)
    assert result.adjacent_same_org == 0
    org = {c.candidate_id: c.org for c in candidates}
    grid = {(s.row, s.col): org[s.candidate_id] for s in result.seats}
    for (r, c), value in grid.items():
        assert grid.get((r + 1, c)) != value
        assert grid.get((r, c + 1)) != value


def test_balanced_forms_alternate_between_neighbours():
    candidates = [Candidate(f"c{i}", "南京", f"o{i}", "AB"[i % 2]) for i in range(30)]
    assert solve_seating(candidates, [_room("r")], seed=2).adjacent_same_form == 0


def test_one_dominant_organisation_is_reported_not_hidden():
    candidates = [Candidate(f"c{i}", "南京", "甲" if i < 25 else "乙") for i in range(30)]
    result = solve_seating(candidates, [_room("r")], seed=2)
    assert result.adjacent_same_org > 0  # 25 of 30 cannot all be kept apart


def test_candidates_needing_accommodation_sit_in_accessible_rooms():
    candidates = [Candidate(f"c{i}", "南京", "o", needs_accommodation=i < 3) for i in range(40)]
    rooms = [_room("upstairs"), _room("ground", accessible=True, site="S2")]
    result = solve_seating(candidates, rooms, seed=5)
    room_of = {s.candidate_id: s.room_id for s in result.seats}
    assert {room_of["c0"], room_of["c1"], room_of["c2"]} == {"ground"}


def test_short_district_is_named_with_the_shortfall():
    candidates = [Candidate(f"c{i}", "南京", "o") for i in range(35)] + [
        Candidate("x", "苏州", "o")
    ]
    with pytest.raises(SeatShortage) as err:
        solve_seating(candidates, [_room("r")], seed=1)
    assert err.value.short_by == {"南京": 5, "苏州": 1}
    assert err.value.code == "seating.short"


@pytest.mark.parametrize(
    ("candidates", "rooms", "code"),
    [
        (
            [Candidate("a", "南京", "o"), Candidate("a", "南京", "o")],
            [_room("r")],
            "seating.duplicate_candidate",
        ),
        ([], [_room("r"), _room("r")], "seating.duplicate_room"),
        ([], [_room("r", rows=0)], "seating.room_size"),
    ],
)
def test_bad_input_is_rejected(candidates, rooms, code):
    with pytest.raises(DomainError) as err:
        solve_seating(candidates, rooms, seed=1)
    assert err.value.code == code


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.sampled_from(["A", "B", "C"]), st.integers(0, 4), st.sampled_from(["", "X", "Y"])
        ),
        max_size=80,
    ),
    st.lists(
        st.tuples(st.sampled_from(["A", "B", "C"]), st.integers(1, 6), st.integers(1, 6)),
        min_size=1,
        max_size=8,
    ),
    st.integers(0, 2**31),
)
def test_any_feasible_instance_is_seated_completely_and_validly(cands, room_specs, seed):
    candidates = [Candidate(f"c{i}", d, f"o{o}", f) for i, (d, o, f) in enumerate(cands)]
    rooms = [Room(f"r{i}", d, "S", r, c) for i, (d, r, c) in enumerate(room_specs)]
    capacity: Counter[str] = Counter()
    for room in rooms:
        capacity[room.district] += room.capacity
    demand = Counter(c.district for c in candidates)
    if any(demand[d] > capacity[d] for d in demand):
        with pytest.raises(SeatShortage) as exc:
            solve_seating(candidates, rooms, seed=seed)
        assert exc.value.code == "seating.short"
        return
    result = solve_seating(candidates, rooms, seed=seed)
    assert len(result.seats) == len(candidates)
    by_room = {r.room_id: r for r in rooms}
    for seat in result.seats:
        room = by_room[seat.room_id]
        assert 1 <= seat.row <= room.rows
        assert 1 <= seat.col <= room.cols
        assert 1 <= seat.seat_no <= room.capacity
    assert len({(s.room_id, s.seat_no) for s in result.seats}) == len(candidates)
    assert len({(s.room_id, s.row, s.col) for s in result.seats}) == len(candidates)
