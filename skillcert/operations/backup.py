"""Backup and restore, each checked before it is trusted.

A backup is a folder only its owner can open (0700, every file 0600): the database (SQLite's
online backup, or `pg_dump -Fc` run in the snapshot the row counts were read from), the
uploaded files (media.tar.gz, when they live on local disk) and manifest.json. The manifest
holds the row count of every table, the audit-chain head, the SHA-256 of each file in the
folder and of every uploaded file, and an HMAC-SHA256 signature over all of it under a key
kept outside the backup (SKILLCERT_BACKUP_KEY), so nobody who can write to the backups can
make a revoked certificate valid again or change a score.

A restore touches nothing until the backup has proven itself: the signature, then every
hash, then the data restored into a staging copy (a new SQLite file beside the live one, or a
new PostgreSQL database; the files into a folder beside MEDIA_ROOT) must show the manifest's
row counts and an unbroken audit chain. Only then is the live data replaced, each part in one
atomic step: the media folder by rename, the database by SQLite's backup API (one write
transaction) or by renaming the two PostgreSQL databases in one transaction. A failure before
that leaves the live data as it was; a failure of the database step puts the old media folder
back."""

from __future__ import annotations

import base64
import binascii
import contextlib
import datetime as dt
import hashlib
import hmac
import json
import os
import re
import secrets
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
import zlib
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

import psycopg
from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connection, connections, transaction
from django.db.utils import load_backend
from psycopg import sql

from skillcert.audit.chain import find_first_break
from skillcert.audit.models import AuditChainHead, AuditEvent
from skillcert.audit.services import audit_record, chain_key
from skillcert.common.errors import DomainError

MANIFEST = "manifest.json"
FORMAT = 2
SQLITE_FILE = "database.sqlite3"
PG_FILE = "database.dump"
MEDIA_ARCHIVE = "media.tar.gz"
PRIVATE_DIR = 0o700
PRIVATE_FILE = 0o600
KEY_SETTING = "SKILLCERT_BACKUP_KEY"
# Without SKILLCERT_BACKUP_KEY (development) the key is derived from SECRET_KEY under a salt
# of its own, so it is no key Django derives for anything else.
_KEY_SALT = b"skillcert.operations.backup:manifest-signing-key"
_FINGERPRINT_SALT = b"skillcert.operations.backup:key-fingerprint"
_MANIFEST_MAX_BYTES = 512 * 1024 * 1024
_CHUNK = 1024 * 1024
_REFUSED = "恢复已拒绝，当前数据未改动"


# --- the signing key and the signature ----------------------------------------------------


def backup_key() -> bytes:
    raw = getattr(settings, KEY_SETTING, "") or os.environ.get(KEY_SETTING, "")
    if raw:
        try:
            key = base64.b64decode(raw, validate=True)
        except (binascii.Error, ValueError):
            raise DomainError(
                "backup.key_invalid", f"{KEY_SETTING} 不是有效的 base64 编码"
            ) from None
        if len(key) < 32:
            raise DomainError(
                "backup.key_invalid", f"{KEY_SETTING} 太短：应为至少 32 字节的随机数（base64 编码）"
            )
        return key
    if getattr(settings, "PRODUCTION", False):
        raise DomainError(
            "backup.key_missing",
            f"生产环境必须设置 {KEY_SETTING}（独立于 SECRET_KEY 的备份签名密钥，"
            "见 docs/DEPLOYMENT.md）",
        )
    return hmac.new(settings.SECRET_KEY.encode(), _KEY_SALT, hashlib.sha256).digest()


def key_fingerprint(key: bytes) -> str:
    """Names the key in the manifest, so a restore with another key says so."""
    return hashlib.sha256(_FINGERPRINT_SALT + key).hexdigest()[:16]


def manifest_signature(manifest: Mapping[str, Any], *, key: bytes) -> str:
    body = {name: value for name, value in manifest.items() if name != "signature"}
    canonical = json.dumps(body, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hmac.new(key, canonical.encode(), hashlib.sha256).hexdigest()


# --- files ---------------------------------------------------------------------------------


def _private_file(path: Path) -> IO[bytes]:
    """A new file created readable by its owner only (never for a moment at the umask's 0644)."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, PRIVATE_FILE)
    return os.fdopen(fd, "wb")


def _sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        while chunk := stream.read(_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def _copy_hashed(source: IO[bytes], target: IO[bytes]) -> str:
    digest = hashlib.sha256()
    while chunk := source.read(_CHUNK):
        digest.update(chunk)
        target.write(chunk)
    return digest.hexdigest()


class _HashingReader:
    """Hands tarfile a file's bytes and hashes exactly the bytes that went into the archive."""

    def __init__(self, raw: IO[bytes]) -> None:
        self.raw = raw
        self.digest = hashlib.sha256()

    def read(self, size: int = -1) -> bytes:
        data = self.raw.read(size)
        self.digest.update(data)
        return data


def _private_tree(root: Path) -> None:
    for here, dirs, _ in os.walk(root):
        for name in dirs:
            os.chmod(Path(here, name), PRIVATE_DIR)


# --- the database tools --------------------------------------------------------------------


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


def _tool_message(stderr: bytes) -> str:
    return stderr.decode(errors="replace").strip()[-500:]


@contextlib.contextmanager
def _pg_admin() -> Iterator[psycopg.Connection[Any]]:
    """A connection to the maintenance database, for creating, renaming and dropping ours."""
    params = connection.get_connection_params()
    params.pop("cursor_factory", None)
    params.pop("context", None)
    params["dbname"] = "postgres"
    with psycopg.connect(**params, autocommit=True) as admin:
        yield admin


def _pg_drop(name: str) -> None:
    with _pg_admin() as admin:
        admin.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
        )


def _count_rows(cursor: Any, tables: Iterable[str], quote: Callable[[str], str]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for table in sorted(tables):
        cursor.execute(f"SELECT COUNT(*) FROM {quote(table)}")  # noqa: S608 - a quoted table name
        counts[table] = cursor.fetchone()[0]
    return counts


def _audit_head(cursor: Any, quote: Callable[[str], str]) -> str:
    cursor.execute(
        f"SELECT last_hash FROM {quote(AuditChainHead._meta.db_table)} WHERE id = 1"  # noqa: S608
    )
    row = cursor.fetchone()
    return str(row[0]) if row else ""


# --- making a backup ------------------------------------------------------------------------


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
                    "sha256": _sha256_file(target / name),
                    "bytes": (target / name).stat().st_size,
                }
                for name in names
            },
            "media_files": media_files,
            "key_fingerprint": key_fingerprint(key),
        }
        manifest["signature"] = manifest_signature(manifest, key=key)
        with _private_file(target / MANIFEST) as out:
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
        _private_file(path).close()
        dest = sqlite3.connect(path)
        try:
            connection.connection.backup(dest)
            # One self-contained file: a WAL-mode copy would want a -wal file beside it.
            dest.execute("PRAGMA journal_mode=DELETE")
            copy = dest.cursor()
            counts, head = _count_rows(copy, tables, quote), _audit_head(copy, quote)
        finally:
            dest.close()
        return SQLITE_FILE, counts, head
    if connection.vendor == "postgresql":
        path = folder / PG_FILE
        _private_file(path).close()
        args, env = _pg_env_args()
        # pg_dump reads the snapshot the counts and the audit head were read in, so the
        # manifest describes exactly the dump while the site keeps writing.
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            cursor.execute("SELECT pg_export_snapshot()")
            snapshot = cursor.fetchone()[0]
            counts, head = _count_rows(cursor, tables, quote), _audit_head(cursor, quote)
            dumped = subprocess.run(  # noqa: S603 - fixed argv, no shell
                [
                    _tool("pg_dump"),
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
            raise DomainError("backup.dump_failed", f"pg_dump 失败：{_tool_message(dumped.stderr)}")
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
        _private_file(folder / MEDIA_ARCHIVE) as raw,
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
                    reader = _HashingReader(stream)
                    tar.addfile(info, reader)
                hashes[arcname] = reader.digest.hexdigest()
    return MEDIA_ARCHIVE, hashes


# --- checking a backup ----------------------------------------------------------------------


def _manifest_read(folder: Path) -> dict[str, Any]:
    path = folder / MANIFEST
    if not path.is_file():
        raise DomainError(
            "backup.manifest_missing", f"{folder} 中没有 {MANIFEST}，不是有效的备份目录"
        )
    if path.stat().st_size > _MANIFEST_MAX_BYTES:
        raise DomainError("backup.manifest_invalid", f"{MANIFEST} 大得不合理，不是本平台的备份清单")
    try:
        data = json.loads(path.read_bytes())
    except ValueError:
        raise DomainError(
            "backup.manifest_invalid", f"{MANIFEST} 不是有效的 JSON：备份清单已损坏，{_REFUSED}"
        ) from None
    if not isinstance(data, dict):
        raise DomainError("backup.manifest_invalid", f"{MANIFEST} 不是本平台的备份清单，{_REFUSED}")
    return data


def backup_check(*, source: Path) -> dict[str, Any]:
    """Everything that can be checked without restoring: the manifest's signature, then the
    size and SHA-256 of each file it lists. Returns the manifest; raises DomainError."""
    manifest = _manifest_read(source)
    key = backup_key()
    signature = manifest.get("signature")
    if manifest.get("format") != FORMAT or not isinstance(signature, str):
        raise DomainError(
            "backup.unsigned",
            f"{MANIFEST} 没有签名（旧版本生成或被改写）：无法确认备份未被改动，{_REFUSED}",
        )
    theirs, ours = str(manifest.get("key_fingerprint")), key_fingerprint(key)
    if theirs != ours:
        shown = theirs if re.fullmatch(r"[0-9a-f]{16}", theirs) else "未知"
        raise DomainError(
            "backup.wrong_key",
            f"备份清单由另一把密钥签名（备份的密钥指纹 {shown}，当前 {ours}）：请设置生成该备份时的"
            f" {KEY_SETTING}；{_REFUSED}",
        )
    if not hmac.compare_digest(signature, manifest_signature(manifest, key=key)):
        raise DomainError(
            "backup.signature_invalid",
            f"{MANIFEST} 的签名不符：备份清单在备份之后被改动，{_REFUSED}",
        )
    if manifest["vendor"] != connection.vendor:
        raise DomainError(
            "backup.vendor_mismatch",
            f"备份来自 {manifest['vendor']} 数据库，当前数据库为 {connection.vendor}",
        )
    for name, expected in sorted(manifest["artifacts"].items()):
        path = source / name
        if not path.is_file():
            raise DomainError(
                "backup.file_missing", f"备份缺少 {name}（签名清单记录了此文件），{_REFUSED}"
            )
        size = path.stat().st_size
        if size != expected["bytes"]:
            raise DomainError(
                "backup.hash_mismatch",
                f"{name} 的大小与签名清单不符（应为 {expected['bytes']} 字节，实为 {size} 字节）："
                f"文件被截断或改动，{_REFUSED}",
            )
        if _sha256_file(path) != expected["sha256"]:
            raise DomainError(
                "backup.hash_mismatch",
                f"{name} 的 SHA-256 与签名清单不符：文件在备份之后被改动或已损坏，{_REFUSED}",
            )
    return manifest


# --- staging: the backup restored beside the live data ---------------------------------------


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
            f"{MEDIA_ARCHIVE} 无法完整解压（{type(exc).__name__}）：归档被截断或损坏，{_REFUSED}",
        ) from None
    missing = sorted(set(expected) - seen)
    if missing:
        raise DomainError(
            "backup.media_mismatch",
            f"{MEDIA_ARCHIVE} 缺少签名清单中的 {len(missing)} 个文件（如 {missing[0]}），"
            f"{_REFUSED}",
        )
    (staging / "media").mkdir(mode=PRIVATE_DIR, exist_ok=True)
    _private_tree(staging)
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
            f"{MEDIA_ARCHIVE} 含有不属于上传文件的条目 {name!r}，{_REFUSED}",
        )
    target = staging / name
    if member.isdir():
        target.mkdir(mode=PRIVATE_DIR, parents=True, exist_ok=True)
        return
    if not member.isreg() or name not in expected or name in seen:
        raise DomainError(
            "backup.media_mismatch",
            f"{MEDIA_ARCHIVE} 中的 {name!r} 不在签名清单中（或重复、或不是普通文件），{_REFUSED}",
        )
    stream = tar.extractfile(member)
    if stream is None:  # pragma: no cover - a regular member always has data
        raise DomainError("backup.media_unreadable", f"{MEDIA_ARCHIVE} 中的 {name} 无法读取")
    target.parent.mkdir(mode=PRIVATE_DIR, parents=True, exist_ok=True)
    with _private_file(target) as out:
        digest = _copy_hashed(stream, out)
    if digest != expected[name]:
        raise DomainError(
            "backup.media_mismatch",
            f"上传文件 {name} 的 SHA-256 与签名清单不符：文件在备份之后被改动，{_REFUSED}",
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
    with (source / SQLITE_FILE).open("rb") as stream, _private_file(staged) as out:
        digest = _copy_hashed(stream, out)
    if digest != manifest["artifacts"][SQLITE_FILE]["sha256"]:
        raise DomainError(
            "backup.hash_mismatch", f"{SQLITE_FILE} 在校验之后被改动（恢复过程中），{_REFUSED}"
        )
    return str(staged)


def _pg_stage(
    source: Path, manifest: Mapping[str, Any], token: str, cleanup: contextlib.ExitStack
) -> str:
    """The dump restored into a new database beside the live one."""
    live = connection.settings_dict["NAME"]
    staged = f"{live[:40]}_restore_{token}"
    with _pg_admin() as admin:
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
    cleanup.callback(_pg_drop, staged)
    args, env = _pg_env_args()
    # The dump goes to pg_restore through a pipe and is hashed on the way, so what is
    # restored is exactly what was checked, even if the file is replaced meanwhile.
    with tempfile.TemporaryFile() as errors:
        process = subprocess.Popen(  # noqa: S603 - fixed argv, no shell
            [_tool("pg_restore"), *args, "--no-owner", "--exit-on-error", "-d", staged],
            stdin=subprocess.PIPE,
            stdout=subprocess.DEVNULL,
            stderr=errors,
            env=env,
        )
        assert process.stdin is not None
        digest = hashlib.sha256()
        try:
            with (source / PG_FILE).open("rb") as stream:
                while chunk := stream.read(_CHUNK):
                    digest.update(chunk)
                    process.stdin.write(chunk)
        except BrokenPipeError:
            pass  # pg_restore stopped early; its exit status and message say why
        finally:
            with contextlib.suppress(BrokenPipeError):
                process.stdin.close()
            status = process.wait()
        errors.seek(0)
        message = _tool_message(errors.read())
    if status != 0:
        raise DomainError(
            "backup.database_unrestorable", f"pg_restore 无法恢复 {PG_FILE}：{message}；{_REFUSED}"
        )
    if digest.hexdigest() != manifest["artifacts"][PG_FILE]["sha256"]:
        raise DomainError(
            "backup.hash_mismatch", f"{PG_FILE} 在校验之后被改动（恢复过程中），{_REFUSED}"
        )
    return staged


@contextlib.contextmanager
def _database_alias(name: str) -> Iterator[str]:
    """A Django connection to the staged database, for checking it with the ORM. Registered
    as a connection only, not in settings.DATABASES, so nothing else ever routes to it."""
    alias = f"skillcert_restore_{secrets.token_hex(4)}"
    live = connection.settings_dict
    staged = {**live, "NAME": name, "OPTIONS": dict(live["OPTIONS"])}
    wrapper = load_backend(staged["ENGINE"]).DatabaseWrapper(staged, alias)
    connections[alias] = wrapper
    try:
        yield alias
    finally:
        wrapper.close()
        del connections[alias]


def _data_problems(*, using: str, manifest: Mapping[str, Any], whole_chain: bool) -> list[str]:
    db = connections[using]
    problems: list[str] = []
    with db.cursor() as cursor:
        if db.vendor == "sqlite":
            cursor.execute("PRAGMA quick_check")
            verdict = cursor.fetchone()[0]
            if verdict != "ok":
                problems.append(f"数据库文件损坏：{verdict}")
        for table, expected in sorted(manifest["row_counts"].items()):
            try:
                actual = _count_rows(cursor, [table], db.ops.quote_name)[table]
            except DatabaseError:
                problems.append(f"表 {table} 不存在")
                continue
            if actual != expected:
                problems.append(f"表 {table} 行数不符：备份清单 {expected}，数据库 {actual}")
        head = _audit_head(cursor, db.ops.quote_name)
    if head != manifest["audit_head"]:
        problems.append("审计链头与备份清单不一致")
    if whole_chain:
        # audit_verify() walks the default database only; this is its walk over another.
        events = AuditEvent.objects.using(using).order_by("id")
        rows = (dict(row) for row in events.values().iterator(chunk_size=5000))
        try:
            broken = find_first_break(rows, key=chain_key())
            last = events.reverse().values_list("hash", flat=True).first()
        except DatabaseError:
            return [*problems, "审计表结构与当前版本不同：请用生成该备份的版本恢复，再升级"]
        if broken is not None:
            problems.append(f"审计链断裂于事件 #{broken.event_id}：{broken.reason}")
        if head and head != last:
            problems.append("审计链头与最后一条审计记录不一致（末尾记录被删除）")
    return problems


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
            f"不能是挂载点），{_REFUSED}",
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
        raise DomainError("backup.commit_failed", f"写入数据库失败（{exc}），{_REFUSED}") from None
    finally:
        source.close()


def _pg_commit(staged: str, token: str) -> str:
    """Swap the databases by name in one transaction; returns the old one's new name."""
    live = connection.settings_dict["NAME"]
    previous = f"{live[:40]}_pre_restore_{token}"
    connection.close()
    with _pg_admin() as admin:
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
                f"{_REFUSED}",
            ) from None
    return previous


# --- restoring ------------------------------------------------------------------------------


def backup_restore(*, source: Path, actor: Any = "system:restore") -> list[str]:
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
        with _database_alias(staged) as alias:
            problems = _data_problems(using=alias, manifest=manifest, whole_chain=True)
        if problems:
            raise DomainError(
                "backup.database_invalid",
                f"备份中的数据与签名清单不符：{'；'.join(problems[:5])}；{_REFUSED}",
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
                _pg_drop(previous)
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
    return _data_problems(using=DEFAULT_DB_ALIAS, manifest=manifest, whole_chain=False)
