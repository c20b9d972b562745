"""Named status transitions: every lifecycle declares which moves are allowed, and services
move statuses only through `check_transition`."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TypeVar

from skillcert.common.errors import DomainError

S = TypeVar("S", bound=str)


def check_transition(
    *, allowed: Mapping[S, frozenset[S]], current: S, target: S, labels: Mapping[str, str]
) -> None:
    if target not in allowed.get(current, frozenset()):
        raise DomainError(
            "status.transition_not_allowed",
            f"当前状态“{labels.get(current, current)}”不能变更为“{labels.get(target, target)}”",
            field="status",
        )
