"""Objective scoring and item analysis at scale (issue 10, bench/scoring.py).

Target: 1,000,000 answer sheets x 100 items scored and analysed in <= 10 s (data generated in
memory; file parsing is measured separately by the response-import tests). Prints sheets per
second on the last line; exits 1 when the target is missed."""

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

from skillcert.scoring.objective import ObjectiveKey, analyse, score_totals

SHEETS, ITEMS, TARGET_SECONDS = 1_000_000, 100, 10.0


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


def main() -> int:
    key, responses = generate()
    started = time.perf_counter()
    totals = score_totals(key, responses)
    scored = time.perf_counter() - started
    analysis = analyse(key, responses, totals)
    elapsed = time.perf_counter() - started
    flagged = sum(1 for item in analysis.items if item.flags)
    print(
        f"scored {SHEETS:,} sheets x {ITEMS} items in {scored:.2f} s; with analysis {elapsed:.2f} s"
    )
    print(f"alpha {analysis.alpha:.3f}, mean {analysis.mean:.2f}, flagged items {flagged}")
    ok = elapsed <= TARGET_SECONDS
    verdict = "OK" if ok else "MISSED"
    rate = SHEETS / elapsed
    print(
        f"scoring: {rate:,.0f} sheets/s ({elapsed:.2f} s, target {TARGET_SECONDS:.0f} s) {verdict}"
    )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
