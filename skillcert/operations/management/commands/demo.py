"""`manage.py demo`: a small coherent province for trying the product. Idempotent: running it
again changes nothing and prints the same logins.

The story is told in two tenses so that it holds on whatever day the demo is loaded:
- **a completed assessment in 2026**, on a simulated clock inside the bundled holiday calendar
  (organisations filed in June, applications in August, the plan filed 15 working days ahead,
  the exam in September, results published, the re-check window closed, registration and
  certificates in October, a complaint in November): every stage follows the one before it;
- **today's work**: a plan whose application window is open around the day of loading, with
  applications waiting at each review tier and not yet filed, so a newcomer can review them and
  file the plan from the web (or read which year's calendar is missing and how to add it).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import time_machine
from django.core.management.base import BaseCommand, CommandParser
from django.db import transaction
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from skillcert.accounts.actors import DEMO
from skillcert.accounts.models import Role, User
from skillcert.accounts.services import role_grant, totp_enrolment_issue, user_create
from skillcert.applications.demo import load_applications_demo, load_open_plan_demo
from skillcert.certificates.demo import load_certificates_demo
from skillcert.eligibility.demo import load_eligibility_demo
from skillcert.exams.demo import load_exams_demo
from skillcert.exams.models import Sitting
from skillcert.itembank.demo import load_itembank_demo
from skillcert.occupations.demo import load_catalogue_demo
from skillcert.operations.simulation import PASSWORD as SIM_PASSWORD
from skillcert.operations.simulation import SCALES, SITTING_CODE, Simulation
from skillcert.organizations.demo import load_organizations_demo
from skillcert.organizations.models import EvaluationOrg, OrgKind
from skillcert.organizations.services import organization_create
from skillcert.personnel.demo import load_personnel_current_month, load_personnel_demo
from skillcert.regions.models import Region
from skillcert.reporting.demo import load_reporting_demo
from skillcert.scoring.demo import load_registration_demo, load_scoring_demo
from skillcert.supervision.demo import load_complaint_demo, load_supervision_demo

DEMO_PASSWORD = "Skillcert-Demo-2026"  # noqa: S105 - printed demo credential, by design
SYSTEM = DEMO

# (username, full name, role, region code or org key)
PEOPLE = [
    ("admin", "平台管理员", None, None),
    ("sheng", "王省级", Role.PROVINCE_OFFICER, "320000"),
    ("nanjing", "李南京", Role.CITY_OFFICER, "320100"),
    ("suzhou", "赵苏州", Role.CITY_OFFICER, "320500"),
    ("org_a_admin", "陈机构甲", Role.ORG_ADMIN, "A"),
    ("org_a", "周经办甲", Role.ORG_CLERK, "A"),
    ("org_b", "吴经办乙", Role.ORG_CLERK, "B"),
    ("kaoping", "郑考评", Role.EXAMINER, None),
    ("dudao", "孙督导", Role.SUPERVISOR, None),
    ("kaosheng", "钱考生", Role.CANDIDATE, None),
]

# (key, name, kind, USCC, region)
ORGS = [
    ("A", "南京金陵人力资源职业技能评价中心", OrgKind.SOCIAL, "91320102MA1N2K3L4", "320102"),
    ("B", "苏州工业园区技能评价有限公司", OrgKind.SOCIAL, "91320594MA1P5Q6R7", "320505"),
    ("C", "江苏苏宁电器集团有限公司", OrgKind.EMPLOYER, "91320000134790127", "320106"),
]


# The completed assessment's days (story clock), in order.
STORY_SETUP = dt.date(2026, 6, 1)  # catalogue, organisations filed, item bank
STORY_APPLICATIONS = dt.date(2026, 8, 17)  # roster imported, three-tier review
STORY_FILING = dt.date(2026, 8, 24)  # plan filed (exam 20 working days on), sitting set up
STORY_EXAM = dt.date(2026, 9, 20)  # 20 working days after filing (exams demo); on-site visit
STORY_SCORING = dt.date(2026, 9, 28)  # after the exam: scores entered, results published
STORY_REGISTRATION = dt.date(2026, 10, 27)  # the 15-working-day re-check window has closed
STORY_CERTIFICATES = dt.date(2026, 10, 30)  # certificates; examiners' records to date
STORY_COMPLAINT = dt.date(2026, 11, 16)  # a complaint still being handled


@contextmanager
def story_clock(day: dt.date, hour: int = 9) -> Iterator[None]:
    """Run a stage of the completed assessment with "now" on its day (ticking)."""
    moment = dt.datetime.combine(day, dt.time(hour), tzinfo=timezone.get_default_timezone())
    with time_machine.travel(moment, tick=True):
        yield


def _valid_uscc(stem: str) -> str:
    from skillcert.common.identifiers import uscc_check_digit

    return stem + uscc_check_digit(stem)


class Command(BaseCommand):
    help = "创建演示数据（可重复执行）并打印演示账户"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--simulation",
            choices=["demo", "tiny", "none"],
            default="demo",
            help="附带模拟的统考规模（默认 demo：约三百名考生；none：不模拟）",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        orgs = self._story()
        self._simulation(options["simulation"])
        # Statistics read the summary: bring it up to date with everything above.
        load_reporting_demo(SYSTEM)
        self._print_logins(orgs)

    def _story(self) -> dict[str, EvaluationOrg]:
        """The completed 2026 assessment, stage by stage, then today's open plan."""
        stage = self._stage
        with transaction.atomic():
            with stage("账户、职业目录、机构备案与题库", STORY_SETUP):
                orgs = self._people_and_organisations()
                load_catalogue_demo(SYSTEM)
                load_eligibility_demo(SYSTEM)
                load_organizations_demo(SYSTEM)
                load_itembank_demo(SYSTEM)
            with stage("花名册导入与三级审核", STORY_APPLICATIONS):
                load_applications_demo(SYSTEM, orgs["A"])
            with stage("评价计划备案、统考设置、座位与准考证", STORY_FILING):
                load_exams_demo(SYSTEM)
            with stage("考试日现场督导", STORY_EXAM, 17):
                load_supervision_demo(SYSTEM)
            with stage("评分与成绩发布", STORY_SCORING):
                load_scoring_demo(SYSTEM)
            with stage("复查期满后登记备案", STORY_REGISTRATION):
                load_registration_demo(SYSTEM)
            with stage("证书核发与考评人员记录", STORY_CERTIFICATES):
                load_certificates_demo(SYSTEM)
                load_personnel_demo(SYSTEM)
            with stage("投诉受理", STORY_COMPLAINT):
                load_complaint_demo(SYSTEM)
            self.stdout.write("  演示：今天正在报名的计划（待三级审核、待备案）")
            # Today's work, on the real clock.
            load_open_plan_demo(SYSTEM, orgs["A"])
            load_personnel_current_month(SYSTEM)
        return orgs

    def _simulation(self, scale: str) -> None:
        if scale != "none" and not Sitting.objects.filter(code=SITTING_CODE).exists():
            # A small simulated province (seed 000's sitting, three cities) so every page has
            # data at every stage; outside the story's transaction because its background jobs
            # (certificate batches) run from the queue after their rows are committed.
            self.stdout.write("正在模拟一次小规模统考（全流程）……")
            Simulation(scale=SCALES[scale], out=self.stdout.write).run()
        if Sitting.objects.filter(code=SITTING_CODE).exists():
            self.stdout.write(
                f"模拟统考账户（密码均为 {SIM_PASSWORD}）：sim_sheng（省级）、"
                "sim_city_320100（南京市）、sim_org_320100（南京考核点经办）、"
                "sim_kp_320100_02（主考，成绩录入）、sim_ks_000（自主报名考生）"
            )

    def _print_logins(self, orgs: dict[str, EvaluationOrg]) -> None:
        self.stdout.write(f"演示数据已就绪。演示账户（密码均为 {DEMO_PASSWORD}）：")
        for username, full_name, role, scope_key in PEOPLE:
            label = Role(role).label if role else "平台管理员（超级用户）"
            where = ""
            if scope_key and scope_key.isdigit():
                where = Region.objects.get(code=scope_key).name
            elif scope_key:
                where = orgs[scope_key].name
            self.stdout.write(f"  {username:<12} {full_name}  {label} {where}".rstrip())
        self.stdout.write(
            "人社部门账户及 admin 首次登录须输入一次性绑定码，再绑定身份验证器（TOTP）。"
            "尚未绑定的演示账户的绑定码："
        )
        for username in ("admin", "sheng", "nanjing", "suzhou"):
            user = User.objects.get(username=username)
            if not TOTPDevice.objects.filter(user=user, confirmed=True).exists():
                code = totp_enrolment_issue(user=user, actor=SYSTEM)
                self.stdout.write(f"  {username:<12} {code}")
        self.stdout.write(
            "其他账户的绑定码：`python manage.py totp 用户名 --enrolment-code`；"
            "无手机时 `python manage.py totp 用户名` 显示已绑定身份验证器的当前动态口令。"
        )

    @contextmanager
    def _stage(self, label: str, day: dt.date, hour: int = 9) -> Iterator[None]:
        self.stdout.write(f"  演示：{label}（{day:%Y-%m-%d}）")
        with story_clock(day, hour):
            yield

    def _people_and_organisations(self) -> dict[str, EvaluationOrg]:
        orgs: dict[str, EvaluationOrg] = {}
        for key, name, kind, stem, region_code in ORGS:
            uscc = _valid_uscc(stem)
            org = EvaluationOrg.objects.filter(uscc=uscc).first()
            if org is None:
                org = organization_create(
                    name=name,
                    kind=kind,
                    uscc=uscc,
                    region=Region.objects.get(code=region_code),
                    actor=SYSTEM,
                )
            orgs[key] = org
        for username, full_name, role, scope_key in PEOPLE:
            user = User.objects.filter(username=username).first()
            if user is None:
                user = user_create(
                    username=username,
                    password=DEMO_PASSWORD,
                    full_name=full_name,
                    actor=SYSTEM,
                    is_superuser=role is None,
                )
            if role is None:
                continue
            region = (
                Region.objects.get(code=scope_key) if scope_key and scope_key.isdigit() else None
            )
            org = orgs.get(scope_key or "")
            if not user.roles.filter(role=role, active=True).exists():
                role_grant(user=user, role=role, region=region, organization=org, actor=SYSTEM)
        return orgs
