"""Checking requested scope lines against the occupation catalogue and the directory
(目录清单) in force. One query for the occupations and one for the directory, whatever the
number of lines."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING

from skillcert.common.errors import DomainError
from skillcert.occupations.selectors import directory_on, occupations_by_code
from skillcert.organizations.core import LEVEL_NAMES

if TYPE_CHECKING:
    from skillcert.occupations.models import Occupation, Specialty


@dataclass(frozen=True)
class ScopeRequest:
    """A line as the organisation enters it."""

    occupation_code: str
    level: int
    specialty_name: str = ""


@dataclass(frozen=True)
class ResolvedLine:
    occupation: Occupation
    specialty: Specialty | None
    level: int

    @property
    def key(self) -> tuple[int, int | None, int]:
        return (self.occupation.pk, self.specialty.pk if self.specialty else None, self.level)


def _resolve_line(
    line: ScopeRequest,
    occupations: dict[str, Occupation],
    listed: dict[str, set[tuple[int, int | None]]],
    day: dt.date,
) -> ResolvedLine:
    """One requested line against the catalogue and the directory, or the error naming it."""
    code = line.occupation_code.strip()
    if line.level not in LEVEL_NAMES:
        raise DomainError(
            "filing.level_invalid", f"等级应为 1 到 5，收到 {line.level}", field="scope"
        )
    occupation = occupations.get(code)
    if occupation is None:
        raise DomainError(
            "filing.occupation_unknown", f"职业编码 {code} 不在职业分类目录中", field="scope"
        )
    specialty = None
    if line.specialty_name.strip():
        specialty = next(
            (s for s in occupation.specialties.all() if s.name == line.specialty_name.strip()),
            None,
        )
        if specialty is None:
            raise DomainError(
                "filing.specialty_unknown",
                f"工种“{line.specialty_name.strip()}”不属于职业{occupation.name}",
                field="scope",
            )
    on_list = listed.get(code, set())
    if not on_list:
        raise DomainError(
            "filing.occupation_not_in_directory",
            f"{occupation.name}（{code}）在 {day} 不在职业技能等级认定目录中，不能申请备案",
            field="scope",
        )
    if (line.level, None) not in on_list and (
        specialty is None or (line.level, specialty.pk) not in on_list
    ):
        offered = sorted({lv for lv, _ in on_list}, reverse=True)
        raise DomainError(
            "filing.level_not_offered",
            f"{occupation.name}（{code}）目录中未开放{LEVEL_NAMES[line.level]}，"
            f"可认定等级为：{'、'.join(LEVEL_NAMES[lv] for lv in offered)}",
            field="scope",
        )
    return ResolvedLine(occupation, specialty, line.level)


def resolve_scope(*, lines: list[ScopeRequest], province: str, day: dt.date) -> list[ResolvedLine]:
    """Resolve and check each line; the first bad line raises, naming it. Duplicates are
    merged. A line is certifiable when the directory (national or the province's own) lists
    the occupation at that level on `day`, for all its specialties or for this one."""
    if not lines:
        raise DomainError("filing.scope_empty", "请至少填写一个认定职业和等级", field="scope")
    codes = {line.occupation_code.strip() for line in lines}
    occupations = occupations_by_code(codes=codes)
    entries = list(
        directory_on(day=day, province=province)
        .filter(occupation__code__in=codes)
        .values_list("occupation__code", "level", "specialty_id")
    )
    listed: dict[str, set[tuple[int, int | None]]] = {}
    for code, level, specialty_id in entries:
        listed.setdefault(code, set()).add((level, specialty_id))
    resolved: dict[tuple[int, int | None, int], ResolvedLine] = {}
    for line in lines:
        row = _resolve_line(line, occupations, listed, day)
        resolved[row.key] = row
    return sorted(resolved.values(), key=lambda r: (r.occupation.code, -r.level))
