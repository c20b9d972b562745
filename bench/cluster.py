"""More than one server (issue 25 item 7): two app servers and two task workers against one
PostgreSQL behind Debian's haproxy, all on loopback, started and stopped by this script.

    .venv/bin/python bench/cluster.py [--rows 30000] [--seconds 40] [--connections 16]
        [--server postgres://postgres@127.0.0.1:5432] [--database skillcert_bench_cluster]

1. A throw-away database (`skillcert_bench_cluster`, dropped first), migrated and filled with
   `manage.py demo --simulation none` (certificates to verify, as bench/load.py reads them),
   an open plan of a filed organisation with a clerk who signs in with a password, and a
   roster of `--rows` rows built as bench/roster_import.py builds it (2 % broken on purpose).
2. Two gunicorn servers exactly as `manage.py serve` starts them (2 workers x 4 threads, on
   two loopback ports), two `manage.py worker` processes, and haproxy in front of the servers
   (health checks on /healthz every 0.5 s; `retries 1`, `option redispatch` and `retry-on`
   so that a request a dead server did not answer is sent once more, to the other server).
3. Through haproxy: one visitor asks for a certificate page again and again (the verification
   page's allowance is 120 a minute per visitor); the two servers must count one allowance,
   within the share each process counts on its own (SKILLCERT_THROTTLE_LOCAL_PERCENT).
4. The clerk signs in through haproxy; the session must work on each server directly.
5. `wrk` with bench/load.lua loads /v/<token> through haproxy for `--seconds`; meanwhile the
   clerk uploads the roster through haproxy (the import runs on a worker). The worker running
   the import is killed (SIGKILL) halfway through it, and so is app server `a` (its whole
   process group) at 40 % of the load. `jobs requeue-stale --older-than 0` runs every few
   seconds, as cron runs it, and hands the killed worker's job to the other worker once the
   dead one has stopped beating (a minute, operations.workers.SEEN_WITHIN).
6. When every job has finished: requests that failed after the one retry (target 0): haproxy
   resends what a dead server did not answer; an answer the killed server had begun to send
   (haproxy: SD--) reaches the client cut, and no proxy can replay it, so the bench asks
   those GETs once more as a client retrying an idempotent request would, and counts a
   request failed when that retry fails too (wrk's own count is printed beside it); jobs lost
   or run twice (target 0: every job enqueued ends SUCCESSFUL, and the import's committed run,
   its `roster.import` audit event, happened exactly once); rows imported exactly once (the
   plan's applications == the import's count == the roster's valid rows, one per candidate).

The last line holds the figures; the exit status is 1 when a target is missed. Every process
started here is in its own process group and is stopped on exit, Ctrl-C or SIGTERM."""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import io
import json
import os
import re
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter, defaultdict
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

ROOT = Path(__file__).resolve().parent.parent
# The project root replaces this script's folder on the path: bench/statistics.py would
# otherwise shadow the standard library's statistics module.
sys.path[0] = str(ROOT)

from bench.load import Figure, _free_port, _gunicorn, _static_changed
from bench.roster_import import make_roster

HAPROXY = "/usr/sbin/haproxy"
# The verification page's allowance (certificates.views: @throttle(..., rate="120/m")).
VERIFY_ALLOWANCE = 120
GUNICORN_WORKERS = 2  # per server, as `manage.py serve` starts it (bench.load._gunicorn)
SERVERS = ("a", "b")
WORKERS = ("cluster-worker-1", "cluster-worker-2")
CLERK, CLERK_PASSWORD = "cluster_clerk", "Bench-Cluster-2026"
# TEST-NET-1 addresses: never one of wrk's 10.x visitors.
THROTTLE_VISITORS = {1: "192.0.2.25", 8: "192.0.2.26"}  # by how many ask at a time


def _setup(server: str, database: str) -> None:
    import psycopg

    with psycopg.connect(f"{server}/postgres", autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
        admin.execute(f'CREATE DATABASE "{database}"')
    metrics = ROOT / "var" / "bench" / "cluster-prometheus"
    metrics.mkdir(parents=True, exist_ok=True)
    os.environ.update(
        {
            "DATABASE_URL": f"{server}/{database}",
            "SKILLCERT_ENV": "local",
            "SKILLCERT_TRUSTED_PROXIES": "127.0.0.1",
            "PROMETHEUS_MULTIPROC_DIR": str(metrics),
            "DJANGO_SETTINGS_MODULE": "skillcert.config.settings",
        }
    )
    import django

    django.setup()


def _load_data(rows: int, workdir: Path) -> tuple[int, int, Path, Path]:
    """The plan's id, the roster's valid rows, the roster file and the certificate tokens."""
    from django.core.management import call_command

    from skillcert.certificates.models import Certificate

    call_command("migrate", verbosity=0)
    call_command("demo", simulation="none", stdout=io.StringIO())
    if _static_changed():
        call_command("collectstatic", interactive=False, verbosity=0)
    plan_id = _import_plan(rows)
    roster = workdir / "roster.xlsx"
    make_roster(roster, rows, seed=rows)
    valid = _valid_rows(plan_id, roster)
    tokens = workdir / "tokens.tsv"
    sample = list(Certificate.objects.values_list("token", flat=True)[:5000])
    if not sample:
        raise SystemExit("演示数据中没有证书，无法做查验负载")
    tokens.write_text("".join(f"{t}\n" for t in sample), encoding="utf-8")
    return plan_id, valid, roster, tokens


def _valid_rows(plan_id: int, roster: Path) -> int:
    """The rows the import must write: the roster validated against this plan and today's
    rules (the demo's provincial rule overrides included), before anything is written."""
    from skillcert.applications.importing import roster_validate
    from skillcert.plans.models import EvaluationPlan

    _, result = roster_validate(plan=EvaluationPlan.objects.get(pk=plan_id), source=roster)
    return len(result.rows)


def _import_plan(rows: int) -> int:
    """A filed organisation allowed to assess 4-07-03-02 at levels 4 and 3 (what
    bench/roster_import.py's rosters apply for), its open plan with room for every row, and
    a clerk of the organisation (a password login, no second factor)."""
    from decimal import Decimal

    from django.utils import timezone

    from skillcert.accounts.actors import SystemActor
    from skillcert.accounts.models import Role
    from skillcert.accounts.services import role_grant, user_create
    from skillcert.common.identifiers import uscc_check_digit
    from skillcert.occupations.models import Occupation, Standard
    from skillcert.organizations.models import EvaluationOrg, OrgKind, OrgScope, OrgStatus
    from skillcert.organizations.services import organization_create
    from skillcert.plans.services import plan_create, plan_open
    from skillcert.regions.models import Region

    bench = SystemActor("bench")
    today = timezone.localdate()
    hr, _ = Occupation.objects.get_or_create(
        code="4-07-03-02", defaults={"name": "企业人力资源管理师"}
    )
    Standard.objects.get_or_create(
        occupation=hr, kind="national", code="4-07-03-02", edition_year=2019,
        defaults={"name": "企业人力资源管理师", "levels": [4, 3, 2, 1]},
    )  # fmt: skip
    stem = "91320000072500025"
    org = organization_create(
        name="集群基准评价机构", kind=OrgKind.SOCIAL, uscc=stem + uscc_check_digit(stem),
        region=Region.objects.get(code="320102"), actor=bench,
    )  # fmt: skip
    EvaluationOrg.objects.filter(pk=org.pk).update(
        status=OrgStatus.FILED, filing_number=f"S0000{org.pk:08d}"[:13],
        valid_from=today - dt.timedelta(days=10), valid_until=today + dt.timedelta(days=900),
    )  # fmt: skip
    org.refresh_from_db()
    for level in (4, 3):
        OrgScope.objects.create(org=org, occupation=hr, level=level, since=today)
    plan = plan_create(
        code="BENCH-CLUSTER", title="集群基准", organization=org,
        window_opens=today, window_closes=today + dt.timedelta(days=30), capacity=rows,
        offerings=[(hr, 4), (hr, 3)], actor=bench, city_sample_rate=Decimal("0.2"),
    )  # fmt: skip
    plan = plan_open(plan=plan, actor=bench)
    clerk = user_create(username=CLERK, password=CLERK_PASSWORD, full_name="集群经办", actor=bench)
    role_grant(user=clerk, role=Role.ORG_CLERK, organization=org, actor=bench)
    return int(plan.pk)


def _haproxy_config(workdir: Path, port: int, servers: dict[str, int]) -> Path:
    """Loopback only. A request is tried once more, on the other server, when the connection
    fails or the server closes it without answering (killed mid-request) or answers 502-504;
    only requests that change nothing are replayed after they reached a server (GET, HEAD and
    the JSON verification API), any request is resent when it never got through."""
    lines = [
        "global",
        "    maxconn 1000",
        "    log stderr format raw daemon",
        f"    stats socket {workdir / 'haproxy.sock'} mode 600 level admin",
        "defaults",
        "    mode http",
        "    timeout connect 1s",
        "    timeout client 30s",
        "    timeout server 30s",
        "    timeout check 2s",
        "    retries 1",
        "    option redispatch",
        "    retry-on conn-failure empty-response response-timeout 502 503 504",
        "    option forwardfor",
        # Only requests that failed, were retried or were redispatched are logged.
        "    log global",
        "    option httplog",
        "    option dontlog-normal",
        "frontend web",
        f"    bind 127.0.0.1:{port}",
        "    default_backend app",
        "backend app",
        "    balance roundrobin",
        "    acl replayable method GET HEAD",
        "    acl replayable path /api/v1/certificates/verify",
        "    http-request disable-l7-retry if !replayable",
        "    option httpchk",
        "    http-check send meth GET uri /healthz ver HTTP/1.1 hdr Host localhost",
        "    http-check expect status 200",
        "    default-server inter 500ms fall 2 rise 2",
        "    http-response set-header X-Served-By %[srv_name]",
        *(f"    server {name} 127.0.0.1:{p} check" for name, p in servers.items()),
    ]
    path = workdir / "haproxy.cfg"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _proxy_stats(workdir: Path) -> dict[str, dict[str, str]]:
    """haproxy's `show stat` for the backend's servers and the backend itself, by name."""
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as s:
        s.connect(str(workdir / "haproxy.sock"))
        s.sendall(b"show stat\n")
        chunks = []
        while chunk := s.recv(65536):
            chunks.append(chunk)
    lines = b"".join(chunks).decode().strip().splitlines()
    header = lines[0].lstrip("# ").split(",")
    rows = (dict(zip(header, line.split(","), strict=False)) for line in lines[1:])
    return {row["svname"]: row for row in rows if row["pxname"] == "app"}


@dataclass
class Cluster:
    """The processes this script started, each the leader of its own process group."""

    workdir: Path
    env: dict[str, str]
    servers: dict[str, subprocess.Popen[bytes]] = field(default_factory=dict)
    ports: dict[str, int] = field(default_factory=dict)
    workers: dict[str, subprocess.Popen[bytes]] = field(default_factory=dict)
    proxy: subprocess.Popen[bytes] | None = None
    proxy_port: int = 0
    logs: list[IO[bytes]] = field(default_factory=list)

    def _log(self, name: str) -> IO[bytes]:
        handle = (self.workdir / f"{name}.log").open("wb")
        self.logs.append(handle)
        return handle

    def start(self) -> None:
        for name in SERVERS:
            metrics = self.workdir / f"prometheus-{name}"
            metrics.mkdir()
            self.ports[name] = _free_port()
            env = self.env | {"PROMETHEUS_MULTIPROC_DIR": str(metrics)}
            self.servers[name] = _gunicorn(
                "skillcert.config.wsgi:application", env, self.ports[name]
            )
        for worker_id in WORKERS:
            self.workers[worker_id] = subprocess.Popen(
                [sys.executable, "manage.py", "worker", "--no-startup-delay",
                 "--interval", "0.5", "--worker-id", worker_id, "--verbosity", "0"],
                cwd=ROOT, env=self.env, start_new_session=True,
                stdout=subprocess.DEVNULL, stderr=self._log(worker_id),
            )  # fmt: skip
        self.proxy_port = _free_port()
        config = _haproxy_config(self.workdir, self.proxy_port, self.ports)
        self.proxy = subprocess.Popen(
            [HAPROXY, "-f", str(config), "-db"],
            start_new_session=True,
            stdout=subprocess.DEVNULL,
            stderr=self._log("haproxy"),
        )
        self._wait_ready()

    def _wait_ready(self) -> None:
        from skillcert.operations.models import WorkerHeartbeat

        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            beating = WorkerHeartbeat.objects.filter(worker_id__in=WORKERS).count()
            try:
                up = [s for s, row in _proxy_stats(self.workdir).items() if row["status"] == "UP"]
            except OSError:
                up = []
            if beating == len(WORKERS) and sorted(up) == sorted([*SERVERS, "BACKEND"]):
                return
            for name, process in [*self.workers.items(), ("haproxy", self.proxy)]:
                if process is not None and process.poll() is not None:
                    raise SystemExit(
                        f"{name} 已退出（退出码 {process.returncode}），见 {self.workdir}"
                    )
            time.sleep(0.2)
        raise SystemExit(f"集群未能在 60 秒内就绪（日志在 {self.workdir}）")

    def kill_server(self, name: str) -> None:
        process = self.servers[name]
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()

    def kill_worker(self, worker_id: str) -> None:
        process = self.workers[worker_id]
        os.killpg(process.pid, signal.SIGKILL)
        # Reaped at once: jobs_requeue_stale asks whether the pid still exists.
        process.wait()

    def stop(self) -> None:
        processes = [*self.servers.values(), *self.workers.values()]
        if self.proxy is not None:
            processes.append(self.proxy)
        running = [p for p in processes if p.poll() is None]
        for process in running:
            with contextlib.suppress(ProcessLookupError):  # it ended meanwhile
                os.killpg(process.pid, signal.SIGTERM)
        deadline = time.monotonic() + 15
        for process in running:
            try:
                process.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(process.pid, signal.SIGKILL)
                process.wait()
        for handle in self.logs:
            handle.close()


def _visitor_burst(
    cluster: Cluster, token: str, hits: int, *, visitor: str, threads: int
) -> tuple[Counter[int], Counter[str]]:
    """`hits` requests for one certificate page from one visitor through haproxy, `threads`
    at a time; the answers' status codes and the servers that gave them."""
    import requests

    url = f"http://127.0.0.1:{cluster.proxy_port}/v/{token}"
    local = threading.local()

    def one(_: int) -> tuple[int, str]:
        if not hasattr(local, "session"):
            local.session = requests.Session()
        response = local.session.get(url, headers={"X-Forwarded-For": visitor}, timeout=10)
        return response.status_code, response.headers.get("X-Served-By", "?")

    # The sliding window weighs the previous minute: start the burst early in a minute.
    if time.time() % 60 > 50:
        time.sleep(61 - time.time() % 60)
    with ThreadPoolExecutor(max_workers=threads) as pool:
        answers = list(pool.map(one, range(hits)))
    return Counter(a for a, _ in answers), Counter(s for _, s in answers)


def _sign_in(cluster: Cluster) -> Any:
    """The clerk's session, signed in through haproxy."""
    import requests

    session = requests.Session()
    base = f"http://127.0.0.1:{cluster.proxy_port}"
    session.get(f"{base}/accounts/login/", timeout=10).raise_for_status()
    response = session.post(
        f"{base}/accounts/login/",
        data={
            "username": CLERK,
            "password": CLERK_PASSWORD,
            "csrfmiddlewaretoken": session.cookies["csrftoken"],
        },
        allow_redirects=False,
        timeout=10,
    )
    if response.status_code != 302 or "/accounts/login/" in response.headers.get("Location", ""):
        raise SystemExit(f"经办人未能通过 haproxy 登录（HTTP {response.status_code}）")
    return session


def _upload(cluster: Cluster, session: Any, plan_id: int, roster: Path) -> int:
    """The roster upload form, through haproxy; the import's id from the redirect."""
    base = f"http://127.0.0.1:{cluster.proxy_port}"
    with roster.open("rb") as handle:
        response = session.post(
            f"{base}/applications/plans/{plan_id}/roster/",
            data={"csrfmiddlewaretoken": session.cookies["csrftoken"], "partial": "1"},
            files={"file": ("roster.xlsx", handle)},
            allow_redirects=False,
            timeout=60,
        )
    found = re.search(r"/applications/roster/(\d+)/", response.headers.get("Location", ""))
    if response.status_code != 302 or found is None:
        raise SystemExit(f"花名册上传失败（HTTP {response.status_code}）")
    return int(found.group(1))


def _session_on_each_server(cluster: Cluster, session: Any, import_id: int) -> dict[str, int]:
    """The import's status page asked of each server directly with the one session cookie:
    200 from both when sessions live in the database, not in a server's memory."""
    statuses = {}
    for name, port in cluster.ports.items():
        response = session.get(
            f"http://127.0.0.1:{port}/applications/roster/{import_id}/",
            allow_redirects=False,
            timeout=10,
        )
        statuses[name] = response.status_code
    return statuses


class Requeuer(threading.Thread):
    """`manage.py jobs requeue-stale --older-than 0` every few seconds, as cron runs it."""

    def __init__(self, every: float) -> None:
        super().__init__(name="requeue-stale", daemon=True)
        self.every = every
        self.requeued = 0
        self.stopping = threading.Event()

    def run(self) -> None:
        from django.db import connection

        from skillcert.operations.jobs import jobs_requeue_stale

        try:
            while not self.stopping.wait(self.every):
                self.requeued += jobs_requeue_stale(older_than=dt.timedelta(0))
        finally:
            connection.close()


def _job_of_import(import_id: int) -> Any:
    from django_tasks_db.models import DBTaskResult

    for job in DBTaskResult.objects.all():
        if job.args_kwargs.get("args") == [import_id]:
            return job
    return None


@dataclass
class Kills:
    server_at: float | None = None
    worker_at: float | None = None
    worker_id: str = ""
    worker_progress: str = ""
    too_late: bool = False


def _wrk(port: int, tokens: Path, seconds: float, connections: int) -> tuple[Figure, str]:
    """bench/load.py's `wrk` run of /v/<token> (bench/load.lua, a visitor address per request),
    with what wrk itself says about the errors (socket errors by kind, non-2xx answers)."""
    done = subprocess.run(
        ["wrk", "--threads", "2", "--connections", str(connections),
         "--duration", f"{seconds:g}s", "--timeout", "5s",
         "--script", str(ROOT / "bench" / "load.lua"), f"http://127.0.0.1:{port}",
         "--", "page", str(tokens)],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    details = [
        line.strip()
        for line in done.stdout.splitlines()
        if line.strip().startswith(("Socket errors", "Non-2xx"))
    ]
    for line in done.stdout.splitlines():
        if line.startswith("wrk-result "):
            values = dict(item.split("=") for item in line.split()[1:])
            figure = Figure(
                rps=float(values["requests"]) / float(values["seconds"]),
                p99_ms=float(values["p99_ms"]),
                errors=int(values["errors"]),
            )
            return figure, "; ".join(details)
    sys.stderr.write(done.stdout[-2000:] + done.stderr[-2000:])
    raise SystemExit("wrk 未输出结果")


def _cut_answers(workdir: Path) -> list[str]:
    """The verification GETs whose answer a server had begun to send when it was killed
    (haproxy's termination state SD--, status 200 already sent): no proxy can replay those,
    the client sees a cut answer. Their paths, from haproxy's log."""
    paths = []
    for line in (workdir / "haproxy.log").read_text(errors="replace").splitlines():
        fields, quoted = line.split(), line.split('"')
        if len(fields) > 9 and fields[9] == "SD--" and len(quoted) > 1:
            request = quoted[1].split()
            if len(request) > 1 and request[0] == "GET" and request[1].startswith("/v/"):
                paths.append(request[1])
    return paths


def _client_retry(cluster: Cluster, paths: list[str]) -> int:
    """Each cut answer asked once more through haproxy, as a client retrying an idempotent
    GET does; how many were answered in full (200). Each from its own TEST-NET-3 visitor."""
    import requests

    answered = 0
    for n, path in enumerate(paths):
        response = requests.get(
            f"http://127.0.0.1:{cluster.proxy_port}{path}",
            headers={"X-Forwarded-For": f"203.0.113.{n % 250 + 1}"},
            timeout=10,
        )
        answered += response.status_code == 200
    return answered


def _load_and_kill(
    cluster: Cluster, options: argparse.Namespace, tokens: Path, upload: Any
) -> tuple[tuple[Figure, str], Kills, int]:
    """wrk through haproxy; during it the upload, then the kills. The figure, the kills and
    the import's id."""
    from skillcert.applications.models import ImportStatus, RosterImport

    figures: list[tuple[Figure, str]] = []
    load = threading.Thread(
        target=lambda: figures.append(
            _wrk(cluster.proxy_port, tokens, options.seconds, options.connections)
        ),
        name="wrk",
        daemon=True,
    )
    started = time.monotonic()
    load.start()
    time.sleep(1)
    import_id = upload()
    kills = Kills()
    while load.is_alive() or kills.worker_at is None:
        now = time.monotonic() - started
        if kills.server_at is None and now >= 0.4 * options.seconds:
            cluster.kill_server(SERVERS[0])
            kills.server_at = now
            print(f"{now:5.1f} s：SIGKILL 应用服务器 {SERVERS[0]}（整个进程组）", flush=True)
        if kills.worker_at is None:
            job = RosterImport.objects.get(pk=import_id)
            if job.status == ImportStatus.FAILED:
                raise SystemExit(f"花名册导入失败：{job.message}")
            if job.status == ImportStatus.DONE:
                kills.worker_at, kills.too_late = now, True
                print(f"{now:5.1f} s：导入已完成，来不及杀死处理程序", flush=True)
            elif (
                job.status == ImportStatus.RUNNING and 2 * job.processed_rows >= job.total_rows > 0
            ):
                task = _job_of_import(import_id)
                claimed = task.worker_ids[-1] if task is not None and task.worker_ids else ""
                if claimed in cluster.workers:
                    cluster.kill_worker(claimed)
                    kills.worker_at, kills.worker_id = now, claimed
                    kills.worker_progress = f"{job.processed_rows}/{job.total_rows}"
                    print(
                        f"{now:5.1f} s：SIGKILL 正在导入的后台任务处理程序 {claimed}"
                        f"（已校验 {kills.worker_progress} 行）",
                        flush=True,
                    )
        if now > options.seconds + options.deadline:
            break
        time.sleep(0.05)
    load.join()
    if not figures:
        raise SystemExit("wrk 未输出结果")
    return figures[0], kills, import_id


def _wait_for_jobs(deadline: float) -> bool:
    """True once no job is waiting or running (the requeued one included)."""
    from django_tasks_db.models import DBTaskResult

    while time.monotonic() < deadline:
        if not (DBTaskResult.objects.ready().exists() or DBTaskResult.objects.running().exists()):
            return True
        time.sleep(1)
    return False


@dataclass
class JobCheck:
    total: int
    lost: int
    twice: int
    lines: list[str]


def _jobs_check(import_id: int, plan_id: int, kills: Kills) -> JobCheck:
    """Every job enqueued ended SUCCESSFUL (else lost). Run twice: the import's committed run
    (its `roster.import` audit event) more than once; a job claimed again that was not the
    killed worker's; or the same job (same task and arguments) enqueued twice and both runs
    doing the work (a daily job answers {"skipped": true} when it finds the day done)."""
    from django_tasks.base import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    from skillcert.audit.models import AuditEvent

    lines, lost, twice = [], 0, 0
    same: dict[str, list[Any]] = defaultdict(list)
    for job in DBTaskResult.objects.order_by("enqueued_at"):
        claims = list(job.worker_ids)
        rerun_expected = kills.worker_id != "" and claims[:1] == [kills.worker_id]
        if job.status != TaskResultStatus.SUCCESSFUL:
            lost += 1
        if len(claims) > (2 if rerun_expected else 1):
            twice += 1
        arguments = json.dumps(job.args_kwargs, sort_keys=True)
        if job.args_kwargs.get("args") or job.args_kwargs.get("kwargs"):
            same[f"{job.task_path} {arguments}"].append(job)
        lines.append(f"  {job.task_path} {arguments}: {job.status}，领取 {claims}")
    for key, jobs in same.items():
        done = [
            j
            for j in jobs
            if not (isinstance(j.return_value, dict) and j.return_value.get("skipped"))
        ]
        if len(jobs) > 1:
            lines.append(f"  同一任务入队 {len(jobs)} 次，做了 {len(done)} 次：{key}")
            twice += max(0, len(done) - 1)
    committed = AuditEvent.objects.filter(action="roster.import", object_id=str(plan_id)).count()
    if committed != 1:
        twice += max(0, committed - 1)
        lost += 1 if committed == 0 else 0
    lines.append(f"  花名册导入 #{import_id} 的提交（roster.import 审计事件）：{committed} 次")
    return JobCheck(total=DBTaskResult.objects.count(), lost=lost, twice=twice, lines=lines)


def _rows_check(import_id: int, plan_id: int) -> tuple[int, int, int, int]:
    """The import's count, the plan's applications, distinct candidates among them and
    their submission events."""
    from django.db.models import Count

    from skillcert.applications.models import Application, ReviewEvent, RosterImport

    job = RosterImport.objects.get(pk=import_id)
    applications = Application.objects.filter(plan_id=plan_id)
    counts = applications.aggregate(rows=Count("pk"), people=Count("candidate", distinct=True))
    events = ReviewEvent.objects.filter(application__plan_id=plan_id, transition="submit").count()
    return job.imported, counts["rows"], counts["people"], events


def _forget_upload(import_id: int) -> None:
    """The uploaded roster (it names people, even made-up ones) is not kept in var/media."""
    from skillcert.applications.models import RosterImport

    job = RosterImport.objects.get(pk=import_id)
    if job.file:
        job.file.delete(save=False)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=30_000)
    parser.add_argument("--seconds", type=float, default=40.0)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--throttle-hits", type=int, default=400)
    parser.add_argument("--requeue-every", type=float, default=5.0)
    parser.add_argument("--deadline", type=float, default=600.0, help="等待任务完成的秒数上限")
    parser.add_argument("--server", default="postgres://postgres@127.0.0.1:5432")
    parser.add_argument("--database", default="skillcert_bench_cluster")
    options = parser.parse_args()
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # the finally below stops all

    started = time.perf_counter()
    _setup(options.server, options.database)
    workdir = Path(tempfile.mkdtemp(prefix="skillcert-cluster-"))
    plan_id, valid, roster, tokens = _load_data(options.rows, workdir)
    print(
        f"数据库 {options.database} 已就绪（演示数据，花名册 {options.rows} 行、有效 {valid} 行），"
        f"用时 {time.perf_counter() - started:.0f} s",
        flush=True,
    )
    from django.conf import settings

    cluster = Cluster(workdir=workdir, env=dict(os.environ))
    requeuer = Requeuer(options.requeue_every)
    import_id = 0
    try:
        cluster.start()
        print(
            f"haproxy 127.0.0.1:{cluster.proxy_port} → 应用服务器 "
            + "、".join(f"{n} :{p}" for n, p in cluster.ports.items())
            + f"；后台任务处理程序 {len(WORKERS)} 个（日志在 {workdir}）",
            flush=True,
        )
        token = tokens.read_text(encoding="utf-8").split()[0]
        bursts = {
            threads: _visitor_burst(
                cluster, token, options.throttle_hits, visitor=visitor, threads=threads
            )
            for threads, visitor in THROTTLE_VISITORS.items()
        }
        session = _sign_in(cluster)
        requeuer.start()
        uploaded: list[int] = []

        def upload() -> int:
            uploaded.append(_upload(cluster, session, plan_id, roster))
            sessions = _session_on_each_server(cluster, session, uploaded[0])
            uploaded.append(0 if all(s == 200 for s in sessions.values()) else 1)
            print(f"同一会话分别访问两台服务器：{sessions}", flush=True)
            return uploaded[0]

        (figure, wrk_errors), kills, import_id = _load_and_kill(cluster, options, tokens, upload)
        sessions_shared = uploaded[1:] == [0]
        print(f"查验负载（经 haproxy）：{figure.line()} {wrk_errors}".rstrip(), flush=True)
        cut = _cut_answers(workdir)
        retried = _client_retry(cluster, cut)
        # wrk cannot retry; a cut answer is counted failed unless the client's retry got it.
        failed_after_retry = max(figure.errors - retried, 0)
        print(
            f"被杀服务器已开始发送的应答 {len(cut)} 个，客户端重试一次后成功 {retried} 个；"
            f"重试后仍失败的请求 {failed_after_retry} 个",
            flush=True,
        )
        finished = _wait_for_jobs(time.monotonic() + options.deadline)
        proxy = _proxy_stats(workdir)
    finally:
        requeuer.stopping.set()
        cluster.stop()
        if import_id:
            _forget_upload(import_id)

    processes = len(SERVERS) * GUNICORN_WORKERS
    share = VERIFY_ALLOWANCE * settings.SKILLCERT_THROTTLE_LOCAL_PERCENT // 100
    most = VERIFY_ALLOWANCE + (processes - 1) * share
    allowed: dict[int, int] = {}
    throttle_ok = True
    for threads, (statuses, served) in bursts.items():
        allowed[threads] = statuses[200]
        throttle_ok &= (
            VERIFY_ALLOWANCE <= statuses[200] <= most
            and statuses[200] + statuses[429] == options.throttle_hits
            and all(served[name] > 0 for name in SERVERS)
        )
        print(
            f"限流：同一访客经 haproxy 请求 {options.throttle_hits} 次（每次 {threads} 个并发），"
            f"放行 {statuses[200]}、拒绝（429）{statuses[429]}，"
            f"其他 {options.throttle_hits - statuses[200] - statuses[429]}；"
            f"由服务器 {dict(served)} 应答",
            flush=True,
        )
    print(
        f"  额度 {VERIFY_ALLOWANCE}/分钟，{processes} 个进程各自先计 {share} 次：放行应在 "
        f"{VERIFY_ALLOWANCE}–{most} 之间（各进程各自计数则为 "
        f"{min(options.throttle_hits, processes * VERIFY_ALLOWANCE)}）",
        flush=True,
    )
    for name in (*SERVERS, "BACKEND"):
        row = proxy.get(name, {})
        print(
            f"haproxy {name}: 状态 {row.get('status')}，请求 {row.get('stot')}，"
            f"重试 {row.get('wretr')}，转投 {row.get('wredis')}，5xx {row.get('hrsp_5xx')}",
            flush=True,
        )
    # haproxy's log line: client, date, frontend, backend/server, timers, status, bytes,
    # cookies, termination state (---- when the session ended normally; SD-- when the server
    # died after the answer had begun, which no proxy can replay).
    failed = [
        line
        for line in (workdir / "haproxy.log").read_text(errors="replace").splitlines()
        if "/v/" in line
        and (len(line.split()) < 10 or line.split()[5] != "200" or line.split()[9] != "----")
    ]
    print(f"haproxy 记录的未完整应答的查验请求 {len(failed)} 个：", flush=True)
    print("\n".join(f"  {line[:220]}" for line in failed[:5]), flush=True)
    jobs = _jobs_check(import_id, plan_id, kills)
    print(f"后台任务 {jobs.total} 个（全部完成：{'是' if finished else '否'}）：", flush=True)
    print("\n".join(jobs.lines), flush=True)
    imported, stored, people, events = _rows_check(import_id, plan_id)
    print(
        f"花名册：有效 {valid} 行，导入 {imported}，计划下的申报 {stored}（{people} 人），"
        f"提交事件 {events}；队列巡检重新排队 {requeuer.requeued} 个任务",
        flush=True,
    )
    missed = []
    if failed_after_retry:
        missed.append("requests failed")
    if jobs.lost or not finished:
        missed.append("jobs lost")
    if jobs.twice:
        missed.append("jobs run twice")
    if not imported == stored == people == events == valid:
        missed.append("rows")
    if not throttle_ok:
        missed.append("shared rate limit")
    if not sessions_shared:
        missed.append("shared sessions")
    if kills.server_at is None or kills.worker_at is None or kills.too_late:
        missed.append("kills (the import ended before its worker could be killed: use more --rows)")
    load_avg = "load {:.2f} {:.2f} {:.2f}".format(*os.getloadavg())
    print(
        f"cluster: requests ~{figure.rps * options.seconds:.0f} failed {figure.errors} "
        f"failed_after_retry {failed_after_retry} (cut answers {len(cut)}, client retry "
        f"answered {retried}) "
        f"({figure.rps:.0f} req/s, p99 {figure.p99_ms:.0f} ms, one of two servers killed); "
        f"jobs {jobs.total} lost {jobs.lost} run_twice {jobs.twice} "
        f"(the import's worker killed at {kills.worker_progress or '-'} rows); "
        f"rows valid {valid} imported {imported} stored {stored}; "
        f"rate limit allowed {allowed[1]} (one at a time) / {allowed[8]} (8 at a time) of "
        f"{options.throttle_hits} (allowance {VERIFY_ALLOWANCE}, at most {most}); "
        f"sessions shared {'yes' if sessions_shared else 'no'}; {load_avg} "
        f"{'OK' if not missed else 'MISSED: ' + ', '.join(missed)}"
    )
    return 1 if missed else 0


if __name__ == "__main__":
    raise SystemExit(main())
