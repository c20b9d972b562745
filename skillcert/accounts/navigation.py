"""Menu entries whose visibility another app decides. The app registers, when it starts
(`AppConfig.ready`), a predicate for its page's URL name; the menu asks `nav_visible` and so
never imports the app (accounts sits below every domain app)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

# URL name → whether the signed-in (or anonymous) user sees the entry.
_VISIBLE: dict[str, Callable[[Any], bool]] = {}


def nav_visibility_register(url_name: str, visible: Callable[[Any], bool]) -> None:
    _VISIBLE[url_name] = visible


def nav_visible(url_name: str, user: Any) -> bool:
    """False for an entry no app registered (its app is not installed)."""
    visible = _VISIBLE.get(url_name)
    return visible is not None and visible(user)
