"""Set-ups built once for a whole test module instead of once per test.

`rows_for_module(blocker)` opens a transaction outside the tests: what a module-scoped fixture
writes in it stays while the module's tests run, each test's own transaction (pytest-django's
`db`) being a savepoint inside it, so what a test writes goes at its end; the module's rows go
when the module's fixtures end. `module_shares` says when a fixture may be built so
(docs/ARCHITECTURE.md, "The test databases")."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import pytest
from django.db import transaction


@contextmanager
def rows_for_module(django_db_blocker: Any) -> Iterator[None]:
    with django_db_blocker.unblock(), transaction.atomic():
        try:
            yield
        finally:
            transaction.set_rollback(True)


def flushes(item: pytest.Item) -> bool:
    """Whether the test runs outside a transaction, so that its database is flushed after it."""
    marker = item.get_closest_marker("django_db")
    if marker is not None and (
        marker.kwargs.get("transaction") or (marker.args and marker.args[0])
    ):
        return True
    names = getattr(item, "fixturenames", ())
    return "transactional_db" in names or "live_server" in names


def uses_database(item: pytest.Item) -> bool:
    """The test touches the database (directly or through a fixture that does)."""
    fixtures = set(getattr(item, "fixturenames", ()))
    return bool(
        item.get_closest_marker("django_db") or {"db", "transactional_db", "live_server"} & fixtures
    )


@dataclass(frozen=True)
class ModuleFacts:
    """What a test module's tests ask of the database and the clock (`module_shares`)."""

    flushes: bool  # a test runs outside a transaction (transactional_db, live_server)
    moves_clock: bool  # a test moves the clock before its fixtures build (covered_clock)
    every_database_test_uses: frozenset[str]  # fixtures every database test of it asks for


_MODULE_FACTS = pytest.StashKey[dict[str, ModuleFacts]]()
CLOCK_FIXTURES = frozenset({"covered_clock", "time_machine"})


def module_facts(request: pytest.FixtureRequest) -> ModuleFacts:
    facts = request.config.stash.get(_MODULE_FACTS, None)
    if facts is None:
        by_module: dict[str, list[pytest.Item]] = {}
        for item in request.session.items:
            by_module.setdefault(item.nodeid.split("::")[0], []).append(item)
        facts = {}
        for module, items in by_module.items():
            database = [set(getattr(i, "fixturenames", ())) for i in items if uses_database(i)]
            facts[module] = ModuleFacts(
                flushes=any(flushes(i) for i in items),
                moves_clock=any(
                    CLOCK_FIXTURES & names or i.get_closest_marker("time_machine")
                    for i, names in ((i, set(getattr(i, "fixturenames", ()))) for i in items)
                ),
                every_database_test_uses=frozenset(set.intersection(*database) if database else ()),
            )
        request.config.stash[_MODULE_FACTS] = facts
    return facts[request.node.nodeid.split("::")[0]]


def module_shares(request: pytest.FixtureRequest, name: str, *, dated: bool = False) -> bool:
    """Whether what the fixture `name` builds may be built once for the requesting module
    rather than once per test: no test of the module commits, every database test of it asks
    for `name` (so each test finds the same rows whatever order the tests run in) and, when
    the rows are dated from today (`dated`), no test moves the clock before building."""
    facts = module_facts(request)
    return (
        not facts.flushes
        and name in facts.every_database_test_uses
        and not (dated and facts.moves_clock)
    )
