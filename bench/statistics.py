"""Statistics dashboards at provincial scale on PostgreSQL (issue 12, bench/statistics.py).

Creates a throw-away database (`skillcert_bench_stats`, dropped first), migrates it and fills
it with COPY (psycopg `cursor.copy`): 500 filed organisations over Jiangsu's counties, 100
occupations, 5,000 plans, 100,000 candidates, 10,000,000 applications, 6,000,000 registered
results and 5,000,000 certificates, every foreign key pointing at the generated rows. It then
runs `statistics refresh` (the daily summary the dashboards read) and times the province
dashboard and a city's (`/reporting/`, the real view and template with its charts) through
the Django test client, logged in as a province officer and as Nanjing's city officer.

    .venv/bin/python bench/statistics.py [--applications 10000000] [--certificates 5000000]
        [--server postgres://postgres@127.0.0.1:5432] [--database skillcert_bench_stats]

Targets: province ≤ 0.5 s, city ≤ 0.3 s (the slowest of five warm renders); the exit status is
1 when a target is missed.

The floor, measured in the same run: rendering the same template (`reporting/statistics.html`)
with the context the view built for that very request, so no dashboard query runs (only the
template's own worker-warning check). It is the floor of this page rather than a single `SELECT`
of the summary rows, because what the page must do whatever the queries cost is lay out two
dozen tables with their charts: the `SELECT` would leave out the part of the figure no summary
can remove, while `figure / floor` here says how much the queries and the request path add to
it. The last line prints each dashboard's figure, its floor, the ratio and the load average."""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import sys
import tempfile
import time
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
PROVINCE_TARGET_S, CITY_TARGET_S = 0.5, 0.3
ORGS, OCCUPATIONS, PLANS, CANDIDATES = 500, 100, 5_000, 100_000
FIRST_WINDOW, LAST_WINDOW = dt.date(2023, 12, 1), dt.date(2026, 8, 1)
# Per 100 applications of a plan: their status (approved ones get a registered result).
STATUS_MIX = (
    ("approved", 60),
    ("rejected", 8),
    ("withdrawn", 4),
    ("returned", 3),
    ("org_review", 10),
    ("org_passed", 3),
    ("city_review", 6),
    ("city_passed", 2),
    ("province_review", 4),
)
STATUS_OF = [s for s, n in STATUS_MIX for _ in range(n)]
LEVEL_WEIGHTS = {5: 25, 4: 35, 3: 25, 2: 10, 1: 5}
TZ = "+08"
STATUS_LIST_SIZE = 131_072  # bits per status list (certificates.Certificate's check)


def _setup(server: str, database: str) -> None:
    import psycopg

    with psycopg.connect(f"{server}/postgres", autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
        admin.execute(f'CREATE DATABASE "{database}"')
    workdir = Path(tempfile.mkdtemp(prefix="skillcert-bench-stats-"))
    os.environ["SKILLCERT_ENV"] = "test"
    os.environ["SKILLCERT_VAR_DIR"] = str(workdir)
    os.environ["DATABASE_URL"] = f"{server}/{database}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "skillcert.config.settings")
    sys.path[0] = str(ROOT)  # replaces bench/ (bench/statistics.py shadows the stdlib module)
    import django

    django.setup()


def _text(value: Any) -> str:
    """A value in COPY's text format."""
    if value is None:
        return r"\N"
    if isinstance(value, bool):
        return "t" if value else "f"
    if isinstance(value, bytes):
        return "\\\\x" + value.hex()
    return str(value).replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n")


def _constants(model: Any, given: Sequence[str]) -> dict[str, str]:
    """COPY text for every NOT NULL column the generator does not set: the field's default,
    or "" for text. A column added later without a default stops the bench with its name."""
    import json

    from django.db import models

    values: dict[str, str] = {}
    for f in model._meta.concrete_fields:
        if f.primary_key or f.column in given or f.null:
            continue
        if isinstance(f, models.JSONField):
            values[f.column] = _text(json.dumps(f.get_default()))
        elif f.has_default():
            values[f.column] = _text(f.get_default())
        elif isinstance(f, models.CharField | models.TextField | models.FileField):
            values[f.column] = ""
        else:
            raise SystemExit(
                f"bench: no value for NOT NULL column {model._meta.db_table}.{f.column}"
            )
    return values


def _copy(
    cursor: Any, model: Any, columns: Sequence[str], lines: Iterator[str], *, label: str
) -> int:
    """COPY generated rows (tab-separated `columns`, then the constants) into the table with
    its secondary indexes dropped, and rebuild them afterwards from their definitions."""
    table = model._meta.db_table
    constants = _constants(model, columns)
    tail = "".join("\t" + v for v in constants.values())
    cursor.execute(
        "SELECT indexname, indexdef FROM pg_indexes i WHERE tablename = %s AND NOT EXISTS"
        " (SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname)",
        [table],
    )
    indexes = cursor.fetchall()
    for name, _ in indexes:
        cursor.execute(f'DROP INDEX "{name}"')
    started, count = time.perf_counter(), 0
    names = ", ".join(f'"{c}"' for c in (*columns, *constants))
    with cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
        buffer: list[str] = []
        for line in lines:
            buffer.append(line + tail + "\n")
            if len(buffer) == 50_000:
                copy.write("".join(buffer))
                count += len(buffer)
                buffer.clear()
        copy.write("".join(buffer))
        count += len(buffer)
    loaded = time.perf_counter() - started
    for _, definition in indexes:
        cursor.execute(definition)
    cursor.execute(
        f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))"  # noqa: S608
    )
    print(
        f"  {label}: {count:,} rows copied in {loaded:.0f} s, "
        f"{len(indexes)} indexes rebuilt in {time.perf_counter() - started - loaded:.0f} s",
        flush=True,
    )
    return count


class Province:
    """The reference rows (ORM, small) and the rules that derive every bulk row from them."""

    def __init__(self, applications: int, certificates: int) -> None:
        self.per_plan = applications // PLANS
        self.certificate_quota = certificates
        self.rng = random.Random(20261123)

    def build(self) -> None:
        from django.utils import timezone

        from skillcert.occupations.models import Occupation

        now = timezone.now()
        self.occupations = Occupation.objects.bulk_create(
            Occupation(
                code=f"6-{30 + i // 100:02d}-{(i // 10) % 10:02d}-{i % 10 + 1:02d}",
                name=f"职业{i:03d}",
                updated_at=now,
            )
            for i in range(OCCUPATIONS)
        )
        self._build_orgs(now)
        self._build_plans(now)
        self._build_offerings_and_batches(now)

    def _build_orgs(self, now: dt.datetime) -> None:
        from skillcert.organizations.models import EvaluationOrg, OrgKind, OrgStatus
        from skillcert.regions.models import Region, RegionLevel

        rng = self.rng
        counties = list(
            Region.objects.filter(
                code__startswith="32", level=RegionLevel.COUNTY, active=True
            ).values_list("code", flat=True)
        )
        kinds = [OrgKind.SOCIAL] * 40 + [OrgKind.EMPLOYER] * 35
        kinds += [OrgKind.SCHOOL] * 15 + [OrgKind.ASSOCIATION] * 10
        orgs = []
        for i in range(ORGS):
            kind = rng.choice(kinds)
            letter = "Y" if kind == OrgKind.EMPLOYER else "S"
            orgs.append(
                EvaluationOrg(
                    name=f"评价机构{i:03d}",
                    kind=kind,
                    uscc=f"BENCH{i:013d}",
                    region_id=rng.choice(counties),
                    status=OrgStatus.FILED,
                    filing_number=f"{letter}000032{i + 1:06d}",
                    filed_at=now,
                    valid_from=dt.date(2023, 1, 1),
                    valid_until=dt.date(2028, 12, 31),
                    created_at=now,
                )
            )
        self.orgs = EvaluationOrg.objects.bulk_create(orgs)

    def _build_plans(self, now: dt.datetime) -> None:
        from skillcert.organizations.models import OrgKind
        from skillcert.plans.models import EvaluationPlan, PlanKind, PlanMethod

        rng = self.rng
        span = (LAST_WINDOW - FIRST_WINDOW).days
        plans = []
        for p in range(PLANS):
            org = self.orgs[p % ORGS]
            opens = FIRST_WINDOW + dt.timedelta(days=rng.randrange(span))
            enterprise = org.kind == OrgKind.EMPLOYER
            plans.append(
                EvaluationPlan(
                    code=f"BENCH-{p:05d}",
                    title=f"评价计划{p:05d}",
                    organization=org,
                    window_opens=opens,
                    window_closes=opens + dt.timedelta(days=29),
                    capacity=self.per_plan,
                    status="closed",
                    kind=PlanKind.ENTERPRISE if enterprise else PlanKind.SOCIAL,
                    method=PlanMethod.COMPETITION if p % 20 == 0 else PlanMethod.EXAM,
                    filing_status="approved",
                    created_at=now,
                )
            )
        self.plans = EvaluationPlan.objects.bulk_create(plans)

    def _build_offerings_and_batches(self, now: dt.datetime) -> None:
        from skillcert.plans.models import PlanOffering
        from skillcert.scoring.models import ResultBatch

        rng = self.rng
        levels = [lv for lv, n in LEVEL_WEIGHTS.items() for _ in range(n)]
        self.offerings: dict[int, list[tuple[int, int]]] = {}
        rows: list[Any] = []
        for plan in self.plans:
            picked = rng.sample(self.occupations, 2)
            pairs = [(o.pk, rng.choice(levels)) for o in picked]
            self.offerings[plan.pk] = pairs
            rows.extend(PlanOffering(plan=plan, occupation_id=o, level=lv) for o, lv in pairs)
        PlanOffering.objects.bulk_create(rows)
        self.batches = {
            b.plan_id: b.pk
            for b in ResultBatch.objects.bulk_create(
                ResultBatch(
                    plan=plan,
                    organization_id=plan.organization_id,
                    route=self.route(plan),
                    status="registered",
                    registered_at=now,
                    created_at=now,
                )
                for plan in self.plans
            )
        }

    @staticmethod
    def route(plan: Any) -> str:
        if plan.method == "competition":
            return "competition"
        return "self_evaluation" if plan.kind == "enterprise" else "exam"

    def applications_of(self, index: int, plan: Any) -> Iterator[tuple[int, ...]]:
        """(application id, candidate id, occupation id, level, status index, submitted)
        for each application of the plan; the same every time it is asked."""
        rng = random.Random(plan.pk)
        first_id = index * self.per_plan + 1
        pairs = self.offerings[plan.pk]
        for i in range(self.per_plan):
            occupation, level = pairs[i % 2]
            day = rng.randrange(30)
            second = rng.randrange(8 * 3600, 20 * 3600)
            yield (
                first_id + i,
                (plan.pk * 7919 + i) % CANDIDATES + 1,
                occupation,
                level,
                (i * 37 + plan.pk) % 100,
                day * 86400 + second,
            )

    def candidates(self) -> Iterator[str]:
        from skillcert.common.identifiers import id_number_check_digit
        from skillcert.common.pii import pii_digest, pii_encrypt

        self.candidate_ids: list[str] = [""]
        self.candidate_digests: list[str] = [""]
        self.candidate_names: list[str] = [""]
        for c in range(1, CANDIDATES + 1):
            birth = dt.date(1970, 1, 1) + dt.timedelta(days=c % 12_000)
            first17 = f"3201{c // 1000 % 100:02d}{birth:%Y%m%d}{c % 1000:03d}"
            id_number = first17 + id_number_check_digit(first17)
            phone = f"139{c:08d}"
            cipher = pii_encrypt(id_number)
            self.candidate_ids.append(cipher)
            self.candidate_digests.append(pii_digest(id_number))
            self.candidate_names.append(f"考生{c:06d}")
            yield "\t".join(
                [
                    str(c),
                    self.candidate_names[-1],
                    cipher,
                    self.candidate_digests[-1],
                    birth.isoformat(),
                    "M" if c % 2 else "F",
                    pii_encrypt(phone),
                    pii_digest(phone),
                    "2020-01-01 00:00:00+08",
                ]
            )

    def _moment(self, plan: Any, seconds: int) -> str:
        day = plan.window_opens + dt.timedelta(days=seconds // 86400)
        s = seconds % 86400
        return f"{day} {s // 3600:02d}:{s // 60 % 60:02d}:{s % 60:02d}{TZ}"

    def application_rows(self) -> Iterator[str]:
        for index, plan in enumerate(self.plans):
            for app_id, cand, occ, level, bucket, sec in self.applications_of(index, plan):
                moment = self._moment(plan, sec)
                yield (
                    f"{app_id}\t{plan.pk}\t{cand}\t{occ}\t{level}\t{STATUS_OF[bucket]}\t"
                    f"{moment}\t{moment}\t{moment}\tt\t{moment}"
                )

    def _published(self, plan: Any) -> dt.date:
        return plan.window_closes + dt.timedelta(days=45)

    def result_rows(self) -> Iterator[str]:
        result_id = 0
        for index, plan in enumerate(self.plans):
            published = f"{self._published(plan)} 10:00:00{TZ}"
            registered = f"{self._published(plan) + dt.timedelta(days=20)} 10:00:00{TZ}"
            route = self.route(plan)
            for app_id, _, occ, level, bucket, _ in self.applications_of(index, plan):
                if STATUS_OF[bucket] != "approved":
                    continue
                result_id += 1
                passed = "f" if app_id % 6 == 5 else "t"
                yield (
                    f"{result_id}\t{self.batches[plan.pk]}\t{app_id}\t{plan.organization_id}\t"
                    f"{occ}\t{level}\t{route}\t{app_id}\t{passed}\tregistered\t"
                    f"{published}\t{registered}\t{registered}"
                )

    def certificate_rows(self) -> Iterator[str]:
        from skillcert.certificates.services import level_text

        orgs = {o.pk: o for o in self.orgs}
        occupations = {o.pk: o.name for o in self.occupations}
        serials: dict[tuple[int, int, int], int] = {}
        result_id = cert_id = 0
        today = dt.date(2026, 11, 23)
        for index, plan in enumerate(self.plans):
            org = orgs[plan.organization_id]
            issued = self._published(plan) + dt.timedelta(days=30)
            for app_id, cand, occ, level, bucket, _ in self.applications_of(index, plan):
                if STATUS_OF[bucket] != "approved":
                    continue
                result_id += 1
                if app_id % 6 == 5 or cert_id >= self.certificate_quota:
                    continue
                cert_id += 1
                key = (org.pk, issued.year, level)
                serials[key] = serials.get(key, 0) + 1
                number = f"{org.filing_number}{issued:%y}{level}{serials[key]:06d}"
                revoked_on = issued + dt.timedelta(days=100)
                revoked = cert_id % 200 == 0 and revoked_on < today
                yield "\t".join(
                    [
                        str(cert_id),
                        number,
                        "issued",
                        "revoked" if revoked else "valid",
                        str(org.pk),
                        str(result_id),
                        str(cand),
                        self.candidate_names[cand],
                        self.candidate_ids[cand],
                        self.candidate_digests[cand],
                        str(occ),
                        occupations[occ],
                        str(level),
                        level_text(level),
                        org.name,
                        issued.isoformat(),
                        f"k1.bench{cert_id:012d}.{'x' * 180}",
                        str((cert_id - 1) // STATUS_LIST_SIZE + 1),
                        str((cert_id - 1) % STATUS_LIST_SIZE),
                        f"{revoked_on} 09:00:00{TZ}" if revoked else r"\N",
                        "弄虚作假" if revoked else "",
                        f"{issued}T00:00:00{TZ}",
                    ]
                )


def load(province: Province) -> dict[str, int]:
    from django.db import connection

    from skillcert.applications.models import Application
    from skillcert.candidates.models import Candidate
    from skillcert.certificates.models import Certificate
    from skillcert.scoring.models import Result

    counts = {}
    with connection.cursor() as django_cursor:
        cursor = django_cursor.cursor  # the psycopg cursor, for COPY
        # Foreign keys hold by construction; skipping their per-row triggers is what a bulk
        # load does (the same rows inserted one by one would be checked).
        cursor.execute("SET session_replication_role = replica")
        counts["candidates"] = _copy(
            cursor,
            Candidate,
            ["id", "full_name", "id_number", "id_number_digest", "birth_date", "gender", "phone",
             "phone_digest", "created_at"],
            province.candidates(),
            label="candidates",
        )  # fmt: skip
        counts["applications"] = _copy(
            cursor,
            Application,
            ["id", "plan_id", "candidate_id", "occupation_id", "level", "status", "created_at",
             "submitted_at", "updated_at", "eligible", "checked_at"],
            province.application_rows(),
            label="applications",
        )  # fmt: skip
        counts["results"] = _copy(
            cursor,
            Result,
            ["id", "batch_id", "application_id", "organization_id", "occupation_id", "level",
             "route", "candidate_ref", "passed", "status", "published_at", "registered_at",
             "updated_at"],
            province.result_rows(),
            label="results",
        )  # fmt: skip
        counts["certificates"] = _copy(
            cursor,
            Certificate,
            ["id", "number", "kind", "status", "organization_id", "result_id", "candidate_id",
             "holder_name", "id_number", "id_number_digest", "occupation_id", "occupation_name",
             "level", "level_text", "organization_name", "issue_date", "token", "status_list",
             "status_index", "revoked_at", "revoke_reason", "created_at"],
            province.certificate_rows(),
            label="certificates",
        )  # fmt: skip
        cursor.execute("SET session_replication_role = DEFAULT")
        cursor.execute("ANALYZE")
    return counts


def officer_client(username: str, role: str, region_code: str) -> Any:
    from django.test import Client
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from skillcert.accounts.actors import SystemActor
    from skillcert.accounts.services import role_grant, user_create
    from skillcert.regions.models import Region

    user = user_create(
        username=username,
        password="Bench-Stats-2026",  # noqa: S106 - throw-away bench login
        full_name=username,
        actor=SystemActor("bench"),
    )
    role_grant(
        user=user,
        role=role,
        region=Region.objects.get(code=region_code),
        actor=SystemActor("bench"),
    )
    client = Client()
    client.force_login(user)
    device = TOTPDevice.objects.create(user=user, name="bench", confirmed=True)
    session = client.session
    session["otp_device_id"] = device.persistent_id
    session.save()
    return client


def render_times(client: Any, runs: int) -> tuple[float, list[float], Any]:
    """The first (cold) render, the warm ones and the last response."""
    times = []
    for _ in range(runs + 1):
        started = time.perf_counter()
        response = client.get("/reporting/")
        times.append(time.perf_counter() - started)
        if response.status_code != 200 or b"chart-months" not in response.content:
            raise SystemExit(f"/reporting/ answered {response.status_code} without its charts")
    return times[0], times[1:], response


def floor_times(response: Any, runs: int) -> tuple[list[float], int]:
    """Rendering the response's template again with the context the view computed for it
    (context processors' values included), and the queries one such render runs."""
    from django.db import connection
    from django.template import Context
    from django.test.utils import CaptureQueriesContext

    template = next(t for t in response.templates if t.name == "reporting/statistics.html")
    context = response.context[0].flatten()
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        with CaptureQueriesContext(connection) as queries:
            html = template.render(Context(context, autoescape=True))
        times.append(time.perf_counter() - started)
        if "chart-months" not in html:
            raise SystemExit("the floor render lost the charts")
    return times, len(queries.captured_queries)


def load_average() -> str:
    return "load {:.2f} {:.2f} {:.2f}".format(*os.getloadavg())


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--applications", type=int, default=10_000_000)
    parser.add_argument("--certificates", type=int, default=5_000_000)
    parser.add_argument("--server", default="postgres://postgres@127.0.0.1:5432")
    parser.add_argument("--database", default="skillcert_bench_stats")
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()

    started = time.perf_counter()
    _setup(args.server, args.database)
    from django.core.management import call_command
    from django.test.utils import setup_test_environment

    from skillcert.accounts.actors import SystemActor
    from skillcert.accounts.models import Role
    from skillcert.reporting.models import Figures
    from skillcert.reporting.services import figures_refresh

    call_command("migrate", verbosity=0)
    print(f"migrated {args.database} in {time.perf_counter() - started:.0f} s", flush=True)
    province = Province(args.applications, args.certificates)
    province.build()
    loading = time.perf_counter()
    counts = load(province)
    print(f"loaded {counts} in {time.perf_counter() - loading:.0f} s", flush=True)

    refreshing = time.perf_counter()
    run = figures_refresh(actor=SystemActor("bench"))
    full_s = time.perf_counter() - refreshing
    refreshing = time.perf_counter()
    figures_refresh(actor=SystemActor("bench"))
    incremental_s = time.perf_counter() - refreshing
    print(
        f"statistics refresh: full {full_s:.1f} s ({run.rows:,} summary rows), "
        f"incremental with nothing changed {incremental_s:.1f} s; {load_average()}",
        flush=True,
    )
    if Figures.objects.count() != run.rows:
        raise SystemExit("the refresh's row count does not match the summary")

    setup_test_environment()
    results: dict[str, tuple[float, float]] = {}
    for name, client in (
        ("province", officer_client("bench_province", Role.PROVINCE_OFFICER, "320000")),
        ("city", officer_client("bench_nanjing", Role.CITY_OFFICER, "320100")),
    ):
        cold, warm, response = render_times(client, args.runs)
        floors, queries = floor_times(response, args.runs)
        floor = sorted(floors)[len(floors) // 2]
        results[name] = (max(warm), floor)
        median = sorted(warm)[len(warm) // 2]
        print(
            f"{name} dashboard: cold {cold:.2f} s, warm median {median:.2f} s,"
            f" slowest {max(warm):.2f} s; floor (template with the context computed,"
            f" {queries} queries) median {floor:.3f} s; {load_average()}",
            flush=True,
        )
    (province_s, province_floor), (city_s, city_floor) = results["province"], results["city"]
    ok = province_s <= PROVINCE_TARGET_S and city_s <= CITY_TARGET_S
    ratios = {name: figure / floor for name, (figure, floor) in results.items()}
    print(
        f"province_s: {province_s:.2f} floor {province_floor:.3f} ratio {ratios['province']:.1f}"
        f" city_s: {city_s:.2f} floor {city_floor:.3f} ratio {ratios['city']:.1f}"
        f" (targets {PROVINCE_TARGET_S} s / {CITY_TARGET_S} s) {load_average()}"
        f" {'OK' if ok else 'MISSED'}"
    )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
