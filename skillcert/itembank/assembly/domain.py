"""The plain data of paper assembly: bank items, blueprint cells, forms and conflicts."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

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
