"""Every page and API endpoint × every persona, against the table in permission_matrix.tsv."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from skillcert.accounts.actors import SystemActor
from skillcert.config.api import api

TABLE = Path(__file__).with_name("permission_matrix.tsv")
PERSONAS = (
    "anonymous",
    "candidate",
    "clerk_a",
    "clerk_b",
    "examiner",
    "supervisor",
    "city_x",
    "city_y",
    "province",
    "admin_a",  # org_a's administrator (root conftest `org_admin_a`): owns its item bank
)
PERSONA_ATTR = {"city_x": "city_nanjing", "city_y": "city_suzhou"}
# Django admin pages other than its index are guarded by the admin itself (superuser only);
# ninja's own routes are listed through the OpenAPI document instead.
SKIPPED_NAMESPACES = ("admin", "api")


def _rows() -> list[dict[str, str]]:
    lines = [line for line in TABLE.read_text().splitlines() if line and not line.startswith("#")]
    return list(csv.DictReader(lines, delimiter="\t"))


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


@pytest.mark.parametrize("row", _rows(), ids=lambda row: f"{row['method']} {row['path']}")
def test_endpoint_answers_each_persona_as_the_table_says(row, personas, org_admin_a):
    path = row["path"].format(**_placeholders(row["path"], personas))
    mismatches = []
    for persona in PERSONAS:
        if persona == "anonymous":
            client = Client()
        elif persona == "admin_a":
            client = personas.client_for(org_admin_a)
        else:
            client = personas.client_for(getattr(personas, PERSONA_ATTR.get(persona, persona)))
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
