"""A strict Content-Security-Policy on every HTML page (no 'unsafe-inline', no
'unsafe-eval'), and pages that need neither: no inline scripts, styles or event handlers."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from skillcert.operations.tests.test_permission_matrix import _placeholders, _rows

# Headers, schema and bytes do not depend on the database: run in the SQLite pass only.
pytestmark = pytest.mark.once

INLINE = [
    (re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*application/json)[^>]*>", re.I), "inline script"),
    (re.compile(r"\sstyle\s*=", re.I), "style attribute"),
    (re.compile(r"<style[\s>]", re.I), "style element"),
    (re.compile(r"\son[a-z]+\s*=", re.I), "event handler attribute"),
    (re.compile(r"href\s*=\s*[\"']\s*javascript:", re.I), "javascript: URL"),
]


def _pages(persona: str) -> list[dict[str, str]]:
    return [r for r in _rows() if r["method"] == "GET" and r[persona] == "200"]


def _problems(response) -> list[str]:
    if not response["Content-Type"].startswith("text/html"):
        return []
    policy = response.get("Content-Security-Policy", "")
    found = []
    if "script-src 'self'" not in policy or "unsafe-" in policy:
        found.append(f"policy {policy!r}")
    html = response.content.decode()
    found += [label for pattern, label in INLINE if pattern.search(html)]
    return found


@pytest.mark.parametrize("persona", ["anonymous", "province"])
def test_pages_carry_a_strict_policy_and_need_no_inline_code(persona, personas):
    client = Client() if persona == "anonymous" else personas.client_for(personas.province)
    pages = _pages(persona)
    assert pages
    problems = []
    for row in pages:
        path = row["path"].format(**_placeholders(row["path"], personas))
        response = client.get(path, REMOTE_ADDR="127.0.0.1")
        problems += [f"{path}: {p}" for p in _problems(response)]
    assert not problems, "; ".join(problems)
