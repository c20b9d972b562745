"""Load on loopback against `make run`'s server with the simulated Jiangsu data (issue 14).

Targets on this 2-core machine: certificate verification (/v/<token>) >= 500 requests/s with
p99 <= 100 ms; the candidate result query (POST /api/v1/scoring/query) >= 200 requests/s; a
mixed run with locust (headless, bounded users, 10 minutes by default) with zero errors.

The server is started exactly as `make run` starts it (gunicorn, 2 workers × 4 threads,
whitenoise, DEBUG off) on a spare port, with SKILLCERT_TRUSTED_PROXIES=127.0.0.1 so that the
X-Forwarded-For address each simulated visitor sends is the one rate limits count (as behind
a reverse proxy in production; otherwise every visitor would be 127.0.0.1 and throttled).

    python bench/load.py [--database-url URL] [--seconds 20] [--mixed-minutes 10]

Without --database-url the data is built once into var/bench/load.sqlite3 with
`manage.py simulate --scale jiangsu` and reused by later runs. Prints the figures on the last
line; exits 1 when a target is missed."""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
VERIFY_RPS, VERIFY_P99_MS, QUERY_RPS = 500.0, 100.0, 200.0


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _env(database_url: str) -> dict[str, str]:
    return os.environ | {
        "DATABASE_URL": database_url,
        "SKILLCERT_ENV": "local",
        "SKILLCERT_TRUSTED_PROXIES": "127.0.0.1",
        "PROMETHEUS_MULTIPROC_DIR": str(ROOT / "var" / "bench" / "prometheus"),
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


def _serve(env: dict[str, str], port: int) -> subprocess.Popen[bytes]:
    metrics = Path(env["PROMETHEUS_MULTIPROC_DIR"])
    shutil.rmtree(metrics, ignore_errors=True)
    metrics.mkdir(parents=True)
    _manage(env, "collectstatic", "--noinput", "-v", "0")
    # The same command line as `make run` (Makefile), on a spare port.
    server = subprocess.Popen(
        [
            str(BIN / "gunicorn"),
            "skillcert.config.wsgi:application",
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
    for _ in range(100):
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return server
        except OSError:
            time.sleep(0.2)
    server.kill()
    raise SystemExit("服务器未能启动")


async def _one(
    reader: asyncio.StreamReader, writer: asyncio.StreamWriter, request: bytes
) -> tuple[int, float]:
    started = time.perf_counter()
    writer.write(request)
    await writer.drain()
    status_line = await reader.readline()
    length = 0
    while True:
        line = await reader.readline()
        if line in (b"\r\n", b""):
            break
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            length = int(value.strip())
    if length:
        await reader.readexactly(length)
    return int(status_line.split()[1]), time.perf_counter() - started


async def _hammer(
    port: int, make_request: Callable[[random.Random], bytes], seconds: float, connections: int
) -> tuple[int, list[float], dict[int, int]]:
    latencies: list[float] = []
    statuses: dict[int, int] = {}
    deadline = time.perf_counter() + seconds

    async def worker(n: int) -> None:
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        rng = random.Random(n)
        while time.perf_counter() < deadline:
            try:
                status, spent = await _one(reader, writer, make_request(rng))
            except (ConnectionError, asyncio.IncompleteReadError):
                writer.close()
                reader, writer = await asyncio.open_connection("127.0.0.1", port)
                statuses[0] = statuses.get(0, 0) + 1
                continue
            statuses[status] = statuses.get(status, 0) + 1
            latencies.append(spent)
        writer.close()

    started = time.perf_counter()
    await asyncio.gather(*(worker(n) for n in range(connections)))
    return int(len(latencies) / (time.perf_counter() - started)), latencies, statuses


def _visitor_ip(rng: random.Random) -> str:
    return f"10.{rng.randrange(256)}.{rng.randrange(256)}.{rng.randrange(1, 255)}"


def _measure(
    port: int, make_request: Callable[[random.Random], bytes], seconds: float, connections: int
) -> tuple[float, float, dict]:
    rps, latencies, statuses = asyncio.run(_hammer(port, make_request, seconds, connections))
    latencies.sort()
    p99 = latencies[int(len(latencies) * 0.99) - 1] * 1000 if latencies else float("inf")
    return float(rps), p99, statuses


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


def _verify_request(tokens: list[str]) -> Callable[[random.Random], bytes]:
    """A QR verification of a random certificate from a random visitor."""

    def verify(rng: random.Random) -> bytes:
        return (
            f"GET /v/{rng.choice(tokens)} HTTP/1.1\r\nHost: 127.0.0.1\r\n"
            f"X-Forwarded-For: {_visitor_ip(rng)}\r\n\r\n"
        ).encode()

    return verify


def _query_request(queries: list[list[str]]) -> Callable[[random.Random], bytes]:
    """A public score query for a random candidate from a random visitor."""

    def query(rng: random.Random) -> bytes:
        name, id_number, ticket = rng.choice(queries)
        body = json.dumps(
            {"name": name, "id_number": id_number, "ticket_no": ticket}, ensure_ascii=False
        ).encode()
        return (
            f"POST /api/v1/scoring/query HTTP/1.1\r\nHost: 127.0.0.1\r\n"
            f"X-Forwarded-For: {_visitor_ip(rng)}\r\nContent-Type: application/json\r\n"
            f"Content-Length: {len(body)}\r\n\r\n"
        ).encode() + body

    return query


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--database-url")
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--mixed-minutes", type=float, default=10.0)
    options = parser.parse_args()
    env = _env(_prepare(options.database_url))
    samples = _samples(env)
    samples_file = ROOT / "var" / "bench" / "load-samples.json"
    samples_file.parent.mkdir(parents=True, exist_ok=True)
    samples_file.write_text(json.dumps(samples), encoding="utf-8")
    port = _free_port()
    server = _serve(env, port)
    try:
        verify = _verify_request(samples["tokens"])
        query = _query_request(samples["queries"])
        _measure(port, verify, 3, 8)  # warm up both workers
        verify_rps, verify_p99, verify_status = _measure(
            port, verify, options.seconds, options.connections
        )
        print(f"证书查验：{verify_rps:.0f} 次/秒，p99 {verify_p99:.1f} ms，状态 {verify_status}")
        query_rps, query_p99, query_status = _measure(
            port, query, options.seconds, options.connections
        )
        print(f"成绩查询：{query_rps:.0f} 次/秒，p99 {query_p99:.1f} ms，状态 {query_status}")
        errors = 0
        if options.mixed_minutes > 0:
            errors = _mixed(port, options.mixed_minutes, env, samples_file)
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
    bad = [s for s in (verify_status | query_status) if s != 200]
    missed = []
    if verify_rps < VERIFY_RPS or verify_p99 > VERIFY_P99_MS:
        missed.append("verify")
    if query_rps < QUERY_RPS:
        missed.append("query")
    if errors or bad:
        missed.append("errors")
    print(
        f"verify_rps: {verify_rps:.0f} verify_p99_ms: {verify_p99:.1f} "
        f"query_rps: {query_rps:.0f} query_p99_ms: {query_p99:.1f} mixed_errors: {errors}"
    )
    if missed:
        print(f"missed: {', '.join(missed)}", file=sys.stderr)
    return 1 if missed else 0


if __name__ == "__main__":
    raise SystemExit(main())
