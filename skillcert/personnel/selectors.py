"""Reads for assessment personnel, narrowed to what the user may see, plus the loaders that
turn rows into the pure cores' plain data (qualification, recusal)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db.models import Q, QuerySet

from skillcert.accounts.choices import Role
from skillcert.accounts.scope import Scope
from skillcert.common.errors import DomainError
from skillcert.common.identifiers import mask_id_number, mask_name, mask_phone, normalize
from skillcert.common.pii import pii_digest
from skillcert.eligibility.engine import LEVEL_NAMES
from skillcert.personnel import qualification, recusal
from skillcert.personnel.cardrules import uncollected_streak
from skillcert.personnel.choices import PersonStatus
from skillcert.personnel.models import (
    Card,
    CardStatus,
    ConductDeclaration,
    ConfidentialityAgreement,
    Person,
    PersonRole,
    PersonRoleStatus,
    ProvincePolicy,
    QualificationOverride,
    QualificationRule,
    RecusalRelation,
    Registration,
    TrainingPlan,
)

if TYPE_CHECKING:
    from skillcert.occupations.models import Occupation
    from skillcert.organizations.models import EvaluationOrg

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


# --- access ---------------------------------------------------------------------------------


def _person_q(scope: Scope, prefix: str = "") -> Q:
    """People an officer's region covers (by the unit's region), an organisation's own staff,
    and the user's own record."""
    own = Q(**{f"{prefix}user_id": scope.user_id}) if scope.user_id else Q(pk__in=[])
    q = own
    if scope.is_officer:
        q |= scope.region_q(f"{prefix}region")
    if scope.organization_ids:
        q |= Q(**{f"{prefix}employer_id__in": sorted(scope.organization_ids)})
    return q


def person_by_id_number(id_number: str) -> Person | None:
    """The person with this ID number, found through its digest (the column itself is
    encrypted, so `filter(id_number=...)` never matches). Not scoped: callers decide access."""
    value = normalize(id_number)
    if not value:
        return None
    return Person.objects.filter(id_number_digest=pii_digest(value)).first()


def people_visible(
    *, scope: Scope, q: str = "", role: str = "", status: str = ""
) -> QuerySet[Person]:
    """People the user may see; `q` matches a name or a whole ID number, `role` people holding
    that role (not revoked), `status` the person's status."""
    people = Person.objects.all() if scope.is_platform else Person.objects.filter(_person_q(scope))
    if q:
        people = people.filter(Q(name__icontains=q) | Q(id_number_digest=pii_digest(normalize(q))))
    if role:
        people = people.filter(
            pk__in=PersonRole.objects.filter(role=role)
            .exclude(status=PersonRoleStatus.REVOKED)
            .values("person_id")
        )
    if status:
        people = people.filter(status=status)
    return people.select_related("region", "employer").order_by("id")


def person_file(*, person: Person) -> dict[str, Any]:
    """The entries of the person's file the registry page lists, each query bounded."""
    return {
        "certificates": person.certificates.select_related("occupation").order_by("issued_on"),
        "titles": person.titles.order_by("obtained_on"),
        "work": person.work.select_related("occupation").order_by("start"),
        "agreements": person.agreements.select_related("organization").order_by("signed_on"),
        "declarations": ConductDeclaration.objects.filter(person=person).order_by(
            "-signed_on", "-id"
        )[:20],
        "roles": person.roles.select_related("occupation", "specialty", "organization").all(),
        "cards": person.cards.select_related("occupation").all(),
        "registrations": person.registrations.select_related("plan", "occupation").all(),
        "sittings": person.sittings.select_related("organization").order_by("-held_on")[:50],
        "integrity": person.integrity.all()[:50],
        "relations": person.relations.select_related("organization").all(),
    }


def may_see_full_identity(*, scope: Scope, person: Person) -> bool:
    """PIPL: full ID number, phone and name only for the person and the responsible officer,
    the province officer of the person's unit's province (who reviews registrations, issues
    cards and keeps the personnel file). City officers, organisation staff and the platform
    operator see masked values: what they work with does not need the full numbers."""
    if scope.user_id is not None and person.user_id == scope.user_id:
        return True
    if not scope.has_role(Role.PROVINCE_OFFICER):
        return False
    provinces = {prefix for prefix in scope.region_prefixes if len(prefix) == 2}
    return person.region_id[:2] in provinces


@dataclass(frozen=True)
class ShownIdentity:
    name: str
    id_number: str
    phone: str
    full: bool


def identity_for(*, scope: Scope, person: Person) -> ShownIdentity:
    if may_see_full_identity(scope=scope, person=person):
        return ShownIdentity(person.name, person.id_number, person.phone, True)
    return ShownIdentity(
        mask_name(person.name), mask_id_number(person.id_number), mask_phone(person.phone), False
    )


def person_of(user: Any) -> Person | None:
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    return Person.objects.filter(user=user).select_related("region", "employer").first()


def registrations_visible(
    *, scope: Scope, plan: TrainingPlan | None = None, status: str = ""
) -> QuerySet[Registration]:
    rows = Registration.objects.all()
    if not scope.is_platform:
        q = Q(person__user_id=scope.user_id) if scope.user_id else Q(pk__in=[])
        if scope.is_officer:
            q |= scope.region_q("region")
        if scope.organization_ids:
            q |= Q(employer_id__in=sorted(scope.organization_ids))
        rows = rows.filter(q)
    if plan is not None:
        rows = rows.filter(plan=plan)
    if status:
        rows = rows.filter(status=status)
    return rows.select_related(
        "plan", "person", "occupation", "specialty", "region", "employer"
    ).order_by("plan_id", "id")


def plans_visible(*, scope: Scope) -> QuerySet[TrainingPlan]:
    """Plans are public notices: everyone signed in sees them."""
    return TrainingPlan.objects.select_related("province").order_by("-year", "-month", "role")


def cards_visible(*, scope: Scope) -> QuerySet[Card]:
    if scope.is_platform:
        rows = Card.objects.all()
    else:
        rows = Card.objects.filter(_person_q(scope, "person__"))
    return rows.select_related("person", "occupation").order_by("-issued_on", "id")


# --- policy ---------------------------------------------------------------------------------


def policy_for(*, province_code: str) -> ProvincePolicy:
    policy = ProvincePolicy.objects.filter(province_id=f"{province_code[:2]}0000").first()
    if policy is None:
        raise DomainError(
            "personnel.policy_missing",
            f"省份 {province_code[:2]} 尚未设置考评人员管理参数（报名期限、证卡有效期等），"
            "请省级人社部门先在系统管理中录入",
            field="province",
        )
    return policy


# --- qualification --------------------------------------------------------------------------


def qualification_rule_for(
    *, role: str, province_code: str, occupation: Occupation
) -> qualification.QualificationRule | None:
    headers = [
        qualification.QualificationRuleHeader(
            code=r.code,
            version=r.version,
            role=r.role,
            province=r.province,
            occupation_code=r.occupation_code,
        )
        for r in QualificationRule.objects.filter(role=role).only(
            "code", "version", "role", "province", "occupation_code"
        )
    ]
    header = qualification.pick_rule(
        headers, role=role, province=province_code[:2], occupation_code=occupation.code
    )
    if header is None:
        return None
    row = QualificationRule.objects.get(code=header.code, version=header.version)
    rule = qualification.parse_rule_document(
        {
            "code": row.code,
            "version": row.version,
            "role": row.role,
            "title": row.title,
            "source": row.source,
            "related_occupation_codes": list(row.related_occupation_codes),
            "related_majors": list(row.related_majors),
            "clauses": [
                {k: v for k, v in _clause_row(c).items() if v not in (None, "", {})}
                for c in row.clauses.order_by("position", "letter")
            ],
        }
    )
    # A generic rule is applied to the occupation asked about: "related" means this one.
    return qualification.QualificationRule(
        code=rule.code,
        version=rule.version,
        role=rule.role,
        occupation_code=occupation.code,
        clauses=rule.clauses,
        related_occupation_codes=rule.related_occupation_codes,
        related_majors=rule.related_majors,
    )


def _clause_row(c: Any) -> dict[str, Any]:
    return {
        "letter": c.letter,
        "text": c.text,
        "level_high": c.level_high,
        "level_low": c.level_low,
        "condition": c.condition,
        "role_required": c.role_required,
        "role_years": c.role_years,
        "min_sittings": c.min_sittings or None,
        "confidentiality": c.confidentiality or None,
    }


def person_facts(
    *, person: Person, occupation: Occupation, organization: EvaluationOrg | None = None
) -> qualification.PersonFacts:
    """The person's record as plain data. Role periods count from a role's start to its end
    (valid_until, or open while active); sittings are those in this occupation."""
    roles = PersonRole.objects.filter(person=person, occupation=occupation).exclude(
        status=PersonRoleStatus.REVOKED
    )
    agreements = ConfidentialityAgreement.objects.filter(person=person)
    if organization is not None:
        agreements = agreements.filter(organization=organization)
    return qualification.PersonFacts(
        certificates=tuple(
            qualification.CertificateFact(c.occupation.code, c.level, c.issued_on)
            for c in person.certificates.select_related("occupation")
        ),
        titles=tuple(
            qualification.TitleFact(t.grade, t.name, t.major, t.obtained_on)
            for t in person.titles.all()
        ),
        work=tuple(
            qualification.WorkFact(w.occupation.code if w.occupation else "", w.start, w.end)
            for w in person.work.select_related("occupation")
        ),
        role_periods=tuple(
            qualification.RolePeriod(r.role, occupation.code, r.valid_from, r.valid_until)
            for r in roles
        ),
        sittings=tuple(
            person.sittings.filter(occupation=occupation).values_list("held_on", flat=True)
        ),
        confidentiality_signed=agreements.exists(),
    )


def qualification_check(
    *,
    person: Person,
    role: str,
    occupation: Occupation,
    level_high: int,
    level_low: int,
    province_code: str,
    as_of: dt.date,
    organization: EvaluationOrg | None = None,
) -> qualification.QualificationDecision | None:
    """None when no rule covers the role (quality supervisors have no conditions in data)."""
    rule = qualification_rule_for(role=role, province_code=province_code, occupation=occupation)
    if rule is None:
        return None
    facts = person_facts(person=person, occupation=occupation, organization=organization)
    return qualification.check_qualification(
        rule, level_high=level_high, level_low=level_low, facts=facts, as_of=as_of
    )


# --- cards and bans -------------------------------------------------------------------------


def card_outcomes(*, person: Person) -> list[tuple[bool, Card]]:
    """Decided cards in issue order: (collected?, card). Pending cards are not decided yet."""
    cards = Card.objects.filter(person=person).order_by("issued_on", "id")
    return [(c.status != CardStatus.VOID, c) for c in cards if c.status != CardStatus.PENDING]


def uncollected_ban_reason(*, person: Person, limit: int) -> str:
    """The reason the person is permanently barred by uncollected cards, or ""."""
    outcomes = card_outcomes(person=person)
    if uncollected_streak([collected for collected, _ in outcomes]) < limit:
        return ""
    run: list[Card] = []
    longest: list[Card] = []
    for collected, card in outcomes:
        run = [] if collected else [*run, card]
        if len(run) > len(longest):
            longest = run
    numbers = "、".join(c.number for c in longest)
    return f"连续{len(longest)}次未在规定期限内领取考评员证卡（{numbers}），永久取消申报资格"


def cards_expiring(*, on: dt.date, within_days: int) -> QuerySet[Card]:
    return Card.objects.filter(
        status=CardStatus.COLLECTED,
        valid_until__gte=on,
        valid_until__lte=on + dt.timedelta(days=within_days),
    ).select_related("person", "occupation")


# --- recusal and rotation -------------------------------------------------------------------


def assessor_facts(*, person: Person) -> recusal.AssessorFacts:
    roles = PersonRole.objects.filter(person=person).select_related("occupation")
    return recusal.AssessorFacts(
        status=person.status,
        status_reason=person.status_reason,
        employer_id=person.employer_id,
        relations=tuple(
            recusal.Relation(r.kind, r.counterpart_id_number, r.organization_id, r.note)
            for r in person.relations.all()
        ),
        roles=tuple(
            recusal.RoleGrant(
                r.role,
                r.occupation.code,
                r.level_high,
                r.level_low,
                r.valid_from,
                r.valid_until,
                r.status == PersonRoleStatus.ACTIVE,
            )
            for r in roles
        ),
        # A sitting is one day at one organisation, however many duties it was recorded for
        # (the plan's examiner who also marks its batch served one sitting).
        sitting_orgs=tuple(
            org
            for _day, org in dict.fromkeys(
                person.sittings.order_by("held_on", "id").values_list("held_on", "organization_id")
            )
        ),
    )


def may_assess(
    *,
    person: Person,
    on: dt.date,
    organization: EvaluationOrg | None = None,
    candidate_id_number: str = "",
    candidate_employer: EvaluationOrg | None = None,
    occupation: Occupation | None = None,
    level: int | None = None,
) -> recusal.Verdict:
    """May `person` assess candidate Y / at organisation Z on `on`? With every reason when not.
    The rotation limit is the province's (the organisation's province)."""
    max_consecutive = 0
    if organization is not None:
        max_consecutive = policy_for(province_code=organization.region_id).max_consecutive_sittings
    assignment = recusal.Assignment(
        on=on,
        organization_id=organization.pk if organization else None,
        organization_name=organization.name if organization else "",
        candidate_id_number=candidate_id_number,
        candidate_employer_id=candidate_employer.pk if candidate_employer else None,
        occupation_code=occupation.code if occupation else "",
        level=level,
    )
    return recusal.may_assess(
        assessor_facts(person=person), assignment, max_consecutive=max_consecutive or 1
    )


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


def roles_valid_on(
    *, province_code: str, day: dt.date, roles: Iterable[str]
) -> QuerySet[PersonRole]:
    """Active roles valid on `day` appointed in the province (the staffing pool)."""
    return PersonRole.objects.filter(
        Q(valid_until__isnull=True) | Q(valid_until__gte=day),
        status=PersonRoleStatus.ACTIVE,
        valid_from__lte=day,
        province_id=province_code,
        role__in=list(roles),
    ).select_related("person", "occupation")


def relation_digests_of(*, person_ids: Iterable[int]) -> dict[int, dict[str, str]]:
    """Per person, the digests of the ID numbers they declared a relation with, and the kind
    of relation (to match candidates without handling their ID numbers)."""
    digests: dict[int, dict[str, str]] = {}
    for rel in RecusalRelation.objects.filter(person_id__in=list(person_ids)).exclude(
        counterpart_id_number=""
    ):
        digests.setdefault(rel.person_id, {})[pii_digest(rel.counterpart_id_number.upper())] = (
            rel.get_kind_display()
        )
    return digests


def people_active_in_roles(
    *, province_code: str, day: dt.date, roles: Iterable[str]
) -> list[Person]:
    """Active people holding one of `roles` in the province on `day`, by id, with their
    declared relations (what recusal reads)."""

    valid = roles_valid_on(province_code=province_code, day=day, roles=roles)
    return list(
        Person.objects.filter(status=PersonStatus.ACTIVE, pk__in=valid.values("person_id"))
        .prefetch_related("relations")
        .order_by("pk")
    )


def person_has_role_on(
    *,
    person: Person,
    roles: Iterable[str],
    day: dt.date,
    occupation_ids: Iterable[int] | None = None,
) -> bool:
    """Whether the person holds one of `roles`, active and valid on `day` (for one of
    `occupation_ids`, when given)."""
    rows = PersonRole.objects.filter(
        Q(valid_until__isnull=True) | Q(valid_until__gte=day),
        person=person,
        role__in=list(roles),
        status=PersonRoleStatus.ACTIVE,
        valid_from__lte=day,
    )
    if occupation_ids is not None:
        rows = rows.filter(occupation_id__in=list(occupation_ids))
    return rows.exists()


def people_by_ids(*, ids: list[int]) -> dict[int, Person]:
    """The people among `ids`, keyed by id (one query; not scoped: the caller has checked
    access to what names them)."""
    return Person.objects.in_bulk(ids)


def people_with_ids(*, ids: Iterable[int] | QuerySet[Any, Any]) -> QuerySet[Person]:
    """The people among `ids` (a list or a `values("person_id")` subquery), by name."""
    return Person.objects.filter(pk__in=ids).order_by("name", "pk")


def people_holding_role(
    *,
    roles: Iterable[str],
    province_code: str,
    occupation_ids: Iterable[int] | QuerySet[Any, Any] | None = None,
) -> QuerySet[Person]:
    """People with one of `roles` appointed in the province (for one of `occupation_ids`,
    when given), whatever the role's state, by name."""
    # One filter() call: every condition applies to the same role row.
    conditions: dict[str, Any] = {"roles__role__in": list(roles)}
    if occupation_ids is not None:
        conditions["roles__occupation_id__in"] = occupation_ids
    conditions["roles__province_id"] = province_code
    return Person.objects.filter(**conditions).distinct().order_by("name", "pk")


def person_roles_in_area(*, scope: Scope) -> QuerySet[PersonRole]:
    """The roles of the people registered in the user's area, unordered (for statistics)."""
    return PersonRole.objects.filter(scope.code_prefix_q("person__region__code"))


# --- to-do counts for the workbench -----------------------------------------------------------


def todo_cards_to_collect(*, user_id: int | None, today: dt.date) -> list[dt.date]:
    """The collection deadlines of the user's own cards waiting to be collected, soonest
    first (a card past its deadline is voided by the sweep, not listed here)."""
    if user_id is None:
        return []
    return list(
        Card.objects.filter(
            person__user_id=user_id,
            status=CardStatus.PENDING,
            collection_deadline__gte=today,
        )
        .order_by("collection_deadline")
        .values_list("collection_deadline", flat=True)
    )


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


def staffing_refusal(
    *,
    person: Person,
    roles: Iterable[str],
    on: dt.date,
    occupation_ids: Iterable[int] | None = None,
) -> str:
    """Why the person may not be staffed on `on` in one of `roles` (for one of
    `occupation_ids`, when given), or "": at least one active, valid role must pass its
    qualification check today (see `qualification_standing`)."""
    held = PersonRole.objects.filter(
        Q(valid_until__isnull=True) | Q(valid_until__gte=on),
        person=person,
        role__in=list(roles),
        status=PersonRoleStatus.ACTIVE,
        valid_from__lte=on,
    ).select_related("occupation", "organization")
    if occupation_ids is not None:
        held = held.filter(occupation_id__in=list(occupation_ids))
    reasons: list[str] = []
    for role in held.order_by("id"):
        standing = qualification_standing(
            person=person,
            role=role.role,
            occupation=role.occupation,
            level_high=role.level_high,
            level_low=role.level_low,
            province_code=role.province_id,
            as_of=on,
            organization=role.organization,
        )
        if standing.passed:
            return ""
        reasons.append(standing.message)
    if not reasons:
        return "没有有效的相应角色"
    return reasons[0]
