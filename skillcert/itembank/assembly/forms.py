"""The public entry points: assemble forms, diagnose a blueprint, verify forms."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from skillcert.common.errors import DomainError
from skillcert.itembank.assembly.diagnosis import (
    _explain,
    _feasible,
    _shortlist,
    _supply_conflicts,
)
from skillcert.itembank.assembly.domain import (
    DEFAULT_TIME_LIMIT,
    AssemblyInfeasible,
    BankItem,
    Blueprint,
    Conflict,
    Form,
)
from skillcert.itembank.assembly.programme import (
    _check_forms,
    _problem,
    _solve,
    _Solved,
)


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
