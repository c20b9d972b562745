"""Public directory search at provincial scale.

Builds a throw-away SQLite database with 50,000 filed organisations spread over Jiangsu's
counties and 500,000 active scope rows over 200 occupations, then times the first page of
`/directory/?occupation=...&region=320100` (filtered by occupation and city) through the
Django test client, exactly as an anonymous visitor would load it.

    .venv/bin/python bench/directory.py [--orgs 50000] [--scope-rows 500000] [--runs 31]

Prints the median on the last line; exits 1 when it is above the 150 ms target."""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import sys
import tempfile
import time
from pathlib import Path

TARGET_MS = 150.0
ROOT = Path(__file__).resolve().parent.parent


def _median(values: list[float]) -> float:
    # not statistics.median: bench/statistics.py shadows the stdlib module for scripts here
    ordered = sorted(values)
    middle = len(ordered) // 2
    return ordered[middle] if len(ordered) % 2 else (ordered[middle - 1] + ordered[middle]) / 2


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--orgs", type=int, default=50_000)
    parser.add_argument("--scope-rows", type=int, default=500_000)
    parser.add_argument("--occupations", type=int, default=200)
    parser.add_argument("--runs", type=int, default=31)
    args = parser.parse_args()

    workdir = Path(tempfile.mkdtemp(prefix="skillcert-bench-"))
    os.environ["SKILLCERT_ENV"] = "test"
    os.environ["SKILLCERT_VAR_DIR"] = str(workdir)
    os.environ["DATABASE_URL"] = f"sqlite:///{workdir / 'bench.sqlite3'}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "skillcert.config.settings")
    sys.path[0] = str(ROOT)  # replaces bench/ (bench/statistics.py shadows the stdlib module)

    import django

    django.setup()
    from django.core.management import call_command

    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    codes, orgs, scope_rows = _build(args)
    print(
        f"built {orgs:,} organisations, {scope_rows:,} scope rows "
        f"in {time.perf_counter() - started:.1f}s ({workdir})"
    )
    return _measure(codes, args.runs)


def _build(args: argparse.Namespace) -> tuple[list[str], int, int]:
    """Occupations, filed organisations and their scope rows, inserted in bulk. Returns the
    occupation codes and how many organisations and scope rows were made."""
    from django.db import connection, transaction

    from skillcert.occupations.models import Occupation
    from skillcert.regions.models import Region, RegionLevel

    rng = random.Random(20260101)
    occupations = Occupation.objects.bulk_create(
        Occupation(
            code=f"6-{30 + i // 100:02d}-{(i // 10) % 10:02d}-{i % 10 + 1:02d}", name=f"职业{i}"
        )
        for i in range(args.occupations)
    )
    counties = list(
        Region.objects.filter(code__startswith="32", level=RegionLevel.COUNTY).values_list(
            "code", flat=True
        )
    )
    today = dt.date.today()  # noqa: DTZ011 - a calendar date for the fixture rows
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.executemany(
            "INSERT INTO organizations_evaluationorg (name, kind, uscc, region_id, status,"
            " filing_number, valid_from, valid_until, contact_name, contact_phone, address,"
            " created_at) VALUES (%s, %s, %s, %s, 'filed', %s, %s, %s, '', %s, '', %s)",
            [
                (
                    f"评价机构{i:05d}",
                    "Y" if i % 3 == 0 else "S",
                    f"BENCH{i:013d}",
                    rng.choice(counties),
                    f"{'Y' if i % 3 == 0 else 'S'}000032{i + 1:06d}",
                    today,
                    today + dt.timedelta(days=1095),
                    f"025-{i:08d}",
                    f"{today}T00:00:00",
                )
                for i in range(args.orgs)
            ],
        )
        cursor.execute("SELECT id FROM organizations_evaluationorg")
        org_ids = [row[0] for row in cursor.fetchall()]
        per_org = max(1, args.scope_rows // len(org_ids))
        rows: list[tuple[int, int, int, dt.date]] = []
        for org_id in org_ids:
            picked = rng.sample(occupations, k=min(per_org, len(occupations)))
            rows.extend((org_id, o.pk, rng.randint(1, 5), today) for o in picked)
        cursor.executemany(
            "INSERT INTO organizations_orgscope (org_id, occupation_id, level, active, since)"
            " VALUES (%s, %s, %s, 1, %s)",
            rows,
        )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return [o.code for o in occupations], len(org_ids), len(rows)


def _measure(codes: list[str], runs: int) -> int:
    """The directory's first page for one occupation in one city, `runs` times after three
    warm-up requests; 0 when the median meets the target."""
    from django.test import Client
    from django.test.utils import setup_test_environment

    setup_test_environment()  # so responses carry their template context
    client = Client()
    timings = []
    matches = 0
    for run in range(runs + 3):
        occupation = codes[run % len(codes)]
        url = f"/directory/?occupation={occupation}&region=320100"
        t0 = time.perf_counter()
        response = client.get(url)
        elapsed = (time.perf_counter() - t0) * 1000
        if response.status_code != 200:
            print(f"{url} answered {response.status_code}")
            return 1
        matches = response.context["page"].paginator.count
        if run >= 3:  # the first requests warm caches and templates
            timings.append(elapsed)
    median = _median(timings)
    print(f"last query matched {matches} organisations; runs={len(timings)}")
    print(
        f"directory first page (occupation + city), median {median:.1f} ms"
        f" (target ≤ {TARGET_MS:.0f} ms)"
    )
    return 0 if median <= TARGET_MS else 1


if __name__ == "__main__":
    sys.exit(main())
