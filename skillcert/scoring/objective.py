"""Objective scoring and item analysis (pure NumPy, no ORM).

Responses are bit masks of the options chosen (A=1, B=2, C=4, … ; true = A, false = B; 0 =
blank), one uint8 per candidate and item. The key uses the same encoding. Work is done in
chunks of rows, so a million answer sheets need memory for one chunk, not for all of them.

Scoring rules:
* single choice and true/false: full score when the response equals the key;
* multiple choice: all-or-nothing (response equals key), or — with `partial_credit` — a
  response that chooses no wrong option earns `partial_ratio` of the score (the usual
  "少选得部分分、错选不得分").

Item analysis (classical test theory): facility (mean score / max), point-biserial
discrimination against the rest score (total minus the item, so an item does not correlate
with itself), upper-lower 27 % discrimination, option counts for distractor analysis,
Cronbach's α (equal to KR-20 when every item is dichotomous), and the score distribution.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field

import numpy as np

from skillcert.common.errors import DomainError

SINGLE, MULTIPLE, TRUE_FALSE = "single", "multiple", "true_false"
ITEM_TYPES = (SINGLE, MULTIPLE, TRUE_FALSE)
OPTION_LETTERS = "ABCDEFGH"
CHUNK_ROWS = 100_000
FLAG_FACILITY_LOW, FLAG_FACILITY_HIGH, FLAG_DISCRIMINATION_LOW = 0.2, 0.95, 0.1


@dataclass(frozen=True)
class ObjectiveKey:
    item_ids: tuple[str, ...]
    types: tuple[str, ...]
    keys: np.ndarray  # uint8 bit masks, one per item
    scores: np.ndarray  # float64 full score per item
    partial_credit: bool = False
    partial_ratio: float = 0.5

    def __post_init__(self) -> None:
        n = len(self.item_ids)
        if not (len(self.types) == len(self.keys) == len(self.scores) == n):
            raise DomainError("scoring.key_shape", "标准答案的题目数、题型、答案和分值数量不一致")
        if any(t not in ITEM_TYPES for t in self.types):
            raise DomainError("scoring.item_type", "题型应为 single、multiple 或 true_false")
        if np.any(self.keys == 0):
            raise DomainError("scoring.key_blank", "标准答案中有空答案")
        if not 0 <= self.partial_ratio <= 1:
            raise DomainError("scoring.partial_ratio", "部分得分比例应在 0 到 1 之间")


def parse_choice(text: str) -> int:
    """'ACD' -> 0b1101; '' -> 0; '对'/'T'/'√' -> A, '错'/'F'/'×' -> B."""
    value = text.strip().upper()
    if value in {"", "-"}:
        return 0
    if value in {"T", "对", "√", "TRUE", "Y"}:
        return 1
    if value in {"F", "错", "×", "FALSE", "N"}:
        return 2
    mask = 0
    for letter in value:
        index = OPTION_LETTERS.find(letter)
        if index < 0:
            raise ValueError(letter)
        mask |= 1 << index
    return mask


def format_choice(mask: int) -> str:
    return "".join(letter for i, letter in enumerate(OPTION_LETTERS) if mask & (1 << i))


def item_scores(key: ObjectiveKey, responses: np.ndarray) -> np.ndarray:
    """Score matrix (rows × items, float32) for one chunk of responses."""
    exact = responses == key.keys[None, :]
    earned = exact * key.scores[None, :].astype(np.float32)
    if key.partial_credit:
        multiple = np.array([t == MULTIPLE for t in key.types])
        if multiple.any():
            chosen_only_right = (responses & ~key.keys[None, :]) == 0
            partial = chosen_only_right & (responses != 0) & ~exact & multiple[None, :]
            earned = earned + partial * (key.scores * key.partial_ratio)[None, :].astype(np.float32)
    return earned.astype(np.float32, copy=False)


def score_totals(key: ObjectiveKey, responses: np.ndarray) -> np.ndarray:
    totals = np.empty(len(responses), dtype=np.float64)
    for start in range(0, len(responses), CHUNK_ROWS):
        chunk = responses[start : start + CHUNK_ROWS]
        totals[start : start + len(chunk)] = item_scores(key, chunk).sum(axis=1, dtype=np.float64)
    return totals


@dataclass
class ItemStats:
    item_id: str
    facility: float
    point_biserial: float
    upper_lower: float
    option_counts: dict[str, int]
    flags: list[str] = field(default_factory=list)


@dataclass
class Analysis:
    candidates: int
    items: list[ItemStats]
    alpha: float
    mean: float
    std: float
    distribution: dict[str, int]  # "0-9": n, …, "90-100": n (percent of the maximum)

    def as_dict(self) -> dict[str, object]:
        return {
            "candidates": self.candidates,
            "alpha": round(self.alpha, 4),
            "mean": round(self.mean, 3),
            "std": round(self.std, 3),
            "distribution": self.distribution,
            "items": [
                {
                    "item_id": s.item_id,
                    "facility": round(s.facility, 4),
                    "point_biserial": round(s.point_biserial, 4),
                    "upper_lower": round(s.upper_lower, 4),
                    "option_counts": s.option_counts,
                    "flags": s.flags,
                }
                for s in self.items
            ],
        }


def _item_stats(
    item_id: str, options: np.ndarray, facility: float, pbis: float, upper_lower: float
) -> ItemStats:
    counts = {
        (format_choice(mask) or "未答"): int(count) for mask, count in enumerate(options) if count
    }
    flags = []
    if facility < FLAG_FACILITY_LOW:
        flags.append("too_hard")
    if facility > FLAG_FACILITY_HIGH:
        flags.append("too_easy")
    if pbis < FLAG_DISCRIMINATION_LOW:
        flags.append("low_discrimination")
    return ItemStats(item_id, float(facility), float(pbis), float(upper_lower), counts, flags)


def _distribution(totals: np.ndarray, maximum: float) -> dict[str, int]:
    """Candidates per tenth of the maximum score ("0-9" … "90-100")."""
    percent = np.clip((totals / maximum * 100) if maximum else totals * 0, 0, 100)
    bins = np.minimum((percent // 10).astype(int), 9)
    histogram = np.bincount(bins, minlength=10)
    return {(f"{10 * b}-{10 * b + 9}" if b < 9 else "90-100"): int(histogram[b]) for b in range(10)}


class _Sums:
    """Per-item sums the analysis needs, gathered in one pass over the responses.

    An item's score depends only on the response to it, and on an answer sheet the totals
    take few distinct values (one per reachable score). So rows sorted by total are counted
    per (total, item, response) with one bincount, and every sum follows from the counts
    and the item's score table: Σx, Σx², Σx·total, and the upper and lower groups' Σx.
    A run of rows whose totals are too varied for a small count table is summed directly."""

    def __init__(self, key: ObjectiveKey, k: int) -> None:
        probe = np.repeat(np.arange(256, dtype=np.uint8)[:, None], k, axis=1)
        self.table = item_scores(key, probe).astype(np.float64).T  # (item, response) score
        self.k = k
        self.counts = np.zeros((k, 256), dtype=np.int64)
        self.total_weighted = np.zeros((k, 256))  # Σ total over rows giving that response
        self.upper_counts = np.zeros((k, 256), dtype=np.int64)
        self.lower_counts = np.zeros((k, 256), dtype=np.int64)
        self.direct_xt = np.zeros(k)  # Σx·total of the rows summed directly

    def add(self, chunk: np.ndarray, totals: np.ndarray, group: int) -> None:
        """`chunk`: sorted rows all in the lower group (-1), the middle (0) or the upper (1)."""
        # The rows come sorted by total: a new level starts wherever the total changes.
        starts = np.empty(len(totals), dtype=bool)
        starts[:1] = True
        np.not_equal(totals[1:], totals[:-1], out=starts[1:])
        levels = totals[starts]
        level_of_row = np.cumsum(starts, dtype=np.intp) - 1
        cells = self.k * 256
        base = np.arange(self.k, dtype=np.intp) * 256
        if len(levels) <= _COUNTED_LEVELS:
            codes = (level_of_row * cells)[:, None] + base[None, :] + chunk
            per_level = np.bincount(codes.ravel(), minlength=len(levels) * cells).reshape(
                len(levels), self.k, 256
            )
            counts = per_level.sum(axis=0)
            weighted = np.tensordot(levels, per_level, axes=1)
            self.total_weighted += weighted
        else:
            counts = np.bincount((base[None, :] + chunk).ravel(), minlength=cells).reshape(
                self.k, 256
            )
            x = np.take_along_axis(self.table, chunk.T.astype(np.intp), axis=1)  # (item, row)
            self.direct_xt += x @ totals
        self.counts += counts
        if group > 0:
            self.upper_counts += counts
        elif group < 0:
            self.lower_counts += counts

    def item_sums(self, table_sum: np.ndarray) -> np.ndarray:
        return (table_sum * self.table).sum(axis=1)


# A sorted chunk's distinct totals above which counting per total costs more than summing.
_COUNTED_LEVELS = 64
_SORTED_CHUNK_ROWS = 32_768


def _sorted_chunks(n: int, group: int) -> list[tuple[int, int, int]]:
    """(start, stop, group) over sorted positions, never straddling a group boundary."""
    bounds = sorted({0, min(group, n), max(n - group, 0), n})
    pieces = []
    for first, last in itertools.pairwise(bounds):
        where = -1 if last <= group else (1 if first >= n - group else 0)
        for start in range(first, last, _SORTED_CHUNK_ROWS):
            pieces.append((start, min(start + _SORTED_CHUNK_ROWS, last), where))
    return pieces


def _variance(mean_square: np.ndarray, mean: np.ndarray) -> np.ndarray:
    """E[x²] - E[x]², with the rounding left over when every value is the same taken as 0
    (a constant item or rest score does not discriminate; it must not divide by noise)."""
    variance = mean_square - mean**2
    return np.where(variance > 1e-12 * (mean**2 + 1), variance, 0.0)


def analyse(key: ObjectiveKey, responses: np.ndarray, totals: np.ndarray) -> Analysis:
    n, k = responses.shape
    if n < 2:
        raise DomainError("scoring.too_few", "至少需要2名考生的作答才能进行试题分析")
    max_scores = key.scores.astype(np.float64)
    order = np.argsort(totals, kind="stable")
    group = max(1, round(n * 0.27))
    # The lower group is the first `group` rows in this order, the upper the last `group`
    # (27 % of n rounded never reaches half of n, so the two never overlap).
    sums = _Sums(key, k)
    for start, stop, where in _sorted_chunks(n, group):
        rows = order[start:stop]
        sums.add(responses[rows], totals[rows], where)

    sum_x = sums.item_sums(sums.counts)
    sum_x2 = ((sums.counts * sums.table) * sums.table).sum(axis=1)
    sum_xt = sums.item_sums(sums.total_weighted) + sums.direct_xt
    sum_t, sum_t2 = float(totals.sum()), float((totals * totals).sum())
    sum_xr = sum_xt - sum_x2
    sum_r = sum_t - sum_x
    sum_r2 = sum_t2 - 2 * sum_xt + sum_x2
    upper = sums.item_sums(sums.upper_counts)
    lower = sums.item_sums(sums.lower_counts)

    mean_x = sum_x / n
    var_x = _variance(sum_x2 / n, mean_x)
    mean_r = sum_r / n
    var_r = _variance(sum_r2 / n, mean_r)
    cov = sum_xr / n - mean_x * mean_r
    with np.errstate(divide="ignore", invalid="ignore"):
        pbis = np.where((var_x > 0) & (var_r > 0), cov / np.sqrt(var_x * var_r), 0.0)
        facility = np.where(max_scores > 0, mean_x / max_scores, 0.0)
        upper_lower = (upper - lower) / (group * max_scores)
    var_total = float(totals.var())
    alpha = float(k / (k - 1) * (1 - var_x.sum() / var_total)) if k > 1 and var_total > 0 else 0.0

    options = sums.counts
    stats = [
        _item_stats(key.item_ids[i], options[i], facility[i], pbis[i], upper_lower[i])
        for i in range(k)
    ]
    distribution = _distribution(totals, float(max_scores.sum()))
    return Analysis(n, stats, alpha, float(totals.mean()), float(totals.std()), distribution)
