"""Parsing the exchange JSON (bank.json, blueprint.json of the `papers assemble` command)."""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from typing import Any

from skillcert.common.errors import DomainError
from skillcert.itembank.assembly.domain import (
    ELEMENT_CODE,
    ITEM_TYPE_LABELS,
    BankItem,
    Blueprint,
    Cell,
    Form,
)


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
