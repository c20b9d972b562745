"""The registry of domain error codes: every code a DomainError (or a subclass) is raised
with, read from the source, with its message(s) and the modules that raise it.

Codes are API: clients and tests match on them. docs/errors.md is generated from this
registry and a test fails when it is stale. Regenerate it with

    .venv/bin/python -m skillcert.common.error_codes --write

How codes are found (by reading the source, not by running it):
- a call of DomainError, Forbidden or any class derived from them, whose code argument is a
  string or an f-string (`DomainError("plan.closed", "…")`, `super().__init__("seating.short",
  …)` inside such a class);
- a call of a function that builds one of those from its own parameter
  (`def _refuse(code, message): return DomainError(f"upload.{code}", message)`): each call
  of the function with a literal code counts, through any number of such functions.
A code built at run time from something else (a variable passed through) is not listed;
`unresolved` counts those places so that the registry says how much it cannot see.
"""

from __future__ import annotations

import argparse
import ast
import re
import sys
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent  # skillcert/
DOC = PACKAGE.parent / "docs" / "errors.md"
REGENERATE = ".venv/bin/python -m skillcert.common.error_codes --write"

# The first part of every code names the area it belongs to. A new area is added here, with
# a line saying what it covers; a code whose prefix is not listed is flagged.
PREFIXES: dict[str, str] = {
    "activation": "candidates: activation codes for a candidate account",
    "annual_report": "organizations: the annual report",
    "api_token": "accounts: API tokens",
    "application": "applications: an application to sit an evaluation",
    "assembly": "itembank: paper assembly (the pure core)",
    "attachment": "applications: documents attached to an application",
    "backup": "operations: backups and restores",
    "blueprint": "itembank: paper blueprints",
    "candidate": "candidates: candidate records",
    "certificate": "certificates (and candidates' held certificates)",
    "claim": "candidates: claiming a record by a candidate account",
    "complaint": "supervision: complaints",
    "credit": "organizations: credit ratings",
    "directory": "occupations / organizations: the occupation directory",
    "element": "occupations: a standard's elements",
    "eligibility": "eligibility: the eligibility check",
    "enterprise": "scoring: enterprise (in-house) evaluation",
    "exams": "exams: sittings, sites, rooms, staffing, exam day",
    "exchange": "exchange: signed feed and batches with the provincial and national platforms",
    "filing": "organizations: filing (备案) applications",
    "id_number": "common: resident ID numbers",
    "input": "eligibility / personnel: malformed rule documents",
    "item": "itembank: items",
    "itembank": "itembank: banks, roles and access",
    "legacy": "certificates: legacy certificate import",
    "marking": "scoring: marking",
    "mobile": "common: mobile numbers",
    "occupation": "occupations: occupations",
    "org": "organizations: an evaluation organisation (and its permits)",
    "panel": "scoring: examiner panels",
    "paper": "itembank: papers",
    "policy": "workbench: versioned province settings",
    "password": "accounts: passwords",
    "pdf": "common: PDF rendering",
    "personnel": "personnel: examiners, supervisors, training, registry",
    "plan": "plans: evaluation plans",
    "practical": "scoring: practical (skill) parts",
    "profile": "candidates: candidate profiles",
    "qti": "itembank: QTI packages",
    "recheck": "scoring: re-checks",
    "recognition": "scoring: recognition of results",
    "registration": "scoring: registration for scoring",
    "reporting": "reporting: statistics and reports",
    "responses": "scoring: answer files",
    "retention": "operations: data retention and erasure",
    "review": "applications: reviews",
    "role": "accounts: roles",
    "rooms": "exams: room files",
    "roster": "applications: roster files and imports",
    "rules": "eligibility / personnel: rule sets",
    "sample": "applications: sampling",
    "scoring": "scoring: results and publication",
    "seating": "exams: seat assignment",
    "simulate": "operations: simulations",
    "standard": "occupations: standards (see also `standards`)",
    "standards": "occupations: standards files (see also `standard`)",
    "status": "common: named status transitions",
    "supervision": "supervision: visits, draws, checklists",
    "tickets": "exams: admission tickets",
    "totp": "accounts: two-factor devices",
    "upload": "common: checks on untrusted uploaded files",
    "uscc": "common: unified social credit codes",
    "user": "accounts: users",
    "weight": "occupations: weight tables",
    "workdays": "workdays: the working-day calendar",
}

BASE_ERRORS = {"DomainError", "Forbidden"}
CODE_SHAPE = re.compile(r"[a-z0-9_]+(\.[a-z0-9_]+)+")


@dataclass
class ErrorCode:
    code: str
    messages: set[str] = field(default_factory=set)
    modules: set[str] = field(default_factory=set)

    @property
    def prefix(self) -> str:
        return self.code.split(".", 1)[0]


@dataclass
class _Builder:
    """A function that raises or returns a domain error built from its parameters: `code`
    and `message` are templates whose {name} parts are the function's parameters."""

    params: list[str]
    code: str
    message: str


def _source_files() -> Iterator[Path]:
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = path.relative_to(PACKAGE).parts
        if "tests" in parts or "migrations" in parts:
            continue
        yield path


def _module(path: Path) -> str:
    return ".".join(path.relative_to(PACKAGE.parent).with_suffix("").parts).removesuffix(
        ".__init__"
    )


def _callee(call: ast.Call) -> str | None:
    if isinstance(call.func, ast.Name):
        return call.func.id
    if isinstance(call.func, ast.Attribute):
        return call.func.attr
    return None


def _template(node: ast.expr | None) -> str | None:
    """A string argument as a template: literal text, f-string parts as {expression}."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.Name):
        return "{" + node.id + "}"
    if isinstance(node, ast.JoinedStr):
        out = []
        for value in node.values:
            if isinstance(value, ast.Constant):
                out.append(str(value.value))
            elif isinstance(value, ast.FormattedValue):
                out.append("{" + ast.unparse(value.value) + "}")
        return "".join(out)
    if node is not None:
        return "{" + ast.unparse(node) + "}"
    return None


def _argument(call: ast.Call, position: int, name: str) -> ast.expr | None:
    for keyword in call.keywords:
        if keyword.arg == name:
            return keyword.value
    if position < len(call.args) and not isinstance(call.args[position], ast.Starred):
        return call.args[position]
    return None


def _error_classes(trees: dict[Path, ast.Module]) -> set[str]:
    names = set(BASE_ERRORS)
    changed = True
    while changed:
        changed = False
        for tree in trees.values():
            for node in ast.walk(tree):
                if isinstance(node, ast.ClassDef) and node.name not in names:
                    bases = {
                        b.id if isinstance(b, ast.Name) else ast.unparse(b) for b in node.bases
                    }
                    if bases & names:
                        names.add(node.name)
                        changed = True
    return names


def _fill(template: str, values: dict[str, str | None]) -> str | None:
    """The template with parameters replaced; None when the code part stays unknown."""
    unknown = False

    def replace(match: re.Match[str]) -> str:
        nonlocal unknown
        name = match.group(1)
        if name in values:
            value = values[name]
            if value is None:
                unknown = True
                return match.group(0)
            return value
        return match.group(0)

    out = re.sub(r"\{([A-Za-z_][A-Za-z_0-9]*)\}", replace, template)
    return None if unknown else out


class _Scan:
    def __init__(self) -> None:
        self.trees = {path: ast.parse(path.read_text("utf-8")) for path in _source_files()}
        self.classes = _error_classes(self.trees)
        # builders by (module, function name); a call resolves to its own module's function
        # or to the one it imports by that name
        self.builders: dict[tuple[str, str], _Builder] = {}
        self.imports: dict[str, dict[str, str]] = {
            _module(path): {
                alias.asname or alias.name: node.module
                for node in ast.walk(tree)
                if isinstance(node, ast.ImportFrom) and node.module
                for alias in node.names
            }
            for path, tree in self.trees.items()
        }
        self.current = ""
        self.codes: dict[str, ErrorCode] = {}
        self.unresolved: list[str] = []

    def run(self) -> None:
        # Builders first (to a fixpoint: a builder may call another), then every call site.
        for _ in range(5):
            before = len(self.builders)
            for path, tree in self.trees.items():
                self.current = _module(path)
                self._find_builders(tree)
            if len(self.builders) == before:
                break
        for path, tree in self.trees.items():
            self.current = _module(path)
            self._collect(path, tree)

    def _builder(self, name: str | None) -> _Builder | None:
        if name is None:
            return None
        own = self.builders.get((self.current, name))
        if own is not None:
            return own
        source = self.imports.get(self.current, {}).get(name)
        return self.builders.get((source, name)) if source else None

    def _raised(self, call: ast.Call, *, in_error_class: bool = False) -> tuple[str, str] | None:
        """(code template, message template) of a call that builds a domain error."""
        name = _callee(call)
        if name in self.classes or (name == "__init__" and in_error_class):
            code, message = _argument(call, 0, "code"), _argument(call, 1, "message")
        elif (builder := self._builder(name)) is not None:
            values = {
                param: _template(_argument(call, index, param))
                for index, param in enumerate(builder.params)
            }
            code_text = _fill(builder.code, values)
            message_text = _fill(builder.message, values) or builder.message
            return (code_text, message_text) if code_text is not None else ("", message_text)
        else:
            return None
        code_text = _template(code)
        return (code_text or "", _template(message) or "")

    def _find_builders(self, tree: ast.Module) -> None:
        for node in ast.walk(tree):
            if not isinstance(node, ast.FunctionDef) or (self.current, node.name) in self.builders:
                continue
            params = [
                a.arg for a in (*node.args.posonlyargs, *node.args.args, *node.args.kwonlyargs)
            ]
            for call in ast.walk(node):
                if not isinstance(call, ast.Call) or not self._is_error_call(call):
                    continue
                found = self._raised(call)
                if found and any("{" + p + "}" in found[0] for p in params):
                    self.builders[(self.current, node.name)] = _Builder(params, found[0], found[1])
                    break

    def _collect(self, path: Path, tree: ast.Module) -> None:
        module = _module(path)
        for cls in [n for n in ast.walk(tree) if isinstance(n, ast.ClassDef)]:
            if cls.name in self.classes:
                for call in ast.walk(cls):
                    if isinstance(call, ast.Call) and _callee(call) == "__init__":
                        self._record(module, self._raised(call, in_error_class=True))
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and self._is_error_call(node):
                self._record(module, self._raised(node), where=f"{module}:{node.lineno}")

    def _is_error_call(self, call: ast.Call) -> bool:
        name = _callee(call)
        return name in self.classes or self._builder(name) is not None

    def _record(self, module: str, found: tuple[str, str] | None, where: str = "") -> None:
        if found is None:
            return
        code, message = found
        if not code or "{" in code:
            self.unresolved.append(where or module)
            return
        entry = self.codes.setdefault(code, ErrorCode(code))
        entry.modules.add(module)
        if message:
            entry.messages.add(message)


def registry() -> tuple[dict[str, ErrorCode], list[str]]:
    """Every code found, by code, and the places whose code is only known at run time."""
    scan = _Scan()
    scan.run()
    return dict(sorted(scan.codes.items())), scan.unresolved


def problems(codes: dict[str, ErrorCode]) -> list[str]:
    """Codes that are not `prefix.name` or whose prefix is not in PREFIXES."""
    out = []
    for code, entry in codes.items():
        if not CODE_SHAPE.fullmatch(code):
            out.append(f"{code}: not of the form prefix.name (lower case, digits, _)")
        elif entry.prefix not in PREFIXES:
            out.append(f"{code}: prefix {entry.prefix!r} is not in PREFIXES ({__name__})")
    return out


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def render(codes: dict[str, ErrorCode]) -> str:
    by_prefix: dict[str, list[ErrorCode]] = defaultdict(list)
    for entry in codes.values():
        by_prefix[entry.prefix].append(entry)
    lines = [
        "# Error codes",
        "",
        "<!-- Generated from the source by skillcert/common/error_codes.py: do not edit. -->",
        f"<!-- Regenerate: {REGENERATE} -->",
        "",
        "Every domain error carries a stable code (`prefix.name`); API clients and tests match",
        "on it, and the message (Chinese, `{…}` parts filled in at run time) is what a user",
        "sees. Refusals of who may act are `Forbidden` (HTTP 403).",
        "",
        "## Prefixes",
        "",
        "| prefix | area | codes |",
        "|---|---|---|",
    ]
    for prefix in sorted(by_prefix):
        area = PREFIXES.get(prefix, "**unregistered**")
        lines.append(f"| `{prefix}` | {_cell(area)} | {len(by_prefix[prefix])} |")
    lines += ["", "## Codes", "", "| code | message | raised in |", "|---|---|---|"]
    for code, entry in codes.items():
        message = "<br>".join(_cell(m) for m in sorted(entry.messages))
        where = ", ".join(f"`{m}`" for m in sorted(entry.modules))
        lines.append(f"| `{code}` | {message} | {where} |")
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="List the domain error codes (docs/errors.md)")
    parser.add_argument("--write", action="store_true", help=f"write {DOC.name}")
    args = parser.parse_args(argv)
    codes, _ = registry()
    text = render(codes)
    if args.write:
        DOC.write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(text)
    for problem in problems(codes):
        sys.stderr.write(f"error code {problem}\n")
    return 1 if problems(codes) else 0


if __name__ == "__main__":
    raise SystemExit(main())
