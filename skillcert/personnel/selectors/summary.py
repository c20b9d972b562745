"""The seed 003 附件2 summary table (培训（复核）汇总表)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING, Any

from django.db.models import QuerySet

from skillcert.accounts.scope import Scope
from skillcert.eligibility.engine import LEVEL_NAMES
from skillcert.personnel.models import (
    Person,
    Registration,
    TrainingPlan,
)
from skillcert.personnel.selectors.access import identity_for, registrations_visible

if TYPE_CHECKING:
    pass

SUMMARY_HEADERS = [
    "序号",
    "工作单位",
    "姓名",
    "性别",
    "身份证号码",
    "文化程度",
    "现职业资格(专业技术职务)",
    "申报考评职业(工种)",
    "联系电话",
    "通讯地址",
]
SUMMARY_STATUSES = ("city_approved", "province_approved", "province_rejected")


# --- the seed 003 附件2 summary table --------------------------------------------------------


def _levels(high: int, low: int) -> str:
    if high == low:
        return LEVEL_NAMES[high]
    return f"{LEVEL_NAMES[low]}至{LEVEL_NAMES[high]}"


def current_qualifications(person: Person) -> str:
    parts = [
        f"{c.occupation.name}{LEVEL_NAMES[c.level]}"
        for c in sorted(person.certificates.all(), key=lambda c: (c.level, c.issued_on))
    ]
    parts += [f"{t.name}（{t.grade}，{t.major}）" for t in person.titles.all()]
    return "；".join(parts)


def summary_rows(*, registrations: Iterable[Registration], scope: Scope) -> Iterator[list[Any]]:
    """附件2《技能人才评价考评员资格培训（复核）汇总表》 rows, exactly its columns. Identity
    fields are masked unless the viewer is the responsible officer (or the person)."""
    for index, reg in enumerate(registrations, start=1):
        person = reg.person
        shown = identity_for(scope=scope, person=person)
        occupation = reg.occupation.name + (f"（{reg.specialty.name}）" if reg.specialty else "")
        yield [
            index,
            reg.employer_name,
            shown.name,
            person.get_gender_display(),
            shown.id_number,
            person.get_education_display(),
            current_qualifications(person),
            f"{occupation} {_levels(reg.level_high, reg.level_low)}",
            shown.phone,
            person.address,
        ]


def summary_registrations(*, scope: Scope, plan: TrainingPlan) -> QuerySet[Registration]:
    """The registrations that passed the city's 初审 (the table the city forwards to the
    province for 复核), in the viewer's area."""
    return (
        registrations_visible(scope=scope, plan=plan)
        .filter(status__in=SUMMARY_STATUSES)
        .prefetch_related("person__certificates__occupation", "person__titles")
    )
