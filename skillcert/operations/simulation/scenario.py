"""The scenario: seed 000's province, cities, dates and scales, and the small helpers that make
their data."""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from skillcert.accounts.models import User
from skillcert.common.identifiers import id_number_check_digit
from skillcert.exams.models import (
    District,
)
from skillcert.organizations.models import EvaluationOrg
from skillcert.personnel.models import Person
from skillcert.plans.models import EvaluationPlan

PASSWORD = "Skillcert-Sim-2026"  # noqa: S105 - simulated accounts, printed like the demo's
# The accounts `manage.py demo` prints for signing in with PASSWORD; every other simulated
# account is created from a roster without a usable password (`users_create_bulk`).
SIGN_IN = frozenset({"sim_sheng", "sim_city_320100", "sim_org_320100", "sim_kp_320100_02"})
TZ = ZoneInfo("Asia/Shanghai")
HR, LR = "4-07-03-02", "4-07-03-03"  # 企业人力资源管理师, 劳动关系协调员（师）
LEVELS = (4, 3, 2)
PROVINCE = "320000"
# Seed 000's thirteen cities; 常州 is the district postponed (疫情防控).
CITIES = [
    ("320100", "南京", 14),
    ("320200", "无锡", 9),
    ("320300", "徐州", 8),
    ("320400", "常州", 7),
    ("320500", "苏州", 16),
    ("320600", "南通", 8),
    ("320700", "连云港", 4),
    ("320800", "淮安", 5),
    ("320900", "盐城", 6),
    ("321000", "扬州", 6),
    ("321100", "镇江", 5),
    ("321200", "泰州", 6),
    ("321300", "宿迁", 4),
]
POSTPONED = "320400"
SITTING_CODE = "SIM-JS-2026"
EXAM_DAY = dt.date(2026, 6, 13)  # a Saturday, as seed 000's sitting
POSTPONED_DAY = dt.date(2026, 7, 11)


@dataclass(frozen=True)
class Scale:
    name: str
    candidates: int
    rooms: int
    cities: int  # how many of CITIES take part (the postponed one always does)
    self_registered: int
    room_record_sites: int = 1


SCALES = {
    "tiny": Scale("tiny", 90, 5, 2, 3),  # the test suite's run
    "demo": Scale("demo", 300, 14, 3, 6),
    "small": Scale("small", 1200, 48, 5, 12),
    "jiangsu": Scale("jiangsu", 10_865, 362, 13, 60),
    "10x": Scale("10x", 108_650, 3_620, 13, 120),
}


def at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    """A time of day on the simulated clock, in the province's time zone."""
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=TZ)


def id_number(region: str, birth: dt.date, seq: int) -> str:
    first17 = f"{region}{birth:%Y%m%d}{seq % 1000:03d}"
    return first17 + id_number_check_digit(first17)


def split_shares(total: int, weights: list[int]) -> list[int]:
    """Largest-remainder split of `total` by `weights` (every share ≥ 1)."""
    whole = sum(weights)
    raw = [total * w / whole for w in weights]
    shares = [max(1, math.floor(r)) for r in raw]
    order = sorted(range(len(weights)), key=lambda i: raw[i] - math.floor(raw[i]), reverse=True)
    k = 0
    while sum(shares) < total:
        shares[order[k % len(order)]] += 1
        k += 1
    while sum(shares) > total:
        i = max(range(len(shares)), key=lambda j: shares[j])
        shares[i] -= 1
    return shares


@dataclass
class City:
    code: str
    name: str
    county: str
    candidates: int
    rooms: int
    org: EvaluationOrg | None = None
    clerk: User | None = None
    officer: User | None = None
    entry: User | None = None
    plan: EvaluationPlan | None = None
    district: District | None = None
    staff: list[Person] = field(default_factory=list)


@dataclass
class Report:
    lines: list[str] = field(default_factory=list)
    stages: list[tuple[str, float, str]] = field(default_factory=list)
