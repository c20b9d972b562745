"""Backup and restore with verification. SQLite uses the online backup API (consistent while
the site runs); PostgreSQL uses pg_dump / pg_restore. Each backup is a folder holding the
database, the uploaded files and a manifest (row counts per table, the audit chain head), and
a restore is verified against that manifest before it is reported as done."""

from __future__ import annotations

import datetime as dt
import json
import shutil
import sqlite3
import subprocess
import tarfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.apps import apps
from django.conf import settings
from django.db import connection

from skillcert.audit.models import AuditChainHead
from skillcert.audit.services import audit_verify
from skillcert.common.errors import DomainError

MANIFEST = "manifest.json"


def row_counts() -> dict[str, int]:
    return {
        model._meta.db_table: model._default_manager.count()
        for model in apps.get_models()
        if model._meta.managed and not model._meta.proxy
    }


def _audit_head() -> str:
    head = AuditChainHead.objects.filter(id=1).first()
    return head.last_hash if head else ""


def _pg_env_args() -> tuple[list[str], dict[str, str]]:
    db = connection.settings_dict
    args = ["-h", db["HOST"] or "127.0.0.1", "-p", str(db["PORT"] or 5432), "-U", db["USER"]]
    env = {"PATH": "/usr/bin:/bin:/usr/local/bin"}
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = db["PASSWORD"]
    return args, env


def _tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        raise DomainError("backup.tool_missing", f"未找到 {name}：请安装 postgresql-client")
    return path


@dataclass(frozen=True)
class BackupResult:
    path: Path
    counts: dict[str, int]


def backup_create(*, target: Path | None = None) -> BackupResult:
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
    folder = target or Path(settings.VAR_DIR) / "backups" / f"skillcert-{stamp}"
    folder.mkdir(parents=True, exist_ok=False)
    connection.ensure_connection()
    if connection.vendor == "sqlite":
        with sqlite3.connect(folder / "database.sqlite3") as dest:
            connection.connection.backup(dest)
        dest.close()
    elif connection.vendor == "postgresql":
        args, env = _pg_env_args()
        subprocess.run(  # noqa: S603 - fixed argv, no shell
            [
                _tool("pg_dump"),
                *args,
                "-Fc",
                "-f",
                str(folder / "database.dump"),
                connection.settings_dict["NAME"],
            ],
            check=True,
            env=env,
            capture_output=True,
        )
    else:
        raise DomainError("backup.vendor", f"不支持备份 {connection.vendor} 数据库")
    media = Path(settings.MEDIA_ROOT)
    files = "media.tar.gz"
    bucket = settings.STORAGES["default"].get("OPTIONS", {}).get("bucket_name")
    if bucket:
        # Files live in the object store, which keeps its own versions and replicas
        # (docs/DEPLOYMENT.md); a copy here would be a second, unsynchronised one.
        files = f"s3://{bucket}"
    elif media.exists():
        with tarfile.open(folder / "media.tar.gz", "w:gz") as tar:
            tar.add(media, arcname="media")
    counts = row_counts()
    manifest = {
        "created_at": stamp,
        "vendor": connection.vendor,
        "audit_head": _audit_head(),
        "row_counts": counts,
        "files": files,
    }
    (folder / MANIFEST).write_text(json.dumps(manifest, ensure_ascii=False, indent=1))
    return BackupResult(folder, counts)


def _read_manifest(folder: Path) -> dict[str, Any]:
    path = folder / MANIFEST
    if not path.exists():
        raise DomainError(
            "backup.manifest_missing", f"{folder} 中没有 {MANIFEST}，不是有效的备份目录"
        )
    data: dict[str, Any] = json.loads(path.read_text())
    if data.get("vendor") != connection.vendor:
        raise DomainError(
            "backup.vendor_mismatch",
            f"备份来自 {data.get('vendor')} 数据库，当前数据库为 {connection.vendor}",
        )
    return data


def backup_restore(*, source: Path) -> list[str]:
    """Restore `source` over the current database and files. Returns the verification
    problems (empty when the restored data match the manifest and the audit chain holds)."""
    manifest = _read_manifest(source)
    connection.ensure_connection()
    if connection.vendor == "sqlite":
        with sqlite3.connect(source / "database.sqlite3") as src:
            src.backup(connection.connection)
        src.close()
    else:
        args, env = _pg_env_args()
        subprocess.run(  # noqa: S603 - fixed argv, no shell
            [
                _tool("pg_restore"),
                *args,
                "--clean",
                "--if-exists",
                "--no-owner",
                "-d",
                connection.settings_dict["NAME"],
                str(source / "database.dump"),
            ],
            check=True,
            env=env,
            capture_output=True,
        )
    media_archive = source / "media.tar.gz"
    if media_archive.exists():
        media = Path(settings.MEDIA_ROOT)
        if media.exists():
            shutil.rmtree(media)
        media.parent.mkdir(parents=True, exist_ok=True)
        with tarfile.open(media_archive) as tar:
            tar.extractall(media.parent, filter="data")
    return backup_verify(manifest=manifest)


def backup_verify(*, manifest: dict[str, Any]) -> list[str]:
    problems: list[str] = []
    current = row_counts()
    for table, expected in sorted(manifest["row_counts"].items()):
        if current.get(table) != expected:
            problems.append(f"表 {table} 行数不符：备份 {expected}，恢复后 {current.get(table)}")
    _, broken = audit_verify()
    if broken is not None:
        problems.append(f"审计链断裂于事件 #{broken.event_id}：{broken.reason}")
    if _audit_head() != manifest["audit_head"]:
        problems.append("审计链头与备份清单不一致")
    return problems
