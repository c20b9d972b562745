import pytest

from skillcert.applications.models import Application, Status
from skillcert.audit.models import AuditEvent
from skillcert.common.errors import DomainError
from skillcert.exams.models import AdmissionTicket, Seat, SeatDraw
from skillcert.exams.selectors import tickets_for_plan
from skillcert.exams.services import room_add, seats_assign, ticket_number


def _chart(slot):
    return list(
        Seat.objects.filter(slot=slot)
        .order_by("application_id")
        .values_list("application_id", "room_id", "seat_no", "row", "col")
    )


def test_seats_every_approved_candidate_of_the_district_once(sitting_setup, personas):
    slot = sitting_setup.theory["320100"]
    draw = seats_assign(slot=slot, seed=7, actor=personas.province)
    seats = Seat.objects.filter(slot=slot)
    assert draw.seed == 7 and draw.seated == 40 and draw.rooms_used == 2
    assert sorted(seats.values_list("application_id", flat=True)) == sorted(
        a.pk for a in sitting_setup.apps_a
    )
    # Only the district's paper rooms are used, never the practical room.
    assert set(seats.values_list("room__kind", flat=True)) == {"paper"}
    assert set(seats.values_list("room__site__district", flat=True)) == {sitting_setup.nanjing.pk}
    assert AuditEvent.objects.filter(action="exams.seats_assign").count() == 1


def test_same_seed_gives_the_same_chart_and_another_seed_another(sitting_setup, personas):
    slot = sitting_setup.theory["320100"]
    seats_assign(slot=slot, seed=7, actor=personas.province)
    first = _chart(slot)
    seats_assign(slot=slot, seed=7, actor=personas.province)
    assert _chart(slot) == first
    seats_assign(slot=slot, seed=8, actor=personas.province)
    assert _chart(slot) != first
    assert list(SeatDraw.objects.filter(slot=slot).values_list("seed", flat=True)) == [8, 7, 7]


def test_tickets_are_issued_once_with_stable_numbers(sitting_setup, personas):
    slot = sitting_setup.theory["320100"]
    seats_assign(slot=slot, seed=1, actor=personas.province)
    numbers = dict(AdmissionTicket.objects.values_list("application_id", "ticket_no"))
    seats_assign(slot=slot, seed=2, actor=personas.province)
    assert dict(AdmissionTicket.objects.values_list("application_id", "ticket_no")) == numbers
    assert len(numbers) == 40
    assert sorted(numbers.values())[0] == "2632010100001"
    mapping = tickets_for_plan(sitting_setup.plan_a)
    assert {a.pk for a in mapping.values()} == {a.pk for a in sitting_setup.apps_a}
    assert tickets_for_plan(sitting_setup.plan_b) == {}


def test_ticket_number_format():
    assert (
        ticket_number(year=2026, city_code="320500", sitting_serial=3, serial=17) == "2632050300017"
    )
    with pytest.raises(DomainError) as exc:
        ticket_number(year=2026, city_code="320500", sitting_serial=3, serial=100_000)
    assert exc.value.code == "exams.ticket_serial"


def test_unapproved_applications_are_not_seated(sitting_setup, personas):
    sitting_setup.apps_a[0].status = Status.PROVINCE_REVIEW
    sitting_setup.apps_a[0].save(update_fields=["status"])
    draw = seats_assign(slot=sitting_setup.theory["320100"], seed=3, actor=personas.province)
    assert draw.seated == 39


def test_short_district_is_named_and_nothing_changes(sitting_setup, personas):
    slot = sitting_setup.theory["320500"]
    # Suzhou has 30 paper seats and 10 candidates: shrink it below.
    room = sitting_setup.rooms["sz1"]
    type(room).objects.filter(pk=room.pk).update(rows=1, cols=4)
    with pytest.raises(DomainError) as exc:
        seats_assign(slot=slot, seed=1, actor=personas.province)
    assert exc.value.code == "seating.short" and "缺 6 个座位" in exc.value.message
    assert not Seat.objects.exists() and not SeatDraw.objects.exists()
    assert not AdmissionTicket.objects.exists()


def test_city_officer_seats_only_their_district(sitting_setup, personas):
    with pytest.raises(DomainError) as exc:
        seats_assign(slot=sitting_setup.theory["320500"], seed=1, actor=personas.city_nanjing)
    assert exc.value.code == "exams.forbidden"
    assert not Seat.objects.exists()
    draw = seats_assign(slot=sitting_setup.theory["320100"], seed=1, actor=personas.city_nanjing)
    assert draw.seated == 40


def test_negative_seed_is_refused(sitting_setup, personas):
    with pytest.raises(DomainError) as exc:
        seats_assign(slot=sitting_setup.theory["320100"], seed=-1, actor=personas.province)
    assert exc.value.code == "exams.seed_range"
    assert not Seat.objects.exists()


@pytest.mark.parametrize(
    ("code", "kind", "rows", "cols", "error"),
    [
        ("X", "paper", 0, 5, "exams.room_size"),
        ("X", "paper", 5, 0, "exams.room_size"),
        ("X", "paper", -1, 3, "exams.room_size"),
        ("001", "paper", 5, 6, "exams.room_exists"),  # the site has a room 001
        ("Y", "lab", 5, 6, "exams.room_kind"),
    ],
)
def test_bad_rooms_are_refused(sitting_setup, personas, code, kind, rows, cols, error):
    before = sitting_setup.sites["nj"].rooms.count()
    with pytest.raises(DomainError) as exc:
        room_add(
            site=sitting_setup.sites["nj"],
            code=code,
            kind=kind,
            rows=rows,
            cols=cols,
            actor=personas.province,
        )
    assert exc.value.code == error
    assert sitting_setup.sites["nj"].rooms.count() == before


def test_candidates_needing_accommodation_are_seated_in_the_accessible_room(
    sitting_setup, personas
):
    accessible = room_add(
        site=sitting_setup.sites["nj"],
        code="009",
        kind="paper",
        rows=2,
        cols=3,
        accessible=True,
        location="一楼",
        actor=personas.province,
    )
    needing = [a.pk for a in sitting_setup.apps_a[5:9]]
    Application.objects.filter(pk__in=needing).update(
        needs_accommodation=True, accommodation_note="轮椅通行"
    )
    slot = sitting_setup.theory["320100"]
    for seed in (3, 4, 5):
        seats_assign(slot=slot, seed=seed, actor=personas.province)
        rooms = dict(
            Seat.objects.filter(slot=slot, application_id__in=needing).values_list(
                "application_id", "room_id"
            )
        )
        assert rooms == dict.fromkeys(needing, accessible.pk)


def test_seating_a_district_takes_a_fixed_number_of_queries(
    sitting_setup, personas, django_assert_max_num_queries
):
    """Loading, seating and ticketing are set-based: 40 candidates or 4,000, the same queries
    (none per candidate)."""
    slot = sitting_setup.theory["320100"]
    with django_assert_max_num_queries(24):  # 19 today; one per candidate would be 59+
        draw = seats_assign(slot=slot, seed=7, actor=personas.province)
    assert draw.seated == 40 and AdmissionTicket.objects.count() == 40
