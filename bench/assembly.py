"""Paper-assembly benchmark (issue 9): a 2,000-item bank, a 100-item blueprint over 40
element × type cells, 3 parallel forms with overlap ≤ 10 in ≤ 10 s; 10,000 items and 5 forms
in ≤ 60 s; an infeasible blueprint diagnosed in ≤ 10 s. Pure core only (no database).

    .venv/bin/python bench/assembly.py

The last line prints the three times; the exit status is 1 when a target is missed or a
result breaks the blueprint."""

from __future__ import annotations

import random
import sys
import time
from pathlib import Path

# The project root replaces this script's folder on the path: bench/statistics.py would
# otherwise shadow the standard library's statistics module (Django's SQLite backend uses it).
sys.path[0] = str(Path(__file__).resolve().parent.parent)

from skillcert.itembank.assembly import (
    AssemblyInfeasible,
    BankItem,
    Blueprint,
    Cell,
    assemble,
    verify_forms,
)

ELEMENTS = [f"{chr(ord('A') + k // 4)}-{k % 4 + 1:02d}" for k in range(20)]
TYPES = ["single", "multiple"]
COUNTS = {"single": 3, "multiple": 2}  # 20 elements × (3 + 2) = 100 items over 40 cells


def make_bank(size: int, seed: int) -> list[BankItem]:
    rng = random.Random(seed)
    bank = []
    for n in range(size):
        kind = TYPES[0] if rng.random() < 0.6 else TYPES[1]
        bank.append(
            BankItem(
                id=f"I{n:05d}",
                element=rng.choice(ELEMENTS),
                type=kind,
                difficulty=round(min(0.95, max(0.05, rng.gauss(0.6, 0.15))), 3),
                score=1.0 if kind == "single" else 2.0,
                enemy_group=f"E{rng.randrange(size // 10)}" if rng.random() < 0.15 else "",
                exposure=rng.choice([0, 0, 0, 1, 2, 3, 5]),
            )
        )
    return bank


def blueprint(**kw: object) -> Blueprint:
    cells = tuple(Cell(e, t, COUNTS[t]) for e in ELEMENTS for t in TYPES)
    args: dict[str, object] = {
        "cells": cells,
        "difficulty_mean": 0.6,
        "difficulty_tolerance": 0.02,
        "max_overlap": 10,
        "max_exposure": 5,
    }
    args.update(kw)
    return Blueprint(**args)  # type: ignore[arg-type]


def timed_assembly(size: int, forms: int) -> float:
    bank, bp = make_bank(size, seed=size), blueprint()
    start = time.perf_counter()
    result = assemble(bank, bp, forms=forms, seed=1, time_limit=120)
    elapsed = time.perf_counter() - start
    problems = verify_forms(bank, bp, result)
    if problems:
        print(f"{size} items: result breaks the blueprint: {problems[:3]}")
        sys.exit(1)
    print(
        f"{size} items, {forms} forms: {elapsed:.2f} s, mean difficulty "
        + ", ".join(f"{f.mean_difficulty:.3f}" for f in result)
    )
    return elapsed


def timed_diagnosis() -> float:
    # Enough items in every cell, but one element's single-choice items all share an enemy
    # group: the supply check passes and the relaxation must find the clash.
    bank = make_bank(2000, seed=7)
    bank = [
        BankItem(
            it.id,
            it.element,
            it.type,
            it.difficulty,
            it.score,
            "E-CLASH" if (it.element, it.type) == ("B-01", "single") else it.enemy_group,
            it.exposure,
        )
        for it in bank
    ]
    bp = blueprint()
    start = time.perf_counter()
    try:
        assemble(bank, bp, forms=3, seed=1, time_limit=120)
    except AssemblyInfeasible as exc:
        elapsed = time.perf_counter() - start
        print("infeasible: " + "；".join(c.message for c in exc.conflicts))
        if not any("E-CLASH" in c.message for c in exc.conflicts):
            print("diagnosis did not name the clashing enemy group")
            sys.exit(1)
        return elapsed
    print("the infeasible blueprint was assembled")
    sys.exit(1)


def main() -> int:
    small = timed_assembly(2000, 3)
    large = timed_assembly(10000, 5)
    diagnosis = timed_diagnosis()
    ok = small <= 10 and large <= 60 and diagnosis <= 10
    print(
        f"assembly 2000×3: {small:.2f} s (≤10) · 10000×5: {large:.2f} s (≤60) · "
        f"infeasible diagnosis: {diagnosis:.2f} s (≤10) · {'OK' if ok else 'MISSED'}"
    )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
