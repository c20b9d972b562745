"""What every batch form checks of its list before a service runs: a key listed twice is a
mistake in the sheet (the second row would silently win), so the whole list is refused; and
every row it names must be one the form may change, locked in one order (`all_locked`). Each
caller keeps its own error code and words: it passes `refuse`, which builds its DomainError
for the repeated key (written out at the call, where the error-code registry reads it)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any, TypeVar

from django.db.models import Model, QuerySet

from skillcert.common.errors import DomainError

K = TypeVar("K")
V = TypeVar("V")
M = TypeVar("M", bound=Model)


def keyed_once(pairs: Iterable[tuple[K, V]], refuse: Callable[[K], DomainError]) -> dict[K, V]:
    """The (key, value) pairs as a dict, in list order; the first key listed twice refuses
    the whole list with `refuse(key)`."""
    out: dict[K, V] = {}
    for key, value in pairs:
        if key in out:
            raise refuse(key)
        out[key] = value
    return out


def require_once(keys: Iterable[K], refuse: Callable[[K], DomainError]) -> None:
    """Refuse the list with `refuse(key)` when a key stands in it twice."""
    keyed_once(((key, None) for key in keys), refuse)


def all_locked(
    rows: QuerySet[M, Any], ids: Iterable[int], refuse: Callable[[], DomainError]
) -> list[M]:
    """The rows of `rows` with these ids, locked in primary-key order (so two batch forms over
    the same rows never wait on each other crosswise); `refuse()` when any id is not among them
    (another batch's, or none at all)."""
    wanted = sorted(set(ids))
    locked = list(rows.select_for_update().filter(pk__in=wanted).order_by("pk"))
    if len(locked) != len(wanted):
        raise refuse()
    return locked
