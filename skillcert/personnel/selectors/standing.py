"""The qualification standing: declaration, override, and the check that binds cards,
appointments, item-bank commissions and staffing (`qualification_standing`,
`staffing_refusal`)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db.models import Max, Q

from skillcert.personnel import qualification, recusal
from skillcert.personnel.models import (
    ConductDeclaration,
    Person,
    PersonRole,
    PersonRoleStatus,
    PersonStatus,
    QualificationOverride,
)
from skillcert.personnel.selectors.assessors import assessor_facts_of
from skillcert.personnel.selectors.qualifications import (
    PeopleFacts,
    RuleCache,
    qualification_check,
)

if TYPE_CHECKING:
    from skillcert.occupations.models import Occupation
    from skillcert.organizations.models import EvaluationOrg

# --- the qualification standing: declaration, override, the check that binds ---------------

# The roles whose conditions include the signed declaration (seed 001 §二(1)(4), §三(1)(4)).
DECLARATION_ROLES = (
    "examiner",
    "senior_examiner",
    "question_setter",
    "supervisor_external",
    "supervisor_internal",
)
DECLARATION_CLAUSE = (
    "个人声明（政治、道德条件及无违法犯罪记录，"
    "人社厅（2023）劳动关系协调师职业技能等级认定工作通知 二(一)(四)、三(一)(四)）"
)


@dataclass(frozen=True)
class Standing:
    """Whether the person may hold (or serve in) a role now, and, when not, the failed
    clause in words. `decision` is the rule's check (None: no rule covers the role);
    `override` the province's recorded acceptance of a failed check."""

    passed: bool
    code: str
    message: str
    decision: qualification.QualificationDecision | None
    override: QualificationOverride | None
    declared_on: dt.date | None

    def as_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = self.decision.as_dict() if self.decision else {}
        data["declaration_signed_on"] = self.declared_on.isoformat() if self.declared_on else None
        if self.override is not None:
            data["override"] = {"id": self.override.pk, "reason": self.override.reason}
        return data


def declaration_signed_on(*, person: Person, on: dt.date) -> dt.date | None:
    """The date of the person's newest declaration signed on or before `on`."""
    return (
        ConductDeclaration.objects.filter(person=person, signed_on__lte=on)
        .order_by("-signed_on")
        .values_list("signed_on", flat=True)
        .first()
    )


def qualification_override_for(
    *,
    person: Person,
    role: str,
    occupation: Occupation,
    level_high: int,
    level_low: int,
    province_code: str,
) -> QualificationOverride | None:
    rows = QualificationOverride.objects.filter(
        person=person, role=role, occupation=occupation, province_id=f"{province_code[:2]}0000"
    ).order_by("-id")
    return next((o for o in rows if o.covers(level_high, level_low)), None)


def qualification_standing(
    *,
    person: Person,
    role: str,
    occupation: Occupation,
    level_high: int,
    level_low: int,
    province_code: str,
    as_of: dt.date,
    organization: EvaluationOrg | None = None,
) -> Standing:
    """The one check cards, appointments, item-bank commissions and staffing bind to: the
    rule's clauses pass (or the province overrode them with a recorded reason), and, for the
    roles that need it, the person's signed declaration is on record."""
    decision = qualification_check(
        person=person,
        role=role,
        occupation=occupation,
        level_high=level_high,
        level_low=level_low,
        province_code=province_code,
        as_of=as_of,
        organization=organization,
    )
    override = None
    if decision is not None and not decision.qualified:
        override = qualification_override_for(
            person=person,
            role=role,
            occupation=occupation,
            level_high=level_high,
            level_low=level_low,
            province_code=province_code,
        )
    declared = declaration_signed_on(person=person, on=as_of)
    return _standing(role, occupation, decision, override, declared)


def _standing(
    role: str,
    occupation: Occupation,
    decision: qualification.QualificationDecision | None,
    override: QualificationOverride | None,
    declared: dt.date | None,
) -> Standing:
    """The standing from the loaded parts (shared by the one-person and set-based checks)."""

    def standing(passed: bool, code: str = "", message: str = "") -> Standing:
        return Standing(passed, code, message, decision, override, declared)

    if role == "question_setter" and decision is None:
        return standing(
            False,
            "personnel.rule_missing",
            f"尚未发布{occupation.name}命题人员资格条件，请先发布后再任命",
        )
    if decision is not None and not decision.qualified and override is None:
        return standing(
            False, "personnel.not_qualified", f"不符合资格条件：{decision.explanation()}"
        )
    if role in DECLARATION_ROLES and declared is None:
        return standing(
            False, "personnel.declaration_missing", f"不符合资格条件：缺少{DECLARATION_CLAUSE}"
        )
    return standing(True)


# `staffing_refusal`'s answer when the person holds no role of the kind asked, valid that day.
NO_VALID_ROLE = "没有有效的相应角色"


def staffing_refusal(
    *,
    person: Person,
    roles: Iterable[str],
    on: dt.date,
    occupation_ids: Iterable[int] | None = None,
    organization: EvaluationOrg | None = None,
) -> str:
    """Why the person may not be staffed on `on` in one of `roles` (for one of
    `occupation_ids`, when given), or "". The person must be active (not suspended or banned),
    hold at least one active, valid role that passes its qualification check that day (see
    `qualification_standing`: a province override lets a failed check through), and, when an
    `organization` is given, have no declared or derived recusal against it. The one-person
    form of `staffing_refusals`."""
    return staffing_refusals(
        people=[person],
        roles=roles,
        on=on,
        occupation_ids=occupation_ids,
        organization=organization,
    )[person.pk]


def _status_refusal(
    person: Person,
    on: dt.date,
    organization: EvaluationOrg | None,
    facts: dict[int, recusal.AssessorFacts],
) -> str:
    # Worded as the recusal core words them, so a page listing both shows one line.
    if person.status == PersonStatus.BANNED:
        return f"已被永久取消考评资格：{person.status_reason}"
    if person.status != PersonStatus.ACTIVE:
        return f"考评资格已暂停：{person.status_reason}"
    if organization is not None:
        verdict = recusal.may_assess(
            facts[person.pk],
            recusal.Assignment(
                on=on, organization_id=organization.pk, organization_name=organization.name
            ),
            # Rotation is counted where the sitting is staffed (exams, scoring), not here.
            max_consecutive=10**6,
        )
        if not verdict.allowed:
            return verdict.explanation()
    return ""


def staffing_refusals(
    *,
    people: Iterable[Person],
    roles: Iterable[str],
    on: dt.date,
    occupation_ids: Iterable[int] | None = None,
    organization: EvaluationOrg | None = None,
) -> dict[int, str]:
    """`staffing_refusal` for many people at once, keyed by person id: the roles, rules,
    overrides, declarations and records are read in a few queries for all of them and each
    person gets the same check (and the same words) as the one-person form."""
    roles = list(roles)
    people = list(people)
    # The recusal facts (relations, roles, sittings) of everyone the organisation is asked
    # about, read in three queries for all of them.
    facts = (
        assessor_facts_of(people=[p for p in people if p.status == PersonStatus.ACTIVE])
        if organization is not None
        else {}
    )
    refusals: dict[int, str] = {}
    pending: list[Person] = []
    for person in people:
        refusals[person.pk] = _status_refusal(person, on, organization, facts)
        if not refusals[person.pk]:
            pending.append(person)
    if not pending:
        return refusals
    held = PersonRole.objects.filter(
        Q(valid_until__isnull=True) | Q(valid_until__gte=on),
        person_id__in=[p.pk for p in pending],
        role__in=roles,
        valid_from__lte=on,
    ).select_related("occupation", "organization")
    if occupation_ids is not None:
        held = held.filter(occupation_id__in=list(occupation_ids))
    by_person: dict[int, list[PersonRole]] = defaultdict(list)
    for role in held.order_by("id"):
        by_person[role.person_id].append(role)
    active = [r for rows in by_person.values() for r in rows if r.status == PersonRoleStatus.ACTIVE]
    standings = _Standings(active, on)
    for person in pending:
        rows = by_person.get(person.pk, [])
        reasons: list[str] = []
        for role in (r for r in rows if r.status == PersonRoleStatus.ACTIVE):
            standing = standings.of(role)
            if standing.passed:
                break
            reasons.append(standing.message)
        else:
            suspended = next((r for r in rows if r.status == PersonRoleStatus.SUSPENDED), None)
            if reasons:
                refusals[person.pk] = reasons[0]
            elif suspended is not None:
                refusals[person.pk] = (
                    f"{suspended.get_role_display()}（{suspended.occupation.name}）已暂停"
                )
            else:
                refusals[person.pk] = NO_VALID_ROLE
    return refusals


class Standings:
    """`qualification_standing` of many (person, role, occupation, levels) on one day, from
    rows read once for all of them: the rules are parsed once per (role, province,
    occupation), the records, overrides and declarations read in a few queries. Each answer
    is the one `qualification_standing` gives for the same arguments."""

    def __init__(
        self, *, person_ids: Iterable[int], occupation_ids: Iterable[int], on: dt.date
    ) -> None:
        self.on = on
        ids = set(person_ids)
        self.facts = PeopleFacts(person_ids=ids, occupation_ids=occupation_ids)
        self.rules = RuleCache()
        self.overrides: dict[tuple[int, str, int, str], list[QualificationOverride]] = defaultdict(
            list
        )
        for o in QualificationOverride.objects.filter(person_id__in=ids).order_by("-id"):
            self.overrides[(o.person_id, o.role, o.occupation_id, o.province_id)].append(o)
        self.declared: dict[int, dt.date] = dict(
            ConductDeclaration.objects.filter(person_id__in=ids, signed_on__lte=on)
            .order_by()
            .values("person_id")
            .annotate(newest=Max("signed_on"))
            .values_list("person_id", "newest")
        )

    def standing(
        self,
        *,
        person_id: int,
        role: str,
        occupation: Occupation,
        level_high: int,
        level_low: int,
        province_code: str,
        organization_id: int | None = None,
    ) -> Standing:
        rule = self.rules.rule(role=role, province_code=province_code, occupation=occupation)
        decision = None
        if rule is not None:
            facts = self.facts.facts(
                person_id=person_id, occupation=occupation, organization_id=organization_id
            )
            decision = qualification.check_qualification(
                rule, level_high=level_high, level_low=level_low, facts=facts, as_of=self.on
            )
        override = None
        if decision is not None and not decision.qualified:
            rows = self.overrides.get(
                (person_id, role, occupation.pk, f"{province_code[:2]}0000"), []
            )
            override = next((o for o in rows if o.covers(level_high, level_low)), None)
        return _standing(role, occupation, decision, override, self.declared.get(person_id))


class _Standings(Standings):
    """`Standings` of held roles (the staffing check)."""

    def __init__(self, roles: list[PersonRole], on: dt.date) -> None:
        super().__init__(
            person_ids={r.person_id for r in roles},
            occupation_ids={r.occupation_id for r in roles},
            on=on,
        )

    def of(self, role: PersonRole) -> Standing:
        return self.standing(
            person_id=role.person_id,
            role=role.role,
            occupation=role.occupation,
            level_high=role.level_high,
            level_low=role.level_low,
            province_code=role.province_id,
            organization_id=role.organization_id,
        )
