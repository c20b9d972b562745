"""Eligibility benchmark: 1,000,000 generated profiles against generic-2018 at all five
levels must take at most 20 s. Run: `.venv/bin/python bench/eligibility.py [--profiles N]`.

The profiles are generated as arrays (up to three work periods, two certificates, one
education record and one title each) and evaluated with the vectorised engine; a sample is
re-evaluated with the pure engine and must agree clause for clause. The last line printed
is the throughput in profiles per second; the exit status is non-zero when the time limit
is missed or the two engines disagree."""

from __future__ import annotations

import argparse
import datetime as dt
import sys
import time
from pathlib import Path

import numpy as np
import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path[0] = str(ROOT)  # replaces bench/ (bench/statistics.py shadows the stdlib module)

from skillcert.eligibility import engine
from skillcert.eligibility.schema import parse_rule_set_document
from skillcert.eligibility.vectorized import (
    EPOCH,
    ProfileBatch,
    day_number,
    evaluate_batch,
)

LIMIT_SECONDS = 20.0
SAMPLE = 3000


def generate(n: int, seed: int) -> ProfileBatch:
    rng = np.random.default_rng(seed)
    as_of = day_number(dt.date(2026, 11, 23)) - rng.integers(0, 730, n)
    k, c = 3, 2
    start = as_of[:, None] - rng.integers(0, 25 * 365, (n, k))
    length = rng.integers(30, 12 * 365, (n, k))
    end = np.where(rng.random((n, k)) < 0.3, -1, start + length)
    present = rng.random((n, k)) < np.array([0.95, 0.5, 0.2])
    start = np.where(present, start, 0)
    end = np.where(present, end, 0)
    cert_level = np.where(rng.random((n, c)) < np.array([0.6, 0.25]), rng.integers(1, 6, (n, c)), 0)
    cert_date = as_of[:, None] - rng.integers(-100, 15 * 365, (n, c))
    edu_kind = np.where(
        rng.random((n, 1)) < 0.8, rng.integers(0, len(engine.EDUCATION_KINDS), (n, 1)), -1
    )
    edu_grad = as_of[:, None] - rng.integers(-200, 20 * 365, (n, 1))
    title_grade = np.where(
        rng.random((n, 1)) < 0.15, rng.integers(0, len(engine.TITLE_GRADES), (n, 1)), -1
    )
    return ProfileBatch(
        as_of=as_of.astype(np.int64),
        work_start=start.astype(np.int64),
        work_end=end.astype(np.int64),
        work_related=rng.random((n, k)) < 0.8,
        cert_level=cert_level.astype(np.int64),
        cert_date=cert_date.astype(np.int64),
        cert_related=rng.random((n, c)) < 0.85,
        edu_kind=edu_kind.astype(np.int64),
        edu_major_related=rng.random((n, 1)) < 0.6,
        edu_graduation=edu_grad.astype(np.int64),
        apprenticeship=rng.random(n) < 0.1,
        title_grade=title_grade.astype(np.int64),
        title_date=(as_of[:, None] - rng.integers(0, 10 * 365, (n, 1))).astype(np.int64),
        title_related=rng.random((n, 1)) < 0.7,
        title_name=np.where(rng.random((n, 1)) < 0.5, 0, -1).astype(np.int64),
        title_names=("经济师",),
    )


def _day(value: int) -> dt.date:
    return EPOCH + dt.timedelta(days=int(value))


def profile_at(batch: ProfileBatch, i: int) -> tuple[engine.Profile, dt.date]:
    """The i-th generated profile as engine dataclasses."""
    work = tuple(
        engine.WorkPeriod(
            _day(batch.work_start[i, j]),
            None if batch.work_end[i, j] < 0 else _day(batch.work_end[i, j]),
            bool(batch.work_related[i, j]),
        )
        for j in range(batch.work_start.shape[1])
        if batch.work_end[i, j] < 0 or batch.work_end[i, j] > batch.work_start[i, j]
    )
    certificates = tuple(
        engine.HeldCertificate(
            int(batch.cert_level[i, j]), _day(batch.cert_date[i, j]), bool(batch.cert_related[i, j])
        )
        for j in range(batch.cert_level.shape[1])
        if batch.cert_level[i, j] > 0
    )
    education = tuple(
        engine.Education(
            engine.EDUCATION_KINDS[int(batch.edu_kind[i, j])],
            bool(batch.edu_major_related[i, j]),
            _day(batch.edu_graduation[i, j]),
        )
        for j in range(batch.edu_kind.shape[1])
        if batch.edu_kind[i, j] >= 0
    )
    titles = tuple(
        engine.Title(
            engine.TITLE_GRADES[int(batch.title_grade[i, j])],
            _day(batch.title_date[i, j]),
            batch.title_names[int(batch.title_name[i, j])] if batch.title_name[i, j] >= 0 else "",
            bool(batch.title_related[i, j]),
        )
        for j in range(batch.title_grade.shape[1])
        if batch.title_grade[i, j] >= 0
    )
    profile = engine.Profile(work, certificates, education, bool(batch.apprenticeship[i]), titles)
    return profile, _day(batch.as_of[i])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--profiles", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=20261123)
    args = parser.parse_args()
    source = ROOT / "skillcert" / "eligibility" / "rulesets" / "generic-2018.yaml"
    _, rules = parse_rule_set_document(yaml.safe_load(source.read_text(encoding="utf-8")))

    batch = generate(args.profiles, args.seed)
    began = time.perf_counter()
    results = {level: evaluate_batch(rules, level, batch) for level in engine.LEVELS}
    elapsed = time.perf_counter() - began

    for level, (eligible, _) in results.items():
        print(f"{engine.LEVEL_NAMES[level]}: {int(eligible.sum()):>9,} / {len(batch):,} eligible")

    rng = np.random.default_rng(args.seed + 1)
    mismatches = 0
    for i in rng.choice(len(batch), size=min(SAMPLE, len(batch)), replace=False):
        profile, as_of = profile_at(batch, int(i))
        for level, (_, matched) in results.items():
            decision = engine.evaluate(rules, level, profile, as_of)
            ids = [c.id for c in rules.clauses_for(level)]
            expected = ids.index(decision.matched_clause) if decision.matched_clause else -1
            if expected != int(matched[i]):
                mismatches += 1
    print(
        f"cross-check with the pure engine: {min(SAMPLE, len(batch))} profiles x 5 levels, "
        f"{mismatches} mismatches"
    )
    print(
        f"elapsed {elapsed:.2f} s for {len(batch):,} profiles x {len(engine.LEVELS)} levels "
        f"(limit {LIMIT_SECONDS:.0f} s)"
    )
    print(f"profiles/second: {len(batch) / elapsed:,.0f}")
    if mismatches:
        return 2
    return 0 if elapsed <= LIMIT_SECONDS else 1


if __name__ == "__main__":
    sys.exit(main())
