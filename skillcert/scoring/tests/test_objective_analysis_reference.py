"""The item analysis (counted per total score, one pass) equals the textbook computation
written out element by element: per-item score matrix, rest scores, masks for the upper and
lower 27 %, and option counts tallied cell by cell."""

import math
from dataclasses import dataclass
from typing import Any

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from skillcert.scoring import objective
from skillcert.scoring.objective import ObjectiveKey, analyse, format_choice, score_totals


def _spread(values: np.ndarray) -> float:
    """Standard deviation; rounding noise around a constant column counts as none."""
    deviation = float(values.std())
    return deviation if deviation > 1e-6 * (abs(float(values.mean())) + 1) else 0.0


@dataclass
class _Expected:
    items: list[dict[str, Any]]
    alpha: float
    mean: float
    std: float


def _reference(key: ObjectiveKey, responses: np.ndarray) -> _Expected:
    n, k = responses.shape
    x = np.zeros((n, k))
    for i in range(n):
        for j in range(k):
            r, right = int(responses[i, j]), int(key.keys[j])
            if r == right:
                x[i, j] = np.float32(key.scores[j])
            elif (
                key.partial_credit
                and key.types[j] == objective.MULTIPLE
                and r != 0
                and r & ~right == 0
            ):
                x[i, j] = np.float32(key.scores[j] * key.partial_ratio)
    totals = score_totals(key, responses)
    order = np.argsort(totals, kind="stable")
    group = max(1, round(n * 0.27))
    upper, lower = x[order[-group:]].sum(axis=0), x[order[:group]].sum(axis=0)
    items = []
    for j in range(k):
        rest = totals - x[:, j]
        sx, sr = _spread(x[:, j]), _spread(rest)
        covariance = np.mean((x[:, j] - x[:, j].mean()) * (rest - rest.mean()))
        counts: dict[str, int] = {}
        for r in responses[:, j]:
            label = format_choice(int(r)) or "未答"
            counts[label] = counts.get(label, 0) + 1
        items.append(
            {
                "facility": x[:, j].mean() / key.scores[j],
                "point_biserial": covariance / (sx * sr) if sx > 0 and sr > 0 else 0.0,
                "upper_lower": (upper[j] - lower[j]) / (group * key.scores[j]),
                "option_counts": counts,
            }
        )
    variance = x.var(axis=0).sum()
    alpha = k / (k - 1) * (1 - variance / totals.var()) if totals.var() > 0 else 0.0
    return _Expected(items, float(alpha), float(totals.mean()), float(totals.std()))


def _close(a: float, b: float) -> bool:
    return math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-9)


@st.composite
def answer_sheets(draw: st.DrawFn) -> tuple[ObjectiveKey, np.ndarray]:
    k = draw(st.integers(2, 8))
    n = draw(st.integers(2, 400))
    types = tuple(draw(st.sampled_from(objective.ITEM_TYPES)) for _ in range(k))
    keys = np.array([draw(st.integers(1, 15)) for _ in range(k)], dtype=np.uint8)
    # Whole and half points give few distinct totals (counted per total); odd fractions give
    # many (summed directly): both paths are drawn.
    score = st.sampled_from([0.5, 1.0, 2.0]) | st.floats(0.01, 9.99, allow_nan=False)
    scores = np.array([draw(score) for _ in range(k)])
    seed = draw(st.integers(0, 2**32 - 1))
    rng = np.random.default_rng(seed)
    correct = rng.random((n, k)) < rng.random(n)[:, None]
    responses = np.where(correct, keys[None, :], rng.integers(0, 16, (n, k))).astype(np.uint8)
    key = ObjectiveKey(
        tuple(str(j + 1) for j in range(k)),
        types,
        keys,
        scores,
        partial_credit=draw(st.booleans()),
        partial_ratio=draw(st.sampled_from([0.5, 0.25, 1 / 3])),
    )
    return key, responses


@settings(max_examples=120, deadline=None)
@given(answer_sheets())
def test_analysis_equals_the_element_by_element_reference(sheet):
    key, responses = sheet
    analysis = analyse(key, responses, score_totals(key, responses))
    expected = _reference(key, responses)
    assert _close(analysis.alpha, expected.alpha)
    assert _close(analysis.mean, expected.mean)
    assert _close(analysis.std, expected.std)
    for got, want in zip(analysis.items, expected.items, strict=True):
        assert got.option_counts == want["option_counts"]
        assert _close(got.facility, want["facility"])
        assert _close(got.point_biserial, want["point_biserial"])
        assert _close(got.upper_lower, want["upper_lower"])


def test_both_summing_paths_agree_on_a_large_sheet(monkeypatch):
    rng = np.random.default_rng(11)
    n, k = 5000, 20
    keys = rng.integers(1, 16, k).astype(np.uint8)
    key = ObjectiveKey(
        tuple(str(j) for j in range(k)),
        ("multiple",) * k,
        keys,
        np.full(k, 2.0),
        partial_credit=True,
    )
    responses = np.where(
        rng.random((n, k)) < 0.6, keys[None, :], rng.integers(0, 16, (n, k))
    ).astype(np.uint8)
    totals = score_totals(key, responses)
    counted = analyse(key, responses, totals).as_dict()
    monkeypatch.setattr(objective, "_COUNTED_LEVELS", 0)
    summed = analyse(key, responses, totals).as_dict()
    assert counted == summed
    assert len(np.unique(totals)) > 10
