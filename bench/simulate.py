"""Seed 000's sitting end to end (issue 13, bench/simulate.py).

Targets: `manage.py simulate --scale jiangsu` completes in <= 10 minutes on SQLite and on
PostgreSQL (when reachable) without PDFs; the PDFs (admission tickets and certificates) in
<= 5 more minutes. Each run gets a fresh database. Prints the figures on the last line and
exits 1 when a target is missed.

    python bench/simulate.py [--scale jiangsu] [--skip-postgres] [--skip-pdfs]"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
RUN_LIMIT_S, PDF_LIMIT_S = 600.0, 300.0
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
    with tempfile.TemporaryDirectory() as tmp:
        run_s, pdf_s = _simulate(
            f"sqlite:///{tmp}/simulate.sqlite3", options.scale, not options.skip_pdfs
        )
        figures["sqlite_s"] = run_s
        if not options.skip_pdfs:
            figures["pdfs_s"] = pdf_s
    url = None if options.skip_postgres else _postgres_url()
    if url is not None:
        figures["postgres_s"], _ = _simulate(url, options.scale, False)
    missed = [
        name
        for name, seconds in figures.items()
        if seconds > (PDF_LIMIT_S if name == "pdfs_s" else RUN_LIMIT_S)
    ]
    print(" ".join(f"{name}: {seconds:.1f}" for name, seconds in figures.items()))
    if missed:
        print(f"missed: {', '.join(missed)}", file=sys.stderr)
    return 1 if missed else 0


if __name__ == "__main__":
    raise SystemExit(main())
