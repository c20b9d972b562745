"""Why a blueprint cannot be met: short cells first, then a minimal set of requirement groups
that cannot hold together (QuickXplain over feasibility solves)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from skillcert.common.errors import DomainError
from skillcert.itembank.assembly.domain import (
    BankItem,
    Blueprint,
    Cell,
    Conflict,
)
from skillcert.itembank.assembly.programme import (
    GROUP_DIFFICULTY,
    GROUP_EXPOSURE,
    GROUP_OVERLAP,
    _cell_group,
    _Problem,
    _solve,
)

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
