"""Demo personnel for `manage.py demo` (after the catalogue demo): the demo user "kaoping" as
an examiner of 劳动关系协调师 who went through the June 2026 training and holds a card, "dudao"
as an external quality supervisor, two more examiners without accounts, and this month's
plan when the calendar covers it. Idempotent."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from skillcert.accounts.actors import Actor
from skillcert.accounts.models import User
from skillcert.common.identifiers import id_number_check_digit
from skillcert.occupations.models import Occupation
from skillcert.organizations.models import EvaluationOrg
from skillcert.personnel.models import (
    LEARNING_MINUTES_PER_DAY,
    CourseUnit,
    Person,
    PersonRole,
    PracticeDuty,
    QualificationRule,
    Registration,
    RoleKind,
    TrainingPlan,
    TrainingTopic,
)
from skillcert.personnel.selectors import course_units_for_registration, person_by_id_number
from skillcert.personnel.services import (
    CertificateEntry,
    PersonEntry,
    TitleEntry,
    WorkEntry,
    card_collect,
    card_issue,
    confidentiality_sign,
    course_completion_record,
    course_unit_create,
    declaration_record,
    exam_result_record,
    person_certificate_add,
    person_register,
    person_title_add,
    person_work_add,
    pledge_sign,
    qualification_rule_publish,
    registration_city_review,
    registration_province_review,
    registration_recommend,
    registration_submit,
    role_appoint,
    sitting_record,
    training_plan_publish,
)
from skillcert.regions.models import Region
from skillcert.workdays.models import CalendarYear

LDGX = "4-07-03-03"

# (id stem without check digit, name, username or "", region, education)
PEOPLE = [
    ("32010219800304001", "郑考评", "kaoping", "320102", "bachelor"),
    ("32010619781121002", "孙督导", "dudao", "320106", "master"),
    ("32050519850716003", "周立新", "", "320505", "college"),
    ("32010219900208004", "吴晓燕", "", "320102", "bachelor"),
]


# One course unit per training topic of seed 003 §三: two hours each, the ten hours a
# demo plan requires.
COURSE_UNITS = [
    (TrainingTopic.POLICY, "技能人才评价政策与制度体系", 120),
    (TrainingTopic.CLASSIFICATION, "职业分类与命（审）题技术", 120),
    (TrainingTopic.PROCEDURE, "考评程序、技术和方法", 120),
    (TrainingTopic.ADMINISTRATION, "考务管理流程与规范", 120),
    (TrainingTopic.MANAGEMENT, "考评员的管理使用", 120),
]


def course_units_seed(province: Region, actor: Actor) -> list[CourseUnit]:
    """The province's course units of the five topics (added once)."""
    units = []
    for topic, title, minutes in COURSE_UNITS:
        unit = CourseUnit.objects.filter(province=province, title=title).first()
        units.append(
            unit
            or course_unit_create(
                province=province, topic=topic, title=title, minutes=minutes, actor=actor
            )
        )
    return units


def course_learn(
    registration: Registration,
    *,
    actor: Actor,
    first_day: dt.date,
    minutes: int | None = None,
) -> int:
    """Record the course's completion events of the plan's units in order, from
    `first_day` on and at most a course day per day, until `minutes` (default: the plan's
    required time) are reached; returns the minutes learned."""
    plan = registration.plan
    target = plan.required_minutes if minutes is None else minutes
    day, that_day = first_day, 0
    for unit in course_units_for_registration(registration=registration).order_by("id"):
        if registration.learned_minutes >= target:
            break
        if registration.completions.filter(unit=unit).exists():
            continue
        if that_day + unit.minutes > LEARNING_MINUTES_PER_DAY:
            day, that_day = day + dt.timedelta(days=1), 0
        course_completion_record(
            registration=registration, unit=unit, completed_on=day, actor=actor, today=plan.exam_on
        )
        that_day += unit.minutes
    return registration.learned_minutes


def course_schedule(
    units: Iterable[CourseUnit], *, first_day: dt.date, minutes: int
) -> list[tuple[CourseUnit, dt.date]]:
    """The completion days `course_learn` gives a fresh registration: the units in order,
    from `first_day` on and at most a course day per day, until `minutes` are reached (the
    course platform's file for `course_completions_record_bulk`)."""
    schedule: list[tuple[CourseUnit, dt.date]] = []
    day, that_day, learned = first_day, 0, 0
    for unit in units:
        if learned >= minutes:
            break
        if that_day + unit.minutes > LEARNING_MINUTES_PER_DAY:
            day, that_day = day + dt.timedelta(days=1), 0
        schedule.append((unit, day))
        that_day += unit.minutes
        learned += unit.minutes
    return schedule


def examiner_plan(province: Region, year: int, month: int, actor: Actor) -> TrainingPlan:
    """The province's examiner training plan of the month (published once)."""
    plan = TrainingPlan.objects.filter(
        province=province, year=year, month=month, role=RoleKind.EXAMINER
    ).first()
    return plan or training_plan_publish(
        province=province,
        year=year,
        month=month,
        role=RoleKind.EXAMINER,
        required_minutes=600,
        venue="各市职业技能鉴定中心",
        actor=actor,
    )


def examiner_file_record(
    person: Person,
    *,
    certificates: dict[Occupation, str],
    issued_on: dt.date,
    work: tuple[str, dt.date],
    title_on: dt.date,
    actor: Actor,
) -> None:
    """An examiner's file as the demo and the simulation build it: the signed declaration,
    a 二级 certificate (`certificates` maps each occupation to its number) and an open work
    record per occupation, and a 中级 经济师 title."""
    declaration_record(
        person=person,
        signed_on=DECLARED_ON,
        upload=declaration_scan(person.name),
        actor=actor,
        today=DECLARED_ON,
    )
    description, start = work
    for occupation, number in certificates.items():
        person_certificate_add(
            person=person,
            occupation=occupation,
            level=2,
            number=number,
            issued_on=issued_on,
            actor=actor,
        )
        person_work_add(
            person=person,
            occupation=occupation,
            description=description,
            start=start,
            end=None,
            actor=actor,
        )
    person_title_add(
        person=person,
        grade="中级",
        name="经济师",
        major="人力资源管理",
        obtained_on=title_on,
        actor=actor,
    )


def examiner_entry(
    *,
    id_number: str,
    name: str,
    region: Region,
    employer_name: str,
    phone: str,
    user: User | None,
    certificates: dict[Occupation, str],
    issued_on: dt.date,
    work: tuple[str, dt.date],
    title_on: dt.date,
) -> PersonEntry:
    """The row of a city's intake sheet (`people_register_bulk`) for an examiner with the
    file `examiner_file_record` builds (without the declaration, which comes as a signed
    scan of its own): a 二级 certificate and an open work record per occupation, and a 中级
    经济师 title."""
    description, start = work
    return PersonEntry(
        id_number=id_number,
        name=name,
        education="bachelor",
        employer_name=employer_name,
        region=region,
        phone=phone,
        user=user,
        certificates=[
            CertificateEntry(occupation, 2, number, issued_on)
            for occupation, number in certificates.items()
        ],
        titles=[TitleEntry("中级", "经济师", "人力资源管理", title_on)],
        work=[WorkEntry(description, start, None, occupation) for occupation in certificates],
    )


def examiner_train(
    plan: TrainingPlan,
    person: Person,
    *,
    occupation: Occupation,
    score: int,
    actor: Actor,
    city_officer: Actor,
    province_officer: Actor,
) -> Registration:
    """One examiner through the plan's training up to the signed pledge (二级 to 五级):
    registered on the publication day, recommended, approved by the city and the province,
    the course's units learned from the day registration closes, the exam passed with
    `score`. The card is the caller's."""
    reg = registration_submit(
        plan=plan,
        person=person,
        occupation=occupation,
        level_high=2,
        level_low=5,
        actor=actor,
        today=plan.published_on,
    )
    registration_recommend(registration=reg, actor=actor)
    registration_city_review(registration=reg, approve=True, actor=city_officer)
    registration_province_review(registration=reg, approve=True, actor=province_officer)
    # The course platform's completion events of the province's course units.
    course_units_seed(plan.province, actor)
    course_learn(reg, actor=city_officer, first_day=plan.registration_closes_on)
    exam_result_record(registration=reg, score=score, actor=actor)
    pledge_sign(registration=reg, actor=actor)
    return reg


def _demo_person(
    stem: str,
    name: str,
    username: str,
    region_code: str,
    education: str,
    *,
    occupation: Occupation,
    org_a: EvaluationOrg | None,
    actor: Actor,
) -> Person:
    """The person with a certificate, a title and a work record (registered once)."""
    number = stem + id_number_check_digit(stem)
    person = person_by_id_number(number)
    if person is not None:
        return person
    user = User.objects.filter(username=username).first() if username else None
    employer = org_a if region_code == "320102" else None
    region = Region.objects.get(code=region_code)
    person = person_register(
        id_number=number,
        name=name,
        education=education,
        employer_name=employer.name if employer else f"{name}所在单位",
        employer=employer,
        region=region,
        phone="139" + stem[-8:],
        address=f"{region.name}人民路1号",
        user=user,
        actor=actor,
    )
    examiner_file_record(
        person,
        certificates={occupation: f"DEMO{stem[-6:]}"},
        issued_on=dt.date(2018, 6, 1),
        work=("劳动关系协调", dt.date(2012, 7, 1)),
        title_on=dt.date(2016, 11, 1),
        actor=actor,
    )
    return person


DECLARED_ON = dt.date(2026, 1, 5)


def declaration_scan(name: str) -> SimpleUploadedFile:
    """A stand-in for the scan of the person's signed declaration (a minimal PDF)."""
    body = f"%PDF-1.4\n% declaration of {name}\n%%EOF\n".encode()
    return SimpleUploadedFile("个人声明.pdf", body, content_type="application/pdf")


def _demo_trained_examiner(
    kaoping: Person,
    *,
    occupation: Occupation,
    province: Region,
    org_a: EvaluationOrg | None,
    actor: Actor,
) -> None:
    """Through the June 2026 training to a collected card, then two sittings served."""
    june = examiner_plan(province, 2026, 6, actor)
    if Registration.objects.filter(plan=june, person=kaoping).exists():
        return
    reg = examiner_train(
        june,
        kaoping,
        occupation=occupation,
        score=88,
        actor=actor,
        city_officer=actor,
        province_officer=actor,
    )
    card = card_issue(registration=reg, actor=actor, issued_on=dt.date(2026, 7, 1))
    card_collect(card=card, actor=actor, on=dt.date(2026, 7, 2))
    if org_a is None:
        return
    for day in (dt.date(2026, 8, 15), dt.date(2026, 9, 19)):
        sitting_record(
            person=kaoping,
            organization=org_a,
            held_on=day,
            duty=PracticeDuty.EXAMINER,
            room="第1考场",
            occupation=occupation,
            level=4,
            actor=actor,
        )


def load_personnel_demo(actor: Actor) -> None:
    occupation = Occupation.objects.get(code=LDGX)
    province = Region.objects.get(code="320000")
    org_a = EvaluationOrg.objects.filter(region_id="320102").order_by("id").first()
    people = {
        row[1]: _demo_person(*row, occupation=occupation, org_a=org_a, actor=actor)
        for row in PEOPLE
    }
    _demo_trained_examiner(
        people["郑考评"], occupation=occupation, province=province, org_a=org_a, actor=actor
    )
    dudao = people["孙督导"]
    if not PersonRole.objects.filter(person=dudao, role=RoleKind.SUPERVISOR_EXTERNAL).exists():
        roles_appoint(
            dudao,
            role=RoleKind.SUPERVISOR_EXTERNAL,
            occupations=[occupation],
            province=province,
            actor=actor,
            on=dt.date(2026, 7, 1),
        )


def roles_appoint(
    person: Person,
    *,
    role: str,
    occupations: Iterable[Occupation],
    province: Region,
    actor: Actor,
    on: dt.date,
) -> None:
    """The province's appointment of the person to `role` for 一级 to 五级 of each
    occupation (the demo's and the simulation's supervisors and question setters)."""
    for occupation in occupations:
        role_appoint(
            person=person,
            role=role,
            occupation=occupation,
            level_high=1,
            level_low=5,
            province=province,
            actor=actor,
            today=on,
        )


# The conditions for 企业人力资源管理师 question setters in the demo and the simulation: no
# text for that occupation is at hand, so the published 劳动关系协调员 setter conditions'
# first clause (人社厅（2023）通知 三) stands in, marked as such.
HR_SETTER_RULE: dict[str, Any] = {
    "code": "demo-hr-question-setter",
    "role": "question_setter",
    "province": "32",
    "occupation_code": "4-07-03-02",
    "title": "企业人力资源管理师命题人员条件（演示）",
    "source": "演示：参照人社厅（2023）劳动关系协调师职业技能等级认定工作通知 三",
    "related_majors": ["人力资源管理", "劳动与社会保障", "工商企业管理"],
    "clauses": [
        {
            "letter": "a",
            "text": "持有企业人力资源管理师二级及以上职业技能等级证书（职业资格证书），"
            "并与评价机构签订保密协议。",
            "level_high": 1,
            "level_low": 5,
            "condition": {"certificate": {"level": 2}},
            "confidentiality": True,
        }
    ],
}


def hr_setter_rule_publish(actor: Actor) -> None:
    """The stand-in conditions above, once."""
    if not QualificationRule.objects.filter(code=HR_SETTER_RULE["code"]).exists():
        qualification_rule_publish(document=HR_SETTER_RULE, actor=actor)


def question_setter_appoint(
    *,
    person: Person,
    occupations: list[Occupation],
    organization: EvaluationOrg,
    on: dt.date,
    actor: Actor,
    officer: Actor | None = None,
) -> None:
    """A question setter as seed 001 §三 wants one, for the demo and the simulation: a 二级
    certificate in each occupation, the signed declaration, a confidentiality agreement with
    `organization`, and the province's appointment (by `officer`, default `actor`)."""
    declaration_record(
        person=person, signed_on=on, upload=declaration_scan(person.name), actor=actor, today=on
    )
    confidentiality_sign(person=person, organization=organization, signed_on=on, actor=actor)
    for occupation in occupations:
        person_certificate_add(
            person=person,
            occupation=occupation,
            level=2,
            number=f"SET{person.pk:06d}{occupation.code[-1]}",
            issued_on=dt.date(2012, 6, 1),
            actor=actor,
        )
    roles_appoint(
        person,
        role=RoleKind.QUESTION_SETTER,
        occupations=occupations,
        province=Region.objects.get(code=f"{person.region_id[:2]}0000"),
        actor=officer or actor,
        on=on,
    )


def load_personnel_current_month(actor: Actor) -> None:
    """This month's examiner training plan, when the calendar covers this year (the plan's
    dates are working days)."""
    province = Region.objects.filter(code="320000").first()
    today = timezone.localdate()
    if province is not None and CalendarYear.objects.filter(year=today.year).exists():
        examiner_plan(province, today.year, today.month, actor)
