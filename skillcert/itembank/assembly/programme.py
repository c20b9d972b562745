"""The mixed-integer programme (see the package docstring for the model): requirement groups,
the bank as arrays, and one HiGHS solve over any subset of the groups."""

from __future__ import annotations

import os
import sys
import threading
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import highspy
import numpy as np

from skillcert.common.errors import DomainError
from skillcert.itembank.assembly.domain import (
    BankItem,
    Blueprint,
    Cell,
)

GROUP_EXPOSURE = "exposure"
GROUP_OVERLAP = "overlap"
GROUP_DIFFICULTY = "difficulty"
GROUP_TOTAL_SCORE = "total_score"


def _cell_group(cell: Cell) -> str:
    return f"cell:{cell.element}|{cell.type}"


def _enemy_group(name: str) -> str:
    return f"enemy:{name}"


@dataclass
class _Problem:
    """The bank narrowed to the items the blueprint can use, as arrays."""

    bank: list[BankItem]
    blueprint: Blueprint
    forms: int
    cell_of: np.ndarray  # cell index per item
    difficulty: np.ndarray
    score: np.ndarray
    cap: np.ndarray  # how many more forms each item may appear on (exposure limit)
    enemies: dict[str, list[int]] = field(default_factory=dict)

    @property
    def pairs(self) -> list[tuple[int, int]]:
        return [(a, b) for a in range(self.forms) for b in range(a + 1, self.forms)]

    def groups(self) -> list[str]:
        """Every requirement that can be relaxed, in the order diagnosis prefers to blame them
        last (cells first, so an explanation names the cells that are short)."""
        out = [_cell_group(c) for c in self.blueprint.cells]
        out += [_enemy_group(g) for g in sorted(self.enemies)]
        if self.blueprint.max_exposure is not None and bool((self.cap < self.forms).any()):
            out.append(GROUP_EXPOSURE)
        if self._overlap_binds():
            out.append(GROUP_OVERLAP)
        out.append(GROUP_DIFFICULTY)
        if self.blueprint.total_score is not None:
            out.append(GROUP_TOTAL_SCORE)
        return out

    def _overlap_binds(self) -> bool:
        limit = self.blueprint.max_overlap
        return self.forms > 1 and limit is not None and limit < self.blueprint.item_count


def _check_forms(forms: int) -> None:
    if not 1 <= forms <= 20:
        raise DomainError("assembly.forms", "平行卷套数应在 1 到 20 之间", field="forms")


def _problem(bank: Sequence[BankItem], blueprint: Blueprint, forms: int, seed: int) -> _Problem:
    _check_forms(forms)
    index = {(c.element, c.type): n for n, c in enumerate(blueprint.cells)}
    usable = [it for it in bank if (it.element, it.type) in index]
    # The seed only permutes the variable order, which steers HiGHS' heuristics to a
    # different (equally valid) solution; the same seed always gives the same forms.
    order = np.random.default_rng(seed).permutation(len(usable))
    usable = [usable[k] for k in order]
    if blueprint.max_exposure is None:
        cap = np.full(len(usable), forms, dtype=np.int64)
    else:
        cap = np.array(
            [max(0, min(forms, blueprint.max_exposure - it.exposure)) for it in usable],
            dtype=np.int64,
        )
    enemies: dict[str, list[int]] = {}
    for n, it in enumerate(usable):
        if it.enemy_group:
            enemies.setdefault(it.enemy_group, []).append(n)
    return _Problem(
        bank=usable,
        blueprint=blueprint,
        forms=forms,
        cell_of=np.array([index[(it.element, it.type)] for it in usable], dtype=np.int64),
        difficulty=np.array([it.difficulty for it in usable], dtype=np.float64),
        score=np.array([it.score for it in usable], dtype=np.float64),
        cap=cap,
        enemies={g: members for g, members in enemies.items() if len(members) > 1},
    )


class _Rows:
    """Row-wise constraint matrix collected as CSR pieces."""

    def __init__(self) -> None:
        self.lower: list[float] = []
        self.upper: list[float] = []
        self.starts: list[int] = []
        self.index: list[np.ndarray] = []
        self.value: list[np.ndarray] = []
        self.nnz = 0

    def add(self, cols: Any, vals: Any, lower: float, upper: float) -> None:
        cols = np.asarray(cols, dtype=np.int32)
        vals = np.broadcast_to(np.asarray(vals, dtype=np.float64), cols.shape)
        self.starts.append(self.nnz)
        self.index.append(cols)
        self.value.append(np.array(vals, dtype=np.float64))
        self.lower.append(lower)
        self.upper.append(upper)
        self.nnz += len(cols)

    def add_many(self, cols: np.ndarray, vals: np.ndarray, lower: float, upper: float) -> None:
        """One row per line of `cols` (rows of equal length)."""
        count, width = cols.shape
        if count == 0:
            return
        self.starts.extend(range(self.nnz, self.nnz + count * width, width))
        self.index.append(cols.reshape(-1).astype(np.int32))
        self.value.append(np.broadcast_to(vals, cols.shape).reshape(-1).astype(np.float64))
        self.lower.extend([lower] * count)
        self.upper.extend([upper] * count)
        self.nnz += count * width

    def pass_to(self, highs: highspy.Highs) -> None:
        if not self.starts:
            return
        highs.addRows(
            len(self.starts),
            np.array(self.lower, dtype=np.float64),
            np.array(self.upper, dtype=np.float64),
            self.nnz,
            np.array(self.starts, dtype=np.int32),
            np.concatenate(self.index).astype(np.int32),
            np.concatenate(self.value),
        )


@dataclass
class _Solved:
    status: str  # "optimal", "feasible", "infeasible", "unknown"
    chosen: list[list[int]]


_banner_lock = threading.Lock()
_banner_done = False


def _quiet_highs() -> highspy.Highs:
    """A solver, without the banner HiGHS writes to the process's standard output (at the C
    level, before any option can be set) when the first one is made: a console shows only the
    product's own messages."""
    global _banner_done
    with _banner_lock:
        if _banner_done:
            return highspy.Highs()
        sys.stdout.flush()
        saved = os.dup(1)
        try:
            with open(os.devnull, "wb") as devnull:
                os.dup2(devnull.fileno(), 1)
                highs = highspy.Highs()
        finally:
            os.dup2(saved, 1)
            os.close(saved)
        _banner_done = True
        return highs


class _Model:
    """The programme being built: x[i,f] columns first (binary), then the auxiliary columns
    the overlap limit and the objective add, and the constraint rows."""

    def __init__(self, p: _Problem) -> None:
        self.p = p
        self.n_items, self.n_forms = len(p.bank), p.forms
        self.nx = self.n_items * self.n_forms
        self.items = np.arange(self.n_items)
        self.every_form = np.arange(self.n_forms)
        self.col_cost: list[np.ndarray] = [np.zeros(self.nx)]
        self.col_upper: list[np.ndarray] = [np.ones(self.nx)]
        self.n_cols = self.nx
        self.rows = _Rows()

    def x(self, i: Any, f: Any) -> Any:
        return np.asarray(i) * self.n_forms + f

    def new_cols(self, count: int, *, cost: float, upper: float) -> int:
        """Append `count` continuous columns; returns the first one's index."""
        first = self.n_cols
        self.col_cost.append(np.full(count, cost, dtype=np.float64))
        self.col_upper.append(np.full(count, upper, dtype=np.float64))
        self.n_cols += count
        return first


def _add_cells_and_enemies(m: _Model, active: set[str]) -> None:
    p = m.p
    for c_index, cell in enumerate(p.blueprint.cells):
        if _cell_group(cell) not in active:
            continue
        members = m.items[p.cell_of == c_index]
        for f in range(m.n_forms):
            m.rows.add(m.x(members, f), 1.0, cell.count, cell.count)
    for name, members_list in p.enemies.items():
        if _enemy_group(name) not in active:
            continue
        for f in range(m.n_forms):
            m.rows.add(m.x(members_list, f), 1.0, -highspy.kHighsInf, 1.0)


def _add_exposure_and_overlap(m: _Model, active: set[str]) -> None:
    p, inf, ones = m.p, highspy.kHighsInf, np.ones(m.n_forms)
    if GROUP_EXPOSURE in active:
        for capped in np.unique(p.cap[p.cap < m.n_forms]):
            members = m.items[p.cap == capped]
            m.rows.add_many(m.x(members[:, None], 0) + m.every_form, ones, -inf, float(capped))
    if GROUP_OVERLAP not in active or not p._overlap_binds():
        return
    limit = p.blueprint.max_overlap or 0
    if limit == 0:
        m.rows.add_many(m.x(m.items[:, None], 0) + m.every_form, ones, -inf, 1.0)
        return
    for a, b in p.pairs:
        first = m.new_cols(m.n_items, cost=0.0, upper=1.0)
        cols = np.stack([m.x(m.items, a), m.x(m.items, b), first + m.items], axis=1)
        m.rows.add_many(cols, np.array([1.0, 1.0, -1.0]), -inf, 1.0)
        m.rows.add(np.arange(first, first + m.n_items), 1.0, -inf, float(limit))


def _add_difficulty_and_score(m: _Model, active: set[str]) -> None:
    p, bp, inf = m.p, m.p.blueprint, highspy.kHighsInf
    mean, tol = bp.difficulty_mean, bp.difficulty_tolerance
    if GROUP_DIFFICULTY in active:
        for f in range(m.n_forms):
            m.rows.add(m.x(m.items, f), p.difficulty - mean - tol, -inf, 0.0)
            m.rows.add(m.x(m.items, f), p.difficulty - mean + tol, 0.0, inf)
    if GROUP_TOTAL_SCORE in active and bp.total_score is not None:
        for f in range(m.n_forms):
            m.rows.add(m.x(m.items, f), p.score, bp.total_score - 1e-6, bp.total_score + 1e-6)


def _add_objective(m: _Model) -> None:
    """Each form's distance from the target difficulty sum, and each pair's distance."""
    p, inf = m.p, highspy.kHighsInf
    target = p.blueprint.item_count * p.blueprint.difficulty_mean
    deviation = m.new_cols(m.n_forms, cost=1.0, upper=inf)
    for f in range(m.n_forms):
        cols = np.append(m.x(m.items, f), deviation + f)
        m.rows.add(cols, np.append(p.difficulty, -1.0), -inf, target)
        m.rows.add(cols, np.append(p.difficulty, 1.0), target, inf)
    pairs = p.pairs
    spread = m.new_cols(len(pairs), cost=1.0, upper=inf)
    for k, (a, b) in enumerate(pairs):
        cols = np.concatenate([m.x(m.items, a), m.x(m.items, b), [spread + k]])
        vals = np.concatenate([p.difficulty, -p.difficulty, [-1.0]])
        m.rows.add(cols, vals, -inf, 0.0)
        vals = np.concatenate([p.difficulty, -p.difficulty, [1.0]])
        m.rows.add(cols, vals, 0.0, inf)


def _highs_for(m: _Model, *, optimise: bool, seed: int, time_limit: float) -> highspy.Highs:
    highs = _quiet_highs()
    highs.setOptionValue("output_flag", False)
    highs.setOptionValue("random_seed", int(seed) % 2_147_483_647)
    highs.setOptionValue("time_limit", float(time_limit))
    highs.setOptionValue("threads", 1)
    if optimise:
        # Any solution inside the tolerance satisfies the blueprint; closing the last
        # hundredths of the objective is not worth minutes of branching.
        highs.setOptionValue("mip_rel_gap", 0.05)
        highs.setOptionValue("mip_abs_gap", 0.02 * max(1, m.n_forms))
    else:
        highs.setOptionValue("mip_max_improving_sols", 1)
    highs.addCols(
        m.n_cols,
        np.concatenate(m.col_cost),
        np.zeros(m.n_cols),
        np.concatenate(m.col_upper),
        0,
        np.array([], dtype=np.int32),
        np.array([], dtype=np.int32),
        np.array([], dtype=np.float64),
    )
    if m.nx:
        integral = np.ones(m.nx, dtype=np.uint8)
        highs.changeColsIntegrality(m.nx, np.arange(m.nx, dtype=np.int32), integral)
    m.rows.pass_to(highs)
    return highs


def _solve(
    p: _Problem, groups: Iterable[str], *, optimise: bool, seed: int, time_limit: float
) -> _Solved:
    active = set(groups)
    m = _Model(p)
    _add_cells_and_enemies(m, active)
    _add_exposure_and_overlap(m, active)
    _add_difficulty_and_score(m, active)
    if optimise:
        _add_objective(m)
    highs = _highs_for(m, optimise=optimise, seed=seed, time_limit=time_limit)
    if m.n_cols == 0:
        return _Solved("optimal", [[] for _ in range(m.n_forms)])
    highs.run()
    status = highs.getModelStatus()
    ms = highspy.HighsModelStatus
    if status in (ms.kInfeasible, ms.kUnboundedOrInfeasible):
        return _Solved("infeasible", [])
    info = highs.getInfo()
    if info.primal_solution_status != 2:  # kSolutionStatusFeasible: no solution in time
        return _Solved("unknown", [])
    values = np.asarray(highs.getSolution().col_value[: m.nx]).reshape(m.n_items, m.n_forms)
    chosen = [[int(i) for i in np.flatnonzero(values[:, f] > 0.5)] for f in range(m.n_forms)]
    return _Solved("optimal" if status == ms.kOptimal else "feasible", chosen)
