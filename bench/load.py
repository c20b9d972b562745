"""Load on loopback against `make run`'s server with the simulated Jiangsu data (issues 14, 25),
measured against the machine's floor in the same run.

The floor is a bare Django 5.2 project rendering a 10-row template (bench/floor_app.py),
served by the same gunicorn command line as the product (`manage.py serve`: 2 workers x 4
threads) and loaded by the same `wrk` script (bench/load.lua: 2 threads, 16 connections, each
request from its own X-Forwarded-For address with a random certificate token). The floor is
measured before and after the product's paths; the higher figure is the one compared with.

Targets on this 2-core machine: certificate verification, the page (/v/<token>) and the JSON
API (POST /api/v1/certificates/verify), each >= 1,500 requests/s, p99 <= 50 ms, no error, and
>= 0.5 of the floor; the candidate result query (POST /api/v1/scoring/query) >= 200
requests/s with no error. The locust mixed run (bench/locustfile.py, zero errors allowed) is
off by default: --mixed-minutes 10 runs it.

The server is started exactly as `make run` starts it (gunicorn, whitenoise, DEBUG off) on a
spare port, with SKILLCERT_TRUSTED_PROXIES=127.0.0.1 so that the X-Forwarded-For address each
simulated visitor sends is the one rate limits count (as behind a reverse proxy in production;
otherwise every visitor would be 127.0.0.1 and throttled). Both servers log no access lines.

    python bench/load.py [--database-url URL] [--seconds 20] [--mixed-minutes 0]

Without --database-url the data is built once into var/bench/load.sqlite3 with
`manage.py simulate --scale jiangsu` and reused by later runs. The last line holds the figures
and each `figure / floor`; exits 1 when a target is missed."""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
VERIFY_RPS, VERIFY_P99_MS, VERIFY_OF_FLOOR, QUERY_RPS = 1500.0, 50.0, 0.5, 200.0


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _env(database_url: str) -> dict[str, str]:
    metrics = ROOT / "var" / "bench" / "prometheus"
    metrics.mkdir(parents=True, exist_ok=True)  # the demo data is made before the server starts
    return os.environ | {
        "DATABASE_URL": database_url,
        "SKILLCERT_ENV": "local",
        "SKILLCERT_TRUSTED_PROXIES": "127.0.0.1",
        "PROMETHEUS_MULTIPROC_DIR": str(metrics),
    }


def _manage(env: dict[str, str], *args: str) -> str:
    done = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        sys.stderr.write(done.stdout[-3000:] + done.stderr[-3000:])
        raise SystemExit(f"manage.py {args[0]} failed")
    return done.stdout


def _prepare(database_url: str | None) -> str:
    if database_url:
        return database_url
    path = ROOT / "var" / "bench" / "load.sqlite3"
    url = f"sqlite:///{path}"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        partial = path.with_suffix(".building")
        env = _env(f"sqlite:///{partial}")
        partial.unlink(missing_ok=True)
        print("首次运行：模拟江苏统考以生成数据（约数分钟）……", flush=True)
        _manage(env, "migrate", "-v", "0")
        if _static_changed():  # the simulation renders pages, which name collected files
            _manage(env, "collectstatic", "--noinput", "-v", "0")
        _manage(env, "simulate", "--scale", "jiangsu")
        partial.rename(path)
    return url


def _samples(env: dict[str, str]) -> dict[str, list]:
    """Certificate tokens and (name, ID number, ticket) triples, read through Django."""
    code = (
        "import json\n"
        "from skillcert.certificates.models import Certificate\n"
        "from skillcert.scoring.models import Result\n"
        "from skillcert.exams.models import AdmissionTicket\n"
        "tokens=list(Certificate.objects.values_list('token', flat=True)[:5000])\n"
        "rows=[]\n"
        "for t in AdmissionTicket.objects.select_related('application__candidate')[:3000]:\n"
        "    c=t.application.candidate\n"
        "    rows.append([c.full_name, c.id_number, t.ticket_no])\n"
        "print(json.dumps({'tokens': tokens, 'queries': rows}))\n"
    )
    out = _manage(env, "shell", "-c", code)
    return json.loads(out.strip().splitlines()[-1])


def _gunicorn(app: str, env: dict[str, str], port: int) -> subprocess.Popen[bytes]:
    """`manage.py serve`'s gunicorn command line (2 workers x 4 threads), on a spare port."""
    server = subprocess.Popen(
        [
            str(BIN / "gunicorn"),
            app,
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "2",
            "--threads",
            "4",
            "--access-logfile",
            "/dev/null",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env,
        start_new_session=True,
    )
    for _ in range(150):
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return server
        except OSError:
            time.sleep(0.2)
    server.kill()
    raise SystemExit(f"服务器未能启动：{app}")


def _static_changed() -> bool:
    """collectstatic compresses every file (the admin's scripts too) at Brotli's best level,
    minutes on a busy machine: run it only when the platform's own files changed since."""
    manifest = ROOT / "var" / "staticfiles" / "staticfiles.json"
    if not manifest.exists():
        return True
    collected = manifest.stat().st_mtime
    sources = (ROOT / "skillcert" / "static").rglob("*")
    return any(p.stat().st_mtime > collected for p in sources if p.is_file())


def _serve(env: dict[str, str], port: int) -> subprocess.Popen[bytes]:
    metrics = Path(env["PROMETHEUS_MULTIPROC_DIR"])
    shutil.rmtree(metrics, ignore_errors=True)
    metrics.mkdir(parents=True)
    if _static_changed():
        _manage(env, "collectstatic", "--noinput", "-v", "0")
    return _gunicorn("skillcert.config.wsgi:application", env, port)


def _stop(server: subprocess.Popen[bytes]) -> None:
    os.killpg(server.pid, signal.SIGTERM)
    server.wait(timeout=30)


def _wrk(port: int, kind: str, samples: Path | None, seconds: float, connections: int) -> Figure:
    """`wrk` with bench/load.lua: every request from its own visitor address, each with a random
    sample (certificate token, or name/ID number/ticket) from the file."""
    args = [
        "wrk",
        "--threads",
        "2",
        "--connections",
        str(connections),
        "--duration",
        f"{seconds:g}s",
        "--timeout",
        "5s",
        "--script",
        str(ROOT / "bench" / "load.lua"),
        f"http://127.0.0.1:{port}",
        "--",
        kind,
    ]
    if samples is not None:
        args.append(str(samples))
    done = subprocess.run(args, capture_output=True, text=True, check=False)
    for line in done.stdout.splitlines():
        if line.startswith("wrk-result "):
            values = dict(item.split("=") for item in line.split()[1:])
            return Figure(
                rps=float(values["requests"]) / float(values["seconds"]),
                p99_ms=float(values["p99_ms"]),
                errors=int(values["errors"]),
            )
    sys.stderr.write(done.stdout[-2000:] + done.stderr[-2000:])
    raise SystemExit(f"wrk 未输出结果（{kind}）")


@dataclass(frozen=True)
class Figure:
    rps: float
    p99_ms: float
    errors: int

    def line(self, floor: float | None = None) -> str:
        ratio = f"，为基准的 {self.rps / floor:.2f} 倍" if floor else ""
        return f"{self.rps:.0f} 次/秒，p99 {self.p99_ms:.1f} ms，错误 {self.errors}{ratio}"


def _mixed(port: int, minutes: float, env: dict[str, str], samples_file: Path) -> int:
    done = subprocess.run(
        [
            str(BIN / "locust"),
            "-f",
            str(ROOT / "bench" / "locustfile.py"),
            "--headless",
            "--host",
            f"http://127.0.0.1:{port}",
            "--users",
            "20",
            "--spawn-rate",
            "10",
            "--run-time",
            f"{int(minutes * 60)}s",
            "--only-summary",
            "--exit-code-on-error",
            "1",
            "--json",
        ],
        cwd=ROOT,
        env=env | {"SKILLCERT_LOAD_SAMPLES": str(samples_file)},
        capture_output=True,
        text=True,
        check=False,
    )
    stats = json.loads(done.stdout or "[]")
    failures = sum(int(s.get("num_failures", 0)) for s in stats)
    requests = sum(int(s.get("num_requests", 0)) for s in stats)
    print(f"混合负载：{requests} 次请求，{failures} 次错误（locust 退出码 {done.returncode}）")
    if done.returncode not in (0, 1):
        sys.stderr.write(done.stderr[-3000:])
        return max(failures, 1)
    return failures


def _sample_files(samples: dict[str, list]) -> tuple[Path, Path]:
    folder = ROOT / "var" / "bench"
    tokens, queries = folder / "load-tokens.tsv", folder / "load-queries.tsv"
    tokens.write_text("".join(f"{t}\n" for t in samples["tokens"]), encoding="utf-8")
    queries.write_text(
        "".join("\t".join(row) + "\n" for row in samples["queries"]), encoding="utf-8"
    )
    return tokens, queries


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--database-url")
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument(
        "--mixed-minutes", type=float, default=0.0, help="locust mixed run (0 = skipped)"
    )
    options = parser.parse_args()
    env = _env(_prepare(options.database_url))
    samples = _samples(env)
    samples_file = ROOT / "var" / "bench" / "load-samples.json"
    samples_file.parent.mkdir(parents=True, exist_ok=True)
    samples_file.write_text(json.dumps(samples), encoding="utf-8")
    tokens, queries = _sample_files(samples)
    seconds, connections = options.seconds, options.connections
    floor_port, port = _free_port(), _free_port()
    floor_server = _gunicorn("bench.floor_app:application", env, floor_port)
    server = _serve(env, port)
    try:
        for p in (floor_port, port):  # warm up both workers of each server
            _wrk(p, "page", tokens, 3, connections)
        floor_before = _wrk(floor_port, "page", tokens, seconds, connections)
        print(f"基准（空白 Django，10 行模板）：{floor_before.line()}", flush=True)
        page = _wrk(port, "page", tokens, seconds, connections)
        api = _wrk(port, "verify_api", tokens, seconds, connections)
        query = (
            _wrk(port, "query_api", queries, seconds, connections)
            if samples["queries"]
            else Figure(rps=0.0, p99_ms=float("inf"), errors=0)  # no tickets in this database
        )
        floor_after = _wrk(floor_port, "page", tokens, seconds, connections)
        print(f"基准（复测）：{floor_after.line()}")
        floor = max(floor_before, floor_after, key=lambda f: f.rps)
        print(f"证书查验页 /v/<token>：{page.line(floor.rps)}")
        print(f"证书查验接口：{api.line(floor.rps)}")
        print(f"成绩查询接口：{query.line(floor.rps)}")
        errors = 0
        if options.mixed_minutes > 0:
            errors = _mixed(port, options.mixed_minutes, env, samples_file)
    finally:
        _stop(server)
        _stop(floor_server)
    missed = []
    for name, figure in (("verify_page", page), ("verify_api", api)):
        if (
            figure.rps < VERIFY_RPS
            or figure.p99_ms > VERIFY_P99_MS
            or figure.rps < VERIFY_OF_FLOOR * floor.rps
        ):
            missed.append(name)
    if query.rps < QUERY_RPS:
        missed.append("query")
    if errors or page.errors or api.errors or query.errors or floor.errors:
        missed.append("errors")
    print(
        f"floor_rps: {floor.rps:.0f} floor_p99_ms: {floor.p99_ms:.1f} "
        f"verify_page_rps: {page.rps:.0f} verify_page_p99_ms: {page.p99_ms:.1f} "
        f"verify_page/floor: {page.rps / floor.rps:.2f} "
        f"verify_api_rps: {api.rps:.0f} verify_api_p99_ms: {api.p99_ms:.1f} "
        f"verify_api/floor: {api.rps / floor.rps:.2f} "
        f"query_rps: {query.rps:.0f} query_p99_ms: {query.p99_ms:.1f} "
        f"query/floor: {query.rps / floor.rps:.2f} "
        f"errors: {page.errors + api.errors + query.errors + errors}"
    )
    if missed:
        print(f"missed: {', '.join(missed)}", file=sys.stderr)
    return 1 if missed else 0


if __name__ == "__main__":
    raise SystemExit(main())
