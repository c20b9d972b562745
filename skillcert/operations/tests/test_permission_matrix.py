"""Every page and API endpoint × every persona, against the table in permission_matrix.tsv."""

from __future__ import annotations

import csv
import functools
from http.cookies import SimpleCookie
from pathlib import Path

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from skillcert.accounts.actors import SystemActor
from skillcert.config.api import api

TABLE = Path(__file__).with_name("permission_matrix.tsv")
# The table's columns after key, method and path: `anonymous` and the root conftest's personas
# (city_x and city_y are its aliases for the two cities; the superuser has no column).
FIXED_COLUMNS = ("key", "method", "path")
# Django admin pages other than its index are guarded by the admin itself (superuser only);
# ninja's own routes are listed through the OpenAPI document instead.
SKIPPED_NAMESPACES = ("admin", "api")


@functools.cache
def _rows() -> tuple[dict[str, str], ...]:
    lines = [line for line in TABLE.read_text().splitlines() if line and not line.startswith("#")]
    return tuple(csv.DictReader(lines, delimiter="\t"))


def _persona_columns() -> list[str]:
    return [column for column in _rows()[0] if column not in FIXED_COLUMNS]


def test_the_table_has_a_column_for_every_persona_but_the_superuser(personas, persona_names):
    columns = _persona_columns()
    assert columns[0] == "anonymous"
    named = sorted(personas.user(column).username for column in columns[1:])
    everyone = {personas.user(name).username for name in persona_names}
    assert named == sorted(everyone - {personas.superuser.username})


def _url_names(patterns: list[URLPattern | URLResolver], namespace: str = "") -> set[str]:
    names: set[str] = set()
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            names |= _url_names(pattern.url_patterns, inner)
        elif pattern.name:
            names.add(f"{namespace}{pattern.name}")
    return names


def _api_keys() -> set[str]:
    schema = api.get_openapi_schema()
    keys = {f"api:{path.rstrip('/')}" for path in schema["paths"]}
    return keys | {"api:/api/docs", "api:/api/openapi.json"}


def test_every_endpoint_has_a_row():
    keys = {row["key"] for row in _rows()}
    pages = {
        name
        for name in _url_names(get_resolver().url_patterns)
        if not name.startswith(tuple(f"{ns}:" for ns in SKIPPED_NAMESPACES))
    }
    missing = sorted((pages | _api_keys() | {"admin:index"}) - keys)
    assert not missing, f"permission_matrix.tsv has no row for: {missing}"


def _placeholders(path: str, personas) -> dict[str, object]:
    """Values for the placeholders a path uses; demo data is loaded only when needed."""
    values: dict[str, object] = {"org_a": personas.org_a.pk, "org_b": personas.org_b.pk}
    if "{standard}" in path or "{occupation}" in path:
        from skillcert.occupations.demo import load_catalogue_demo
        from skillcert.occupations.models import Standard

        load_catalogue_demo(SystemActor("test"))
        standard = Standard.objects.select_related("occupation").get(occupation__code="4-07-03-02")
        values |= {"standard": standard.pk, "occupation": standard.occupation.code}
    return values


@pytest.fixture(scope="module")
def cookies(_module_personas):
    """Each column's session cookie, logged in once for the module's 390 rows (the personas
    are built once for the module: every database test here asks for them). Each row starts
    from these cookies, whatever an earlier row's answer set."""
    assert _module_personas is not None, "every database test of this module uses personas"
    return {
        column: _module_personas.client(column).cookies.output(header="", sep=";")
        for column in _persona_columns()
    }


@pytest.fixture(scope="module")
def clients():
    """One test client per column, its middleware loaded once as a server's is; each row
    replaces its cookies with the column's session cookie before it asks."""
    return {column: Client() for column in _persona_columns()}


# Routing, the access checks and the answer for ids that do not exist (999999): the same on
# any database, and 390 rows × 10 personas; the SQLite pass runs it (`once`), while the
# scoped selectors behind the pages run on PostgreSQL in each app's view tests.
@pytest.mark.once
@pytest.mark.parametrize("row", _rows(), ids=lambda row: f"{row['method']} {row['path']}")
def test_endpoint_answers_each_persona_as_the_table_says(row, personas, cookies, clients):
    path = row["path"].format(**_placeholders(row["path"], personas))
    mismatches = []
    for persona in _persona_columns():
        client = clients[persona]
        client.cookies = SimpleCookie(cookies[persona])
        is_post = row["method"] == "POST"
        response = client.generic(
            row["method"],
            path,
            data="{}" if is_post else "",
            content_type="application/json" if is_post else "application/octet-stream",
            REMOTE_ADDR="127.0.0.1",
        )
        if str(response.status_code) != row[persona]:
            mismatches.append(f"{persona}: expected {row[persona]}, got {response.status_code}")
    assert not mismatches, f"{row['method']} {path}: " + "; ".join(mismatches)
