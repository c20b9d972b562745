"""The migrations are the schema's source of truth for every installation; the suite runs on
tables built from the models (see reference_data.py). These tests keep the two the same: the
models need no new migration, and migrating a fresh database from zero gives the same tables,
columns, named constraints and reference rows as the database the suite runs on."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import uuid
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import connection

ROOT = Path(__file__).resolve().parents[3]

# The cache table's rows come and go.
NOT_COMPARED_ROWS = {settings.RATE_LIMIT_CACHE_TABLE}

# Run in a fresh interpreter on the fresh database: migrate from zero, then describe it.
DESCRIBE = """
import json, sys
import django
django.setup()
from django.core.management import call_command
call_command("migrate", verbosity=0, interactive=False)
from skillcert.common.tests.test_migrations import describe
print("SCHEMA:" + json.dumps(describe()))
"""


def _explicit_constraint_names() -> set[str]:
    from django.apps import apps

    names: set[str] = set()
    for model in apps.get_models():
        names.update(c.name for c in model._meta.constraints)
    return names


def describe() -> dict[str, Any]:
    """Tables with their columns, the constraints the models name, and row counts."""
    explicit = _explicit_constraint_names()
    tables: dict[str, Any] = {}
    with connection.cursor() as cursor:
        for table in sorted(connection.introspection.table_names(cursor)):
            columns = sorted(
                c.name for c in connection.introspection.get_table_description(cursor, table)
            )
            constraints = sorted(
                name
                for name in connection.introspection.get_constraints(cursor, table)
                if name in explicit
            )
            cursor.execute(f"SELECT COUNT(*) FROM {connection.ops.quote_name(table)}")  # noqa: S608 - introspected names
            rows = cursor.fetchone()[0]
            tables[table] = {"columns": columns, "constraints": constraints, "rows": rows}
    return tables


@pytest.mark.django_db
def test_models_need_no_new_migration(settings: Any) -> None:
    settings.MIGRATION_MODULES = {}  # the real migration modules, not the suite's shortcut
    try:
        call_command("makemigrations", "--check", "--dry-run", verbosity=0)
    except SystemExit as exc:  # makemigrations --check exits 1 when a migration is missing
        pytest.fail(f"a model changed without a migration (makemigrations --check: {exc.code})")


def _fresh_database_url(tmp_path: Path) -> tuple[str, Any]:
    """A URL for an empty database of the suite's engine, and how to drop it afterwards."""
    if connection.vendor == "sqlite":
        return f"sqlite:///{tmp_path / 'migrated.sqlite3'}", lambda: None
    import psycopg

    params = connection.settings_dict
    name = f"skillcert_migrations_{uuid.uuid4().hex[:12]}"
    admin = psycopg.connect(
        host=params["HOST"] or "127.0.0.1",
        port=params["PORT"] or 5432,
        user=params["USER"],
        password=params["PASSWORD"] or None,
        dbname="postgres",
        autocommit=True,
    )
    admin.execute(f'CREATE DATABASE "{name}"')

    def drop() -> None:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.close()

    password = f":{params['PASSWORD']}" if params["PASSWORD"] else ""
    port = params["PORT"] or 5432
    url = f"postgres://{params['USER']}{password}@{params['HOST'] or '127.0.0.1'}:{port}/{name}"
    return url, drop


@pytest.mark.django_db
def test_migrating_from_zero_builds_the_database_the_suite_runs_on(tmp_path: Path) -> None:
    url, drop = _fresh_database_url(tmp_path)
    try:
        env = {
            **os.environ,
            "DATABASE_URL": url,
            "DJANGO_SETTINGS_MODULE": "skillcert.config.settings",
        }
        done = subprocess.run(
            [sys.executable, "-c", DESCRIBE],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=600,
            check=False,
        )
    finally:
        drop()
    assert done.returncode == 0, done.stderr[-3000:]
    line = next(x for x in done.stdout.splitlines() if x.startswith("SCHEMA:"))
    migrated = json.loads(line.removeprefix("SCHEMA:"))
    here = describe()

    migrated.pop("django_migrations")  # the migration log: only a migrated database has one
    assert sorted(migrated) == sorted(here)
    for table in here:
        assert migrated[table]["columns"] == here[table]["columns"], table
        assert migrated[table]["constraints"] == here[table]["constraints"], table
    rows = {t: v["rows"] for t, v in here.items() if t not in NOT_COMPARED_ROWS}
    assert rows == {t: v["rows"] for t, v in migrated.items() if t not in NOT_COMPARED_ROWS}
    assert rows["regions_region"] > 3000  # the reference rows are really there, both ways
