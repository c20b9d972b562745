import datetime as dt

import pytest
from django.db.models import Count, Q
from django.utils import timezone

from skillcert.accounts.actors import SystemActor
from skillcert.applications.models import Application
from skillcert.certificates.models import Certificate
from skillcert.certificates.services import certificate_reissue, certificate_revoke
from skillcert.common.errors import DomainError
from skillcert.reporting import facts
from skillcert.reporting.models import COUNTER_COLUMNS, KEY_COLUMNS, Figures, RefreshRun
from skillcert.reporting.services import figures_refresh
from skillcert.reporting.tests.conftest import local, summed
from skillcert.scoring.models import Result

TODAY = dt.date(2026, 11, 20)
DAY1, DAY2, DAY3 = TODAY - dt.timedelta(days=3), TODAY - dt.timedelta(days=2), TODAY


def _rows():
    return sorted(
        tuple(getattr(r, c) for c in (*KEY_COLUMNS, *COUNTER_COLUMNS))
        for r in Figures.objects.all()
    )


def _by_day(day):
    return summed(Figures.objects.filter(grain="D", day=day), *COUNTER_COLUMNS)


@pytest.fixture
def world(live, personas):
    """Day 1: three applications (approved, approved, rejected), two results published on
    day 2 (one passed) and its certificate issued on day 3; day 2: one under review."""
    first = live.application(DAY1, "approved", level=3)
    second = live.application(DAY1, "approved")
    live.application(DAY1, "rejected")
    live.application(DAY2, "city_review", hour=23)  # 23:00 in Shanghai is 15:00 UTC
    passed = live.result(first, DAY2, passed=True)
    live.result(second, DAY2, passed=False)
    live.certificate(passed, DAY3)
    # Everything above happened an hour ago, well before the first refresh's look-back.
    earlier = timezone.now() - dt.timedelta(hours=1)
    Application.objects.update(updated_at=earlier)
    Result.objects.update(updated_at=earlier)
    Certificate.objects.update(created_at=earlier)
    return live


def test_refresh_counts_what_the_live_tables_hold(world, personas):
    run = figures_refresh(actor=SystemActor("test"), today=TODAY)

    assert run.full and run.rows == Figures.objects.count()
    day1 = _by_day(DAY1)
    assert (day1["applications"], day1["approved"], day1["rejected"]) == (3, 2, 1)
    day2 = _by_day(DAY2)
    assert (day2["applications"], day2["city_review"], day2["sat"], day2["passed"]) == (1, 1, 2, 1)
    day3 = _by_day(DAY3)
    assert (day3["issued"], day3["valid"], day3["revoked"]) == (1, 1, 0)
    # the same totals counted straight from the live tables
    live_apps = Application.objects.exclude(status="draft").aggregate(
        n=Count("pk"), approved=Count("pk", filter=Q(status="approved"))
    )
    totals = summed(Figures.objects.filter(grain="D"), *COUNTER_COLUMNS)
    assert (totals["applications"], totals["approved"]) == (live_apps["n"], live_apps["approved"])
    assert totals["sat"] == Result.objects.count()
    assert totals["valid"] == Certificate.objects.filter(status="valid").count()
    row = Figures.objects.get(grain="D", day=DAY3)
    assert (row.region_code, row.org_kind, row.route, row.level) == ("320102", "S", "exam", 3)


def test_running_the_refresh_again_changes_nothing(world):
    figures_refresh(actor=SystemActor("test"), today=TODAY)
    before = _rows()
    figures_refresh(actor=SystemActor("test"), today=TODAY)
    figures_refresh(actor=SystemActor("test"), today=TODAY, full=True)
    assert _rows() == before
    assert RefreshRun.objects.count() == 3


def test_incremental_refresh_recomputes_only_the_days_that_changed(world, personas):
    figures_refresh(actor=SystemActor("test"), today=TODAY)
    untouched = set(Figures.objects.filter(grain="D", day=DAY2).values_list("pk", flat=True))
    changed = Application.objects.filter(status="rejected").get()
    Application.objects.filter(pk=changed.pk).update(status="approved", updated_at=timezone.now())
    world.application(DAY3, "org_review")

    run = figures_refresh(actor=SystemActor("test"), today=TODAY)

    assert not run.full and run.days == [DAY1.isoformat(), DAY3.isoformat()]
    assert _by_day(DAY1)["approved"] == 3 and _by_day(DAY1)["rejected"] == 0
    assert _by_day(DAY3)["org_review"] == 1
    assert (
        set(Figures.objects.filter(grain="D", day=DAY2).values_list("pk", flat=True)) == untouched
    )


def test_incremental_refresh_follows_revocations_and_reissues(world, personas):
    figures_refresh(actor=SystemActor("test"), today=TODAY)
    certificate = Certificate.objects.get()
    reissued = certificate_reissue(
        certificate=certificate, reason="遗失", actor=SystemActor("test")
    )
    certificate_revoke(
        certificate=reissued,
        reason="弄虚作假",
        document_no="苏人社〔2026〕1号",
        actor=SystemActor("test"),
    )
    figures_refresh(actor=SystemActor("test"), today=TODAY)
    totals = summed(Figures.objects.filter(grain="D"), "issued", "valid", "revoked")
    assert totals == {"issued": 1, "valid": 0, "revoked": 1}
    assert _rows() == _full_rebuild_rows()


def _full_rebuild_rows():
    figures_refresh(actor=SystemActor("test"), today=TODAY, full=True)
    return _rows()


def test_a_resubmitted_application_leaves_its_first_day(world):
    figures_refresh(actor=SystemActor("test"), today=TODAY)
    moved = Application.objects.get(status="city_review")
    Application.objects.filter(pk=moved.pk).update(
        status="org_review", submitted_at=local(DAY3), updated_at=timezone.now()
    )
    figures_refresh(actor=SystemActor("test"), today=TODAY)
    assert _by_day(DAY2)["applications"] == 0 and _by_day(DAY3)["applications"] == 1


def test_since_recomputes_every_day_from_that_date(world):
    figures_refresh(actor=SystemActor("test"), today=TODAY)
    run = figures_refresh(actor=SystemActor("test"), since=DAY1, today=TODAY)
    assert run.days == [(DAY1 + dt.timedelta(days=n)).isoformat() for n in range(4)]


def test_since_after_today_is_refused_and_nothing_is_written(world):
    with pytest.raises(DomainError) as exc:
        figures_refresh(actor=SystemActor("test"), since=TODAY + dt.timedelta(days=1), today=TODAY)
    assert exc.value.code == "reporting.since_future"
    assert not Figures.objects.exists() and not RefreshRun.objects.exists()


def test_day_ranges_fold_consecutive_days():
    days = [DAY3, DAY1, DAY1 + dt.timedelta(days=1), dt.date(2026, 1, 1)]
    assert facts.day_ranges(days) == [
        (dt.date(2026, 1, 1), dt.date(2026, 1, 1)),
        (DAY1, DAY1 + dt.timedelta(days=1)),
        (DAY3, DAY3),
    ]


def test_month_rows_are_the_sums_of_their_day_rows(world):
    figures_refresh(actor=SystemActor("test"), today=TODAY)
    world.application(dt.date(2026, 10, 31), "approved")
    figures_refresh(actor=SystemActor("test"), today=TODAY)
    for first in (dt.date(2026, 10, 1), dt.date(2026, 11, 1)):
        days = Figures.objects.filter(grain="D", day__year=first.year, day__month=first.month)
        month = Figures.objects.filter(grain="M", day=first)
        assert summed(month, *COUNTER_COLUMNS) == summed(days, *COUNTER_COLUMNS)
    assert summed(Figures.objects.filter(grain="M", day=dt.date(2026, 10, 1)), "approved") == {
        "approved": 1
    }
