"""Reading rule sets into the engine's dataclasses, and the one read the self-check page and
the application flow share: evaluate a profile for an occupation and level."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING

from skillcert.common.errors import DomainError
from skillcert.eligibility import engine
from skillcert.eligibility.models import RuleSet
from skillcert.eligibility.prior_certificates import (
    prior_certificates_of,
    profile_with_prior_certificates,
)
from skillcert.eligibility.schema import parse_condition
from skillcert.occupations.selectors import directory_certifiable, standard_current

if TYPE_CHECKING:
    from skillcert.occupations.models import Occupation, Standard


def rule_set_row(*, code: str, version: int | None = None) -> RuleSet:
    rows = RuleSet.objects.filter(code=code)
    if version is not None:
        rows = rows.filter(version=version)
    row = rows.order_by("-version").first()
    if row is None:
        suffix = f" 第 {version} 版" if version is not None else ""
        raise DomainError(
            "eligibility.rule_set_unknown", f"未知的申报条件规则集“{code}”{suffix}", field="rules"
        )
    return row


def _clauses(row: RuleSet) -> tuple[engine.Clause, ...]:
    return tuple(
        engine.Clause(
            id=f"{row.code}/{c.level}/{c.letter}",
            level=c.level,
            text=c.text,
            condition=parse_condition(c.condition, f"{row.code}/{c.level}/{c.letter}"),
            exempt=tuple(c.exempt),
            replaces=c.replaces,
        )
        for c in row.clauses.order_by("-level", "position", "letter")
    )


def rule_set_load(*, code: str, version: int | None = None) -> engine.RuleSet:
    row = rule_set_row(code=code, version=version)
    return engine.RuleSet(code=row.code, version=row.version, clauses=_clauses(row))


def rule_set_for(*, code: str, province: str, occupation: Occupation | None) -> engine.RuleSet:
    """The base rule set with the newest version of every province override that applies
    to this occupation (or to all occupations) composed in."""
    base = rule_set_load(code=code)
    if not province:
        return base
    rows = RuleSet.objects.filter(extends=code, province=province).order_by("code", "-version")
    latest: dict[str, RuleSet] = {}
    for row in rows:
        latest.setdefault(row.code, row)
    overrides = [
        (row.code, row.version, _clauses(row))
        for row in latest.values()
        if row.occupation_id is None
        or (occupation is not None and row.occupation_id == occupation.pk)
    ]
    return engine.compose(base, overrides) if overrides else base


def rule_set_versions(*, code: str) -> list[RuleSet]:
    return list(RuleSet.objects.filter(code=code).order_by("-version"))


def rule_sets_current() -> list[RuleSet]:
    latest: dict[str, RuleSet] = {}
    for row in RuleSet.objects.order_by("code", "-version"):
        latest.setdefault(row.code, row)
    return list(latest.values())


@dataclass(frozen=True)
class OccupationCheck:
    decision: engine.Decision
    standard: Standard | None
    level_offered: bool
    on_directory: bool


def eligibility_for_occupation(
    *,
    occupation: Occupation,
    level: int | None,
    profile: engine.Profile,
    as_of: dt.date,
    province: str,
    holder_id_digest: str = "",
) -> OccupationCheck:
    """`holder_id_digest` (the candidate's ID-number digest) adds the certificates the platform
    holds for that person, such as imported old 职业资格 certificates, to the typed profile.
    `level` None: a 专项职业能力考核, to which no level clause applies."""
    if level is None:
        return OccupationCheck(
            decision=engine.without_level(as_of),
            standard=standard_current(occupation=occupation),
            level_offered=True,
            on_directory=directory_certifiable(
                occupation_code=occupation.code, level=None, day=as_of, province=province
            ),
        )
    prior = prior_certificates_of(holder_id_digest=holder_id_digest)
    profile = profile_with_prior_certificates(profile, prior, occupation_name=occupation.name)
    standard = standard_current(occupation=occupation)
    code = standard.rule_set_code if standard is not None else "generic-2018"
    rules = rule_set_for(code=code, province=province, occupation=occupation)
    decision = engine.evaluate(rules, level, profile, as_of)
    return OccupationCheck(
        decision=decision,
        standard=standard,
        level_offered=standard is None or level in standard.level_list,
        on_directory=directory_certifiable(
            occupation_code=occupation.code, level=level, day=as_of, province=province
        ),
    )
