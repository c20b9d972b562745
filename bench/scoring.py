"""Objective scoring and item analysis at scale (issues 10 and 25, bench/scoring.py).

Target: 1,000,000 answer sheets x 100 items scored and analysed in <= 2 s, and in <= 1.3 x
the NumPy floor measured in the same run: a plain compare of every response with the key and
a matrix product with the item scores (`(responses == keys) @ scores`), which gives the
totals and nothing else. Data is generated in memory; file parsing is measured separately by
the response-import tests. Each side is timed twice, alternating, and the faster run of each
counts. The last line prints the figure, the floor and their ratio; exits 1 when a target is
missed."""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

import numpy as np

# The project root replaces this script's folder on the path: bench/statistics.py would
# otherwise shadow the standard library's statistics module (Django's SQLite backend uses it).
sys.path[0] = str(Path(__file__).resolve().parent.parent)
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "skillcert.config.settings")

from skillcert.scoring.objective import Analysis, ObjectiveKey, analyse, score_totals

SHEETS, ITEMS, TARGET_SECONDS, TARGET_RATIO, RUNS = 1_000_000, 100, 2.0, 1.3, 2


def generate() -> tuple[ObjectiveKey, np.ndarray]:
    rng = np.random.default_rng(2025)
    types = ("single",) * 60 + ("multiple",) * 20 + ("true_false",) * 20
    keys = np.concatenate(
        [
            1 << rng.integers(0, 4, 60),
            rng.integers(1, 16, 20),
            1 << rng.integers(0, 2, 20),
        ]
    ).astype(np.uint8)
    scores = np.array([1.0] * 60 + [2.0] * 20 + [0.5] * 20)
    key = ObjectiveKey(
        tuple(str(i + 1) for i in range(ITEMS)), types, keys, scores, partial_credit=True
    )
    ability = rng.random(SHEETS, dtype=np.float32)
    correct = rng.random((SHEETS, ITEMS), dtype=np.float32) < (0.3 + 0.6 * ability[:, None])
    wrong = rng.integers(0, 16, (SHEETS, ITEMS), dtype=np.uint8)
    return key, np.where(correct, keys[None, :], wrong).astype(np.uint8)


def time_floor(key: ObjectiveKey, responses: np.ndarray) -> float:
    started = time.perf_counter()
    totals = (responses == key.keys[None, :]) @ key.scores
    elapsed = time.perf_counter() - started
    assert totals.shape == (SHEETS,)
    return elapsed


def time_scoring(key: ObjectiveKey, responses: np.ndarray) -> tuple[float, float, Analysis]:
    started = time.perf_counter()
    totals = score_totals(key, responses)
    scored = time.perf_counter() - started
    analysis = analyse(key, responses, totals)
    return scored, time.perf_counter() - started, analysis


def main() -> int:
    key, responses = generate()
    floors, runs = [], []
    for _ in range(RUNS):
        floors.append(time_floor(key, responses))
        runs.append(time_scoring(key, responses))
    floor = min(floors)
    scored, elapsed, analysis = min(runs, key=lambda run: run[1])
    flagged = sum(1 for item in analysis.items if item.flags)
    print(
        f"scored {SHEETS:,} sheets x {ITEMS} items in {scored:.2f} s; with analysis {elapsed:.2f} s"
        f" (runs: {', '.join(f'{r[1]:.2f}' for r in runs)})"
    )
    print(f"alpha {analysis.alpha:.3f}, mean {analysis.mean:.2f}, flagged items {flagged}")
    print(
        f"floor (responses == keys) @ scores: {floor:.2f} s "
        f"(runs: {', '.join(f'{f:.2f}' for f in floors)})"
    )
    ratio = elapsed / floor
    ok = elapsed <= TARGET_SECONDS and ratio <= TARGET_RATIO
    verdict = "OK" if ok else "MISSED"
    print(
        f"scoring: {SHEETS / elapsed:,.0f} sheets/s, {elapsed:.2f} s / floor {floor:.2f} s = "
        f"{ratio:.2f} (targets {TARGET_SECONDS:.0f} s, {TARGET_RATIO}) {verdict}"
    )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
