"""The roster import widens SQLite's page cache while it writes (importing._roomy_page_cache)
and gives the connection back as it found it, whether the import wrote or failed."""

from __future__ import annotations

import pytest
from django.db import connection

from skillcert.applications import importing
from skillcert.applications.importing import roster_import
from skillcert.applications.models import Application
from skillcert.applications.tests.rosters import roster_bytes, valid_row
from skillcert.common.errors import DomainError
from skillcert.plans.tests.factories import make_id

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "sqlite", reason="a SQLite setting"),
]


def _cache_size() -> int:
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA cache_size")
        return int(cursor.fetchone()[0])


def test_import_writes_with_the_wide_cache_and_restores_the_connections(
    plan, personas, monkeypatch
):
    before = _cache_size()
    seen: list[int] = []
    write = importing._write

    def spying_write(*args, **kwargs):
        seen.append(_cache_size())
        return write(*args, **kwargs)

    data = roster_bytes([valid_row(make_id(i, birth=f"199003{1 + i:02d}")) for i in range(3)])
    monkeypatch.setattr(importing, "_write", spying_write)
    outcome = roster_import(plan=plan, source=data, actor=personas.clerk_a)

    assert outcome.imported == 3 == Application.objects.filter(plan=plan).count()
    assert seen == [-importing.IMPORT_PAGE_CACHE_KIB]
    assert _cache_size() == before


def test_a_failed_write_restores_the_cache_too(plan, personas, monkeypatch):
    before = _cache_size()

    def failing_write(*args, **kwargs):
        raise DomainError("roster.test_failure", "写入失败")

    monkeypatch.setattr(importing, "_write", failing_write)
    data = roster_bytes([valid_row(make_id(1, birth="19900301"))])
    with pytest.raises(DomainError) as caught:
        roster_import(plan=plan, source=data, actor=personas.clerk_a)

    assert caught.value.code == "roster.test_failure"
    assert _cache_size() == before
    assert not Application.objects.filter(plan=plan).exists()
