"""Demo data for `manage.py demo` (after the applications demo): the demo plan filed with its
sessions and examiners and approved by the city; a unified sitting with the
Nanjing and Suzhou districts, a site each, paper and practical rooms and two slots; the
province's pending final review approved; seats drawn with a recorded seed, tickets issued and
their PDFs queued. Idempotent: does nothing once the sitting exists."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from skillcert.accounts.actors import DEMO, Actor
from skillcert.accounts.models import User
from skillcert.applications.models import Application, Status, Tier
from skillcert.applications.services import application_review
from skillcert.common.errors import DomainError
from skillcert.common.identifiers import id_number_check_digit
from skillcert.exams.models import Sitting, TicketJob
from skillcert.exams.services import (
    district_add,
    room_add,
    seats_assign,
    site_add,
    sitting_create,
    sitting_plan_add,
    slots_add,
    ticket_job_start,
)
from skillcert.occupations.models import Occupation
from skillcert.personnel.demo import declaration_scan
from skillcert.personnel.models import Person, PersonRole
from skillcert.personnel.selectors import person_by_id_number
from skillcert.personnel.services import declaration_record, qualification_override_record
from skillcert.plans.models import EvaluationPlan, FilingStatus, PlanStatus, Subject
from skillcert.plans.services import (
    plan_close,
    plan_file,
    plan_review,
    plan_session_add,
    plan_staff_set,
)
from skillcert.regions.models import Region
from skillcert.workdays.selectors import workdays_add

SITTING_CODE = "DEMO-JS-TK01"
PLAN_CODE = "DEMO-2026-NJ01"
SEED = 20260613  # the demo's public draw
# (id stem, name, role) — stand-ins for people who went through the card flow (personnel demo
# shows that flow for 劳动关系协调师); these hold 企业人力资源管理师 roles.
STAFF = [
    ("32010219790512101", "冯监考", "examiner"),
    ("32010219810623102", "陈监考", "examiner"),
    ("32050519830704103", "褚考评", "examiner"),
    ("32050519800815104", "卫考评", "examiner"),
    # a practical session of 30 needs 7 examiners (1 per 5, odd)
    ("32010419820316107", "杨考评", "examiner"),
    ("32010519850417108", "朱考评", "examiner"),
    ("32050819840518109", "秦考评", "examiner"),
    ("32010619760926105", "蒋督导", "supervisor_external"),
    ("32050619771007106", "沈督导", "supervisor_external"),
]


def _at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=timezone.get_current_timezone())


def _qualify(person: Person, role: str, occupation: Occupation, today: dt.date) -> None:
    """Staffing binds to a passed qualification check: the demo staff signed the declaration,
    and the province accepted the examiners (who hold no certificate in the demo) by a
    recorded decision."""
    signed = today - dt.timedelta(days=365)
    declaration_record(
        person=person,
        signed_on=signed,
        upload=declaration_scan(person.name),
        actor=DEMO,
        today=signed,
    )
    if role in ("examiner", "senior_examiner"):
        qualification_override_record(
            person=person,
            role=role,
            occupation=occupation,
            level_high=1,
            level_low=5,
            province=Region.objects.get(code="320000"),
            reason="演示数据：考评人员不足，省鉴定中心决定暂由其承担考评工作",
            document_number="演示〔2026〕1号",
            actor=DEMO,
            today=signed,
        )


def _staff(occupation: Occupation, today: dt.date) -> list[Person]:
    people = []
    for stem, name, role in STAFF:
        number = stem + id_number_check_digit(stem)
        person = person_by_id_number(number)
        if person is None:
            person = Person.objects.create(
                id_number=number,
                name=name,
                gender="M",
                birth_date=dt.date(int(stem[6:10]), int(stem[10:12]), int(stem[12:14])),
                education="bachelor",
                employer_name=f"{name}所在单位",
                region_id=stem[:6],
            )
            PersonRole.objects.create(
                person=person,
                role=role,
                occupation=occupation,
                level_high=1,
                level_low=5,
                province_id="320000",
                valid_from=today - dt.timedelta(days=365),
                valid_until=today + dt.timedelta(days=365 * 3),
            )
            _qualify(person, role, occupation, today)
        people.append(person)
    return people


def _demo_plan_filed(
    plan: EvaluationPlan, exam_day: dt.date, people: list[Person], clerk: User, city: User
) -> EvaluationPlan:
    """The organisation closes, fills in and files its plan; the city approves it."""
    if plan.status == PlanStatus.OPEN:
        plan = plan_close(plan=plan, actor=clerk)  # the window is over before the plan is filed
    if plan.filing_status == FilingStatus.UNFILED:
        plan_session_add(
            plan=plan,
            subject=Subject.THEORY,
            starts_at=_at(exam_day, 9),
            ends_at=_at(exam_day, 10, 30),
            site="南京市职业技能鉴定中心考点",
            expected=30,
            actor=clerk,
        )
        plan_session_add(
            plan=plan,
            subject=Subject.PRACTICAL,
            starts_at=_at(exam_day, 14),
            ends_at=_at(exam_day, 16),
            site="南京市职业技能鉴定中心考点",
            expected=30,
            actor=clerk,
        )
        # A social plan names no supervisor: the authority appoints the on-site one (the
        # supervision demo, on the exam day).
        examiners = [
            p for p, (_stem, _name, role) in zip(people, STAFF, strict=True) if role == "examiner"
        ]
        plan_staff_set(plan=plan, examiners=examiners, supervisor=None, actor=clerk)
        plan_file(plan=plan, actor=clerk)
        plan_review(plan=plan, approve=True, actor=city)
        plan.refresh_from_db()
    return plan


def _demo_sitting(plan: EvaluationPlan, exam_day: dt.date, province: User) -> Sitting:
    """The sitting with the plan in it and two districts (Nanjing, Suzhou)."""
    used = set(
        Sitting.objects.filter(province_id="320000", year=exam_day.year).values_list(
            "serial", flat=True
        )
    )
    sitting = sitting_create(
        code=SITTING_CODE,
        title=f"{exam_day.year}年江苏省企业人力资源管理师职业技能等级认定统一考试（演示）",
        province=Region.objects.get(code="320000"),
        year=exam_day.year,
        serial=min(set(range(1, 100)) - used),
        actor=province,
    )
    sitting_plan_add(sitting=sitting, plan=plan, actor=province)
    nanjing = district_add(
        sitting=sitting,
        city=Region.objects.get(code="320100"),
        office_name="南京市职业技能鉴定指导中心考核点",
        office_address="南京市玄武区北京东路41号",
        office_phone="025-00000000",
        actor=province,
    )
    suzhou = district_add(
        sitting=sitting,
        city=Region.objects.get(code="320500"),
        office_name="苏州市职业技能鉴定中心考核点",
        office_address="苏州市姑苏区三香路120号",
        actor=province,
    )
    for district, code, name, address in (
        (nanjing, "01", "南京市第一考点（南京工业职业技术大学）", "南京市栖霞区羊山北路1号"),
        (suzhou, "01", "苏州市第一考点（苏州市职业大学）", "苏州市吴中区国际教育园致能大道106号"),
    ):
        site = site_add(district=district, code=code, name=name, address=address, actor=province)
        room_add(
            site=site, code="001", kind="paper", rows=6, cols=5, actor=province, location="1号楼101"
        )
        room_add(
            site=site,
            code="002",
            kind="paper",
            rows=6,
            cols=5,
            actor=province,
            location="1号楼102",
            accessible=True,
            door="front_right",
        )
        room_add(
            site=site,
            code="101",
            kind="practical",
            rows=4,
            cols=5,
            actor=province,
            location="实训楼201",
        )
    return sitting


def _demo_seated(sitting: Sitting, exam_day: dt.date, province: User) -> None:
    """Two time slots seated by the public draw, and the ticket job started."""
    slots = slots_add(
        sitting=sitting,
        subject=Subject.THEORY,
        starts_at=_at(exam_day, 9),
        ends_at=_at(exam_day, 10, 30),
        actor=province,
    )
    slots += slots_add(
        sitting=sitting,
        subject=Subject.PRACTICAL,
        starts_at=_at(exam_day, 14),
        ends_at=_at(exam_day, 16),
        actor=province,
    )
    seated = False
    for slot in slots:
        try:
            seats_assign(slot=slot, seed=SEED, actor=province)
            seated = True
        except DomainError:
            continue  # a district without approved candidates: nothing to seat
    if seated and not TicketJob.objects.filter(sitting=sitting).exists():
        ticket_job_start(sitting=sitting, actor=province)


def load_exams_demo(actor: Actor) -> None:
    if Sitting.objects.filter(code=SITTING_CODE).exists():
        return
    plan = EvaluationPlan.objects.filter(code=PLAN_CODE).select_related("organization").first()
    clerk = User.objects.filter(username="org_a").first()
    city = User.objects.filter(username="nanjing").first()
    province = User.objects.filter(username="sheng").first()
    if plan is None or clerk is None or city is None or province is None:
        return
    today = timezone.localdate()
    try:
        # Far enough ahead for the 15-working-day filing rule.
        exam_day = workdays_add(today, 20)
    except DomainError:
        return  # the calendar does not reach that far yet; the province enters the next year
    occupation = plan.offerings.select_related("occupation").first()
    if occupation is None:
        return
    people = _staff(occupation.occupation, today)
    plan = _demo_plan_filed(plan, exam_day, people, clerk, city)
    if plan.filing_status != FilingStatus.APPROVED:
        return
    for application in Application.objects.filter(plan=plan, status=Status.PROVINCE_REVIEW):
        application_review(
            application=application, tier=Tier.PROVINCE, decision="approve", actor=province
        )
    sitting = _demo_sitting(plan, exam_day, province)
    _demo_seated(sitting, exam_day, province)
