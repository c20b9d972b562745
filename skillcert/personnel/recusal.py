"""May this person assess this candidate / at this organisation? A pure function over plain
data (no ORM) that answers with every reason against, so the exam-logistics assignment can
show why a person was skipped.

Reasons, each with a stable code:
* `person.suspended` / `person.banned`: the person's status forbids any assessment;
* `role.missing`: no active role valid on that day covers the occupation and level;
* `recusal.candidate`: a declared relation with the candidate (relative, teacher–student,
  master–apprentice, colleague, other);
* `recusal.organization`: a declared relation with the organisation;
* `recusal.same_employer`: derived: the person works for the organisation, or for the
  candidate's employer (colleagues);
* `rotation.limit`: the person's most recent sittings were already the province's maximum
  in a row at this organisation.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from skillcert.personnel.cardrules import trailing_consecutive

RELATION_NAMES = {
    "relative": "近亲属",
    "teacher_student": "师生",
    "master_apprentice": "师徒",
    "colleague": "同事/同单位",
    "other": "其他利害关系",
}
ASSESSING_ROLES = ("examiner", "senior_examiner")


@dataclass(frozen=True)
class Relation:
    kind: str
    counterpart_id_number: str = ""
    organization_id: int | None = None
    note: str = ""


@dataclass(frozen=True)
class RoleGrant:
    role: str
    occupation_code: str
    level_high: int
    level_low: int
    valid_from: dt.date
    valid_until: dt.date | None
    active: bool = True

    def covers(self, *, occupation_code: str, level: int | None, on: dt.date) -> bool:
        if not self.active or on < self.valid_from:
            return False
        if self.valid_until is not None and on > self.valid_until:
            return False
        if occupation_code and self.occupation_code != occupation_code:
            return False
        return level is None or self.level_high <= level <= self.level_low


@dataclass(frozen=True)
class AssessorFacts:
    status: str  # active / suspended / banned
    status_reason: str = ""
    employer_id: int | None = None
    relations: tuple[Relation, ...] = ()
    roles: tuple[RoleGrant, ...] = ()
    sitting_orgs: tuple[int, ...] = ()  # organisations of past sittings, oldest first


@dataclass(frozen=True)
class Assignment:
    on: dt.date
    organization_id: int | None = None
    organization_name: str = ""
    candidate_id_number: str = ""
    candidate_employer_id: int | None = None
    occupation_code: str = ""
    level: int | None = None
    roles: tuple[str, ...] = ASSESSING_ROLES


@dataclass(frozen=True)
class Reason:
    code: str
    message: str


@dataclass(frozen=True)
class Verdict:
    allowed: bool
    reasons: tuple[Reason, ...]

    def explanation(self) -> str:
        return (
            "；".join(r.message for r in self.reasons) if self.reasons else "无回避事由，可以安排"
        )


def may_assess(facts: AssessorFacts, assignment: Assignment, *, max_consecutive: int) -> Verdict:
    reasons: list[Reason] = []
    if facts.status == "banned":
        reasons.append(Reason("person.banned", f"已被永久取消考评资格：{facts.status_reason}"))
    elif facts.status == "suspended":
        reasons.append(Reason("person.suspended", f"考评资格已暂停：{facts.status_reason}"))
    wants_role = assignment.occupation_code or assignment.level is not None
    if wants_role and not any(
        g.role in assignment.roles
        and g.covers(
            occupation_code=assignment.occupation_code,
            level=assignment.level,
            on=assignment.on,
        )
        for g in facts.roles
    ):
        what = f"等级{assignment.level}" if assignment.level is not None else ""
        reasons.append(
            Reason(
                "role.missing",
                f"{assignment.on.isoformat()}无覆盖该职业{what}的有效考评资格（证卡未领取、过期或未取得）",
            )
        )
    candidate = assignment.candidate_id_number.strip().upper()
    for relation in facts.relations:
        label = RELATION_NAMES.get(relation.kind, relation.kind)
        note = f"（{relation.note}）" if relation.note else ""
        if candidate and relation.counterpart_id_number.upper() == candidate:
            reasons.append(Reason("recusal.candidate", f"与考生存在{label}关系{note}，应回避"))
        if (
            assignment.organization_id is not None
            and relation.organization_id == assignment.organization_id
        ):
            reasons.append(
                Reason("recusal.organization", f"与该评价机构存在{label}关系{note}，应回避")
            )
    if facts.employer_id is not None:
        if assignment.organization_id == facts.employer_id:
            reasons.append(Reason("recusal.same_employer", "本人是该评价机构的工作人员，应回避"))
        if assignment.candidate_employer_id == facts.employer_id:
            reasons.append(Reason("recusal.same_employer", "与考生为同一单位同事，应回避"))
    if assignment.organization_id is not None:
        run = trailing_consecutive(facts.sitting_orgs, assignment.organization_id)
        if run >= max_consecutive:
            where = assignment.organization_name or "该机构"
            reasons.append(
                Reason(
                    "rotation.limit",
                    f"已在{where}连续考评{run}场，同一机构最多连续{max_consecutive}场，需轮换",
                )
            )
    return Verdict(allowed=not reasons, reasons=tuple(reasons))
