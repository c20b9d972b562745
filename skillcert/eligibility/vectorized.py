"""The engine's semantics over NumPy arrays, for evaluating many profiles at once (bulk
pre-checks of a roster, the benchmark). It must agree with `engine.evaluate` exactly; the
property tests compare the two on generated profiles.

Dates are int64 day numbers since 1970-01-01. A profile's lists are padded to a fixed width;
padding rows are marked by level 0 / kind -1 / grade -1 / an empty work period (end <= start).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from skillcert.eligibility.engine import (
    EDUCATION_KINDS,
    TITLE_GRADES,
    Clause,
    Profile,
    RuleSet,
)

EPOCH = dt.date(1970, 1, 1)
FAR = np.int64(10**7)  # a day number later than any real date

IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]


@dataclass
class ProfileBatch:
    as_of: IntArray  # (n,)
    work_start: IntArray  # (n, K)
    work_end: IntArray  # (n, K); an open period is stored as end = -1
    work_related: BoolArray  # (n, K)
    cert_level: IntArray  # (n, C); 0 = no certificate
    cert_date: IntArray
    cert_related: BoolArray
    edu_kind: IntArray  # (n, E); index into EDUCATION_KINDS, -1 = none
    edu_major_related: BoolArray
    edu_graduation: IntArray
    apprenticeship: BoolArray  # (n,)
    title_grade: IntArray  # (n, T); index into TITLE_GRADES, -1 = none
    title_date: IntArray
    title_related: BoolArray
    title_name: IntArray  # (n, T); index into `title_names`, -1 = unnamed
    title_names: tuple[str, ...] = ()

    def __len__(self) -> int:
        return int(self.as_of.shape[0])


def day_number(day: dt.date) -> int:
    return (day - EPOCH).days


def batch_from_profiles(profiles: Sequence[tuple[Profile, dt.date]]) -> ProfileBatch:
    """Pack engine profiles into arrays (used by tests and by callers that already hold
    dataclasses; the benchmark generates arrays directly)."""
    n = len(profiles)
    k = max([1, *(len(p.work) for p, _ in profiles)])
    c = max([1, *(len(p.certificates) for p, _ in profiles)])
    e = max([1, *(len(p.education) for p, _ in profiles)])
    t = max([1, *(len(p.titles) for p, _ in profiles)])
    names = tuple(sorted({tt.name for p, _ in profiles for tt in p.titles if tt.name}))
    b = ProfileBatch(
        as_of=np.zeros(n, np.int64),
        work_start=np.zeros((n, k), np.int64),
        work_end=np.zeros((n, k), np.int64),
        work_related=np.zeros((n, k), np.bool_),
        cert_level=np.zeros((n, c), np.int64),
        cert_date=np.zeros((n, c), np.int64),
        cert_related=np.zeros((n, c), np.bool_),
        edu_kind=np.full((n, e), -1, np.int64),
        edu_major_related=np.zeros((n, e), np.bool_),
        edu_graduation=np.zeros((n, e), np.int64),
        apprenticeship=np.zeros(n, np.bool_),
        title_grade=np.full((n, t), -1, np.int64),
        title_date=np.zeros((n, t), np.int64),
        title_related=np.zeros((n, t), np.bool_),
        title_name=np.full((n, t), -1, np.int64),
        title_names=names,
    )
    for i, (profile, as_of) in enumerate(profiles):
        b.as_of[i] = day_number(as_of)
        for j, w in enumerate(profile.work):
            b.work_start[i, j] = day_number(w.start)
            b.work_end[i, j] = -1 if w.end is None else day_number(w.end)
            b.work_related[i, j] = w.related
        for j, cert in enumerate(profile.certificates):
            b.cert_level[i, j] = cert.level
            b.cert_date[i, j] = day_number(cert.date)
            b.cert_related[i, j] = cert.related
        for j, ed in enumerate(profile.education):
            b.edu_kind[i, j] = EDUCATION_KINDS.index(ed.kind)
            b.edu_major_related[i, j] = ed.major_related
            b.edu_graduation[i, j] = day_number(ed.graduation)
        b.apprenticeship[i] = profile.apprenticeship_completed
        for j, title in enumerate(profile.titles):
            b.title_grade[i, j] = TITLE_GRADES.index(title.grade)
            b.title_date[i, j] = day_number(title.date)
            b.title_related[i, j] = title.related
            b.title_name[i, j] = names.index(title.name) if title.name else -1
    return b


def add_months_days(days: IntArray, months: int) -> IntArray:
    """engine.add_months over day numbers (clamping to the target month's last day)."""
    d = days.astype("datetime64[D]")
    month = d.astype("datetime64[M]")
    day_of_month = (d - month.astype("datetime64[D]")).astype(np.int64)
    target = month + np.timedelta64(months, "M")
    start = target.astype("datetime64[D]")
    length = ((target + np.timedelta64(1, "M")).astype("datetime64[D]") - start).astype(np.int64)
    return (start + np.minimum(day_of_month, length - 1)).astype(np.int64)


def _year(days: IntArray) -> IntArray:
    return days.astype("datetime64[D]").astype("datetime64[Y]").astype(np.int64) + 1970


def union_days(batch: ProfileBatch, since: IntArray, related_only: bool) -> IntArray:
    as_of = batch.as_of[:, None]
    end = np.where(batch.work_end < 0, as_of, np.minimum(batch.work_end, as_of))
    start = np.maximum(batch.work_start, since[:, None])
    valid = end > start
    if related_only:
        valid &= batch.work_related
    start = np.where(valid, start, FAR)
    end = np.where(valid, end, FAR)
    order = np.argsort(start, axis=1, kind="stable")
    start = np.take_along_axis(start, order, axis=1)
    end = np.take_along_axis(end, order, axis=1)
    total = np.zeros(len(batch), np.int64)
    reach = np.full(len(batch), np.iinfo(np.int64).min, np.int64)
    for k in range(start.shape[1]):
        s = np.maximum(start[:, k], reach)
        e = end[:, k]
        gain = np.where(e > s, e - s, 0)
        gain = np.where(e >= FAR, 0, gain)
        total += gain
        reach = np.where(e < FAR, np.maximum(reach, e), reach)
    return total


def _clause_met(clause: Clause, batch: ProfileBatch) -> BoolArray:
    cond = clause.condition
    n = len(batch)
    as_of = batch.as_of
    met = np.ones(n, np.bool_)
    anchor = np.full(n, np.iinfo(np.int64).min, np.int64)
    if cond.certificate is not None:
        ok = (
            (batch.cert_level > 0)
            & (batch.cert_level <= cond.certificate.level)
            & (batch.cert_date <= as_of[:, None])
        )
        if cond.certificate.related:
            ok &= batch.cert_related
        has = ok.any(axis=1)
        met &= has
        if cond.work_after == "certificate":
            anchor = np.where(ok, batch.cert_date, FAR).min(axis=1)
    if cond.title is not None:
        floor = TITLE_GRADES.index(cond.title.min_grade)
        ok = (batch.title_grade >= floor) & (batch.title_date <= as_of[:, None])
        if cond.title.related:
            ok &= batch.title_related
        if cond.title.names:
            wanted = [i for i, name in enumerate(batch.title_names) if name in cond.title.names]
            ok &= np.isin(batch.title_name, np.array(wanted, np.int64))
        met &= ok.any(axis=1)
        if cond.work_after == "title":
            anchor = np.where(ok, batch.title_date, FAR).min(axis=1)
    if cond.education:
        any_option = np.zeros(n, np.bool_)
        grad_year = _year(batch.edu_graduation)
        this_year = _year(as_of)[:, None]
        for option in cond.education:
            kinds = np.array([EDUCATION_KINDS.index(k) for k in option.kinds], np.int64)
            ok = np.isin(batch.edu_kind, kinds)
            if option.major_related:
                ok &= batch.edu_major_related
            graduated = batch.edu_graduation <= as_of[:, None]
            if option.current_year_graduates:
                graduated |= grad_year == this_year
            any_option |= (ok & graduated).any(axis=1)
        met &= any_option
    if cond.apprenticeship:
        met &= batch.apprenticeship
    if cond.work_years is not None:
        days = union_days(batch, anchor, cond.work_related)
        days = np.where(anchor >= FAR, 0, days)
        reached = add_months_days(as_of - days, 12 * cond.work_years) <= as_of
        met &= (days > 0) & reached
    return met


def evaluate_batch(
    rule_set: RuleSet, level: int, batch: ProfileBatch
) -> tuple[BoolArray, npt.NDArray[np.int8]]:
    """(eligible, index of the matched clause among the level's clauses or -1)."""
    clauses = rule_set.clauses_for(level)
    matched = np.full(len(batch), -1, np.int8)
    for index in range(len(clauses) - 1, -1, -1):
        matched = np.where(_clause_met(clauses[index], batch), np.int8(index), matched)
    return matched >= 0, matched
