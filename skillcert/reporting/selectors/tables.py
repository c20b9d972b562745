"""What every statistics selector shares: the filters, the `Table` they return, the region,
period and organisation-kind conditions, and the grouped count most tables are made of."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Q, QuerySet

from skillcert.accounts.scope import Scope
from skillcert.common.exports import Percent
from skillcert.scoring.choices import Route

# 三级/高级工 and above (levels 3, 2, 1) are high-skill talent (高技能人才).
HIGH_SKILL_MAX_LEVEL = 3
ROUTE_LABELS = {**dict(Route.choices), "": "未关联成绩（历史导入）"}


@dataclass(frozen=True)
class Filters:
    region: str = ""  # a GB/T 2260 code prefix inside the officer's area ("" = all of it)
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    org_kind: str = ""


@dataclass
class Table:
    key: str
    title: str
    headers: list[str]
    rows: list[list[Any]] = field(default_factory=list)
    summable: bool = True  # False when the last column is not a count (e.g. mixed figures)

    @property
    def total(self) -> int:
        if not self.summable:
            return 0
        return sum(r[-1] for r in self.rows if isinstance(r[-1], int))

    def with_counts(
        self,
        rows: QuerySet[Any],
        by: str,
        labels: dict[Any, str] | Callable[[Any], str],
        *,
        count: str = "id",
        distinct: bool = False,
    ) -> Table:
        """The common table: `rows` counted per value of `by` (GROUP BY in the database),
        one `[label, n]` row per value; `count`/`distinct` count something else than rows."""
        counted = grouped_counts(rows, by, count=count, distinct=distinct)
        self.rows = labelled(counted, by, labels)
        return self


def rate(passed: int, sat: int) -> Percent:
    """Shown as "66.7%", written to xlsx as 0.667 in a percent cell; "—" when nobody sat."""
    return Percent.of(passed, sat)


def area_q(filters: Filters, lookup: str) -> Q:
    """The chosen region inside the officer's area (the area itself comes from the scoped
    selectors of the app that owns the rows)."""
    return Q(**{f"{lookup}__startswith": filters.region}) if filters.region else Q()


def region_q(scope: Scope, filters: Filters, lookup: str) -> Q:
    return scope.code_prefix_q(lookup) & area_q(filters, lookup)


def period_q(filters: Filters, lookup: str) -> Q:
    q = Q()
    if filters.date_from:
        q &= Q(**{f"{lookup}__gte": filters.date_from})
    if filters.date_to:
        q &= Q(**{f"{lookup}__lte": filters.date_to})
    return q


def kind_q(filters: Filters, lookup: str) -> Q:
    return Q(**{lookup: filters.org_kind}) if filters.org_kind else Q()


def labelled(
    rows: Iterable[dict[str, Any]], key: str, labels: dict[Any, str] | Callable[[Any], str]
) -> list[list[Any]]:
    name = labels if callable(labels) else (lambda v: labels.get(v, str(v)))
    return [[name(r[key]), r["n"]] for r in rows]


def grouped_counts(
    rows: QuerySet[Any], *keys: str, count: str = "id", distinct: bool = False
) -> list[dict[str, Any]]:
    """`rows` grouped by `keys` (GROUP BY in the database), each group's size as `n`, in the
    keys' order: `[{key: value, ..., "n": 12}, ...]`."""
    return list(rows.values(*keys).annotate(n=Count(count, distinct=distinct)).order_by(*keys))
