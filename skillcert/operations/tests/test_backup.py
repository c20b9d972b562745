"""`manage.py backup`: a folder only its owner can read, with a manifest signed under a key
kept outside the backup, listing the hash of every file in it."""

from __future__ import annotations

import base64
import json
import stat
from pathlib import Path

import pytest
from django.core.management import call_command

from skillcert.accounts.actors import SystemActor
from skillcert.audit.services import audit_record
from skillcert.common.errors import DomainError
from skillcert.operations.backup import (
    MANIFEST,
    backup_create,
    backup_key,
    key_fingerprint,
    manifest_signature,
)

# SQLite's online backup and PostgreSQL's exported snapshot need real transactions.
backup_db = pytest.mark.django_db(transaction=True)


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture
def media(tmp_path, settings) -> Path:
    settings.MEDIA_ROOT = tmp_path / "media"
    (tmp_path / "media" / "rosters").mkdir(parents=True)
    (tmp_path / "media" / "rosters" / "r.xlsx").write_bytes(b"PK roster")
    (tmp_path / "media" / "evidence.pdf").write_bytes(b"%PDF-1.4 test")
    return tmp_path / "media"


@backup_db
def test_manifest_is_signed_and_lists_every_file_with_its_hash(personas, media, tmp_path):
    audit_record(actor=SystemActor("test"), action="test.before_backup")
    call_command("backup", "--output", str(tmp_path / "bk"))
    manifest = json.loads((tmp_path / "bk" / MANIFEST).read_text())

    assert manifest["row_counts"]["organizations_evaluationorg"] == 2
    assert manifest["key_fingerprint"] == key_fingerprint(backup_key())
    assert manifest["signature"] == manifest_signature(manifest, key=backup_key())
    assert set(manifest["artifacts"]) == {manifest["database"], "media.tar.gz"}
    assert sorted(manifest["media_files"]) == ["media/evidence.pdf", "media/rosters/r.xlsx"]


@backup_db
def test_backup_folder_and_files_are_readable_by_the_owner_only(personas, media, tmp_path):
    result = backup_create(target=tmp_path / "bk")
    assert _mode(result.path) == 0o700
    files = list(result.path.iterdir())
    assert {f.name for f in files} >= {MANIFEST, "media.tar.gz"}
    assert {f.name: _mode(f) for f in files} == {f.name: 0o600 for f in files}


@backup_db
def test_default_backup_folder_is_private_too(settings, tmp_path):
    settings.VAR_DIR = tmp_path / "var"
    settings.MEDIA_ROOT = tmp_path / "no-media"
    result = backup_create()
    assert result.path.parent == tmp_path / "var" / "backups"
    assert _mode(result.path.parent) == 0o700 and _mode(result.path) == 0o700


def test_the_key_comes_from_the_environment_and_must_be_long_enough(settings, monkeypatch):
    settings.SKILLCERT_BACKUP_KEY = ""
    monkeypatch.setenv("SKILLCERT_BACKUP_KEY", base64.b64encode(b"k" * 32).decode())
    assert backup_key() == b"k" * 32
    settings.SKILLCERT_BACKUP_KEY = base64.b64encode(b"short").decode()
    with pytest.raises(DomainError) as caught:
        backup_key()
    assert caught.value.code == "backup.key_invalid"


def test_without_a_key_development_derives_one_and_production_refuses(settings, monkeypatch):
    settings.SKILLCERT_BACKUP_KEY = ""
    monkeypatch.delenv("SKILLCERT_BACKUP_KEY", raising=False)
    derived = backup_key()
    assert len(derived) == 32 and settings.SECRET_KEY.encode() not in derived
    settings.SECRET_KEY = "another-secret-key-" * 3
    assert backup_key() != derived
    settings.PRODUCTION = True
    with pytest.raises(DomainError) as caught:
        backup_key()
    assert caught.value.code == "backup.key_missing"


@backup_db
def test_a_failed_backup_leaves_no_folder_behind(settings, tmp_path, monkeypatch):
    from skillcert.operations.backup import create as create_module

    settings.MEDIA_ROOT = tmp_path / "media"

    def broken(folder: Path) -> tuple[str, dict[str, str]]:
        raise OSError("disk full")

    monkeypatch.setattr(create_module, "_media_archive", broken)
    with pytest.raises(OSError, match="disk full"):
        backup_create(target=tmp_path / "bk")
    assert not (tmp_path / "bk").exists()
