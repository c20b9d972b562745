"""`manage.py restore`: an authentic, complete backup comes back; anything else — a changed
byte, a changed manifest, another key, a missing or truncated file — is refused before the
live data is touched, and the live rows and files stay exactly as they were."""

from __future__ import annotations

import base64
import hashlib
import io
import json
import os
import sqlite3
import stat
import tarfile
from pathlib import Path
from typing import Any

import psycopg
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from skillcert.accounts.actors import SystemActor
from skillcert.audit.models import AuditEvent
from skillcert.audit.services import audit_record
from skillcert.common.errors import DomainError
from skillcert.operations.backup import (
    MANIFEST,
    MEDIA_ARCHIVE,
    backup_key,
    backup_restore,
    manifest_signature,
)
from skillcert.operations.backup import restore as restore_module
from skillcert.operations.backup.databases import count_rows
from skillcert.organizations.models import EvaluationOrg

pytestmark = pytest.mark.django_db(transaction=True)
AFTER_BACKUP = "备份之后改的名字"

# Refusals decided from the manifest, its signature and the media archive, before the database
# dump is opened: the same whatever database made the dump, so the SQLite pass runs them; the
# PostgreSQL pass keeps the tests that read, check or restore a PostgreSQL dump.
before_the_dump_is_read = pytest.mark.once


@pytest.fixture
def media(tmp_path, settings) -> Path:
    settings.MEDIA_ROOT = tmp_path / "media"
    (tmp_path / "media" / "evidence").mkdir(parents=True)
    (tmp_path / "media" / "evidence" / "a.pdf").write_bytes(b"%PDF-1.4 original")
    (tmp_path / "media" / "photo.jpg").write_bytes(b"\xff\xd8photo")
    return tmp_path / "media"


@pytest.fixture
def backup(personas, media, tmp_path) -> Path:
    """A backup, then the live data moves on: org B renamed, a file changed, one added."""
    audit_record(actor=SystemActor("test"), action="test.before_backup")
    call_command("backup", "--output", str(tmp_path / "bk"))
    EvaluationOrg.objects.filter(pk=personas.org_b.pk).update(name=AFTER_BACKUP)
    (media / "evidence" / "a.pdf").write_bytes(b"%PDF-1.4 changed after the backup")
    (media / "later.pdf").write_bytes(b"%PDF-1.4 uploaded after the backup")
    return tmp_path / "bk"


def _live(media: Path) -> dict[str, Any]:
    with connection.cursor() as cursor:
        tables = connection.introspection.django_table_names(only_existing=True)
        counts = count_rows(cursor, tables, connection.ops.quote_name)
    return {
        "counts": counts,
        "orgs": sorted(EvaluationOrg.objects.values_list("pk", "name")),
        "files": {
            p.relative_to(media).as_posix(): p.read_bytes() if p.is_file() else "folder"
            for p in media.rglob("*")
        },
        "leftovers": sorted(p.name for p in media.parent.glob(".media.*")),
    }


def _refused(source: Path, code: str) -> DomainError:
    with pytest.raises(DomainError) as caught:
        backup_restore(source=source)
    assert caught.value.code == code, caught.value
    assert "恢复已拒绝" in caught.value.message
    return caught.value


def _manifest(folder: Path) -> dict[str, Any]:
    return json.loads((folder / MANIFEST).read_text())


def _resign(folder: Path, manifest: dict[str, Any], *changed: str) -> None:
    """What an attacker holding the key (or a backup damaged before it was signed) would do:
    record the changed files' hashes and sign again."""
    for name in changed:
        data = (folder / name).read_bytes()
        manifest["artifacts"][name] = {
            "sha256": hashlib.sha256(data).hexdigest(),
            "bytes": len(data),
        }
    manifest["signature"] = manifest_signature(manifest, key=backup_key())
    (folder / MANIFEST).write_text(json.dumps(manifest))


def _flip_one_byte(path: Path) -> None:
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0x01
    path.write_bytes(bytes(data))


# --- the untouched backup -----------------------------------------------------------------


def test_an_untouched_backup_restores_rows_and_files(personas, backup, media, capsys):
    call_command("restore", str(backup), "--yes")

    assert "校验通过" in capsys.readouterr().out
    assert EvaluationOrg.objects.get(pk=personas.org_b.pk).name == "苏州乙评价公司"
    assert (media / "evidence" / "a.pdf").read_bytes() == b"%PDF-1.4 original"
    assert not (media / "later.pdf").exists()
    assert _live(media)["leftovers"] == []
    assert AuditEvent.objects.filter(action="backup.restore").count() == 1
    assert stat.S_IMODE((media / "evidence" / "a.pdf").stat().st_mode) == 0o600
    assert stat.S_IMODE((media / "evidence").stat().st_mode) == 0o700


def test_check_verifies_without_restoring(backup, media, capsys):
    before = _live(media)
    call_command("restore", str(backup), "--check")
    assert "校验通过" in capsys.readouterr().out
    assert _live(media) == before


# --- M6: a tampered backup ----------------------------------------------------------------


def test_one_changed_byte_in_the_database_dump_is_refused(backup, media):
    before = _live(media)
    database = _manifest(backup)["database"]
    _flip_one_byte(backup / database)

    error = _refused(backup, "backup.hash_mismatch")

    assert database in error.message and "SHA-256" in error.message
    assert _live(media) == before


@pytest.mark.sqlite_only
def test_a_row_edited_inside_the_sqlite_dump_is_refused(personas, backup, media):
    """The attack itself: the registry changed in the backup (here an organisation's name;
    a revoked certificate or a score is a row like it)."""
    assert _manifest(backup)["database"] == "database.sqlite3"
    before = _live(media)
    with sqlite3.connect(backup / "database.sqlite3") as dump:
        dump.execute(
            "UPDATE organizations_evaluationorg SET name = '伪造' WHERE id = ?", [personas.org_b.pk]
        )
    dump.close()
    _refused(backup, "backup.hash_mismatch")
    assert _live(media) == before


@before_the_dump_is_read
def test_a_dump_changed_together_with_its_hash_in_the_manifest_is_refused(backup, media):
    before = _live(media)
    manifest = _manifest(backup)
    _flip_one_byte(backup / manifest["database"])
    data = (backup / manifest["database"]).read_bytes()
    manifest["artifacts"][manifest["database"]]["sha256"] = hashlib.sha256(data).hexdigest()
    (backup / MANIFEST).write_text(json.dumps(manifest))

    error = _refused(backup, "backup.signature_invalid")

    assert "manifest.json" in error.message
    assert _live(media) == before


@before_the_dump_is_read
def test_a_changed_manifest_is_refused(backup, media):
    before = _live(media)
    manifest = _manifest(backup)
    manifest["row_counts"]["organizations_evaluationorg"] = 99
    (backup / MANIFEST).write_text(json.dumps(manifest))
    _refused(backup, "backup.signature_invalid")
    assert _live(media) == before


@before_the_dump_is_read
def test_a_backup_signed_with_another_key_is_refused(backup, media, settings):
    before = _live(media)
    settings.SKILLCERT_BACKUP_KEY = base64.b64encode(b"another key entirely, 32 bytes!!").decode()
    error = _refused(backup, "backup.wrong_key")
    assert "SKILLCERT_BACKUP_KEY" in error.message
    assert _live(media) == before


@before_the_dump_is_read
def test_an_unsigned_manifest_is_refused(backup, media):
    before = _live(media)
    manifest = _manifest(backup)
    del manifest["signature"]
    (backup / MANIFEST).write_text(json.dumps(manifest))
    _refused(backup, "backup.unsigned")
    assert _live(media) == before


@before_the_dump_is_read
def test_the_command_names_the_failure_and_its_code(backup, media):
    _flip_one_byte(backup / _manifest(backup)["database"])
    with pytest.raises(CommandError, match=r"SHA-256.*backup\.hash_mismatch"):
        call_command("restore", str(backup), "--yes")


# --- M7: an incomplete backup ---------------------------------------------------------------


@before_the_dump_is_read
def test_a_folder_with_only_the_manifest_is_refused_and_the_tables_stay(backup, media, tmp_path):
    before = _live(media)
    only_manifest = tmp_path / "only-manifest"
    only_manifest.mkdir()
    (only_manifest / MANIFEST).write_bytes((backup / MANIFEST).read_bytes())

    error = _refused(only_manifest, "backup.file_missing")

    assert _manifest(backup)["database"] in error.message
    assert _live(media) == before and before["counts"]["organizations_evaluationorg"] == 2


@before_the_dump_is_read
def test_a_truncated_media_archive_is_refused_and_the_files_stay(backup, media):
    before = _live(media)
    archive = backup / MEDIA_ARCHIVE
    archive.write_bytes(archive.read_bytes()[: archive.stat().st_size // 2])
    _refused(backup, "backup.hash_mismatch")
    assert _live(media) == before


@before_the_dump_is_read
def test_an_archive_truncated_before_signing_is_refused_while_extracting(backup, media):
    before = _live(media)
    archive = backup / MEDIA_ARCHIVE
    archive.write_bytes(archive.read_bytes()[: archive.stat().st_size // 2])
    _resign(backup, _manifest(backup), MEDIA_ARCHIVE)

    _refused(backup, "backup.media_unreadable")

    assert _live(media) == before


@before_the_dump_is_read
def test_a_file_swapped_inside_a_resigned_archive_is_refused(backup, media):
    before = _live(media)
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as tar:
        for name, data in (("media/photo.jpg", b"\xff\xd8photo"), ("media/evidence/a.pdf", b"x")):
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    (backup / MEDIA_ARCHIVE).write_bytes(buffer.getvalue())
    _resign(backup, _manifest(backup), MEDIA_ARCHIVE)

    error = _refused(backup, "backup.media_mismatch")

    assert "media/evidence/a.pdf" in error.message
    assert _live(media) == before


def test_a_signed_backup_whose_audit_chain_was_already_broken_is_refused(personas, media, tmp_path):
    audit_record(actor=SystemActor("test"), action="test.before_backup")
    AuditEvent.objects.filter(action="test.before_backup").update(action="rewritten")
    call_command("backup", "--output", str(tmp_path / "bk"))
    EvaluationOrg.objects.filter(pk=personas.org_b.pk).update(name=AFTER_BACKUP)
    before = _live(media)

    error = _refused(tmp_path / "bk", "backup.database_invalid")

    assert "审计链断裂" in error.message
    assert _live(media) == before


def test_a_failed_database_swap_puts_the_old_files_back(backup, media, monkeypatch):
    before = _live(media)

    def fail(*args: object) -> None:
        raise DomainError("backup.commit_failed", "写入数据库失败（磁盘已满），恢复已拒绝")

    monkeypatch.setattr(restore_module, "_sqlite_commit", fail)
    monkeypatch.setattr(restore_module, "_pg_commit", fail)
    _refused(backup, "backup.commit_failed")
    assert _live(media) == before


@pytest.mark.postgres_only
def test_postgres_restore_is_refused_while_another_session_uses_the_database(backup, media):
    before = _live(media)
    params = {**connection.get_connection_params()}
    params.pop("cursor_factory", None)
    params.pop("context", None)
    with psycopg.connect(**params) as other:
        other.execute("SELECT 1")
        _refused(backup, "backup.database_in_use")
    assert _live(media) == before
    live = connection.settings_dict["NAME"][:40]
    with psycopg.connect(**{**params, "dbname": "postgres"}) as admin:
        leftovers = admin.execute(
            "SELECT datname FROM pg_database WHERE datname LIKE %s OR datname LIKE %s",
            [f"{live}\\_restore\\_%", f"{live}\\_pre\\_restore\\_%"],
        ).fetchall()
    assert leftovers == []


@before_the_dump_is_read
def test_restore_needs_confirmation_and_a_real_backup(db, tmp_path):
    with pytest.raises(CommandError, match="--yes"):
        call_command("restore", str(tmp_path))
    with pytest.raises(CommandError, match=r"manifest\.json"):
        call_command("restore", str(tmp_path), "--yes")
    assert not os.listdir(tmp_path)
