"""rows_insert: multi-row INSERTs, with the rows that do not fill a statement sent last."""

import sqlite3

import pytest
from django.db import connection
from django.utils import timezone

from skillcert.applications import bulk_insert
from skillcert.occupations.models import Occupation

COLUMNS = ["code", "name", "certification_kind", "description", "code_note", "updated_at"]


def _rows(count):
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    return [
        (f"8-99-{i // 100:02d}-{i % 100:02d}", f"职业{i}", "skill_level", "", "", now)
        for i in range(count)
    ]


@pytest.mark.django_db
@pytest.mark.parametrize("count", [0, 1, 3, 4, 7, 9])
def test_every_row_is_inserted_once_whatever_the_statement_size(monkeypatch, count):
    monkeypatch.setattr(bulk_insert, "ROWS_PER_STATEMENT", 3)
    rows = _rows(count)
    bulk_insert.rows_insert(Occupation, COLUMNS, rows)
    stored = Occupation.objects.filter(code__startswith="8-99-").order_by("code")
    assert list(stored.values_list("code", "name")) == [(r[0], r[1]) for r in rows]


@pytest.mark.django_db
def test_a_statement_stays_within_the_backends_parameter_limit(monkeypatch):
    monkeypatch.setattr(connection.features, "max_query_params", 13)  # two rows of six
    statements = []

    def count(execute, sql, params, many, context):
        statements.extend([len(p) for p in params] if many else [len(params)])
        return execute(sql, params, many, context)

    with connection.execute_wrapper(count):
        bulk_insert.rows_insert(Occupation, COLUMNS, _rows(5))
    assert statements == [12, 12, 6]
    assert Occupation.objects.filter(code__startswith="8-99-").count() == 5


def test_sqlite_binds_flags_and_null_as_it_always_did():
    """common.apps.sqlite_bind_fast registers adapters for bool and None only (an adapter
    for int, float or str would slow every value down); what is stored does not change."""
    assert (bool, sqlite3.PrepareProtocol) in sqlite3.adapters
    assert (int, sqlite3.PrepareProtocol) not in sqlite3.adapters
    assert (str, sqlite3.PrepareProtocol) not in sqlite3.adapters
    database = sqlite3.connect(":memory:")
    database.execute("CREATE TABLE t (a, b, c)")
    database.execute("INSERT INTO t VALUES (?, ?, ?)", (True, False, None))
    stored = database.execute("SELECT a, b, c, typeof(a), typeof(c) FROM t").fetchone()
    assert stored == (1, 0, None, "integer", "null")
