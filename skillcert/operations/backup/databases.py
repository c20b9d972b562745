"""The database side of a backup: the PostgreSQL tools, row counts, the audit-chain head, a
connection to a staged copy and the check of its data against the manifest."""

from __future__ import annotations

import contextlib
import secrets
import shutil
from collections.abc import Callable, Iterable, Iterator, Mapping
from typing import Any

import psycopg
from django.db import DatabaseError, connection, connections
from django.db.utils import load_backend
from psycopg import sql

from skillcert.audit.selectors import audit_chain_head_table
from skillcert.audit.services import audit_verify
from skillcert.common.errors import DomainError


def pg_env_args() -> tuple[list[str], dict[str, str]]:
    db = connection.settings_dict
    args = ["-h", db["HOST"] or "127.0.0.1", "-p", str(db["PORT"] or 5432), "-U", db["USER"]]
    env = {"PATH": "/usr/bin:/bin:/usr/local/bin"}
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = db["PASSWORD"]
    return args, env


def tool_path(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        raise DomainError("backup.tool_missing", f"未找到 {name}：请安装 postgresql-client")
    return path


def tool_message(stderr: bytes) -> str:
    return stderr.decode(errors="replace").strip()[-500:]


@contextlib.contextmanager
def pg_admin() -> Iterator[psycopg.Connection[Any]]:
    """A connection to the maintenance database, for creating, renaming and dropping ours."""
    params = connection.get_connection_params()
    params.pop("cursor_factory", None)
    params.pop("context", None)
    params["dbname"] = "postgres"
    with psycopg.connect(**params, autocommit=True) as admin:
        yield admin


def pg_drop(name: str) -> None:
    with pg_admin() as admin:
        admin.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
        )


def count_rows(cursor: Any, tables: Iterable[str], quote: Callable[[str], str]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for table in sorted(tables):
        cursor.execute(f"SELECT COUNT(*) FROM {quote(table)}")  # noqa: S608 - a quoted table name
        counts[table] = cursor.fetchone()[0]
    return counts


def audit_head_read(cursor: Any, quote: Callable[[str], str]) -> str:
    cursor.execute(
        f"SELECT last_hash FROM {quote(audit_chain_head_table())} WHERE id = 1"  # noqa: S608
    )
    row = cursor.fetchone()
    return str(row[0]) if row else ""


@contextlib.contextmanager
def database_alias(name: str) -> Iterator[str]:
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


def data_problems(*, using: str, manifest: Mapping[str, Any], whole_chain: bool) -> list[str]:
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
                actual = count_rows(cursor, [table], db.ops.quote_name)[table]
            except DatabaseError:
                problems.append(f"表 {table} 不存在")
                continue
            if actual != expected:
                problems.append(f"表 {table} 行数不符：备份清单 {expected}，数据库 {actual}")
        head = audit_head_read(cursor, db.ops.quote_name)
    if head != manifest["audit_head"]:
        problems.append("审计链头与备份清单不一致")
    if whole_chain:
        try:
            _, broken = audit_verify(using=using)
        except DatabaseError:
            return [*problems, "审计表结构与当前版本不同：请用生成该备份的版本恢复，再升级"]
        if broken is not None:
            problems.append(f"审计链断裂于事件 #{broken.event_id}：{broken.reason}")
    return problems
