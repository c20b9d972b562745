"""Every public service is something a user can do: each public function of a `services`
module is named by a page (a `views*` module), an API route (`api*`), a management command, a
background task, an admin action, or another service function that is itself a caller. The
demo and the simulation do not count: they stand in for users, they are not a way users get
work done. What is public for another reason is listed below with that reason."""

from __future__ import annotations

import ast
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

# Commands that stand in for users rather than serve them.
NOT_ENTRY_POINTS = {
    "operations/management/commands/demo.py",
    "operations/management/commands/simulate.py",
}

# (module, function) → why it is public without an entry point of its own.
EXCEPTIONS: dict[tuple[str, str], str] = {
    # Practice records typed by hand are written by the demo only.
    ("personnel/services/practice.py", "sitting_record"): "records typed by hand: no page yet",
}


def _kind(rel: str) -> str | None:
    """ "entry" for what a user or the running system starts (pages, API routes, commands,
    tasks, admin actions, app start-up); "service" for the services modules; "code" for any
    other module of the product, whose functions pass the reach on; None for what stands in
    for users (demo, simulation) and for tests and migrations."""
    parts = rel.split("/")
    if "tests" in parts or "migrations" in parts or "simulation" in parts:
        return None
    if rel in NOT_ENTRY_POINTS or parts[-1] == "demo.py":
        return None
    name = parts[-1]
    if "commands" in parts or "views" in name or name.startswith("api"):
        return "entry"
    if name in ("tasks.py", "admin.py", "apps.py", "urls.py", "middleware.py"):
        return "entry"
    if name == "services.py" or "services" in parts:
        return "service"
    return "code"


def _names(node: ast.AST) -> set[str]:
    found: set[str] = set()
    for sub in ast.walk(node):
        if isinstance(sub, ast.Name):
            found.add(sub.id)
        elif isinstance(sub, ast.Attribute):
            found.add(sub.attr)
    return found


def _scan() -> tuple[set[tuple[str, str]], dict[str, set[str]], set[str]]:
    """The public service functions; for every name, the functions (by name) that use it;
    and the names entry points use directly."""
    services: set[tuple[str, str]] = set()
    used_by: dict[str, set[str]] = defaultdict(set)
    entry_uses: set[str] = set()
    for path in sorted(ROOT.rglob("*.py")):
        rel = path.relative_to(ROOT).as_posix()
        kind = _kind(rel)
        if kind is None:
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        if kind == "entry":
            entry_uses |= _names(tree)
            continue
        for node in ast.walk(tree):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                if kind == "service" and node in tree.body and not node.name.startswith("_"):
                    services.add((rel, node.name))
                for name in _names(node) - {node.name}:
                    used_by[name].add(node.name)
    return services, used_by, entry_uses


def _unreached() -> list[tuple[str, str]]:
    """Reached: used by an entry point, or by a function of the product (a service, a
    helper) that is itself reached. Names are matched by name alone, so two functions of one
    name in two apps count as one: the check can miss a dead service, never flag a live one."""
    services, used_by, reached = _scan()
    reached = set(reached)
    changed = True
    while changed:
        changed = False
        for name, callers in used_by.items():
            if name not in reached and callers & reached:
                reached.add(name)
                changed = True
    return sorted(key for key in services if key[1] not in reached and key not in EXCEPTIONS)


def test_every_public_service_has_a_way_in():
    unreached = _unreached()
    assert not unreached, "public services that no page, API route, command or task reaches:\n" + (
        "\n".join(f"  {module}: {name}" for module, name in unreached)
    )


def test_the_exceptions_are_still_services():
    services, _, _ = _scan()
    stale = [key for key in EXCEPTIONS if key not in services]
    assert not stale, f"exceptions for functions that are no longer public services: {stale}"
