"""Restoring: the backup staged beside the live data and checked, then swapped in."""

from __future__ import annotations

import contextlib
import hashlib
import os
import secrets
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
import zlib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import psycopg
from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connection
from psycopg import sql

from skillcert.accounts.actors import Actor, SystemActor
from skillcert.audit.services import audit_record
from skillcert.common.errors import DomainError
from skillcert.operations.backup.databases import (
    data_problems,
    database_alias,
    pg_admin,
    pg_drop,
    pg_env_args,
    tool_message,
    tool_path,
)
from skillcert.operations.backup.files import (
    CHUNK,
    PRIVATE_DIR,
    copy_hashed,
    private_file,
    private_tree,
)
from skillcert.operations.backup.manifest import (
    MEDIA_ARCHIVE,
    PG_FILE,
    REFUSED,
    SQLITE_FILE,
    backup_check,
)

# The restore command acts as this process unless a person is named.
RESTORE = SystemActor("restore")


def _media_stage(source: Path, manifest: Mapping[str, Any], token: str) -> Path:
    """Extract the archive into a new folder beside MEDIA_ROOT (the same file system, so
    the swap is a rename) and check every file against its signed hash. Returns the folder
    that will become MEDIA_ROOT; its parent is the caller's to remove."""
    media = Path(settings.MEDIA_ROOT)
    media.parent.mkdir(parents=True, exist_ok=True)
    staging = media.parent / f".{media.name}.restore-{token}"
    staging.mkdir(mode=PRIVATE_DIR)
    expected: dict[str, str] = manifest["media_files"]
    seen: set[str] = set()
    try:
        with tarfile.open(source / MEDIA_ARCHIVE, mode="r|gz") as tar:
            for member in tar:
                _media_member_extract(tar, member, staging, expected, seen)
    except (tarfile.TarError, EOFError, zlib.error, OSError) as exc:
        raise DomainError(
            "backup.media_unreadable",
            f"{MEDIA_ARCHIVE} 无法完整解压（{type(exc).__name__}）：归档被截断或损坏，{REFUSED}",
        ) from None
    missing = sorted(set(expected) - seen)
    if missing:
        raise DomainError(
            "backup.media_mismatch",
            f"{MEDIA_ARCHIVE} 缺少签名清单中的 {len(missing)} 个文件（如 {missing[0]}），{REFUSED}",
        )
    (staging / "media").mkdir(mode=PRIVATE_DIR, exist_ok=True)
    private_tree(staging)
    return staging / "media"


def _media_member_extract(
    tar: tarfile.TarFile,
    member: tarfile.TarInfo,
    staging: Path,
    expected: Mapping[str, str],
    seen: set[str],
) -> None:
    name = member.name
    inside = name == "media" or name.startswith("media/")
    try:
        tarfile.data_filter(member, str(staging))  # absolute paths, "..", links out
    except tarfile.FilterError:
        inside = False
    if not inside:
        raise DomainError(
            "backup.media_mismatch",
            f"{MEDIA_ARCHIVE} 含有不属于上传文件的条目 {name!r}，{REFUSED}",
        )
    target = staging / name
    if member.isdir():
        target.mkdir(mode=PRIVATE_DIR, parents=True, exist_ok=True)
        return
    if not member.isreg() or name not in expected or name in seen:
        raise DomainError(
            "backup.media_mismatch",
            f"{MEDIA_ARCHIVE} 中的 {name!r} 不在签名清单中（或重复、或不是普通文件），{REFUSED}",
        )
    stream = tar.extractfile(member)
    if stream is None:  # pragma: no cover - a regular member always has data
        raise DomainError("backup.media_unreadable", f"{MEDIA_ARCHIVE} 中的 {name} 无法读取")
    target.parent.mkdir(mode=PRIVATE_DIR, parents=True, exist_ok=True)
    with private_file(target) as out:
        digest = copy_hashed(stream, out)
    if digest != expected[name]:
        raise DomainError(
            "backup.media_mismatch",
            f"上传文件 {name} 的 SHA-256 与签名清单不符：文件在备份之后被改动，{REFUSED}",
        )
    os.utime(target, (member.mtime, member.mtime))
    seen.add(name)


def _sqlite_stage(
    source: Path, manifest: Mapping[str, Any], token: str, cleanup: contextlib.ExitStack
) -> str:
    """A copy of the backup's database file beside the live one (in a private temporary
    folder when the live database is in memory, as under tests)."""
    name = str(connection.settings_dict["NAME"])
    if name == ":memory:" or "mode=memory" in name:
        folder = Path(tempfile.mkdtemp(prefix="skillcert-restore-"))
        cleanup.callback(shutil.rmtree, folder, ignore_errors=True)
        staged = folder / SQLITE_FILE
    else:
        live = Path(name)
        staged = live.with_name(f".{live.name}.restore-{token}")
        for suffix in ("", "-wal", "-shm", "-journal"):
            cleanup.callback(Path(f"{staged}{suffix}").unlink, missing_ok=True)
    with (source / SQLITE_FILE).open("rb") as stream, private_file(staged) as out:
        digest = copy_hashed(stream, out)
    if digest != manifest["artifacts"][SQLITE_FILE]["sha256"]:
        raise DomainError(
            "backup.hash_mismatch", f"{SQLITE_FILE} 在校验之后被改动（恢复过程中），{REFUSED}"
        )
    return str(staged)


def _pg_stage(
    source: Path, manifest: Mapping[str, Any], token: str, cleanup: contextlib.ExitStack
) -> str:
    """The dump restored into a new database beside the live one."""
    live = connection.settings_dict["NAME"]
    staged = f"{live[:40]}_restore_{token}"
    with pg_admin() as admin:
        row = admin.execute(
            "SELECT pg_encoding_to_char(encoding), datcollate, datctype"
            " FROM pg_database WHERE datname = %s",
            [live],
        ).fetchone()
        assert row is not None
        admin.execute(
            sql.SQL(
                "CREATE DATABASE {} TEMPLATE template0 ENCODING {} LC_COLLATE {} LC_CTYPE {}"
            ).format(sql.Identifier(staged), *(sql.Literal(value) for value in row))
        )
    cleanup.callback(pg_drop, staged)
    args, env = pg_env_args()
    # The dump goes to pg_restore through a pipe and is hashed on the way, so what is
    # restored is exactly what was checked, even if the file is replaced meanwhile.
    with tempfile.TemporaryFile() as errors:
        process = subprocess.Popen(  # noqa: S603 - fixed argv, no shell
            [tool_path("pg_restore"), *args, "--no-owner", "--exit-on-error", "-d", staged],
            stdin=subprocess.PIPE,
            stdout=subprocess.DEVNULL,
            stderr=errors,
            env=env,
        )
        assert process.stdin is not None
        digest = hashlib.sha256()
        try:
            with (source / PG_FILE).open("rb") as stream:
                while chunk := stream.read(CHUNK):
                    digest.update(chunk)
                    process.stdin.write(chunk)
        except BrokenPipeError:
            pass  # pg_restore stopped early; its exit status and message say why
        finally:
            with contextlib.suppress(BrokenPipeError):
                process.stdin.close()
            status = process.wait()
        errors.seek(0)
        message = tool_message(errors.read())
    if status != 0:
        raise DomainError(
            "backup.database_unrestorable", f"pg_restore 无法恢复 {PG_FILE}：{message}；{REFUSED}"
        )
    if digest.hexdigest() != manifest["artifacts"][PG_FILE]["sha256"]:
        raise DomainError(
            "backup.hash_mismatch", f"{PG_FILE} 在校验之后被改动（恢复过程中），{REFUSED}"
        )
    return staged


# --- the swap -------------------------------------------------------------------------------


@dataclass(frozen=True)
class _MediaSwap:
    media: Path
    staged: Path
    previous: Path | None

    def undo(self) -> None:
        os.rename(self.media, self.staged)
        if self.previous is not None:
            os.rename(self.previous, self.media)

    def finish(self) -> None:
        if self.previous is not None:
            shutil.rmtree(self.previous)


def _media_swap(staged: Path, token: str) -> _MediaSwap:
    media = Path(settings.MEDIA_ROOT)
    previous = media.with_name(f".{media.name}.pre-restore-{token}") if media.exists() else None
    try:
        if previous is not None:
            os.rename(media, previous)
        try:
            os.rename(staged, media)
        except OSError:
            if previous is not None:
                os.rename(previous, media)
            raise
    except OSError as exc:
        raise DomainError(
            "backup.media_swap_failed",
            f"无法替换上传文件目录 {media}（{exc.strerror}；它须是同一文件系统上可改名的普通目录，"
            f"不能是挂载点），{REFUSED}",
        ) from None
    return _MediaSwap(media, staged, previous)


def _sqlite_commit(staged: str) -> None:
    # Not os.replace() of the database file: the web server and the workers would go on
    # reading and writing the old, unlinked file through the handles they hold, and a -wal
    # file left beside it would be replayed into the new one. SQLite's backup API writes the
    # staged pages into the live database in one write transaction (all or nothing, rolled
    # back on any error), and every open connection reads the new data from its next query.
    if connection.in_atomic_block:
        raise DomainError("backup.in_transaction", "恢复不能在数据库事务中进行")
    connection.ensure_connection()
    source = sqlite3.connect(staged)
    try:
        source.backup(connection.connection)
    except sqlite3.Error as exc:
        raise DomainError("backup.commit_failed", f"写入数据库失败（{exc}），{REFUSED}") from None
    finally:
        source.close()


def _pg_commit(staged: str, token: str) -> str:
    """Swap the databases by name in one transaction; returns the old one's new name."""
    live = connection.settings_dict["NAME"]
    previous = f"{live[:40]}_pre_restore_{token}"
    connection.close()
    with pg_admin() as admin:
        try:
            with admin.transaction():
                for old, new in ((live, previous), (staged, live)):
                    admin.execute(
                        sql.SQL("ALTER DATABASE {} RENAME TO {}").format(
                            sql.Identifier(old), sql.Identifier(new)
                        )
                    )
        except psycopg.errors.ObjectInUse:
            raise DomainError(
                "backup.database_in_use",
                f"数据库 {live} 仍有其他连接（网站、后台任务或 psql）：请先停止它们再恢复；"
                f"{REFUSED}",
            ) from None
    return previous


# --- restoring ------------------------------------------------------------------------------


def backup_restore(*, source: Path, actor: Actor = RESTORE) -> list[str]:
    """Replace the current database and files with the backup in `source`, or refuse with a
    DomainError and change nothing. Returns the problems a final check of the live data
    found (empty when its row counts and audit-chain head are the manifest's)."""
    manifest = backup_check(source=source)
    token = secrets.token_hex(4)
    with contextlib.ExitStack() as cleanup:
        staged_media = None
        if manifest["files"] == MEDIA_ARCHIVE:
            media = Path(settings.MEDIA_ROOT)
            cleanup.callback(
                shutil.rmtree, media.parent / f".{media.name}.restore-{token}", ignore_errors=True
            )
            staged_media = _media_stage(source, manifest, token)
        if connection.vendor == "sqlite":
            staged = _sqlite_stage(source, manifest, token, cleanup)
        else:
            staged = _pg_stage(source, manifest, token, cleanup)
        with database_alias(staged) as alias:
            problems = data_problems(using=alias, manifest=manifest, whole_chain=True)
        if problems:
            raise DomainError(
                "backup.database_invalid",
                f"备份中的数据与签名清单不符：{'；'.join(problems[:5])}；{REFUSED}",
            )
        swap = _media_swap(staged_media, token) if staged_media is not None else None
        previous = None
        try:
            if connection.vendor == "sqlite":
                _sqlite_commit(staged)
            else:
                previous = _pg_commit(staged, token)
        except BaseException:
            if swap is not None:
                swap.undo()
            raise
        leftovers: list[str] = []
        # The restore is done: failing to remove the old copy is worth a note, not a failure.
        old = previous or (swap.previous if swap is not None else None)
        try:
            if swap is not None:
                swap.finish()
            if previous is not None:
                pg_drop(previous)
        except (OSError, psycopg.Error) as exc:
            leftovers.append(f"恢复已完成，但旧数据未能删除（{exc}）：请手动删除 {old}")
    problems = backup_verify(manifest=manifest)
    # Recorded after the check, in the restored chain: who restored which backup, and when.
    audit_record(
        actor=actor,
        action="backup.restore",
        object_type="operations.backup",
        object_repr=source.name[:200],
        changes={"created_at": manifest["created_at"], "problems": len(problems)},
    )
    return problems + leftovers


def backup_verify(*, manifest: Mapping[str, Any]) -> list[str]:
    """The live data against the manifest: row counts and the audit-chain head. (The whole
    chain was verified on the staged copy, which is now the live data page for page.)"""
    return data_problems(using=DEFAULT_DB_ALIAS, manifest=manifest, whole_chain=False)
