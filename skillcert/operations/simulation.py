"""Seed 000's unified sitting (Jiangsu, 企业人力资源管理师 and 劳动关系协调员) run through the
real services from an empty province to verified certificates.

Every stage calls the same service functions the pages, the API and the commands call; the
simulation only decides who does what and when. It runs on a simulated clock (2026-03 to
2026-08, inside the entered working-day calendar): `time_machine` moves "now" for each stage,
so the 15-working-day filing rule, review windows, the re-check window and registration are
checked exactly as they would be in production.

Each stage prints its duration and counts; `consistency_check` ends the run."""

from __future__ import annotations

import datetime as dt
import io
import math
import random
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

import time_machine
import xlsxwriter
from django.conf import settings
from django.core.management import call_command
from django.db.models import Count, Q
from django.test import Client

from skillcert.accounts.models import Role, User
from skillcert.accounts.services import role_grant, user_create
from skillcert.applications.importing import roster_import
from skillcert.applications.models import Application, Status, Tier
from skillcert.applications.roster import COLUMNS
from skillcert.applications.services import (
    application_create,
    application_review,
    application_submit,
    applications_approve_bulk,
    sample_draw,
)
from skillcert.audit.services import audit_verify
from skillcert.candidates.services import candidate_register, work_period_add
from skillcert.certificates.documents import certificate_pdf
from skillcert.certificates.models import Certificate
from skillcert.certificates.services import certificate_revoke, certificates_issue_batch
from skillcert.common.errors import DomainError
from skillcert.common.identifiers import id_number_check_digit, uscc_check_digit
from skillcert.exams.examday import (
    absences_mark,
    checkin_record,
    misconduct_decide,
    misconduct_record,
    supervisor_report_submit,
)
from skillcert.exams.models import (
    AdmissionTicket,
    Attendance,
    District,
    Room,
    Seat,
    Sitting,
    StaffAssignment,
    TicketJob,
    TimeSlot,
)
from skillcert.exams.selectors import policy_for
from skillcert.exams.services import (
    district_add,
    district_postpone,
    room_add,
    seats_assign,
    site_add,
    sitting_create,
    sitting_plan_add,
    slots_add,
    ticket_job_start,
)
from skillcert.exams.staffing_services import staff_assign
from skillcert.itembank.models import ItemBankRoleKind, Paper
from skillcert.itembank.services import (
    blueprint_create,
    item_approve,
    item_create,
    item_submit,
    itembank_role_grant,
    paper_assemble,
    paper_release_approve,
    paper_seal,
)
from skillcert.occupations.demo import load_catalogue_demo
from skillcert.occupations.models import Element, Occupation
from skillcert.organizations.demo import file_and_approve
from skillcert.organizations.models import EvaluationOrg, OrgKind
from skillcert.organizations.services import organization_create
from skillcert.personnel.models import Person, RoleKind
from skillcert.personnel.services import (
    card_collect,
    card_issue,
    exam_result_record,
    learning_record,
    person_certificate_add,
    person_register,
    person_title_add,
    person_work_add,
    pledge_sign,
    registration_city_review,
    registration_province_review,
    registration_recommend,
    registration_submit,
    role_appoint,
    training_plan_publish,
)
from skillcert.plans.models import EvaluationPlan, Subject
from skillcert.plans.services import (
    plan_close,
    plan_create,
    plan_file,
    plan_open,
    plan_review,
    plan_session_add,
    plan_staff_set,
)
from skillcert.regions.models import Region
from skillcert.scoring.models import (
    BatchStatus,
    Duty,
    Mark,
    PartState,
    Result,
    ResultBatch,
    ResultStatus,
    Script,
    ScriptStatus,
)
from skillcert.scoring.services import (
    batch_entry_account_set,
    batch_open,
    batch_publish,
    batch_register,
    batch_registration_submit,
    batch_submit,
    form_letter,
    mark_submit,
    panel_mark_submit,
    paper_objective_key,
    practical_sheet_submit,
    recheck_complete,
    recheck_request,
    responses_score,
    result_part_state_set,
    result_score_enter,
    script_arbitrate,
    scripts_create,
    staff_set,
)

SYSTEM = "system:simulate"
PASSWORD = "Skillcert-Sim-2026"  # noqa: S105 - simulated accounts, printed like the demo's
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


def _at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=TZ)


def _id_number(region: str, birth: dt.date, seq: int) -> str:
    first17 = f"{region}{birth:%Y%m%d}{seq % 1000:03d}"
    return first17 + id_number_check_digit(first17)


def _split(total: int, weights: list[int]) -> list[int]:
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


class Simulation:
    def __init__(
        self,
        *,
        scale: Scale,
        seed: int = 7,
        pdfs: bool = False,
        out: Callable[[str], None] = print,
    ) -> None:
        self.scale = scale
        self.seed = seed
        self.pdfs = pdfs
        self.out = out
        self.rng = random.Random(seed)  # noqa: S311 - reproducible simulated data, not secrets
        self.report = Report()
        self.cities: list[City] = []
        self.users: dict[str, User] = {}
        self.occupations: dict[str, Occupation] = {}
        self.papers: dict[tuple[str, int], Paper] = {}
        self.expected: Counter[str] = Counter()

    # --- running -------------------------------------------------------------------------

    @contextmanager
    def _stage(self, name: str, when: dt.datetime) -> Iterator[dict[str, Any]]:
        counts: dict[str, Any] = {}
        started = time.perf_counter()
        with time_machine.travel(when, tick=True):
            yield counts
        spent = time.perf_counter() - started
        text = "，".join(f"{k} {v}" for k, v in counts.items())
        self.report.stages.append((name, spent, text))
        self.out(f"[{spent:7.1f} s] {name}：{text}")

    def run(self) -> Report:
        if Sitting.objects.filter(code=SITTING_CODE).exists():
            raise DomainError(
                "simulate.exists", "数据库中已有模拟统考（SIM-JS-2026），请在新数据库中运行"
            )
        started = time.perf_counter()
        self.stage_setup()
        self.stage_personnel()
        self.stage_applications()
        self.stage_review()
        self.stage_plan_filing()
        self.stage_sitting()
        self.stage_seating_and_staff()
        self.stage_postpone()
        self.stage_item_bank()
        self.stage_exam_day(self._main_cities(), EXAM_DAY, "考试实施")
        self.stage_exam_day(self._postponed_cities(), POSTPONED_DAY, "考试实施（常州延期场）")
        self.stage_scoring(self._main_cities(), EXAM_DAY + dt.timedelta(days=3), "阅卷评分")
        self.stage_scoring(
            self._postponed_cities(), POSTPONED_DAY + dt.timedelta(days=3), "阅卷评分（常州）"
        )
        self.stage_publication()
        self.stage_registration()
        self.stage_certificates()
        self.stage_verification()
        total = time.perf_counter() - started
        if self.pdfs:
            self.stage_pdfs()
        self.consistency_check()
        self.out(f"模拟完成，共 {total:.1f} 秒")
        return self.report

    def _drain_jobs(self) -> None:
        """Run the queued background jobs (certificate batches, ticket PDFs) the way a worker
        would; with the immediate backend (tests) they have already run."""
        if settings.TASKS["default"]["BACKEND"] == "django_tasks_db.DatabaseBackend":
            call_command("db_worker", batch=True, startup_delay=False, verbosity=0)

    def _main_cities(self) -> list[City]:
        return [c for c in self.cities if c.code != POSTPONED]

    def _postponed_cities(self) -> list[City]:
        return [c for c in self.cities if c.code == POSTPONED]

    def _user(self, username: str, full_name: str, role: str | None = None, **scope: Any) -> User:
        user = user_create(username=username, password=PASSWORD, full_name=full_name, actor=SYSTEM)
        if role is not None:
            role_grant(user=user, role=role, actor=SYSTEM, **scope)
        self.users[username] = user
        return user

    # --- 1. catalogue, organisations, accounts ---------------------------------------------

    def stage_setup(self) -> None:
        with self._stage("目录、机构与账户", _at(dt.date(2026, 3, 2), 9)) as counts:
            load_catalogue_demo(SYSTEM)
            self.occupations = {o.code: o for o in Occupation.objects.filter(code__in=[HR, LR])}
            province = Region.objects.get(code=PROVINCE)
            self._user("sim_sheng", "省级经办", Role.PROVINCE_OFFICER, region=province)
            chosen = [c for c in CITIES if c[0] == POSTPONED] + [
                c for c in CITIES if c[0] != POSTPONED
            ][: self.scale.cities - 1]
            chosen.sort()
            shares = _split(self.scale.candidates, [w for *_, w in chosen])
            rooms = _split(self.scale.rooms, [w for *_, w in chosen])
            for (code, name, _w), candidates, room_count in zip(chosen, shares, rooms, strict=True):
                county = (
                    Region.objects.filter(code__startswith=code[:4], active=True)
                    .exclude(code__endswith="00")
                    .exclude(code__endswith="01")
                    .order_by("code")
                    .first()
                )
                assert county is not None
                self.cities.append(City(code, name, county.code, candidates, room_count))
            for n, city in enumerate(self.cities, start=1):
                region = Region.objects.get(code=city.county)
                stem = f"12{city.code}4660{n:05d}"[:17]
                city.org = organization_create(
                    name=f"{city.name}市职业技能鉴定指导中心（考核点）",
                    kind=OrgKind.SOCIAL,
                    uscc=stem + uscc_check_digit(stem),
                    region=region,
                    contact_name=f"{city.name}考务科",
                    contact_phone="025-8000" + f"{n:04d}",
                    address=f"{city.name}市人民路{n}号",
                    actor=SYSTEM,
                )
                file_and_approve(
                    city.org,
                    Region.objects.get(code=city.code),
                    [(code, level) for code in (HR, LR) for level in LEVELS],
                    SYSTEM,
                )
                city.org.refresh_from_db()
                city.officer = self._user(
                    f"sim_city_{city.code}",
                    f"{city.name}市人社局",
                    Role.CITY_OFFICER,
                    region=Region.objects.get(code=city.code),
                )
                city.clerk = self._user(
                    f"sim_org_{city.code}",
                    f"{city.name}考核点经办",
                    Role.ORG_CLERK,
                    organization=city.org,
                )
            counts["设区市"] = len(self.cities)
            counts["评价机构备案"] = EvaluationOrg.objects.filter(
                pk__in=[c.org.pk for c in self.cities if c.org], filing_number__gt=""
            ).count()
            counts["账户"] = len(self.users)

    # --- 2. examiners, supervisors, markers (training, exam, card) ------------------------

    def _person(
        self, city: City, seq: int, name: str, user: User | None = None, *, both: bool = False
    ) -> Person:
        birth = dt.date(1970 + seq % 20, 1 + seq % 12, 1 + seq % 27)
        person = person_register(
            id_number=_id_number(city.county, birth, 500 + seq),
            name=name,
            education="bachelor",
            employer_name=f"{city.name}某企业",
            region=Region.objects.get(code=city.county),
            phone=f"1398{int(city.code[:4]):04d}{seq % 1000:03d}",
            user=user,
            actor=SYSTEM,
        )
        for occupation in self.occupations.values() if both else [self.occupations[HR]]:
            person_certificate_add(
                person=person,
                occupation=occupation,
                level=2,
                number=f"SIM{city.code}{seq:06d}{occupation.code[-1]}",
                issued_on=dt.date(2016, 6, 1),
                actor=SYSTEM,
            )
            person_work_add(
                person=person,
                occupation=occupation,
                description="人力资源与劳动关系管理",
                start=dt.date(2010, 7, 1),
                end=None,
                actor=SYSTEM,
            )
        person_title_add(
            person=person,
            grade="中级",
            name="经济师",
            major="人力资源管理",
            obtained_on=dt.date(2014, 11, 1),
            actor=SYSTEM,
        )
        return person

    def stage_personnel(self) -> None:
        """Every examiner goes through the March training: registration, recommendation, city
        and province review, learning time, exam, pledge and card. Invigilators are examiners
        (监考由考评员担任); each site gets external quality supervisors appointed by the
        province."""
        with self._stage("考评人员培训与发卡", _at(dt.date(2026, 3, 2), 10)) as counts:
            province = Region.objects.get(code=PROVINCE)
            sheng = self.users["sim_sheng"]
            policy = policy_for(province_code=PROVINCE)
            plan = training_plan_publish(
                province=province,
                year=2026,
                month=3,
                role=RoleKind.EXAMINER,
                required_minutes=600,
                venue="各市职业技能鉴定中心",
                actor=sheng,
            )
            seq = 0
            cards = 0
            for city in self.cities:
                # Rooms hold at most 36: two invigilators each meets 1 per 15 (≥ 2 per room).
                need = city.rooms * max(
                    policy.min_invigilators_theory, math.ceil(36 / policy.invigilator_per)
                )
                need += 4  # spares
                for k in range(need):
                    seq += 1
                    user = None
                    if k < 7:  # the people who mark, sit on panels and sign room records
                        user = self._user(
                            f"sim_kp_{city.code}_{k:02d}", f"{city.name}考评员{k + 1}"
                        )
                    person = self._person(city, seq, f"{city.name}考评员{k + 1}", user)
                    for occupation in [self.occupations[HR]]:
                        reg = registration_submit(
                            plan=plan,
                            person=person,
                            occupation=occupation,
                            level_high=2,
                            level_low=5,
                            actor=SYSTEM,
                            today=plan.published_on,
                        )
                        registration_recommend(registration=reg, actor=SYSTEM)
                        registration_city_review(registration=reg, approve=True, actor=city.officer)
                        registration_province_review(registration=reg, approve=True, actor=sheng)
                        first_day = plan.registration_closes_on
                        for day, minutes in (
                            (first_day, 480),
                            (first_day + dt.timedelta(days=1), 120),
                        ):
                            learning_record(
                                registration=reg,
                                attended_on=day,
                                minutes=minutes,
                                actor=city.officer,
                                today=plan.exam_on,
                            )
                        exam_result_record(registration=reg, score=80 + seq % 20, actor=SYSTEM)
                        pledge_sign(registration=reg, actor=SYSTEM)
                        card = card_issue(
                            registration=reg, actor=sheng, issued_on=dt.date(2026, 3, 30)
                        )
                        card_collect(card=card, actor=SYSTEM, on=dt.date(2026, 3, 31))
                        cards += 1
                    city.staff.append(person)
                for k in range(2):
                    seq += 1
                    user = self._user(f"sim_dd_{city.code}_{k}", f"{city.name}督导员{k + 1}")
                    supervisor = self._person(
                        city, seq, f"{city.name}督导员{k + 1}", user, both=True
                    )
                    for occupation in self.occupations.values():
                        role_appoint(
                            person=supervisor,
                            role=RoleKind.SUPERVISOR_EXTERNAL,
                            occupation=occupation,
                            level_high=1,
                            level_low=5,
                            province=province,
                            actor=sheng,
                            today=dt.date(2026, 3, 31),
                        )
                    city.staff.append(supervisor)
            counts["考评人员"] = seq
            counts["证卡"] = cards

    # --- 3. applications: rosters and self-registration -----------------------------------

    def _roster(self, city: City, people: list[tuple[str, int, dt.date, str, int | None]]) -> bytes:
        buffer = io.BytesIO()
        book = xlsxwriter.Workbook(buffer, {"in_memory": True, "constant_memory": True})
        sheet = book.add_worksheet("花名册")
        headers = [c.header for c in COLUMNS]
        index = {h: i for i, h in enumerate(headers)}
        sheet.write_row(0, 0, headers)
        for row, (number, level, work_start, occupation, cert_level) in enumerate(people, 1):
            sheet.write_string(row, index["姓名"], f"{city.name}考生{row}")
            sheet.write_string(row, index["证件号码"], number)
            sheet.write_string(
                row, index["手机号码"], f"13{row % 10}{int(city.code[:4]):04d}{row:04d}"[:11]
            )
            sheet.write_string(row, index["职业编码"], occupation)
            sheet.write_number(row, index["申报等级"], level)
            sheet.write_string(row, index["参加本职业工作日期"], f"{work_start:%Y-%m-%d}")
            if cert_level is not None:
                sheet.write_number(row, index["现持证书等级"], cert_level)
                sheet.write_string(row, index["证书发证日期"], "2019-06-30")
        book.close()
        return buffer.getvalue()

    def _level(self) -> int:
        r = self.rng.random()
        return 4 if r < 0.62 else 3 if r < 0.93 else 2

    def stage_applications(self) -> None:
        when = _at(dt.date(2026, 3, 16), 9)
        with self._stage("报名（花名册导入与个人申报）", when) as counts:
            bad_rows = ineligible = imported = self_registered = rejected_rows = 0
            error_codes: Counter[str] = Counter()
            for n, city in enumerate(self.cities):
                assert city.org and city.clerk
                city.plan = plan_create(
                    code=f"SIM-2026-{city.code}",
                    title=f"2026年江苏省两师统考（{city.name}考区）",
                    organization=city.org,
                    window_opens=dt.date(2026, 3, 16),
                    window_closes=dt.date(2026, 4, 30),
                    capacity=city.candidates + 50,
                    offerings=[(o, lv) for o in self.occupations.values() for lv in LEVELS],
                    actor=city.clerk,
                    city_sample_rate=Decimal("0.10"),
                    province_sample_rate=Decimal("0.05"),
                )
                city.plan = plan_open(plan=city.plan, actor=city.clerk)
                own = self.scale.self_registered if n == 0 else 0
                rostered = city.candidates - own
                people: list[tuple[str, int, dt.date, str, int | None]] = []
                for k in range(rostered):
                    level = self._level()
                    occupation = HR if self.rng.random() < 0.7 else LR
                    birth = dt.date(1975 + k % 25, 1 + k % 12, 1 + k % 28)
                    years = {4: 6, 3: 10, 2: 14}[level]
                    work = dt.date(2026 - years - self.rng.randint(0, 3), 1, 1)
                    cert = {4: None, 3: 4, 2: 3}[level]
                    number = _id_number(city.county, birth, k)
                    if self.rng.random() < 0.004:
                        number = number[:-1] + (
                            "0" if number[-1] != "0" else "1"
                        )  # bad check digit
                        bad_rows += 1
                    elif self.rng.random() < 0.006:
                        work = dt.date(2025, 1, 1)  # far too little experience: ineligible
                        ineligible += 1
                    people.append((number, level, work, occupation, cert))
                outcome = roster_import(
                    plan=city.plan,
                    source=self._roster(city, people),
                    actor=city.clerk,
                    partial=True,
                )
                imported += outcome.imported
                rejected_rows += len(outcome.errors)
                error_codes.update(e.column or "整行" for e in outcome.errors)
                for k in range(own):
                    birth = dt.date(1985, 1 + k % 12, 1 + k % 28)
                    number = _id_number(city.county, birth, 900 + k)
                    candidate = candidate_register(
                        username=f"sim_ks_{k:03d}",
                        password=PASSWORD,
                        full_name=f"{city.name}自主报名{k + 1}",
                        id_number=number,
                        phone=f"1370000{k:04d}",
                    ).candidate
                    assert candidate is not None and candidate.user is not None
                    self.users[f"sim_ks_{k:03d}"] = candidate.user
                    work_period_add(
                        candidate=candidate,
                        employer="南京某人力资源公司",
                        start=dt.date(2016, 3, 1),
                        end=None,
                        occupation_name="企业人力资源管理",
                        related=True,
                        actor=candidate.user,
                    )
                    app = application_create(
                        candidate=candidate,
                        plan=city.plan,
                        occupation=self.occupations[HR],
                        level=4,
                        actor=candidate.user,
                    )
                    application_submit(application=app, actor=candidate.user)
                    self_registered += 1
            apps = Application.objects.filter(plan__code__startswith="SIM-2026-")
            counts["申报"] = apps.count()
            counts["花名册导入"] = imported
            counts["花名册错误行（已报告）"] = rejected_rows
            counts["条件不符（预期）"] = ineligible
            counts["错误所在列"] = "、".join(f"{c} {n}" for c, n in error_codes.most_common())
            counts["个人申报"] = self_registered
            self.expected["roster_errors"] = bad_rows + ineligible
            self.expected["roster_errors_seen"] = rejected_rows

    # --- 4. three-tier review with sampling ------------------------------------------------

    def stage_review(self) -> None:
        with self._stage(
            "三级审核（机构初审、市级抽样复审、省级抽样终审）", _at(dt.date(2026, 5, 6), 9)
        ) as counts:
            sheng = self.users["sim_sheng"]
            returned = rejected = 0
            for city in self.cities:
                assert city.plan and city.clerk and city.officer
                # The window closed on 30 April: no new applications, reviews go on.
                city.plan = plan_close(plan=city.plan, actor=city.clerk)
                queue = list(
                    Application.objects.filter(plan=city.plan, status=Status.ORG_REVIEW)
                    .order_by("pk")
                    .values_list("pk", flat=True)
                )
                # The clerk returns one application for a missing document and rejects one.
                if len(queue) > 10:
                    app = Application.objects.get(pk=queue[3])
                    application_review(
                        application=app,
                        tier=Tier.ORG,
                        decision="return",
                        reason="请补充单位出具的工作年限证明",
                        actor=city.clerk,
                    )
                    returned += 1
                    app = Application.objects.get(pk=queue[5])
                    application_review(
                        application=app,
                        tier=Tier.ORG,
                        decision="reject",
                        reason="工作年限证明与社保记录不符",
                        actor=city.clerk,
                    )
                    rejected += 1
                applications_approve_bulk(application_ids=queue, tier=Tier.ORG, actor=city.clerk)
                draw = sample_draw(
                    plan=city.plan, tier=Tier.CITY, actor=city.officer, seed=self.seed
                )
                applications_approve_bulk(
                    application_ids=draw.sampled, tier=Tier.CITY, actor=city.officer
                )
                draw = sample_draw(plan=city.plan, tier=Tier.PROVINCE, actor=sheng, seed=self.seed)
                applications_approve_bulk(
                    application_ids=draw.sampled, tier=Tier.PROVINCE, actor=sheng
                )
            statuses = Counter(
                Application.objects.filter(plan__code__startswith="SIM-2026-").values_list(
                    "status", flat=True
                )
            )
            counts["通过"] = statuses.get(Status.APPROVED, 0)
            counts["退回"] = returned
            counts["不通过"] = rejected
            counts["其他状态"] = sum(v for k, v in statuses.items() if k != Status.APPROVED)

    # --- 5. plan filing 15 working days ahead ----------------------------------------------

    def stage_plan_filing(self) -> None:
        with self._stage("评价计划备案（提前15个工作日）", _at(dt.date(2026, 5, 11), 9)) as counts:
            filed = 0
            refused = ""
            for city in self.cities:
                assert city.plan and city.clerk and city.officer
                site = f"{city.name}市第一考点"
                plan_session_add(
                    plan=city.plan,
                    subject=Subject.THEORY,
                    starts_at=_at(EXAM_DAY, 9),
                    ends_at=_at(EXAM_DAY, 10, 30),
                    site=site,
                    expected=city.candidates,
                    actor=city.clerk,
                )
                plan_session_add(
                    plan=city.plan,
                    subject=Subject.PRACTICAL,
                    starts_at=_at(EXAM_DAY, 14),
                    ends_at=_at(EXAM_DAY, 16),
                    site=site,
                    expected=city.candidates,
                    actor=city.clerk,
                )
                examiners = [p for p in city.staff if "考评员" in p.name][:5]
                supervisor = next(p for p in city.staff if "督导员" in p.name)
                plan_staff_set(
                    plan=city.plan, examiners=examiners, supervisor=supervisor, actor=city.clerk
                )
                if not refused:
                    # Filing late is refused by the working-day rule (shown, then filed in time).
                    with time_machine.travel(_at(dt.date(2026, 6, 1), 9), tick=False):
                        try:
                            plan_file(plan=city.plan, actor=city.clerk)
                        except DomainError as error:
                            refused = error.code
                plan_file(plan=city.plan, actor=city.clerk)
                plan_review(plan=city.plan, approve=True, actor=city.officer)
                filed += 1
            counts["备案通过"] = filed
            counts["逾期备案被拒"] = "是（不足15个工作日）" if refused else "无"
            self.expected["late_refused"] = 1 if refused else 0

    # --- 6. the unified sitting: districts, sites, rooms, slots ----------------------------

    def stage_sitting(self) -> None:
        with self._stage(
            "统考设置（考区、考点、考场、场次）", _at(dt.date(2026, 5, 18), 9)
        ) as counts:
            sheng = self.users["sim_sheng"]
            used = set(
                Sitting.objects.filter(province_id=PROVINCE, year=2026).values_list(
                    "serial", flat=True
                )
            )
            sitting = sitting_create(
                code=SITTING_CODE,
                title="2026年江苏省企业人力资源管理师、劳动关系协调员职业技能等级认定统考（模拟）",
                province=Region.objects.get(code=PROVINCE),
                year=2026,
                serial=min(set(range(1, 100)) - used),
                actor=sheng,
            )
            rooms = 0
            for city in self.cities:
                assert city.plan
                sitting_plan_add(sitting=sitting, plan=city.plan, actor=sheng)
                city.district = district_add(
                    sitting=sitting,
                    city=Region.objects.get(code=city.code),
                    office_name=f"{city.name}市职业技能鉴定指导中心考核点",
                    office_address=f"{city.name}市人民路1号",
                    actor=sheng,
                )
                site = site_add(
                    district=city.district,
                    code="01",
                    name=f"{city.name}市第一考点",
                    address=f"{city.name}市大学城学府路1号",
                    actor=sheng,
                )
                approved = Application.objects.filter(
                    plan=city.plan, status=Status.APPROVED
                ).count()
                big = max(0, math.ceil((approved - 30 * city.rooms) / 6))
                for r in range(city.rooms):
                    large = r < big
                    room_add(
                        site=site,
                        code=f"{r + 1:03d}",
                        kind="paper",
                        rows=6,
                        cols=6 if large else 5,
                        actor=sheng,
                        location=f"{1 + r // 20}号教学楼{(r % 20) + 101}",
                        accessible=r == 0,
                    )
                    rooms += 1
            slots = slots_add(
                sitting=sitting,
                subject=Subject.THEORY,
                starts_at=_at(EXAM_DAY, 9),
                ends_at=_at(EXAM_DAY, 10, 30),
                actor=sheng,
            )
            counts["考区"] = District.objects.filter(sitting=sitting).count()
            counts["考点"] = len(self.cities)
            counts["考场"] = rooms
            counts["场次"] = len(slots)

    # --- 7. seats, tickets, staff ----------------------------------------------------------

    def stage_seating_and_staff(self) -> None:
        with self._stage(
            "编排座位、准考证、监考与督导安排", _at(dt.date(2026, 5, 25), 9)
        ) as counts:
            sheng = self.users["sim_sheng"]
            sitting = Sitting.objects.get(code=SITTING_CODE)
            seated = adjacent = 0
            for slot in TimeSlot.objects.filter(sitting=sitting).select_related("district"):
                draw = seats_assign(slot=slot, seed=self.seed, actor=sheng)
                seated += draw.seated
                adjacent += draw.adjacent_same_org
                staff_assign(slot=slot, seed=self.seed, actor=sheng)
            counts["就座"] = seated
            counts["同机构相邻"] = adjacent
            counts["准考证"] = AdmissionTicket.objects.filter(sitting=sitting).count()
            counts["监考安排"] = StaffAssignment.objects.filter(slot__sitting=sitting).count()

    # --- 8. one district postponed ---------------------------------------------------------

    def stage_postpone(self) -> None:
        with self._stage("常州考区延期", _at(dt.date(2026, 6, 8), 9)) as counts:
            for city in self._postponed_cities():
                assert city.district
                district_postpone(
                    district=city.district,
                    new_first_day=POSTPONED_DAY,
                    reason="疫情防控要求，常州考区延期举行",
                    actor=self.users["sim_sheng"],
                )
                counts["延期考区"] = city.name
                counts["新考试日期"] = POSTPONED_DAY.isoformat()

    # --- 9. item bank and papers -----------------------------------------------------------

    def stage_item_bank(self) -> None:
        with self._stage("题库建设与组卷封存", _at(dt.date(2026, 5, 20), 9)) as counts:
            setter = self._user("sim_setter", "命题专家")
            reviewer = self._user("sim_reviewer", "审题专家")
            manager = self.users["sim_sheng"]
            items = 0
            for occupation in self.occupations.values():
                for user, role in (
                    (setter, ItemBankRoleKind.SETTER),
                    (reviewer, ItemBankRoleKind.REVIEWER),
                    (manager, ItemBankRoleKind.MANAGER),
                ):
                    itembank_role_grant(user=user, occupation=occupation, role=role, actor=SYSTEM)
                    user.__dict__.pop("_itembank_scope", None)  # roles are cached per user
                elements = list(
                    Element.objects.filter(standard__occupation=occupation, parent=None).order_by(
                        "position"
                    )
                )
                for level in LEVELS:
                    for n in range(36):
                        element = elements[(n // 6) % len(elements)]
                        kind = (
                            "multiple" if n % 6 == 5 else "true_false" if n % 6 == 4 else "single"
                        )
                        content: dict[str, Any]
                        if kind == "true_false":
                            content = {"stem": f"{element.name}：判断题{n + 1}", "key": n % 2 == 0}
                        else:
                            content = {
                                "stem": f"{element.name}：第{n + 1}题",
                                "options": [f"选项{x}" for x in "ABCD"],
                                "key": "AC" if kind == "multiple" else "ABCD"[n % 4],
                            }
                        item = item_create(
                            occupation=occupation,
                            level=level,
                            element=element,
                            item_type=kind,
                            content=content,
                            score=Decimal(5),
                            difficulty=round(0.45 + 0.02 * (n % 10), 2),
                            actor=setter,
                        )
                        item_submit(item=item, reviewer=reviewer, actor=setter)
                        item_approve(item=item, actor=reviewer)
                        items += 1
                    if level == 2:
                        for n in range(3):
                            item = item_create(
                                occupation=occupation,
                                level=level,
                                element=elements[n % len(elements)],
                                item_type="subjective",
                                content={
                                    "stem": f"案例分析{n + 1}",
                                    "answer": "要点",
                                    "scheme": "按要点给分",
                                },
                                score=Decimal(40),
                                actor=setter,
                            )
                            item_submit(item=item, reviewer=reviewer, actor=setter)
                            item_approve(item=item, actor=reviewer)
                            items += 1
                    cells = [
                        {"element": e.code, "type": t, "count": c}
                        for e in elements[:2]
                        for t, c in (("single", 4), ("true_false", 1), ("multiple", 1))
                    ]
                    if level == 2:
                        cells.append(
                            {"element": elements[0].code, "type": "subjective", "count": 1}
                        )
                    blueprint = blueprint_create(
                        occupation=occupation,
                        level=level,
                        name=f"{occupation.name}{level}级理论知识",
                        cells=cells,
                        difficulty_mean=0.55,
                        difficulty_tolerance=0.1,
                        actor=manager,
                    )
                    papers = paper_assemble(
                        blueprint=blueprint, forms=1, seed=self.seed, actor=manager
                    )
                    for paper in papers:
                        paper = paper_seal(paper=paper, release_at=_at(EXAM_DAY, 7), actor=manager)
                        self.papers[(occupation.code, level)] = paper
            counts["试题"] = items
            counts["试卷"] = len(self.papers)

    # --- 10. exam day ----------------------------------------------------------------------

    def stage_exam_day(self, cities: list[City], day: dt.date, name: str) -> None:
        with self._stage(name, _at(day, 8, 30)) as counts:
            present = absent = misconduct = reports = 0
            if day == EXAM_DAY:
                # The province releases the sealed papers on the morning of the exam.
                for paper in self.papers.values():
                    paper_release_approve(paper=paper, actor=self.users["sim_sheng"])
            for city in cities:
                assert city.district and city.officer
                slot = TimeSlot.objects.get(district=city.district, subject=Subject.THEORY)
                seats = list(
                    Seat.objects.filter(slot=slot).select_related("application").order_by("pk")
                )
                tickets = {
                    t.application_id: t
                    for t in AdmissionTicket.objects.filter(district=city.district)
                }
                checks = dict.fromkeys(policy_for(province_code=PROVINCE).entry_checklist, True)
                no_show = {s.pk for s in seats if self.rng.random() < 0.045}
                for seat in seats:
                    if seat.pk in no_show:
                        continue
                    checkin_record(
                        ticket=tickets[seat.application_id],
                        checks=checks,
                        actor=city.officer,
                        at=_at(day, 8, 40),
                    )
                    present += 1
                for room in Room.objects.filter(site__district=city.district).order_by("pk"):
                    absent += absences_mark(
                        slot=slot, room=room, actor=city.officer, at=_at(day, 9, 31)
                    )
                # One candidate caught with a phone: recorded, decided, the paper voided.
                cheat = next(s for s in seats if s.pk not in no_show)
                case = misconduct_record(
                    seat=cheat,
                    kind="device",
                    description="考试中使用手机查阅资料，已收缴手机并拍照取证",
                    actor=city.officer,
                    occurred_at=_at(day, 9, 50),
                )
                misconduct_decide(
                    misconduct=case,
                    decision="subject_void",
                    reason="携带手机作弊，当科成绩无效",
                    actor=city.officer,
                )
                misconduct += 1
                supervisor = StaffAssignment.objects.filter(slot=slot, duty="supervisor").first()
                if supervisor is not None and supervisor.person.user_id:
                    supervisor_report_submit(
                        slot=slot,
                        site=supervisor.site,
                        findings="考点组织规范，入场检查落实到位",
                        rating="good",
                        actor=supervisor.person.user,
                    )
                    reports += 1
            counts["到考"] = present
            counts["缺考"] = absent
            counts["违纪"] = misconduct
            counts["督导报告"] = reports

    # --- 11. scoring -----------------------------------------------------------------------

    def stage_scoring(self, cities: list[City], day: dt.date, name: str) -> None:
        with self._stage(name, _at(day, 9)) as counts:
            counts.update(
                dict.fromkeys(("客观题评分", "主观题评阅", "专业能力", "综合评审", "作废"), 0)
            )
            batches = {city.code: self._batch_prepare(city, counts) for city in cities}
            # The province's assessment centre scores each paper's answer file (the computer-
            # based test export) centrally, for every district that sat it.
            sheng = self.users["sim_sheng"]
            by_paper: dict[tuple[str, int], list[Result]] = defaultdict(list)
            for result in (
                Result.objects.filter(batch__in=batches.values(), theory_state=PartState.PENDING)
                .select_related("occupation")
                .order_by("pk")
            ):
                by_paper[(result.occupation.code, result.level)].append(result)
            for key, rows in sorted(by_paper.items()):
                paper = self.papers[key]
                report = responses_score(
                    paper_code=paper.code, text=self._responses_csv(paper, rows, sheng), actor=sheng
                )
                counts["客观题评分"] += len(report.rows)
            for city in cities:
                self._batch_mark(city, batches[city.code], counts)

    def _batch_prepare(self, city: City, counts: dict[str, Any]) -> ResultBatch:
        """Open the batch, name markers, examiners and panel, and record who was absent and
        whose paper was voided (never a silent zero)."""
        assert city.plan and city.clerk and city.district
        batch = batch_open(plan=city.plan, actor=city.clerk)
        markers = [p for p in city.staff if p.user_id][:7]
        staff_set(
            batch=batch, duty=Duty.MARKER, people=[*markers[:2], markers[6]], actor=city.clerk
        )
        staff_set(batch=batch, duty=Duty.CHIEF_MARKER, people=markers[2:3], actor=city.clerk)
        staff_set(batch=batch, duty=Duty.PANEL, people=markers[3:6], actor=city.clerk)
        staff_set(batch=batch, duty=Duty.PRACTICAL, people=markers[3:6], actor=city.clerk)
        # The chief examiner's account is the batch's dedicated result-entry account.
        city.entry = markers[2].user
        assert city.entry is not None
        batch_entry_account_set(batch=batch, user=city.entry, actor=city.clerk)
        slot = TimeSlot.objects.get(district=city.district, subject=Subject.THEORY)
        attendance = dict(
            Attendance.objects.filter(seat__slot=slot).values_list("seat__application_id", "status")
        )
        voids = set(
            Seat.objects.filter(slot=slot, misconduct__decision="subject_void").values_list(
                "application_id", flat=True
            )
        )
        for result in Result.objects.filter(batch=batch).order_by("pk"):
            if attendance.get(result.application_id) != "present":
                parts = ["theory", "practical"]
                if result.panel_state == PartState.PENDING:
                    parts.append("panel")
                for part in parts:
                    result_part_state_set(
                        result=result,
                        part=part,
                        state=PartState.ABSENT,
                        reason="缺考",
                        actor=city.entry,
                    )
            elif result.application_id in voids:
                result_part_state_set(
                    result=result,
                    part="theory",
                    state=PartState.VOIDED,
                    reason="违纪：携带手机作弊",
                    actor=city.entry,
                )
                counts["作废"] += 1
        return batch

    def _batch_mark(self, city: City, batch: ResultBatch, counts: dict[str, Any]) -> None:
        assert city.clerk and city.entry
        markers = [p for p in city.staff if p.user_id][:7]
        for paper in {p for (_, level), p in self.papers.items() if level == 2}:
            if Result.objects.filter(batch=batch, theory_paper=paper).exists():
                scripts_create(batch=batch, paper=paper, actor=city.clerk)
        # Blind double marking; a wide gap calls a third marker, then the chief arbitrates.
        for script in Script.objects.filter(result__batch=batch).order_by("pk"):
            base = 16 + (script.pk * 7) % 12
            for mark in (
                Mark.objects.filter(script=script).select_related("marker__user").order_by("round")
            ):
                score = base + (12 if mark.round == 2 and script.pk % 9 == 0 else 0)
                mark_submit(mark=mark, score=score, actor=mark.marker.user)
                counts["主观题评阅"] += 1
            third = (
                Mark.objects.filter(script=script, score__isnull=True)
                .select_related("marker__user")
                .first()
            )
            if third is not None:
                mark_submit(mark=third, score=base + 5, actor=third.marker.user)
                counts["主观题评阅"] += 1
            script.refresh_from_db()
            if script.status == ScriptStatus.NEEDS_ARBITRATION:
                script_arbitrate(script=script, score=base + 4, actor=markers[2].user)
        # 专业能力: three examiners' scoring sheets for the first room's worth of candidates,
        # the dedicated account's entry (paper sheets scored outside the platform) for the rest.
        sheets_left = 30
        for result in Result.objects.filter(
            batch=batch, practical_state=PartState.PENDING
        ).order_by("pk"):
            score = 52 + (result.pk * 13) % 45
            if sheets_left > 0:
                for examiner in markers[3:6]:
                    practical_sheet_submit(
                        result=result,
                        items=[
                            {"item": "1", "max": 50, "score": score / 2},
                            {"item": "2", "max": 50, "score": score / 2},
                        ],
                        actor=examiner.user,
                    )
                sheets_left -= 1
            else:
                result_score_enter(result=result, part="practical", score=score, actor=city.entry)
            counts["专业能力"] += 1
        for result in Result.objects.filter(batch=batch, panel_state=PartState.PENDING):
            for member in markers[3:6]:
                panel_mark_submit(
                    result=result, score=60 + (result.pk * 11) % 35, actor=member.user
                )
                counts["综合评审"] += 1
        batch_submit(batch=batch, actor=city.entry)

    def _responses_csv(self, paper: Paper, rows: list[Result], actor: Any) -> str:
        key, _items = paper_objective_key(paper=paper, actor=actor)
        letters = []
        for kind, mask in zip(key.types, key.keys, strict=True):
            if kind == "true_false":
                letters.append(("对" if mask & 1 else "错", "错" if mask & 1 else "对"))
            else:
                right = "".join(ch for bit, ch in enumerate("ABCDEFGH") if mask >> bit & 1)
                wrong = "B" if right != "B" else "C"
                letters.append((right, wrong))
        out = ["candidate_id,form," + ",".join(str(i) for i in range(1, len(letters) + 1))]
        form = form_letter(paper)
        for result in rows:
            ability = 0.45 + (result.pk * 37 % 100) / 200
            answers = [right if self.rng.random() < ability else wrong for right, wrong in letters]
            out.append(",".join([result.candidate_ref, form, *answers]))
        return "\n".join(out) + "\n"

    # --- 12. publication and re-check ------------------------------------------------------

    def stage_publication(self) -> None:
        for cities, day in (
            (self._main_cities(), dt.date(2026, 6, 29)),
            (self._postponed_cities(), dt.date(2026, 7, 27)),
        ):
            suffix = "（常州）" if cities and cities[0].code == POSTPONED else ""
            with self._stage("成绩发布与复查" + suffix, _at(day, 9)) as counts:
                rechecks = 0
                for city in cities:
                    assert city.plan and city.clerk
                    batch = ResultBatch.objects.get(plan=city.plan)
                    batch_publish(batch=batch, actor=city.officer)
                    # Candidates with their own accounts who scored lowest ask for a re-check
                    # of the theory paper (re-added and re-recorded, not re-marked).
                    near = (
                        Result.objects.filter(
                            batch=batch,
                            theory_score__isnull=False,
                            application__candidate__user__isnull=False,
                        )
                        .select_related("application__candidate__user")
                        .order_by("theory_score", "pk")[:2]
                    )
                    for result in near:
                        request = recheck_request(
                            result=result,
                            subject="theory",
                            reason="对理论知识成绩有疑问",
                            actor=result.application.candidate.user,
                        )
                        recheck_complete(
                            recheck=request, outcome="复核无误，维持原成绩", actor=city.clerk
                        )
                        rechecks += 1
                counts["发布批次"] = len(cities)
                counts["复查"] = rechecks

    # --- 13. registration ------------------------------------------------------------------

    def stage_registration(self) -> None:
        for cities, day in (
            (self._main_cities(), dt.date(2026, 7, 21)),
            (self._postponed_cities(), dt.date(2026, 8, 18)),
        ):
            suffix = "（常州）" if cities and cities[0].code == POSTPONED else ""
            with self._stage("登记备案" + suffix, _at(day, 9)) as counts:
                for city in cities:
                    batch = ResultBatch.objects.get(plan=city.plan)
                    batch_registration_submit(batch=batch, actor=city.clerk)
                    batch_register(batch=batch, actor=city.officer)
                counts["登记批次"] = len(cities)
                counts["登记成绩"] = Result.objects.filter(
                    batch__plan__code__startswith="SIM-2026-", batch__status=BatchStatus.REGISTERED
                ).count()

    # --- 14. certificates ------------------------------------------------------------------

    def stage_certificates(self) -> None:
        with self._stage("证书核发", _at(dt.date(2026, 8, 24), 9)) as counts:
            issued = 0
            for city in self.cities:
                ids = list(
                    Result.objects.filter(
                        batch__plan=city.plan, status=ResultStatus.REGISTERED, passed=True
                    ).values_list("pk", flat=True)
                )
                if ids and city.org is not None:
                    certificates_issue_batch(
                        organization=city.org, result_ids=ids, actor=city.clerk
                    )
                    issued += len(ids)
            self._drain_jobs()
            revoked = (
                Certificate.objects.filter(result__batch__plan__code__startswith="SIM-2026-")
                .order_by("pk")
                .first()
            )
            if revoked is not None:
                certificate_revoke(
                    certificate=revoked,
                    reason="举报核实：申报材料工作年限造假",
                    document_no="苏人社鉴〔2026〕1号",
                    actor=self.users["sim_sheng"],
                )
            counts["证书"] = Certificate.objects.filter(
                result__batch__plan__code__startswith="SIM-2026-"
            ).count()
            counts["撤销"] = 1 if revoked else 0

    # --- 15. verification ------------------------------------------------------------------

    def stage_verification(self) -> None:
        with self._stage("扫码查验", _at(dt.date(2026, 8, 25), 9)) as counts:
            host = next(
                (h for h in settings.ALLOWED_HOSTS if h != "*" and not h.startswith(".")),
                "localhost",
            )
            client = Client(HTTP_HOST=host)
            ok = refused = 0
            for certificate in Certificate.objects.filter(
                result__batch__plan__code__startswith="SIM-2026-"
            ).order_by("?")[:20]:
                response = client.get(f"/v/{certificate.token}")
                if response.status_code == 200:
                    ok += 1
                else:
                    refused += 1
            counts["查验成功"] = ok
            counts["查验失败"] = refused

    # --- 16. documents ---------------------------------------------------------------------

    def stage_pdfs(self) -> None:
        """Admission tickets (one PDF per room, the background job) and every certificate's
        PDF, timed apart from the rest because the targets differ."""

        with self._stage("准考证与证书 PDF", _at(dt.date(2026, 8, 26), 9)) as counts:
            sitting = Sitting.objects.get(code=SITTING_CODE)
            job = ticket_job_start(sitting=sitting, actor=self.users["sim_sheng"])
            self._drain_jobs()
            job = TicketJob.objects.get(pk=job.pk)
            counts["准考证"] = job.done
            pages = 0
            for certificate in Certificate.objects.filter(
                result__batch__plan__code__startswith="SIM-2026-"
            ).select_related("result", "organization"):
                pdf = certificate_pdf(certificate)
                if not pdf.startswith(b"%PDF"):
                    raise DomainError("simulate.pdf", f"证书 {certificate.number} 的 PDF 无效")
                pages += 1
            counts["证书PDF"] = pages

    # --- consistency -----------------------------------------------------------------------

    def consistency_check(self) -> None:
        problems: list[str] = []
        if self.expected["roster_errors"] != self.expected["roster_errors_seen"]:
            problems.append(
                f"花名册应报告 {self.expected['roster_errors']} 个错误行，"
                f"实际 {self.expected['roster_errors_seen']} 个"
            )
        if not self.expected["late_refused"]:
            problems.append("逾期备案未被拒绝")
        apps = Application.objects.filter(plan__code__startswith="SIM-2026-")
        approved = apps.filter(status=Status.APPROVED)
        results = Result.objects.filter(batch__plan__code__startswith="SIM-2026-")
        if approved.count() != results.count():
            problems.append(f"审核通过 {approved.count()} 人，成绩 {results.count()} 条")
        sitting = Sitting.objects.get(code=SITTING_CODE)
        seats = Seat.objects.filter(slot__sitting=sitting)
        if seats.count() != approved.count():
            problems.append(f"座位 {seats.count()} 个，审核通过 {approved.count()} 人")
        over = (
            seats.values("room_id", "room__rows", "room__cols")
            .annotate(n=Count("id"))
            .filter(n__gt=0)
        )
        for row in over:
            if row["n"] > row["room__rows"] * row["room__cols"]:
                problems.append(f"考场 {row['room_id']} 超员")
        policy = policy_for(province_code=PROVINCE)
        for slot in TimeSlot.objects.filter(sitting=sitting):
            per_room = Counter(
                StaffAssignment.objects.filter(slot=slot, duty="invigilator").values_list(
                    "room_id", flat=True
                )
            )
            seated = Counter(Seat.objects.filter(slot=slot).values_list("room_id", flat=True))
            for room_id, n in seated.items():
                need = max(policy.min_invigilators_theory, math.ceil(n / policy.invigilator_per))
                if per_room.get(room_id, 0) < need:
                    problems.append(f"考场 {room_id} 监考 {per_room.get(room_id, 0)} 人，应≥{need}")
        for plan in EvaluationPlan.objects.filter(code__startswith="SIM-2026-"):
            if plan.seats_taken > plan.capacity:
                problems.append(f"计划 {plan.code} 超出名额")
        unresolved = results.exclude(status=ResultStatus.REGISTERED)
        if unresolved.exists():
            problems.append(f"{unresolved.count()} 条成绩未登记备案")
        pass_rule = Q(theory_score__gte=60, practical_score__gte=60) & (
            Q(level__gte=3) | Q(panel_score__gte=60)
        )
        wrong = results.filter(passed=True).exclude(pass_rule).count()
        if wrong:
            problems.append(f"{wrong} 条成绩判为合格但有科目不足 60 分")
        silent = results.filter(
            Q(theory_state=PartState.PENDING) | Q(practical_state=PartState.PENDING)
        ).count()
        if silent:
            problems.append(f"{silent} 条成绩仍有待评分科目")
        passed = results.filter(passed=True).count()
        certs = Certificate.objects.filter(
            result__batch__plan__code__startswith="SIM-2026-"
        ).count()
        if certs != passed:
            problems.append(f"合格 {passed} 人，证书 {certs} 张")
        _, chain_break = audit_verify()
        if chain_break is not None:
            problems.append(f"审计链断裂：{chain_break}")
        accounted = Counter(apps.values_list("status", flat=True))
        self.out(
            "一致性检查："
            + ("通过" if not problems else "未通过")
            + f"（申报 {apps.count()}，通过 {approved.count()}，合格 {passed}，证书 {certs}，"
            + "，".join(f"{Status(k).label} {v}" for k, v in sorted(accounted.items()))
            + "）"
        )
        for problem in problems:
            self.out(f"  × {problem}")
        self.report.lines = problems
        if problems:
            raise DomainError("simulate.inconsistent", "；".join(problems[:5]))
