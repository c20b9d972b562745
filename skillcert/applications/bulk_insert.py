"""Plain multi-row INSERTs for roster-sized writes (10^5 rows), shared by the roster import
and the candidates it creates. At that size the ORM's per-object bulk_create compilation
costs several times the database work."""

from __future__ import annotations

from itertools import chain
from typing import Any

from django.db import connection
from django.db.models import Field, Model

# Rows per INSERT statement (fewer where the backend's parameter limit says so). One row per
# statement spent more on starting and resetting statements than SQLite spent inserting: a
# 10^5-row roster's applications took 2.1 s row by row and 1.6 s twenty or more at a time.
ROWS_PER_STATEMENT = 100


def rows_insert(model: type[Model], columns: list[str], rows: list[tuple[Any, ...]]) -> None:
    """Insert `rows` (values already adapted by the caller: JSON and datetimes through the
    field / backend) into `model`'s table."""
    if not rows:
        return
    quote = connection.ops.quote_name
    names = ", ".join(quote(_field(model, c).column) for c in columns)
    limit = connection.features.max_query_params or 65_535
    per_statement = max(1, min(ROWS_PER_STATEMENT, limit // len(columns)))
    values = "(" + ", ".join(["%s"] * len(columns)) + ")"
    # Table and column names come from model metadata; every value is a parameter.
    head = f"INSERT INTO {quote(model._meta.db_table)} ({names}) VALUES "  # noqa: S608
    whole = len(rows) - len(rows) % per_statement
    with connection.cursor() as cursor:
        if whole:
            cursor.executemany(
                head + ", ".join([values] * per_statement),
                [
                    list(chain.from_iterable(rows[start : start + per_statement]))
                    for start in range(0, whole, per_statement)
                ],
            )
        if whole < len(rows):
            rest = rows[whole:]
            cursor.execute(head + ", ".join([values] * len(rest)), list(chain.from_iterable(rest)))


def db_json(model: type[Model], name: str, value: Any) -> Any:
    """`value` as the JSON field `name` of `model` stores it."""
    return _field(model, name).get_db_prep_save(value, connection)


def _field(model: type[Model], name: str) -> Field[Any, Any]:
    field = model._meta.get_field(name)
    assert isinstance(field, Field)
    return field
