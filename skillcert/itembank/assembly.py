"""Automated paper assembly (组卷): a mixed-integer programme over a blueprint, solved with
HiGHS. Pure: plain dataclasses and NumPy arrays in, forms or a diagnosis out, no ORM.

Model, for forms f = 1..F and bank items i that fall in some blueprint cell:
  x[i,f] ∈ {0,1}                      item i is on form f
  counts      Σ_{i∈cell} x[i,f] = count(cell)               per cell and form
  enemies     Σ_{i∈group} x[i,f] ≤ 1                          per enemy group and form
  exposure    exposure(i) + Σ_f x[i,f] ≤ max_exposure         per item (each form is one
              more exposure once it is used)
  overlap     |form f ∩ form g| ≤ max_overlap                 per pair of forms, linearised
              with y[i,p] ≥ x[i,f] + x[i,g] − 1
  difficulty  |mean difficulty(f) − target| ≤ tolerance       per form, written homogeneously
              (Σ (d_i − m − t) x ≤ 0 ≤ Σ (d_i − m + t) x) so it stays meaningful when
              the counts are relaxed during diagnosis
  total score Σ score(i) x[i,f] = total_score                 per form, when given
Objective: distance of each form's difficulty sum from the target plus the pairwise distance
between forms, so forms come out close to the target and to each other.

When the blueprint cannot be met, `diagnose` first checks the supply of every cell, then
treats each requirement (one cell's count, one enemy group, exposure, overlap, difficulty,
total score) as a group and finds a minimal set of groups that cannot hold together
(QuickXplain over feasibility solves)."""

from __future__ import annotations

import math
import os
import re
import sys
import threading
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import highspy
import numpy as np

from skillcert.common.errors import DomainError

ITEM_TYPE_LABELS: dict[str, str] = {
    "single": "单选",
    "multiple": "多选",
    "true_false": "判断",
    "subjective": "简答/案例分析",
    "practical": "操作技能",
}
ELEMENT_CODE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9.\-]{0,39}$")
DEFAULT_TIME_LIMIT = 50.0


@dataclass(frozen=True)
class BankItem:
    id: str
    element: str
    type: str
    difficulty: float
    score: float = 1.0
    enemy_group: str = ""
    exposure: int = 0


@dataclass(frozen=True)
class Cell:
    element: str
    type: str
    count: int

    @property
    def label(self) -> str:
        return f"要素 {self.element} {ITEM_TYPE_LABELS.get(self.type, self.type)}"


@dataclass(frozen=True)
class Blueprint:
    cells: tuple[Cell, ...]
    difficulty_mean: float
    difficulty_tolerance: float
    max_overlap: int | None = None
    max_exposure: int | None = None
    total_score: float | None = None

    @property
    def item_count(self) -> int:
        return sum(c.count for c in self.cells)


@dataclass(frozen=True)
class Form:
    items: tuple[str, ...]
    mean_difficulty: float
    total_score: float


@dataclass(frozen=True)
class Conflict:
    code: str
    message: str
    requirements: tuple[str, ...] = ()

    def as_dict(self) -> dict[str, Any]:
        return {"code": self.code, "message": self.message, "requirements": list(self.requirements)}


class AssemblyInfeasible(DomainError):
    """The blueprint cannot be met; `conflicts` says which requirements clash."""

    def __init__(self, conflicts: Sequence[Conflict]) -> None:
        text = "；".join(c.message for c in conflicts)
        super().__init__("assembly.infeasible", f"无法按蓝图组卷：{text}", field="blueprint")
        self.conflicts = list(conflicts)


# ---------------------------------------------------------------------------------------------
# Parsing the exchange JSON (bank.json, blueprint.json of the `papers assemble` command)


def _bad(path: str, message: str) -> DomainError:
    return DomainError("assembly.bad_input", f"{path}：{message}", field=path)


def _number(value: Any, path: str, *, low: float, high: float) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise _bad(path, "应为数字")
    if not low <= float(value) <= high:
        raise _bad(path, f"应在 {low:g} 到 {high:g} 之间")
    return float(value)


def _integer(value: Any, path: str, *, low: int, high: int = 10**9) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise _bad(path, "应为整数")
    if not low <= value <= high:
        raise _bad(path, f"应在 {low} 到 {high} 之间")
    return value


def _text(value: Any, path: str, *, pattern: re.Pattern[str] | None = None) -> str:
    if not isinstance(value, str) or not value.strip():
        raise _bad(path, "应为非空字符串")
    value = value.strip()
    if len(value) > 64 or (pattern is not None and not pattern.match(value)):
        raise _bad(path, f"格式不正确：{value[:64]!r}")
    return value


def _item_type(value: Any, path: str) -> str:
    kind = _text(value, path)
    if kind not in ITEM_TYPE_LABELS:
        raise _bad(path, f"题型应为 {'/'.join(ITEM_TYPE_LABELS)} 之一，而非 {kind!r}")
    return kind


def bank_from_json(data: Any) -> list[BankItem]:
    if not isinstance(data, Mapping) or not isinstance(data.get("items"), list):
        raise _bad("items", '题库文件应为 {"items": [...]}')
    items: list[BankItem] = []
    seen: set[str] = set()
    for n, row in enumerate(data["items"]):
        path = f"items[{n}]"
        if not isinstance(row, Mapping):
            raise _bad(path, "应为对象")
        item_id = _text(row.get("id"), f"{path}.id")
        if item_id in seen:
            raise _bad(f"{path}.id", f"试题编号 {item_id} 重复")
        seen.add(item_id)
        enemy = row.get("enemy_group")
        items.append(
            BankItem(
                id=item_id,
                element=_text(row.get("element"), f"{path}.element", pattern=ELEMENT_CODE),
                type=_item_type(row.get("type"), f"{path}.type"),
                difficulty=_number(row.get("difficulty"), f"{path}.difficulty", low=0, high=1),
                score=_number(row.get("score", 1), f"{path}.score", low=0, high=100),
                enemy_group="" if enemy in (None, "") else _text(enemy, f"{path}.enemy_group"),
                exposure=_integer(row.get("exposure", 0), f"{path}.exposure", low=0),
            )
        )
    return items


def blueprint_from_json(data: Any) -> Blueprint:
    if not isinstance(data, Mapping) or not isinstance(data.get("cells"), list):
        raise _bad("cells", "蓝图文件应包含 cells 列表")
    if not data["cells"]:
        raise _bad("cells", "蓝图至少需要一个要素×题型单元")
    cells: list[Cell] = []
    seen: set[tuple[str, str]] = set()
    for n, row in enumerate(data["cells"]):
        path = f"cells[{n}]"
        if not isinstance(row, Mapping):
            raise _bad(path, "应为对象")
        cell = Cell(
            element=_text(row.get("element"), f"{path}.element", pattern=ELEMENT_CODE),
            type=_item_type(row.get("type"), f"{path}.type"),
            count=_integer(row.get("count"), f"{path}.count", low=1, high=1000),
        )
        if (cell.element, cell.type) in seen:
            raise _bad(path, f"{cell.label} 重复出现")
        seen.add((cell.element, cell.type))
        cells.append(cell)
    difficulty = data.get("difficulty")
    if not isinstance(difficulty, Mapping):
        raise _bad("difficulty", '应为 {"mean": ..., "tolerance": ...}')
    max_overlap = data.get("max_overlap")
    max_exposure = data.get("max_exposure")
    total = data.get("total_score")
    return Blueprint(
        cells=tuple(cells),
        difficulty_mean=_number(difficulty.get("mean"), "difficulty.mean", low=0, high=1),
        difficulty_tolerance=_number(
            difficulty.get("tolerance"), "difficulty.tolerance", low=0, high=1
        ),
        max_overlap=None if max_overlap is None else _integer(max_overlap, "max_overlap", low=0),
        max_exposure=None
        if max_exposure is None
        else _integer(max_exposure, "max_exposure", low=1),
        total_score=None if total is None else _number(total, "total_score", low=0, high=10000),
    )


def forms_to_json(forms: Sequence[Form]) -> dict[str, Any]:
    return {
        "forms": [
            {
                "items": list(f.items),
                "mean_difficulty": round(f.mean_difficulty, 4),
                "total_score": round(f.total_score, 2),
            }
            for f in forms
        ]
    }


# ---------------------------------------------------------------------------------------------
# Requirement groups and the model


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


def _solve(
    p: _Problem, groups: Iterable[str], *, optimise: bool, seed: int, time_limit: float
) -> _Solved:
    active = set(groups)
    bp = p.blueprint
    n_items, n_forms = len(p.bank), p.forms
    inf = highspy.kHighsInf
    nx = n_items * n_forms

    def x(i: Any, f: int) -> Any:
        return np.asarray(i) * n_forms + f

    col_cost: list[np.ndarray] = [np.zeros(nx)]
    col_upper: list[np.ndarray] = [np.ones(nx)]
    integral = np.zeros(nx, dtype=np.uint8) + 1
    n_cols = nx
    rows = _Rows()
    items = np.arange(n_items)

    for c_index, cell in enumerate(bp.cells):
        if _cell_group(cell) not in active:
            continue
        members = items[p.cell_of == c_index]
        for f in range(n_forms):
            rows.add(x(members, f), 1.0, cell.count, cell.count)

    for name, members in p.enemies.items():
        if _enemy_group(name) not in active:
            continue
        for f in range(n_forms):
            rows.add(x(members, f), 1.0, -inf, 1.0)

    every_form = np.arange(n_forms)
    if GROUP_EXPOSURE in active:
        for capped in np.unique(p.cap[p.cap < n_forms]):
            members = items[p.cap == capped]
            rows.add_many(
                x(members[:, None], 0) + every_form, np.ones(n_forms), -inf, float(capped)
            )

    if GROUP_OVERLAP in active and p._overlap_binds():
        limit = bp.max_overlap or 0
        if limit == 0:
            rows.add_many(x(items[:, None], 0) + every_form, np.ones(n_forms), -inf, 1.0)
        else:
            for a, b in p.pairs:
                first = n_cols
                col_cost.append(np.zeros(n_items))
                col_upper.append(np.ones(n_items))
                n_cols += n_items
                cols = np.stack([x(items, a), x(items, b), first + items], axis=1)
                rows.add_many(cols, np.array([1.0, 1.0, -1.0]), -inf, 1.0)
                rows.add(np.arange(first, first + n_items), 1.0, -inf, float(limit))

    mean, tol = bp.difficulty_mean, bp.difficulty_tolerance
    if GROUP_DIFFICULTY in active:
        for f in range(n_forms):
            rows.add(x(items, f), p.difficulty - mean - tol, -inf, 0.0)
            rows.add(x(items, f), p.difficulty - mean + tol, 0.0, inf)

    if GROUP_TOTAL_SCORE in active and bp.total_score is not None:
        for f in range(n_forms):
            rows.add(x(items, f), p.score, bp.total_score - 1e-6, bp.total_score + 1e-6)

    if optimise:
        target = bp.item_count * mean
        deviation = n_cols
        col_cost.append(np.ones(n_forms))
        col_upper.append(np.full(n_forms, inf))
        n_cols += n_forms
        for f in range(n_forms):
            cols = np.append(x(items, f), deviation + f)
            rows.add(cols, np.append(p.difficulty, -1.0), -inf, target)
            rows.add(cols, np.append(p.difficulty, 1.0), target, inf)
        pairs = p.pairs
        spread = n_cols
        col_cost.append(np.ones(len(pairs)))
        col_upper.append(np.full(len(pairs), inf))
        n_cols += len(pairs)
        for k, (a, b) in enumerate(pairs):
            cols = np.concatenate([x(items, a), x(items, b), [spread + k]])
            vals = np.concatenate([p.difficulty, -p.difficulty, [-1.0]])
            rows.add(cols, vals, -inf, 0.0)
            vals = np.concatenate([p.difficulty, -p.difficulty, [1.0]])
            rows.add(cols, vals, 0.0, inf)

    highs = _quiet_highs()
    highs.setOptionValue("output_flag", False)
    highs.setOptionValue("random_seed", int(seed) % 2_147_483_647)
    highs.setOptionValue("time_limit", float(time_limit))
    highs.setOptionValue("threads", 1)
    if optimise:
        # Any solution inside the tolerance satisfies the blueprint; closing the last
        # hundredths of the objective is not worth minutes of branching.
        highs.setOptionValue("mip_rel_gap", 0.05)
        highs.setOptionValue("mip_abs_gap", 0.02 * max(1, n_forms))
    else:
        highs.setOptionValue("mip_max_improving_sols", 1)
    costs = np.concatenate(col_cost)
    uppers = np.concatenate(col_upper)
    highs.addCols(
        n_cols,
        costs,
        np.zeros(n_cols),
        uppers,
        0,
        np.array([], dtype=np.int32),
        np.array([], dtype=np.int32),
        np.array([], dtype=np.float64),
    )
    if nx:
        highs.changeColsIntegrality(nx, np.arange(nx, dtype=np.int32), integral)
    rows.pass_to(highs)
    if n_cols == 0:
        return _Solved("optimal", [[] for _ in range(n_forms)])
    highs.run()
    status = highs.getModelStatus()
    ms = highspy.HighsModelStatus
    if status in (ms.kInfeasible, ms.kUnboundedOrInfeasible):
        return _Solved("infeasible", [])
    info = highs.getInfo()
    has_solution = info.primal_solution_status == 2  # kSolutionStatusFeasible
    if not has_solution:
        return _Solved("unknown", [])
    values = np.asarray(highs.getSolution().col_value[:nx]).reshape(n_items, n_forms)
    chosen = [[int(i) for i in np.flatnonzero(values[:, f] > 0.5)] for f in range(n_forms)]
    return _Solved("optimal" if status == ms.kOptimal else "feasible", chosen)


# ---------------------------------------------------------------------------------------------
# Public entry points


def assemble(
    bank: Sequence[BankItem],
    blueprint: Blueprint,
    *,
    forms: int = 1,
    seed: int = 0,
    time_limit: float = DEFAULT_TIME_LIMIT,
) -> list[Form]:
    """Assemble `forms` parallel forms. Raises `AssemblyInfeasible` naming the conflicting
    requirements, or `DomainError("assembly.timeout")` when HiGHS found nothing in time."""
    _check_forms(forms)
    supply = _supply_conflicts(bank, blueprint, forms)
    if supply:
        raise AssemblyInfeasible(supply)
    shortlist = _shortlist(bank, blueprint, forms)
    solved = _Solved("infeasible", [])
    if len(shortlist) < len(bank):
        # Most of a large bank can never matter: per cell, the items nearest the difficulty
        # target are plenty. Only when that smaller model fails is the whole bank solved
        # (and diagnosed), so the answer is the same, just sooner.
        p = _problem(shortlist, blueprint, forms, seed)
        solved = _solve(p, p.groups(), optimise=True, seed=seed, time_limit=time_limit)
    if solved.status not in ("optimal", "feasible"):
        p = _problem(bank, blueprint, forms, seed)
        solved = _solve(p, p.groups(), optimise=True, seed=seed, time_limit=time_limit)
    if solved.status == "infeasible":
        raise AssemblyInfeasible(_explain(p, seed=seed, time_limit=time_limit))
    if solved.status == "unknown":
        raise DomainError(
            "assembly.timeout", f"在 {time_limit:g} 秒内未找到满足蓝图的组卷方案，请放宽要求后重试"
        )
    out = []
    for chosen in solved.chosen:
        picked = sorted(chosen, key=lambda i: (p.cell_of[i], p.bank[i].id))
        out.append(
            Form(
                items=tuple(p.bank[i].id for i in picked),
                mean_difficulty=float(p.difficulty[picked].mean()) if picked else 0.0,
                total_score=float(p.score[picked].sum()),
            )
        )
    return out


def diagnose(
    bank: Sequence[BankItem],
    blueprint: Blueprint,
    *,
    forms: int = 1,
    seed: int = 0,
    time_limit: float = DEFAULT_TIME_LIMIT,
) -> list[Conflict]:
    """The conflicts that make the blueprint infeasible; empty when it can be met."""
    _check_forms(forms)
    supply = _supply_conflicts(bank, blueprint, forms)
    if supply:
        return supply
    p = _problem(bank, blueprint, forms, seed)
    if _feasible(p, p.groups(), seed=seed, time_limit=time_limit):
        return []
    return _explain(p, seed=seed, time_limit=time_limit)


def requirements_feasible(
    bank: Sequence[BankItem],
    blueprint: Blueprint,
    requirements: Iterable[str],
    *,
    forms: int = 1,
    time_limit: float = DEFAULT_TIME_LIMIT,
) -> bool:
    """Can these requirement groups (names as in `Conflict.requirements`) hold together?"""
    p = _problem(bank, blueprint, forms, 0)
    return _feasible(p, requirements, seed=0, time_limit=time_limit)


def verify_forms(
    bank: Sequence[BankItem], blueprint: Blueprint, forms: Sequence[Form]
) -> list[str]:
    """Every way in which `forms` break the blueprint (empty when they meet it). Independent of
    the solver, so tests and the sealing step can check a result."""
    by_id = {it.id: it for it in bank}
    problems: list[str] = []
    used: dict[str, int] = {}
    for n, form in enumerate(forms, start=1):
        if len(set(form.items)) != len(form.items):
            problems.append(f"第{n}套：试题重复")
        unknown = [i for i in form.items if i not in by_id]
        if unknown:
            problems.append(f"第{n}套：题库中没有 {', '.join(unknown[:5])}")
            continue
        its = [by_id[i] for i in form.items]
        for cell in blueprint.cells:
            have = sum(1 for it in its if (it.element, it.type) == (cell.element, cell.type))
            if have != cell.count:
                problems.append(f"第{n}套：{cell.label} 应为 {cell.count} 题，实为 {have} 题")
        if len(its) != blueprint.item_count:
            problems.append(f"第{n}套：题量应为 {blueprint.item_count}，实为 {len(its)}")
        groups: dict[str, int] = {}
        for it in its:
            if it.enemy_group:
                groups[it.enemy_group] = groups.get(it.enemy_group, 0) + 1
        problems += [f"第{n}套：敌对组 {g} 出现 {k} 题" for g, k in sorted(groups.items()) if k > 1]
        if its:
            mean = sum(it.difficulty for it in its) / len(its)
            if abs(mean - blueprint.difficulty_mean) > blueprint.difficulty_tolerance + 1e-6:
                problems.append(f"第{n}套：平均难度 {mean:.3f} 超出目标范围")
        total = sum(it.score for it in its)
        if blueprint.total_score is not None and abs(total - blueprint.total_score) > 1e-6:
            problems.append(f"第{n}套：总分 {total:g} 应为 {blueprint.total_score:g}")
        for i in form.items:
            used[i] = used.get(i, 0) + 1
    if blueprint.max_exposure is not None:
        for i, k in sorted(used.items()):
            if i in by_id and by_id[i].exposure + k > blueprint.max_exposure:
                problems.append(f"试题 {i} 曝光次数将超过上限 {blueprint.max_exposure}")
    if blueprint.max_overlap is not None:
        for a in range(len(forms)):
            for b in range(a + 1, len(forms)):
                common = len(set(forms[a].items) & set(forms[b].items))
                if common > blueprint.max_overlap:
                    problems.append(f"第{a + 1}套与第{b + 1}套重复 {common} 题")
    return problems


# ---------------------------------------------------------------------------------------------
# Diagnosis


SHORTLIST_FACTOR = 3


def _shortlist(bank: Sequence[BankItem], blueprint: Blueprint, forms: int) -> list[BankItem]:
    """Per cell, the usable items closest to the difficulty target: SHORTLIST_FACTOR times
    what the forms need (enemy constraints over a subset of a group stay correct)."""
    by_cell: dict[tuple[str, str], list[BankItem]] = {}
    for it in bank:
        if blueprint.max_exposure is None or it.exposure < blueprint.max_exposure:
            by_cell.setdefault((it.element, it.type), []).append(it)
    kept: list[BankItem] = []
    for cell in blueprint.cells:
        items = by_cell.get((cell.element, cell.type), [])
        items.sort(key=lambda it: (abs(it.difficulty - blueprint.difficulty_mean), it.id))
        kept += items[: SHORTLIST_FACTOR * cell.count * forms + 10]
    return kept


def _supply_conflicts(bank: Sequence[BankItem], blueprint: Blueprint, forms: int) -> list[Conflict]:
    """Cells that the bank cannot fill even before any other requirement is considered."""
    out: list[Conflict] = []
    for cell in blueprint.cells:
        matching = [it for it in bank if (it.element, it.type) == (cell.element, cell.type)]
        if blueprint.max_exposure is None:
            caps = [forms] * len(matching)
        else:
            caps = [max(0, min(forms, blueprint.max_exposure - it.exposure)) for it in matching]
        usable = sum(1 for c in caps if c > 0)
        group = (_cell_group(cell),)
        if usable < cell.count:
            worn = len(matching) - usable
            note = f"（另有 {worn} 题已达曝光上限）" if worn else ""
            out.append(
                Conflict(
                    "assembly.cell_supply",
                    f"{cell.label}需 {cell.count} 题，可用 {usable} 题{note}",
                    group + ((GROUP_EXPOSURE,) if worn else ()),
                )
            )
        elif forms > 1 and sum(caps) < cell.count * forms:
            out.append(
                Conflict(
                    "assembly.cell_supply",
                    f"{cell.label} {forms} 套共需 {cell.count * forms} 题次，"
                    f"曝光上限内可用 {sum(caps)} 题次",
                    (*group, GROUP_EXPOSURE),
                )
            )
    return out


def _feasible(p: _Problem, groups: Iterable[str], *, seed: int, time_limit: float) -> bool:
    solved = _solve(p, groups, optimise=False, seed=seed, time_limit=time_limit)
    if solved.status == "unknown":
        raise DomainError(
            "assembly.timeout",
            f"在 {time_limit:g} 秒内无法判断蓝图能否满足，请缩小题库或蓝图后重试",
        )
    return solved.status != "infeasible"


def _group_label(p: _Problem, group: str) -> str:
    bp = p.blueprint
    kind, _, name = group.partition(":")
    if kind == "cell":
        element, _, item_type = name.partition("|")
        count = next(c.count for c in bp.cells if (c.element, c.type) == (element, item_type))
        return f"{Cell(element, item_type, count).label} {count} 题"
    if kind == "enemy":
        return f"敌对组 {name}"
    if group == GROUP_EXPOSURE:
        return f"曝光上限 {bp.max_exposure} 次"
    if group == GROUP_OVERLAP:
        return f"平行卷间重复不超过 {bp.max_overlap} 题"
    if group == GROUP_DIFFICULTY:
        return f"平均难度 {bp.difficulty_mean:g}±{bp.difficulty_tolerance:g}"
    return f"总分 {bp.total_score:g} 分"


def _explain(p: _Problem, *, seed: int, time_limit: float) -> list[Conflict]:
    groups = p.groups()

    def consistent(subset: list[str]) -> bool:
        return _feasible(p, subset, seed=seed, time_limit=time_limit)

    def quickxplain(background: list[str], delta: bool, candidates: list[str]) -> list[str]:
        # Junker's QuickXplain: a minimal subset of `candidates` that, with `background`,
        # is infeasible, in O(k log n) feasibility solves for a conflict of size k.
        if delta and not consistent(background):
            return []
        if len(candidates) == 1:
            return candidates
        half = len(candidates) // 2
        first, second = candidates[:half], candidates[half:]
        d2 = quickxplain(background + first, True, second)
        d1 = quickxplain(background + d2, bool(d2), first)
        return d1 + d2

    # Reverse so that cells (listed first) are blamed last: QuickXplain keeps the earliest
    # candidates when it can, which puts the structural requirements in the explanation.
    conflict = quickxplain([], False, list(reversed(groups)))
    ordered = [g for g in groups if g in conflict]
    labels = [_group_label(p, g) for g in ordered]
    message = f"{labels[0]}无法满足" if len(labels) == 1 else f"{'与'.join(labels)}相互冲突"
    return [Conflict("assembly.conflict", message, tuple(ordered))]
