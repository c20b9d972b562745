"""Making a backup: the database, the uploaded files and the signed manifest."""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import connection, transaction

from skillcert.common.errors import DomainError
from skillcert.operations.backup.databases import (
    audit_head_read,
    count_rows,
    pg_env_args,
    tool_message,
    tool_path,
)
from skillcert.operations.backup.files import (
    PRIVATE_DIR,
    PRIVATE_FILE,
    HashingReader,
    private_file,
    sha256_file,
)
from skillcert.operations.backup.manifest import (
    FORMAT,
    MANIFEST,
    MEDIA_ARCHIVE,
    PG_FILE,
    SQLITE_FILE,
    backup_key,
    key_fingerprint,
    manifest_signature,
)


@dataclass(frozen=True)
class BackupResult:
    path: Path
    counts: dict[str, int]


def backup_create(*, target: Path | None = None) -> BackupResult:
    key = backup_key()
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
    if target is None:
        parent = Path(settings.VAR_DIR) / "backups"
        parent.mkdir(mode=PRIVATE_DIR, parents=True, exist_ok=True)
        target = parent / f"skillcert-{stamp}"
    else:
        target.parent.mkdir(parents=True, exist_ok=True)
    target.mkdir(mode=PRIVATE_DIR)  # never into an existing folder: no mixing with another backup
    target.chmod(PRIVATE_DIR)
    try:
        database, counts, audit_head = _database_dump(target)
        files, media_files = _media_archive(target)
        names = [database, *([MEDIA_ARCHIVE] if files == MEDIA_ARCHIVE else [])]
        manifest: dict[str, Any] = {
            "format": FORMAT,
            "created_at": stamp,
            "vendor": connection.vendor,
            "database": database,
            "audit_head": audit_head,
            "row_counts": counts,
            "files": files,
            "artifacts": {
                name: {
                    "sha256": sha256_file(target / name),
                    "bytes": (target / name).stat().st_size,
                }
                for name in names
            },
            "media_files": media_files,
            "key_fingerprint": key_fingerprint(key),
        }
        manifest["signature"] = manifest_signature(manifest, key=key)
        with private_file(target / MANIFEST) as out:
            out.write(json.dumps(manifest, ensure_ascii=False, indent=1).encode())
    except BaseException:
        # A half-written folder must not look like a backup.
        shutil.rmtree(target, ignore_errors=True)
        raise
    return BackupResult(target, counts)


def _database_dump(folder: Path) -> tuple[str, dict[str, int], str]:
    connection.ensure_connection()
    tables = connection.introspection.django_table_names(only_existing=True, include_views=False)
    quote = connection.ops.quote_name
    if connection.vendor == "sqlite":
        path = folder / SQLITE_FILE
        private_file(path).close()
        dest = sqlite3.connect(path)
        try:
            connection.connection.backup(dest)
            # One self-contained file: a WAL-mode copy would want a -wal file beside it.
            dest.execute("PRAGMA journal_mode=DELETE")
            copy = dest.cursor()
            counts, head = count_rows(copy, tables, quote), audit_head_read(copy, quote)
        finally:
            dest.close()
        return SQLITE_FILE, counts, head
    if connection.vendor == "postgresql":
        path = folder / PG_FILE
        private_file(path).close()
        args, env = pg_env_args()
        # pg_dump reads the snapshot the counts and the audit head were read in, so the
        # manifest describes exactly the dump while the site keeps writing.
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            cursor.execute("SELECT pg_export_snapshot()")
            snapshot = cursor.fetchone()[0]
            counts, head = count_rows(cursor, tables, quote), audit_head_read(cursor, quote)
            dumped = subprocess.run(  # noqa: S603 - fixed argv, no shell
                [
                    tool_path("pg_dump"),
                    *args,
                    "-Fc",
                    f"--snapshot={snapshot}",
                    "-f",
                    str(path),
                    connection.settings_dict["NAME"],
                ],
                env=env,
                capture_output=True,
                check=False,
            )
        if dumped.returncode != 0:
            raise DomainError("backup.dump_failed", f"pg_dump 失败：{tool_message(dumped.stderr)}")
        return PG_FILE, counts, head
    raise DomainError("backup.vendor", f"不支持备份 {connection.vendor} 数据库")


def _media_archive(folder: Path) -> tuple[str, dict[str, str]]:
    bucket = settings.STORAGES["default"].get("OPTIONS", {}).get("bucket_name")
    if bucket:
        # Files live in the object store, which keeps its own versions and replicas
        # (docs/DEPLOYMENT.md); a copy here would be a second, unsynchronised one.
        return f"s3://{bucket}", {}
    media = Path(settings.MEDIA_ROOT)
    if not media.is_dir():
        return "", {}
    hashes: dict[str, str] = {}
    with (
        private_file(folder / MEDIA_ARCHIVE) as raw,
        tarfile.open(fileobj=raw, mode="w:gz") as tar,
    ):
        root = tar.gettarinfo(str(media), arcname="media")
        root.mode = PRIVATE_DIR
        tar.addfile(root)
        for here, dirs, names in os.walk(media):
            dirs.sort()
            for name in sorted(names):
                path = Path(here, name)
                if path.is_symlink() or not path.is_file():
                    continue  # uploads are regular files; a link could point anywhere
                arcname = f"media/{path.relative_to(media).as_posix()}"
                info = tar.gettarinfo(str(path), arcname=arcname)
                info.mode = PRIVATE_FILE
                with path.open("rb") as stream:
                    reader = HashingReader(stream)
                    tar.addfile(info, reader)
                hashes[arcname] = reader.digest.hexdigest()
    return MEDIA_ARCHIVE, hashes
