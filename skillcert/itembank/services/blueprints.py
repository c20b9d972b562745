"""Assembly blueprints: how many items of which element and type a paper draws, and the
difficulty it aims at."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.db import transaction

from skillcert.accounts.actors import Actor
from skillcert.audit.services import audited_create
from skillcert.common.errors import DomainError
from skillcert.itembank import assembly
from skillcert.itembank.models import AssemblyBlueprint, ItemBank
from skillcert.itembank.permits import BankAction, bank_may
from skillcert.itembank.services._guards import acting_person, bank_for_writing, forbidden
from skillcert.occupations.selectors import elements_of_occupation

if TYPE_CHECKING:
    from skillcert.occupations.models import Occupation


def _blueprint_parse(
    *,
    occupation: Occupation,
    cells: Sequence[Mapping[str, Any]],
    difficulty: tuple[float, float],
    limits: tuple[int | None, int | None],
    total_score: Any,
) -> assembly.Blueprint:
    """The blueprint as the assembly core reads it, every element named in the occupation's
    standard."""
    data: dict[str, Any] = {
        "cells": [dict(c) for c in cells],
        "difficulty": {"mean": difficulty[0], "tolerance": difficulty[1]},
        "max_overlap": limits[0],
        "max_exposure": limits[1],
    }
    if total_score is not None:
        data["total_score"] = float(total_score)
    try:
        parsed = assembly.blueprint_from_json(data)
    except DomainError as exc:
        raise DomainError("blueprint.invalid", exc.message, field=exc.field) from None
    known = set(elements_of_occupation(occupation_id=occupation.pk).values_list("code", flat=True))
    unknown = sorted({c.element for c in parsed.cells} - known)
    if unknown:
        raise DomainError(
            "blueprint.element_unknown",
            f"该职业标准中没有要素 {', '.join(unknown[:10])}",
            field="cells",
        )
    return parsed


def blueprint_create(
    *,
    occupation: Occupation,
    level: int,
    name: str,
    cells: Sequence[Mapping[str, Any]],
    difficulty_mean: float,
    difficulty_tolerance: float,
    actor: Actor,
    max_overlap: int | None = None,
    max_exposure: int | None = None,
    total_score: Any = None,
    bank: ItemBank | None = None,
) -> AssemblyBlueprint:
    """A blueprint of `bank` (by default the only bank in which the actor writes items of the
    occupation); only the bank's managers write blueprints."""
    user = acting_person(actor)
    bank = bank_for_writing(user=user, occupation=occupation, bank=bank)
    if not bank_may(user, bank, BankAction.MANAGE, occupation_id=occupation.pk):
        raise forbidden("只有该题库该职业的题库管理员可以制定组卷蓝图")
    if not name.strip():
        raise DomainError("blueprint.name_required", "蓝图名称不能为空", field="name")
    parsed = _blueprint_parse(
        occupation=occupation,
        cells=cells,
        difficulty=(difficulty_mean, difficulty_tolerance),
        limits=(max_overlap, max_exposure),
        total_score=total_score,
    )
    with transaction.atomic():
        if AssemblyBlueprint.objects.filter(
            bank=bank, occupation=occupation, level=level, name=name
        ).exists():
            raise DomainError("blueprint.name_taken", f"蓝图“{name}”已存在", field="name")
        return audited_create(
            AssemblyBlueprint,
            actor=user,
            action="blueprint.create",
            changes={"bank": bank.pk, "items": parsed.item_count, "cells": len(parsed.cells)},
            bank=bank,
            occupation=occupation,
            level=level,
            name=name.strip()[:100],
            cells=[{"element": c.element, "type": c.type, "count": c.count} for c in parsed.cells],
            difficulty_mean=parsed.difficulty_mean,
            difficulty_tolerance=parsed.difficulty_tolerance,
            max_overlap=parsed.max_overlap,
            max_exposure=parsed.max_exposure,
            total_score=None if total_score is None else Decimal(str(total_score)),
            created_by=user,
        )


def blueprint_cells_from_weights(
    *, weights: Mapping[str, float], type_counts: Mapping[str, int]
) -> list[dict[str, Any]]:
    """Cells for a blueprint: each type's item count shared among elements in proportion to
    their weight-table percentages (largest remainder, so the counts add up exactly)."""
    cells: list[dict[str, Any]] = []
    total_weight = sum(weights.values())
    if total_weight <= 0:
        raise DomainError("blueprint.weights_empty", "比重表为空，无法分配题量", field="weights")
    for item_type, count in type_counts.items():
        shares = {e: count * w / total_weight for e, w in weights.items()}
        floors = {e: int(s) for e, s in shares.items()}
        rest = count - sum(floors.values())
        for e in sorted(shares, key=lambda e: (floors[e] - shares[e], e))[:rest]:
            floors[e] += 1
        cells += [{"element": e, "type": item_type, "count": n} for e, n in floors.items() if n]
    return cells
