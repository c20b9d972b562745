"""Plain INSERT ... executemany for roster-sized writes (10^5 rows), shared by the roster
import and the candidates it creates. At that size the ORM's per-object bulk_create
compilation costs several times the database work."""

from __future__ import annotations

from typing import Any

from django.db import connection
from django.db.models import Field, Model


def rows_insert(model: type[Model], columns: list[str], rows: list[tuple[Any, ...]]) -> None:
    """Insert `rows` (values already adapted by the caller: JSON and datetimes through the
    field / backend) into `model`'s table."""
    if not rows:
        return
    quote = connection.ops.quote_name
    names = ", ".join(quote(_field(model, c).column) for c in columns)
    marks = ", ".join(["%s"] * len(columns))
    # Table and column names come from model metadata; every value is a parameter.
    sql = f"INSERT INTO {quote(model._meta.db_table)} ({names}) VALUES ({marks})"  # noqa: S608
    with connection.cursor() as cursor:
        for start in range(0, len(rows), 5000):
            cursor.executemany(sql, rows[start : start + 5000])


def db_json(model: type[Model], name: str, value: Any) -> Any:
    """`value` as the JSON field `name` of `model` stores it."""
    return _field(model, name).get_db_prep_save(value, connection)


def _field(model: type[Model], name: str) -> Field[Any, Any]:
    field = model._meta.get_field(name)
    assert isinstance(field, Field)
    return field
