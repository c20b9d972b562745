"""Batch form of the register: a city officer's (or an employer's) sheet of new people with
their files (certificates, titles, work history), as a training month's intake arrives.
Every row is checked as `person_register`, `person_certificate_add`, `person_title_add` and
`person_work_add` check one; the sheet is refused whole, naming the row, and one audit
event commits to every row."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.db import IntegrityError, transaction

from skillcert.accounts.actors import Actor
from skillcert.audit.services import audit_record_batch
from skillcert.common.errors import DomainError
from skillcert.common.identifiers import parse_id_number, validate_mobile
from skillcert.common.pii import pii_digest
from skillcert.personnel.models import (
    EducationLevel,
    Person,
    PersonCertificate,
    PersonTitle,
    PersonWork,
    TitleGrade,
)
from skillcert.personnel.services._access import require_record_keeper, today_or
from skillcert.personnel.services._batch import check_length, row_refusal
from skillcert.personnel.services.registry import _register_access

if TYPE_CHECKING:
    from skillcert.accounts.models import User
    from skillcert.occupations.models import Occupation
    from skillcert.organizations.models import EvaluationOrg
    from skillcert.regions.models import Region


@dataclass(frozen=True)
class CertificateEntry:
    occupation: Occupation
    level: int
    number: str
    issued_on: dt.date


@dataclass(frozen=True)
class TitleEntry:
    grade: str
    name: str
    major: str
    obtained_on: dt.date


@dataclass(frozen=True)
class WorkEntry:
    description: str
    start: dt.date
    end: dt.date | None = None
    occupation: Occupation | None = None


@dataclass(frozen=True)
class PersonEntry:
    """One row of the sheet: the person as `person_register` takes them, and their file."""

    id_number: str
    name: str
    education: str
    employer_name: str
    region: Region | None
    phone: str = ""
    address: str = ""
    employer: EvaluationOrg | None = None
    user: User | None = None
    certificates: Sequence[CertificateEntry] = field(default_factory=tuple)
    titles: Sequence[TitleEntry] = field(default_factory=tuple)
    work: Sequence[WorkEntry] = field(default_factory=tuple)


@dataclass
class _Row:
    person: Person
    certificates: list[PersonCertificate]
    titles: list[PersonTitle]
    work: list[PersonWork]


def _person(entry: PersonEntry, actor: Actor, day: dt.date) -> Person:
    """`person_register`'s checks of one row; the unsaved person."""
    name = entry.name.strip()
    if not name:
        raise DomainError("personnel.name_required", "请填写姓名", field="name")
    parsed = parse_id_number(entry.id_number, today=day)
    if entry.education not in EducationLevel.values:
        raise DomainError("personnel.education_invalid", "请选择文化程度", field="education")
    employer_name = (entry.employer_name or (entry.employer.name if entry.employer else "")).strip()
    if not employer_name:
        raise DomainError("personnel.employer_required", "请填写工作单位", field="employer_name")
    phone = validate_mobile(entry.phone) if entry.phone.strip() else ""
    region = _register_access(actor, user=entry.user, employer=entry.employer, region=entry.region)
    return Person(
        user=entry.user,
        id_number=parsed.value,
        name=name,
        gender=parsed.gender,
        birth_date=parsed.birth_date,
        phone=phone,
        address=entry.address.strip(),
        education=entry.education,
        employer=entry.employer,
        employer_name=employer_name,
        region=region,
    )


def _certificates(entry: PersonEntry, person: Person) -> list[PersonCertificate]:
    """`person_certificate_add`'s checks of the row's certificates; the unsaved entries."""
    certificates, numbers = [], set()
    for c in entry.certificates:
        if c.level not in (1, 2, 3, 4, 5):
            raise DomainError("personnel.level_invalid", "等级应为一级至五级", field="level")
        number = c.number.strip()
        if not number:
            raise DomainError(
                "personnel.certificate_number_required", "请填写证书编号", field="number"
            )
        if number in numbers:
            raise DomainError(
                "personnel.certificate_duplicate", f"证书 {number} 已登记", field="number"
            )
        numbers.add(number)
        certificates.append(
            PersonCertificate(
                person=person,
                occupation=c.occupation,
                level=c.level,
                number=number,
                issued_on=c.issued_on,
            )
        )
    return certificates


def _titles(entry: PersonEntry, person: Person) -> list[PersonTitle]:
    """`person_title_add`'s checks of the row's titles; the unsaved entries."""
    titles = []
    for t in entry.titles:
        if t.grade not in TitleGrade.values:
            raise DomainError(
                "personnel.title_grade_invalid",
                "职称级别应为初级、中级、副高级或正高级",
                field="grade",
            )
        if not t.name.strip() or not t.major.strip():
            raise DomainError("personnel.title_incomplete", "请填写职称名称和专业", field="name")
        titles.append(
            PersonTitle(
                person=person,
                grade=t.grade,
                name=t.name.strip(),
                major=t.major.strip(),
                obtained_on=t.obtained_on,
            )
        )
    return titles


def _work(entry: PersonEntry, person: Person) -> list[PersonWork]:
    """`person_work_add`'s checks of the row's work history; the unsaved entries."""
    work = []
    for w in entry.work:
        if w.end is not None and w.end < w.start:
            raise DomainError("personnel.period_reversed", "结束日期早于开始日期", field="end")
        if not w.description.strip():
            raise DomainError(
                "personnel.work_description_required", "请填写工作内容", field="description"
            )
        work.append(
            PersonWork(
                person=person,
                occupation=w.occupation,
                description=w.description.strip(),
                start=w.start,
                end=w.end,
            )
        )
    return work


def _file(entry: PersonEntry, person: Person) -> _Row:
    """The add services' checks of the row's file; the unsaved entries."""
    return _Row(person, _certificates(entry, person), _titles(entry, person), _work(entry, person))


def _row_error(n: int, entry: PersonEntry, error: DomainError) -> DomainError:
    who = entry.name.strip() or "未填姓名"
    return row_refusal(error, row=f"第{n}行（{who}）", field="people")


def _clashes(rows: list[_Row], entries: Sequence[PersonEntry]) -> None:
    """A number or account listed twice, or already on the register, refuses its row."""
    digests = [pii_digest(r.person.id_number) for r in rows]
    repeated = {d for d, k in Counter(digests).items() if k > 1}
    taken = set(
        Person.objects.filter(id_number_digest__in=digests).values_list(
            "id_number_digest", flat=True
        )
    )
    users = [r.person.user_id for r in rows if r.person.user_id is not None]
    linked = set(Person.objects.filter(user_id__in=users).values_list("user_id", flat=True))
    linked |= {u for u, k in Counter(users).items() if k > 1}
    for n, (row, digest, entry) in enumerate(zip(rows, digests, entries, strict=True), start=1):
        if digest in repeated:
            error = DomainError(
                "personnel.id_number_repeated",
                "该身份证号码在名单中出现了两次",
                field="id_number",
            )
        elif digest in taken:
            error = DomainError(
                "personnel.id_number_taken",
                "该身份证号码已登记，请勿重复登记",
                field="id_number",
            )
        elif row.person.user_id in linked:
            error = DomainError(
                "personnel.account_linked", "该账户已关联一名考评人员", field="user"
            )
        else:
            continue
        raise _row_error(n, entry, error)


def people_register_bulk(
    *, entries: Sequence[PersonEntry], actor: Actor, today: dt.date | None = None
) -> list[Person]:
    """Register every row of the sheet with its file (certificates, titles, work), in the
    sheet's order. Refused whole, naming the row, when a row fails a check of the one-person
    services, its ID number or account is listed twice or on the register already."""
    check_length(len(entries), "people")
    day = today_or(today)
    rows: list[_Row] = []
    for n, entry in enumerate(entries, start=1):
        try:
            person = _person(entry, actor, day)
            require_record_keeper(actor, person)
            rows.append(_file(entry, person))
        except DomainError as error:
            raise _row_error(n, entry, error) from None
    if not rows:
        return []
    _clashes(rows, entries)
    try:
        with transaction.atomic():
            people = Person.objects.bulk_create([r.person for r in rows], batch_size=500)
            # The file's rows take their person's new id on save (the instances are shared).
            PersonCertificate.objects.bulk_create(
                [c for r in rows for c in r.certificates], batch_size=500
            )
            PersonTitle.objects.bulk_create([t for r in rows for t in r.titles], batch_size=500)
            PersonWork.objects.bulk_create([w for r in rows for w in r.work], batch_size=500)
            audit_record_batch(
                actor=actor,
                action="personnel.person_register_bulk",
                object_type="personnel.person",
                object_id=f"{people[0].pk}-{people[-1].pk}",
                object_repr=f"批量登记考评人员 {len(people)} 人",
                rows=[_audit_row(r) for r in rows],
            )
    except IntegrityError:  # registered meanwhile by someone else
        raise DomainError(
            "personnel.id_number_taken",
            "名单中有人员已被同时登记，请核对后重新提交",
            field="people",
        ) from None
    return people


def _audit_row(row: _Row) -> dict[str, Any]:
    """What the one-person services' events say of the row."""
    person = row.person
    return {
        "person": person.pk,
        "region": person.region_id,
        "employer_name": person.employer_name,
        "user": person.user_id,
        "certificates": [[c.pk, c.occupation_id, c.level] for c in row.certificates],
        "titles": [[t.pk, t.grade] for t in row.titles],
        "work": [w.pk for w in row.work],
    }
