"""Roster import benchmark (issues 7 and 25): rosters read, validated, eligibility-checked
and imported at >= 10,000 rows/s on SQLite — a 100,000-row roster in <= 10 s, seed 000's
10,865 rows in about a second. The rosters are generated here with xlsxwriter: mostly valid
rows plus about 2 % invalid ones (ID stored as a number, bad checksum, unknown occupation,
level not offered, duplicates, ineligible), imported with --partial semantics.

    .venv/bin/python bench/roster_import.py [--sizes 10865,100000]

Runs against a throw-away SQLite database in a temporary directory (migrated first, not
timed). The timed part is `roster_import(...)`: reading the file, validating every row and
writing candidates, profiles, applications and events. The floor, measured in the same run
on the same file: python-calamine reading the sheet into Python values and nothing else.
The last line prints rows per second for each size and the ratio of the import's time to
the floor's; the exit status is 1 when a target is missed or the counts are wrong. Each size
also prints where the import's time went, stage by stage, in wall and CPU seconds (CPU time
compares runs on a busy machine better than wall time)."""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import os
import random
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

# The project root replaces this script's folder on the path: bench/statistics.py would
# otherwise shadow the standard library's statistics module (Django's SQLite backend uses it).
sys.path[0] = str(Path(__file__).resolve().parent.parent)

TARGET_ROWS_PER_SECOND = 10_000
INVALID_EVERY = 50  # one row in fifty is broken on purpose


def _setup(workdir: Path) -> None:
    os.environ["DATABASE_URL"] = f"sqlite:///{workdir / 'bench.sqlite3'}"
    os.environ["SKILLCERT_VAR_DIR"] = str(workdir)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "skillcert.config.settings")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def _id(seq: int, rng: random.Random) -> str:
    from skillcert.common.identifiers import id_number_check_digit

    birth = dt.date(1970, 1, 1) + dt.timedelta(days=rng.randrange(0, 12_000))
    first17 = f"3201{seq // 1000 % 100:02d}{birth:%Y%m%d}{seq % 1000:03d}"
    return first17 + id_number_check_digit(first17)


def _break_row(values: dict[str, object], r: int, id_number: str, used: list[str]) -> None:
    """Make row `r` invalid in one of six ways the import must report."""
    kind = (r // INVALID_EVERY) % 6
    if kind == 0:
        values["证件号码"] = float(id_number[:17] + "0")  # stored as a number
    elif kind == 1:
        values["证件号码"] = id_number[:17] + ("0" if id_number[17] != "0" else "1")
    elif kind == 2:
        values["职业编码"] = "9-99-99-99"
    elif kind == 3:
        values["申报等级"] = 5  # the standard has no 五级
    elif kind == 4 and used:
        values["证件号码"] = used[-1]  # duplicate within the file
    else:
        values["参加本职业工作日期"] = "2025-01-01"  # ineligible: too little work
        values.pop("现持证书等级", None)
        values.pop("证书发证日期", None)


def make_roster(path: Path, rows: int, seed: int) -> int:
    """Write the roster; returns how many rows are valid."""
    import xlsxwriter

    from skillcert.applications.roster import COLUMNS

    rng = random.Random(seed)
    headers = [c.header for c in COLUMNS]
    col = {h: i for i, h in enumerate(headers)}
    book = xlsxwriter.Workbook(str(path), {"constant_memory": True, "strings_to_formulas": False})
    sheet = book.add_worksheet("花名册")
    sheet.write_row(0, 0, headers)
    valid = 0
    used: list[str] = []
    for r in range(1, rows + 1):
        id_number = _id(r, rng)
        level = rng.choice([4, 4, 4, 3])
        work = dt.date(2005, 1, 1) + dt.timedelta(days=rng.randrange(0, 2500))
        values: dict[str, object] = {
            "姓名": f"考生{r}",
            "证件号码": id_number,
            "手机号码": f"13{rng.randrange(10**9):09d}",
            "职业编码": "4-07-03-02",
            "申报等级": level,
            "参加本职业工作日期": work.isoformat(),
        }
        if level == 3:
            cert = work + dt.timedelta(days=365)
            values["现持证书等级"] = "四级"
            values["证书发证日期"] = cert.isoformat()
        broken = r % INVALID_EVERY == 0
        if broken:
            _break_row(values, r, id_number, used)
        else:
            valid += 1
            used.append(id_number)
        for header, value in values.items():
            if isinstance(value, str):
                sheet.write_string(r, col[header], value)
            else:
                sheet.write_number(r, col[header], float(value))  # type: ignore[arg-type]
        if r % 997 == 0:
            # full-width digits and spaces in the phone: normalised, still valid
            phone = str(values["手机号码"])
            sheet.write_string(
                r,
                col["手机号码"],
                " " + phone.translate({ord(c): ord(c) + 0xFEE0 for c in "0123456789"}),
            )
    book.close()
    return valid


# The import's stages: (label, module, function). Timed by wrapping the names the import
# calls them by; a stage's time includes the stages it calls (the check is part of reading).
STAGES = (
    ("read", "skillcert.applications.importing", "read_roster"),
    ("check", "skillcert.applications.roster_files", "spreadsheet_check"),
    ("validate", "skillcert.applications.importing", "validate_roster"),
    ("write", "skillcert.applications.importing", "_write"),
    ("candidates", "skillcert.applications.importing", "candidates_from_roster"),
)


@contextlib.contextmanager
def stages_timed(spent: dict[str, list[float]]) -> Iterator[None]:
    """Time each of STAGES into `spent` (label -> [wall, CPU]) while the block runs."""
    import importlib

    originals = []
    for label, module_name, name in STAGES:
        module = importlib.import_module(module_name)
        function = getattr(module, name)
        originals.append((module, name, function))

        def timed(
            *args: Any, _function: Callable[..., Any] = function, _label: str = label, **kwargs: Any
        ) -> Any:
            wall, cpu = time.perf_counter(), time.process_time()
            try:
                return _function(*args, **kwargs)
            finally:
                entry = spent.setdefault(_label, [0.0, 0.0])
                entry[0] += time.perf_counter() - wall
                entry[1] += time.process_time() - cpu

        setattr(module, name, timed)
    try:
        yield
    finally:
        for module, name, function in originals:
            setattr(module, name, function)


def run(size: int, workdir: Path) -> tuple[float, float, int, int, int]:
    from decimal import Decimal

    from django.utils import timezone

    from skillcert.accounts.actors import SystemActor
    from skillcert.applications.importing import roster_import
    from skillcert.applications.models import Application
    from skillcert.occupations.models import Occupation, Standard
    from skillcert.organizations.models import EvaluationOrg, OrgKind, OrgScope, OrgStatus
    from skillcert.organizations.services import organization_create
    from skillcert.plans.services import plan_create, plan_open
    from skillcert.regions.models import Region

    today = timezone.localdate()
    hr, _ = Occupation.objects.get_or_create(
        code="4-07-03-02", defaults={"name": "企业人力资源管理师"}
    )
    Standard.objects.get_or_create(
        occupation=hr, kind="national", code="4-07-03-02", edition_year=2019,
        defaults={"name": "企业人力资源管理师", "levels": [4, 3, 2, 1]},
    )  # fmt: skip
    from skillcert.common.identifiers import uscc_check_digit

    stem = f"9132{size:013d}"
    org = organization_create(
        name=f"基准评价机构{size}", kind=OrgKind.SOCIAL, uscc=stem + uscc_check_digit(stem),
        region=Region.objects.get(code="320102"), actor=SystemActor("bench"),
    )  # fmt: skip
    EvaluationOrg.objects.filter(pk=org.pk).update(
        status=OrgStatus.FILED, filing_number=f"S0000{org.pk:08d}"[:13],
        valid_from=today - dt.timedelta(days=10), valid_until=today + dt.timedelta(days=900),
    )  # fmt: skip
    org.refresh_from_db()
    for level in (4, 3):
        OrgScope.objects.create(org=org, occupation=hr, level=level, since=today)
    plan = plan_create(
        code=f"BENCH-{size}", title="基准", organization=org,
        window_opens=today, window_closes=today + dt.timedelta(days=30), capacity=size,
        offerings=[(hr, 4), (hr, 3)], actor=SystemActor("bench"), city_sample_rate=Decimal("0.2"),
    )  # fmt: skip
    plan = plan_open(plan=plan, actor=SystemActor("bench"))
    path = workdir / f"roster-{size}.xlsx"
    valid = make_roster(path, size, seed=size)
    floor = parse_floor(path, size)
    spent: dict[str, list[float]] = {}
    with stages_timed(spent):
        started, cpu = time.perf_counter(), time.process_time()
        outcome = roster_import(plan=plan, source=path, actor=SystemActor("bench"), partial=True)
        elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu
    print(
        f"{size:>7} rows, stages (wall/CPU s): "
        + ", ".join(f"{label} {w:.2f}/{c:.2f}" for label, (w, c) in spent.items())
        + f"; whole import {elapsed:.2f}/{cpu:.2f}"
    )
    stored = Application.objects.filter(plan=plan).count()
    return elapsed, floor, valid, outcome.imported, stored


def parse_floor(path: Path, size: int) -> float:
    """Seconds python-calamine takes to read the sheet into Python values (from the file)."""
    from python_calamine import CalamineWorkbook

    started = time.perf_counter()
    rows = CalamineWorkbook.from_path(str(path)).get_sheet_by_name("花名册").to_python()
    elapsed = time.perf_counter() - started
    assert len(rows) == size + 1
    return elapsed


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="10865,100000")
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    failed = False
    figures = []
    with tempfile.TemporaryDirectory() as tmp:
        workdir = Path(tmp)
        _setup(workdir)
        for size in sizes:
            elapsed, floor, valid, imported, stored = run(size, workdir)
            rate = size / elapsed
            ok = rate >= TARGET_ROWS_PER_SECOND and imported == valid == stored
            failed |= not ok
            print(
                f"{size:>7} rows: {elapsed:6.2f} s (target {size / TARGET_ROWS_PER_SECOND:.1f} s), "
                f"valid {valid}, imported {imported}, stored {stored}, {rate:,.0f} rows/s; "
                f"calamine read {floor:.2f} s {'OK' if ok else 'MISSED'}"
            )
            figures.append(
                f"{size} rows {rate:,.0f} rows/s, {elapsed:.2f} s / floor {floor:.2f} s = "
                f"{elapsed / floor:.1f}"
            )
    print("roster import: " + "; ".join(figures))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
