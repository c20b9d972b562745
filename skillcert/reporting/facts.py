"""What the summaries count, as aggregate queries over the live tables.

Each summary (`SUMMARIES`: `Figures`, `OrgActivity`, `PostFigures`) has sources, each one
GROUP BY over the summary's dimensions (aliases `k_*`) with its counters (aliases `c_*`), and
the scan that finds the days its rows may have changed on. `day_rows_sql` glues the sources
into a single `INSERT … SELECT … FROM (a UNION ALL b …) GROUP BY …`; `rollup_sql` sums day
rows into month rows, and month rows into year rows, the same way, so a refresh moves no
rows through Python and runs the same on PostgreSQL and SQLite."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.db import connection
from django.db.models import Case, CharField, Count, F, Model, Q, QuerySet, Sum, Value, When
from django.db.models.functions import Coalesce, TruncDate, TruncMonth, TruncYear
from django.utils import timezone

from skillcert.accounts.scope import Scope
from skillcert.applications.choices import Status
from skillcert.applications.selectors import applications_all, submission_events_of
from skillcert.certificates.choices import CertificateStatus, IssueKind
from skillcert.certificates.selectors import certificates_all
from skillcert.exams.selectors import staff_assignments_in_area
from skillcert.plans.choices import PlanKind, PlanMethod
from skillcert.plans.selectors import plans_in_area
from skillcert.reporting.models import (
    APPLICATION_STATUS_COLUMNS,
    COUNTER_COLUMNS,
    DIMENSIONS,
    Figures,
    Grain,
    OrgActivity,
    PostFigures,
)
from skillcert.scoring.choices import ResultStatus, Route
from skillcert.scoring.selectors import results_all

KEYS = ("k_day", "k_region", "k_occupation", "k_level", "k_route", "k_kind")
DayRanges = Sequence[tuple[dt.date, dt.date]] | None  # inclusive ranges; None = every day

# The route an application is assessed by, from its plan — the rule scoring uses when it
# opens the plan's result batch (`scoring.services.batches._route_for`).
APPLICATION_ROUTE = Case(
    When(plan__method=PlanMethod.COMPETITION, then=Value(Route.COMPETITION.value)),
    When(plan__kind=PlanKind.ENTERPRISE, then=Value(Route.SELF_EVALUATION.value)),
    default=Value(Route.EXAM.value),
    output_field=CharField(),
)


def day_ranges(days: Iterable[dt.date]) -> list[tuple[dt.date, dt.date]]:
    """Consecutive days folded into inclusive ranges, in order."""
    ranges: list[tuple[dt.date, dt.date]] = []
    for day in sorted(set(days)):
        if ranges and ranges[-1][1] + dt.timedelta(days=1) == day:
            ranges[-1] = (ranges[-1][0], day)
        else:
            ranges.append((day, day))
    return ranges


def _midnight(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def within(field: str, ranges: DayRanges, *, is_datetime: bool) -> Q:
    """Rows whose (local) day at `field` falls in one of the ranges; a datetime field is
    compared with local midnights so its index can be used."""
    if ranges is None:
        return Q()
    q = Q(pk__in=[])
    for first, last in ranges:
        if is_datetime:
            q |= Q(
                **{
                    f"{field}__gte": _midnight(first),
                    f"{field}__lt": _midnight(last + dt.timedelta(days=1)),
                }
            )
        else:
            q |= Q(**{f"{field}__range": (first, last)})
    return q


def application_facts(ranges: DayRanges) -> QuerySet[Any]:
    statuses = {f"c_{s}": Count("pk", filter=Q(status=s)) for s in APPLICATION_STATUS_COLUMNS}
    return (
        applications_all()
        .filter(within("submitted_at", ranges, is_datetime=True), submitted_at__isnull=False)
        .exclude(status=Status.DRAFT)
        .annotate(
            k_day=TruncDate("submitted_at"),
            k_region=F("plan__organization__region_id"),
            k_occupation=F("occupation_id"),
            k_level=F("level"),
            k_route=APPLICATION_ROUTE,
            k_kind=F("plan__organization__kind"),
        )
        .values(*KEYS)
        .annotate(c_applications=Count("pk"), **statuses)
        .order_by()
    )


def result_facts(ranges: DayRanges) -> QuerySet[Any]:
    return (
        results_all()
        .filter(
            within("published_at", ranges, is_datetime=True),
            status__in=[ResultStatus.PUBLISHED, ResultStatus.REGISTERED],
        )
        .annotate(
            k_day=TruncDate("published_at"),
            k_region=F("organization__region_id"),
            k_occupation=F("occupation_id"),
            k_level=F("level"),
            k_route=F("route"),
            k_kind=F("organization__kind"),
        )
        .values(*KEYS)
        .annotate(c_sat=Count("pk"), c_passed=Count("pk", filter=Q(passed=True)))
        .order_by()
    )


def _certificate_keys(day: Any) -> dict[str, Any]:
    return {
        "k_day": day,
        "k_region": F("organization__region_id"),
        "k_occupation": F("occupation_id"),
        "k_level": F("level"),
        "k_route": Coalesce(F("result__route"), Value(""), output_field=CharField()),
        "k_kind": F("organization__kind"),
    }


def issue_facts(ranges: DayRanges) -> QuerySet[Any]:
    return (
        certificates_all()
        .filter(within("issue_date", ranges, is_datetime=False))
        .annotate(**_certificate_keys(F("issue_date")))
        .values(*KEYS)
        .annotate(
            c_issued=Count("pk", filter=Q(kind=IssueKind.ISSUED)),
            c_valid=Count("pk", filter=Q(status=CertificateStatus.VALID)),
        )
        .order_by()
    )


def revocation_facts(ranges: DayRanges) -> QuerySet[Any]:
    return (
        certificates_all()
        .filter(within("revoked_at", ranges, is_datetime=True), status=CertificateStatus.REVOKED)
        .annotate(**_certificate_keys(TruncDate("revoked_at")))
        .values(*KEYS)
        .annotate(c_revoked=Count("pk"))
        .order_by()
    )


SOURCES = (application_facts, result_facts, issue_facts, revocation_facts)


# --- organisations' activity and exam-day posts ----------------------------------------------

# Every organisation and every site: the refresh counts all of them, the dashboard narrows.
EVERYWHERE = Scope(
    user_id=None,
    is_platform=True,
    roles=frozenset(),
    region_prefixes=frozenset(),
    organization_ids=frozenset(),
)
ACTIVITY_KEYS = ("k_day", "k_organization")
ACTIVITY_COUNTERS = ("plans", "applications", "registered_passed")
POST_KEYS = ("k_day", "k_city", "k_person", "k_duty")
POST_COUNTERS = ("posts",)


@dataclass(frozen=True)
class Activity:
    """A source of the organisations' activity: `rows()` counted as `c_<counter>` per (local)
    day at `day` and organisation at `organization`."""

    counter: str
    rows: Callable[[], QuerySet[Any]]
    day: str
    is_datetime: bool
    organization: str

    def __call__(self, ranges: DayRanges) -> QuerySet[Any]:
        day = TruncDate(self.day) if self.is_datetime else F(self.day)
        return (
            self.rows()
            .filter(within(self.day, ranges, is_datetime=self.is_datetime))
            .annotate(k_day=day, k_organization=F(self.organization))
            .values(*ACTIVITY_KEYS)
            .annotate(**{f"c_{self.counter}": Count("pk")})
            .order_by()
        )


def _registered_passed() -> QuerySet[Any]:
    return results_all().filter(passed=True, status=ResultStatus.REGISTERED)


ACTIVITY_SOURCES = (
    Activity(
        "plans", lambda: plans_in_area(scope=EVERYWHERE), "window_opens", False, "organization_id"
    ),
    Activity("applications", applications_all, "created_at", True, "plan__organization_id"),
    Activity("registered_passed", _registered_passed, "published_at", True, "organization_id"),
)


def exam_day_posts(ranges: DayRanges) -> QuerySet[Any]:
    return (
        staff_assignments_in_area(scope=EVERYWHERE)
        .filter(within("slot__starts_at", ranges, is_datetime=True))
        .annotate(
            k_day=TruncDate("slot__starts_at"),
            k_city=F("site__district__city__code"),
            k_person=F("person_id"),
            k_duty=F("duty"),
        )
        .values(*POST_KEYS)
        .annotate(c_posts=Count("pk"))
        .order_by()
    )


@dataclass(frozen=True)
class Summary:
    """One summary table: its model, its key columns (in the order of the `k_*` aliases),
    its counters and the aggregate queries whose rows it sums."""

    model: type[Model]
    keys: tuple[str, ...]  # the sources' aliases
    columns: tuple[str, ...]  # the model's attnames for `keys`, without the grain
    counters: tuple[str, ...]
    sources: tuple[Callable[[DayRanges], QuerySet[Any]], ...]
    # the days whose rows may differ because live rows changed at or after a moment
    changed: Callable[[dt.datetime], set[dt.date]]


def _insert_head(summary: Summary) -> str:
    qn = connection.ops.quote_name
    column_of = {f.attname: f.column for f in summary.model._meta.concrete_fields}
    target = ", ".join(qn(column_of[c]) for c in ("grain", *summary.columns, *summary.counters))
    return f"INSERT INTO {qn(summary.model._meta.db_table)} ({target})"


def day_rows_sql(ranges: DayRanges, summary: Summary) -> tuple[str, list[Any]]:
    """One INSERT that writes the day rows of the given days (the caller deletes the old rows
    of those days first, in the same transaction)."""
    qn = connection.ops.quote_name
    branches: list[str] = []
    params: list[Any] = [Grain.DAY.value]
    for index, source in enumerate(summary.sources):
        queryset = source(ranges)
        sql, branch_params = queryset.query.sql_with_params()
        present = set(queryset.query.annotation_select)
        columns = [f"s{index}.{qn(k)} AS {qn(k)}" for k in summary.keys]
        for counter in summary.counters:
            alias = qn(f"c_{counter}")
            value = f"s{index}.{alias}" if f"c_{counter}" in present else "0"
            columns.append(f"{value} AS {alias}")
        # Only quoted identifiers and the ORM's own SQL are interpolated; values are params.
        branches.append(f"SELECT {', '.join(columns)} FROM ({sql}) s{index}")  # noqa: S608
        params.extend(branch_params)
    keys = ", ".join(qn(k) for k in summary.keys)
    sums = ", ".join(f"SUM({qn('c_' + c)})" for c in summary.counters)
    union = " UNION ALL ".join(branches)
    head = _insert_head(summary)
    sql = f"{head} SELECT %s, {keys}, {sums} FROM ({union}) u GROUP BY {keys}"  # noqa: S608
    return sql, params


def rollup_sql(ranges: DayRanges, summary: Summary, grain: Grain) -> tuple[str, list[Any]]:
    """One INSERT that writes the month (or year) rows of the months (or years) covering
    `ranges` (whole ones) from their day (or month) rows."""
    qn = connection.ops.quote_name
    finer, trunc = (Grain.DAY, TruncMonth) if grain == Grain.MONTH else (Grain.MONTH, TruncYear)
    renamed: dict[str, Any] = {
        key: F(column) for key, column in zip(summary.keys, summary.columns, strict=True)
    }
    renamed["k_day"] = trunc("day")
    rows = (
        summary.model._default_manager.filter(within("day", ranges, is_datetime=False), grain=finer)
        .annotate(**renamed)
        .values(*summary.keys)
        .annotate(**{f"c_{c}": Sum(c) for c in summary.counters})
        .order_by()
    )
    sql, params = rows.query.sql_with_params()
    aliases = (*summary.keys, *(f"c_{c}" for c in summary.counters))
    columns = ", ".join(f"m.{qn(c)}" for c in aliases)
    insert = f"{_insert_head(summary)} SELECT %s, {columns} FROM ({sql}) m"  # noqa: S608
    return insert, [grain.value, *params]


def year_ranges(days: Iterable[dt.date]) -> list[tuple[dt.date, dt.date]]:
    """The whole years that contain `days`, as inclusive day ranges."""
    return [(dt.date(y, 1, 1), dt.date(y, 12, 31)) for y in sorted({d.year for d in days})]


def month_ranges(days: Iterable[dt.date]) -> list[tuple[dt.date, dt.date]]:
    """The whole months that contain `days`, as inclusive day ranges."""
    firsts = {d.replace(day=1) for d in days}
    return day_ranges(
        first + dt.timedelta(days=n)
        for first in firsts
        for n in range(((first + dt.timedelta(days=32)).replace(day=1) - first).days)
    )


def changed_days(since: dt.datetime) -> set[dt.date]:
    """The days whose figures may differ from the summary because rows changed at or after
    `since`: every counter's day, for the old and the new value of what moved."""
    days: set[dt.date] = set()
    changed_apps = applications_all().filter(updated_at__gte=since)
    days.update(
        changed_apps.filter(submitted_at__isnull=False)
        .annotate(d=TruncDate("submitted_at"))
        .values_list("d", flat=True)
        .distinct()
    )
    # A returned application resubmitted later moves to its new submission day; its earlier
    # submissions are the days it leaves.
    days.update(
        submission_events_of(applications=changed_apps)
        .annotate(d=TruncDate("created_at"))
        .values_list("d", flat=True)
        .distinct()
    )
    days.update(_result_days(since))
    days.update(
        certificates_all()
        .filter(created_at__gte=since)
        .values_list("issue_date", flat=True)
        .distinct()
    )
    days.update(
        certificates_all()
        .filter(superseded_by__created_at__gte=since)
        .values_list("issue_date", flat=True)
        .distinct()
    )
    revoked = certificates_all().filter(revoked_at__gte=since)
    days.update(revoked.values_list("issue_date", flat=True).distinct())
    days.update(revoked.annotate(d=TruncDate("revoked_at")).values_list("d", flat=True).distinct())
    return {d for d in days if d is not None}


def _result_days(since: dt.datetime) -> set[dt.date]:
    """The publication days of results changed, published or registered since."""
    return set(
        results_all()
        .filter(
            Q(updated_at__gte=since) | Q(published_at__gte=since) | Q(registered_at__gte=since),
            published_at__isnull=False,
        )
        .annotate(d=TruncDate("published_at"))
        .values_list("d", flat=True)
        .distinct()
    )


def activity_changed_days(since: dt.datetime) -> set[dt.date]:
    """The days of `OrgActivity` rows that may differ: the creation day of applications
    changed since (new ones included), the window of plans created since (a plan's window is
    set when it is created) and the publication day of results changed since."""
    days = _result_days(since)
    days.update(
        applications_all()
        .filter(updated_at__gte=since)
        .annotate(d=TruncDate("created_at"))
        .values_list("d", flat=True)
        .distinct()
    )
    days.update(
        plans_in_area(scope=EVERYWHERE)
        .filter(created_at__gte=since)
        .values_list("window_opens", flat=True)
        .distinct()
    )
    return days


def post_changed_days(since: dt.datetime) -> set[dt.date]:
    """The slot days of exam-day posts assigned since: re-staffing a slot deletes its posts
    and creates them again, so the day the old posts leave is the day the new ones are on."""
    return set(
        staff_assignments_in_area(scope=EVERYWHERE)
        .filter(created_at__gte=since)
        .annotate(d=TruncDate("slot__starts_at"))
        .values_list("d", flat=True)
        .distinct()
    )


SUMMARIES = (
    Summary(Figures, KEYS, DIMENSIONS, COUNTER_COLUMNS, SOURCES, changed_days),
    Summary(
        OrgActivity,
        ACTIVITY_KEYS,
        ("day", "organization_id"),
        ACTIVITY_COUNTERS,
        ACTIVITY_SOURCES,
        activity_changed_days,
    ),
    Summary(
        PostFigures,
        POST_KEYS,
        ("day", "city_code", "person_id", "duty"),
        POST_COUNTERS,
        (exam_day_posts,),
        post_changed_days,
    ),
)
