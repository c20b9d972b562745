"""Qualification rules and a person's record as the pure core's plain data, and the check."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from skillcert.personnel import qualification
from skillcert.personnel.models import (
    ConfidentialityAgreement,
    Person,
    PersonCertificate,
    PersonRole,
    PersonRoleStatus,
    PersonTitle,
    PersonWork,
    PracticeRecord,
    QualificationRule,
)

if TYPE_CHECKING:
    from skillcert.occupations.models import Occupation
    from skillcert.organizations.models import EvaluationOrg

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


class PeopleFacts:
    """`person_facts` for many people at once: each table is read in one query for all of
    them, then each person's facts are built exactly as `person_facts` builds them (same
    rows, same order), so a set-based check answers what the one-person check answers."""

    def __init__(self, *, person_ids: Iterable[int], occupation_ids: Iterable[int]) -> None:
        ids = sorted(set(person_ids))
        occupations = sorted(set(occupation_ids))
        self._certificates: dict[int, list[qualification.CertificateFact]] = defaultdict(list)
        for c in PersonCertificate.objects.filter(person_id__in=ids).select_related("occupation"):
            self._certificates[c.person_id].append(
                qualification.CertificateFact(c.occupation.code, c.level, c.issued_on)
            )
        self._titles: dict[int, list[qualification.TitleFact]] = defaultdict(list)
        for t in PersonTitle.objects.filter(person_id__in=ids):
            self._titles[t.person_id].append(
                qualification.TitleFact(t.grade, t.name, t.major, t.obtained_on)
            )
        self._work: dict[int, list[qualification.WorkFact]] = defaultdict(list)
        for w in PersonWork.objects.filter(person_id__in=ids).select_related("occupation"):
            self._work[w.person_id].append(
                qualification.WorkFact(w.occupation.code if w.occupation else "", w.start, w.end)
            )
        self._roles: dict[tuple[int, int], list[PersonRole]] = defaultdict(list)
        for r in (
            PersonRole.objects.filter(person_id__in=ids, occupation_id__in=occupations)
            .exclude(status=PersonRoleStatus.REVOKED)
            .select_related("occupation")
        ):
            self._roles[(r.person_id, r.occupation_id)].append(r)
        self._sittings: dict[tuple[int, int], list[dt.date]] = defaultdict(list)
        for pid, oid, held_on in PracticeRecord.objects.filter(
            person_id__in=ids, occupation_id__in=occupations
        ).values_list("person_id", "occupation_id", "held_on"):
            self._sittings[(pid, oid)].append(held_on)
        self._agreements: dict[int, set[int | None]] = defaultdict(set)
        for pid, org_id in ConfidentialityAgreement.objects.filter(person_id__in=ids).values_list(
            "person_id", "organization_id"
        ):
            self._agreements[pid].add(org_id)

    def facts(
        self, *, person_id: int, occupation: Occupation, organization_id: int | None = None
    ) -> qualification.PersonFacts:
        agreements = self._agreements.get(person_id, set())
        return qualification.PersonFacts(
            certificates=tuple(self._certificates.get(person_id, ())),
            titles=tuple(self._titles.get(person_id, ())),
            work=tuple(self._work.get(person_id, ())),
            role_periods=tuple(
                qualification.RolePeriod(r.role, occupation.code, r.valid_from, r.valid_until)
                for r in self._roles.get((person_id, occupation.pk), ())
            ),
            sittings=tuple(self._sittings.get((person_id, occupation.pk), ())),
            confidentiality_signed=(
                bool(agreements) if organization_id is None else organization_id in agreements
            ),
        )


class RuleCache:
    """`qualification_rule_for` answered once per (role, province, occupation)."""

    def __init__(self) -> None:
        self._rules: dict[tuple[str, str, int], qualification.QualificationRule | None] = {}

    def rule(
        self, *, role: str, province_code: str, occupation: Occupation
    ) -> qualification.QualificationRule | None:
        key = (role, province_code[:2], occupation.pk)
        if key not in self._rules:
            self._rules[key] = qualification_rule_for(
                role=role, province_code=province_code, occupation=occupation
            )
        return self._rules[key]
