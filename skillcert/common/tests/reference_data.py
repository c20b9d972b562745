"""The rows the application needs in every database, which data migrations load in production
(divisions, the holiday calendar, rule sets, checklists, policies, the rate-limit cache
table).

The suite builds its test databases from the models (`--no-migrations`: the migration chain
costs 20-40 s per worker and database; the tables are the same, as
`test_migrations.py` proves on every run by migrating a fresh database from zero and comparing).
So the suite loads these rows itself, with the data migrations' own code: once when a test
database is created, and again after a transactional test flushed every table."""

from __future__ import annotations

from typing import Any


def data_operations() -> list[Any]:
    """Every RunPython operation of the product's migrations, in the order `migrate` applies
    them (Django's own data migrations only mend rows of older Django versions)."""
    from django.db.migrations import RunPython
    from django.db.migrations.loader import MigrationLoader
    from django.test.utils import override_settings

    with override_settings(MIGRATION_MODULES={}):  # the real modules, not the suite's shortcut
        loader = MigrationLoader(None, ignore_no_migrations=True)
    plan: list[tuple[str, str]] = []
    for leaf in sorted(loader.graph.leaf_nodes()):
        plan.extend(key for key in loader.graph.forwards_plan(leaf) if key not in plan)
    return [
        operation
        for key in plan
        if type(loader.graph.nodes[key]).__module__.startswith("skillcert.")
        for operation in loader.graph.nodes[key].operations
        if isinstance(operation, RunPython)
    ]


def load_reference_data() -> None:
    """Runs the data migrations' code against the live models unless their rows are there
    (regions stand for all of them). On an empty database the migrations that transform
    existing rows find none; the ones that load reference rows load them."""
    from django.apps import apps

    from skillcert.regions.models import Region

    if Region.objects.exists():
        return
    for operation in data_operations():
        operation.code(apps, _SchemaEditor())


class _SchemaEditor:
    """What a data migration's code may ask of the schema editor: its connection."""

    @property
    def connection(self) -> Any:
        from django.db import connection

        return connection
