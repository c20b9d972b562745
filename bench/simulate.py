"""Seed 000's sitting end to end (issue 13, bench/simulate.py).

Targets (issue 25 item 3): `manage.py simulate --scale jiangsu` completes in <= 120 s on
SQLite and <= 180 s on PostgreSQL (when reachable) without PDFs; the PDFs (admission tickets
and certificates) in <= 5 more minutes. Each run gets a fresh database. Exits 1 when a target
is missed.

The floor, measured in the same run on the same database: every row the simulation left
behind, written again by one bulk `INSERT INTO copy SELECT * FROM table` per table (into
empty temporary copies, in one transaction). It is what storing the sitting's data costs with
no services, checks or audit around it. The last line prints each figure with its floor and
`figure / floor`.

    python bench/simulate.py [--scale jiangsu] [--skip-postgres] [--skip-pdfs]"""

from __future__ import annotations

import argparse
import json
import os
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
LIMITS_S = {"sqlite_s": 120.0, "postgres_s": 180.0, "pdfs_s": 300.0}
PG_ADMIN = "postgres://postgres@127.0.0.1:5432/postgres"
PG_DB = "skillcert_bench_simulate"


def _manage(env: dict[str, str], *args: str) -> str:
    done = subprocess.run(
        [PYTHON, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        sys.stderr.write(done.stdout[-4000:] + done.stderr[-4000:])
        raise SystemExit(f"manage.py {' '.join(args)} failed ({done.returncode})")
    return done.stdout


def _simulate(database_url: str, scale: str, pdfs: bool) -> tuple[float, float]:
    env = os.environ | {"DATABASE_URL": database_url, "SKILLCERT_ENV": "local"}
    _manage(env, "migrate", "-v", "0")
    _manage(env, "collectstatic", "--noinput", "-v", "0")
    args = ["simulate", "--scale", scale, "--json"] + (["--pdfs"] if pdfs else [])
    started = time.perf_counter()
    out = _manage(env, *args)
    total = time.perf_counter() - started
    sys.stdout.write(out.rsplit("\n", 2)[0] + "\n")
    stages = json.loads(out.strip().splitlines()[-1])
    pdf_s = float(stages.get("准考证与证书 PDF", 0.0))
    return total - pdf_s, pdf_s


def _floor_sqlite(path: str) -> float:
    """Seconds to write the database's rows again, one bulk INSERT per table."""
    conn = sqlite3.connect(path)
    try:
        tables = [
            name
            for (name,) in conn.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
            )
        ]
        started = time.perf_counter()
        conn.execute("BEGIN")
        for n, name in enumerate(tables):
            # Table names come from the database's own catalogue.
            conn.execute(f'CREATE TEMP TABLE floor_{n} AS SELECT * FROM "{name}" WHERE 0')  # noqa: S608
            conn.execute(f'INSERT INTO floor_{n} SELECT * FROM "{name}"')  # noqa: S608
        conn.execute("COMMIT")
        return time.perf_counter() - started
    finally:
        conn.close()


def _floor_postgres(url: str) -> float:
    """The same on PostgreSQL: temporary copies without indexes, one INSERT … SELECT each."""
    import psycopg
    from psycopg import sql

    with psycopg.connect(url) as conn:
        tables = [
            name
            for (name,) in conn.execute(
                "SELECT tablename FROM pg_tables WHERE schemaname = 'public'"
            ).fetchall()
        ]
        started = time.perf_counter()
        for n, name in enumerate(tables):
            copy, table = sql.Identifier(f"floor_{n}"), sql.Identifier(name)
            conn.execute(sql.SQL("CREATE TEMP TABLE {} (LIKE {})").format(copy, table))
            conn.execute(sql.SQL("INSERT INTO {} SELECT * FROM {}").format(copy, table))
        conn.commit()
        return time.perf_counter() - started


def _postgres_url() -> str | None:
    try:
        import psycopg

        with psycopg.connect(PG_ADMIN, autocommit=True, connect_timeout=3) as conn:
            conn.execute(f"DROP DATABASE IF EXISTS {PG_DB} WITH (FORCE)")
            conn.execute(f"CREATE DATABASE {PG_DB}")
    except Exception as error:
        print(f"PostgreSQL 不可用，跳过：{error}")
        return None
    return f"postgres://postgres@127.0.0.1:5432/{PG_DB}"


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--scale", default="jiangsu")
    parser.add_argument("--skip-postgres", action="store_true")
    parser.add_argument("--skip-pdfs", action="store_true")
    options = parser.parse_args()
    figures: dict[str, float] = {}
    floors: dict[str, float] = {}
    with tempfile.TemporaryDirectory() as tmp:
        path = f"{tmp}/simulate.sqlite3"
        run_s, pdf_s = _simulate(f"sqlite:///{path}", options.scale, not options.skip_pdfs)
        figures["sqlite_s"] = run_s
        floors["sqlite_s"] = _floor_sqlite(path)
        if not options.skip_pdfs:
            figures["pdfs_s"] = pdf_s
    url = None if options.skip_postgres else _postgres_url()
    if url is not None:
        figures["postgres_s"], _ = _simulate(url, options.scale, False)
        floors["postgres_s"] = _floor_postgres(url)
    missed = [name for name, seconds in figures.items() if seconds > LIMITS_S[name]]
    if missed:
        print(f"missed: {', '.join(missed)}", file=sys.stderr)
    print(
        " ".join(
            f"{name}: {seconds:.1f}"
            + (
                f" (floor {floors[name]:.2f}, figure / floor {seconds / floors[name]:.0f})"
                if floors.get(name)
                else ""
            )
            for name, seconds in figures.items()
        )
    )
    return 1 if missed else 0


if __name__ == "__main__":
    raise SystemExit(main())
