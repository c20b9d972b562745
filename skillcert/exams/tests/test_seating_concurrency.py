import pytest
from django.db.models import Count

from skillcert.common.tests.concurrency import race
from skillcert.exams.models import AdmissionTicket, Seat, SeatDraw
from skillcert.exams.services import seats_assign
from skillcert.exams.tests.factories import build_sitting


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_parallel_draws_never_double_book_a_seat_or_a_candidate(personas, hr):
    setup = build_sitting(personas, hr)
    slots = list(setup.theory.values())
    # Six draws at once: three per district, different seeds.
    jobs = [(slot, seed) for slot in slots for seed in (1, 2, 3)]
    outcomes = race(
        *[
            lambda slot=slot, seed=seed: seats_assign(slot=slot, seed=seed, actor=personas.province)
            for slot, seed in jobs
        ]
    )
    assert outcomes == ["ok"] * len(jobs)
    assert SeatDraw.objects.count() == len(jobs)
    for slot in slots:
        seats = Seat.objects.filter(slot=slot)
        assert not seats.values("room", "seat_no").annotate(n=Count("id")).filter(n__gt=1).exists()
        assert not seats.values("application").annotate(n=Count("id")).filter(n__gt=1).exists()
        # The chart is exactly the last committed draw's.
        last = SeatDraw.objects.filter(slot=slot).latest("id")
        assert seats.count() == last.seated
    assert Seat.objects.count() == len(setup.apps_a) + len(setup.apps_b)
    tickets = AdmissionTicket.objects.all()
    assert tickets.count() == len(setup.apps_a) + len(setup.apps_b)
    assert tickets.values("ticket_no").distinct().count() == tickets.count()
