"""Qualification conditions of assessment personnel (考评人员资格条件): pure functions over plain
data, no ORM.

The conditions are data (QualificationRule/QualificationClause rows) and are checked with the
eligibility engine's building blocks: each clause carries an `engine.Condition` (certificate
level, title grade, years of related work, work counted after the title) that
`engine.evaluate_clause` checks and explains. What the engine does not know about is added
here: having held a role for some years (senior examiners: one year as an examiner), actual
assessment work (sittings), and a signed confidentiality agreement (question setters).

Semantics:

* A clause covers a band of assessed levels, `level_high`…`level_low` (1 = 一级 is the
  highest). A request to hold a role for the levels `high`…`low` is decided by the clauses
  whose band contains `high`, the highest level requested: the conditions for higher levels
  are the stricter ones (seed 001: "开展二级及以上考评工作的…需持有二级及以上证书").
  When no clause covers `high`, the request is refused naming the highest level the rule
  allows.
* Any one clause suffices; within a clause every stated condition must hold.
* "Related" follows the rule: a certificate or work period is related when its occupation
  is the rule's occupation or one of the rule's related occupations; a title is related when
  its major is one of the rule's related majors, or, when the rule lists none, always (the
  city reviewer then judges the major in 初审).
* Time held in a role is measured like work in the engine: the union of the periods, in
  complete calendar months, up to `as_of`.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from skillcert.common.errors import DomainError
from skillcert.eligibility import engine
from skillcert.eligibility.schema import condition_to_dict, parse_condition, parse_level

ROLE_NAMES = {
    "examiner": "考评员",
    "senior_examiner": "高级考评员",
    "question_setter": "命题人员",
    "supervisor_external": "质量督导员（外督）",
    "supervisor_internal": "质量督导员（内督）",
}


@dataclass(frozen=True)
class CertificateFact:
    occupation_code: str
    level: int
    date: dt.date


@dataclass(frozen=True)
class TitleFact:
    grade: str
    name: str
    major: str
    date: dt.date


@dataclass(frozen=True)
class WorkFact:
    occupation_code: str  # "" when the work was in no catalogued occupation
    start: dt.date
    end: dt.date | None


@dataclass(frozen=True)
class RolePeriod:
    role: str
    occupation_code: str
    start: dt.date
    end: dt.date | None


@dataclass(frozen=True)
class PersonFacts:
    certificates: tuple[CertificateFact, ...] = ()
    titles: tuple[TitleFact, ...] = ()
    work: tuple[WorkFact, ...] = ()
    role_periods: tuple[RolePeriod, ...] = ()
    sittings: tuple[dt.date, ...] = ()  # dates of actual assessment work in the occupation
    confidentiality_signed: bool = False


@dataclass(frozen=True)
class QualificationClause:
    id: str
    text: str
    level_high: int
    level_low: int
    condition: engine.Condition | None = None
    role_required: str = ""
    role_years: int | None = None
    min_sittings: int = 0
    confidentiality: bool = False

    def covers(self, level: int) -> bool:
        return self.level_high <= level <= self.level_low


@dataclass(frozen=True)
class QualificationRule:
    code: str
    version: int
    role: str
    occupation_code: str
    clauses: tuple[QualificationClause, ...]
    related_occupation_codes: tuple[str, ...] = ()
    related_majors: tuple[str, ...] = ()

    def highest_level(self) -> int | None:
        return min((c.level_high for c in self.clauses), default=None)


@dataclass(frozen=True)
class ClauseOutcome:
    id: str
    met: bool
    unmet: tuple[str, ...]
    text: str


@dataclass(frozen=True)
class QualificationDecision:
    qualified: bool
    rule: str
    version: int
    role: str
    level_high: int
    level_low: int
    as_of: dt.date
    matched_clause: str | None
    clauses: tuple[ClauseOutcome, ...]
    reason: str = ""  # set when no clause could apply at all

    def explanation(self) -> str:
        if self.qualified:
            return f"符合条款 {self.matched_clause}"
        if self.reason:
            return self.reason
        return "；".join(f"{c.id}：{'，'.join(c.unmet)}" for c in self.clauses)

    def as_dict(self) -> dict[str, object]:
        return {
            "qualified": self.qualified,
            "rule": self.rule,
            "rule_version": self.version,
            "role": self.role,
            "levels": [self.level_high, self.level_low],
            "as_of": self.as_of.isoformat(),
            "matched_clause": self.matched_clause,
            "reason": self.reason,
            "clauses": [{"id": c.id, "met": c.met, "unmet": list(c.unmet)} for c in self.clauses],
        }


def profile_for(facts: PersonFacts, rule: QualificationRule) -> engine.Profile:
    """The person's record as an eligibility-engine profile, with "related" judged against
    the rule's occupation."""
    related_codes = {rule.occupation_code, *rule.related_occupation_codes} - {""}

    def related_occupation(code: str) -> bool:
        # A generic rule (no occupation) is applied per requested occupation by the caller,
        # which then passes that occupation as the rule's occupation_code.
        return bool(code) and code in related_codes

    majors = set(rule.related_majors)
    return engine.Profile(
        work=tuple(
            engine.WorkPeriod(w.start, w.end, related_occupation(w.occupation_code))
            for w in facts.work
        ),
        certificates=tuple(
            engine.HeldCertificate(c.level, c.date, related_occupation(c.occupation_code))
            for c in facts.certificates
        ),
        titles=tuple(
            engine.Title(t.grade, t.date, t.name, (t.major in majors) if majors else True)
            for t in facts.titles
        ),
    )


def _role_months(facts: PersonFacts, role: str, occupation_code: str, as_of: dt.date) -> int:
    periods = [
        engine.WorkPeriod(p.start, p.end, True)
        for p in facts.role_periods
        if p.role == role and p.occupation_code == occupation_code
    ]
    days = engine.union_days(periods, since=None, as_of=as_of, related_only=True)
    return engine.months_of_work(days, as_of)


def evaluate_qualification_clause(
    clause: QualificationClause,
    rule: QualificationRule,
    facts: PersonFacts,
    profile: engine.Profile,
    as_of: dt.date,
) -> ClauseOutcome:
    unmet: list[str] = []
    if clause.condition is not None:
        result = engine.evaluate_clause(
            engine.Clause(
                id=clause.id, level=clause.level_high, text=clause.text, condition=clause.condition
            ),
            profile,
            as_of,
        )
        unmet.extend(result.unmet)
    if clause.role_required:
        name = ROLE_NAMES.get(clause.role_required, clause.role_required)
        months = _role_months(facts, clause.role_required, rule.occupation_code, as_of)
        years = clause.role_years or 0
        if months == 0 or months < years * 12:
            have = f"申报人为{engine.format_months(months)}" if months else "申报人未担任"
            need = f"满{years}年" if years else ""
            unmet.append(f"需已取得本职业{name}资格{need}，{have}")
    if clause.min_sittings:
        done = sum(1 for day in facts.sittings if day <= as_of)
        if done < clause.min_sittings:
            unmet.append(
                f"需有实际考评工作经历（至少{clause.min_sittings}场），申报人记录为{done}场"
            )
    if clause.confidentiality and not facts.confidentiality_signed:
        unmet.append("需与评价机构签订保密协议，申报人尚未签订")
    return ClauseOutcome(id=clause.id, met=not unmet, unmet=tuple(unmet), text=clause.text)


def check_qualification(
    rule: QualificationRule,
    *,
    level_high: int,
    level_low: int,
    facts: PersonFacts,
    as_of: dt.date,
) -> QualificationDecision:
    """Decide whether the person qualifies for the role for levels level_high…level_low."""

    def decision(
        outcomes: tuple[ClauseOutcome, ...] = (), matched: str | None = None, reason: str = ""
    ) -> QualificationDecision:
        return QualificationDecision(
            qualified=matched is not None,
            rule=rule.code,
            version=rule.version,
            role=rule.role,
            level_high=level_high,
            level_low=level_low,
            as_of=as_of,
            matched_clause=matched,
            clauses=outcomes,
            reason=reason,
        )

    if not (1 <= level_high <= level_low <= 5):
        return decision(reason="等级范围无效：最高等级应不低于最低等级，且在一级至五级之间")
    applicable = [c for c in rule.clauses if c.covers(level_high)]
    if not applicable:
        top = rule.highest_level()
        role = ROLE_NAMES.get(rule.role, rule.role)
        limit = f"最高可申报{engine.LEVEL_NAMES[top]}" if top is not None else "无可适用条款"
        return decision(
            reason=f"{role}资格条件不含{engine.LEVEL_NAMES[level_high]}考评工作（{limit}）"
        )
    profile = profile_for(facts, rule)
    outcomes = tuple(
        evaluate_qualification_clause(c, rule, facts, profile, as_of) for c in applicable
    )
    return decision(outcomes, next((o.id for o in outcomes if o.met), None))


def pick_rule(
    rules: Sequence[QualificationRuleHeader], *, role: str, province: str, occupation_code: str
) -> QualificationRuleHeader | None:
    """The most specific rule header: occupation+province, occupation, province, generic;
    within one kind the newest version."""
    best: QualificationRuleHeader | None = None
    best_key: tuple[int, int] | None = None
    for header in rules:
        if header.role != role:
            continue
        if header.province and header.province != province:
            continue
        if header.occupation_code and header.occupation_code != occupation_code:
            continue
        specificity = 2 * bool(header.occupation_code) + bool(header.province)
        key = (specificity, header.version)
        if best_key is None or key > best_key:
            best, best_key = header, key
    return best


@dataclass(frozen=True)
class QualificationRuleHeader:
    code: str
    version: int
    role: str
    province: str
    occupation_code: str


# --- rule documents (rulesets/*.yaml and the publish service) ------------------------------

RULE_ROLES = tuple(ROLE_NAMES)
RULE_CODE = re.compile(r"^[a-z0-9][a-z0-9-]{1,62}$")


def _fail(code: str, message: str, path: str) -> DomainError:
    return DomainError(code, message, field=path)


RULE_KEYS = {
    "code",
    "version",
    "role",
    "province",
    "occupation_code",
    "title",
    "source",
    "related_occupation_codes",
    "related_majors",
    "clauses",
}


def _check_document_keys(data: Any) -> None:
    if not isinstance(data, Mapping):
        raise _fail("input.not_object", "规则文件应为对象", "")
    for key in data:
        if key not in RULE_KEYS:
            raise _fail("input.unknown_key", f"未知字段“{key}”", str(key))
    for key in ("code", "role", "title", "source", "clauses"):
        if key not in data:
            raise _fail("input.missing_key", f"缺少字段“{key}”", key)


def parse_rule_document(data: Any) -> QualificationRule:
    """A qualification-rule document into the pure rule; every problem is a DomainError
    naming the field at fault. Conditions are read by the eligibility schema."""
    _check_document_keys(data)
    code = data["code"]
    if not isinstance(code, str) or not RULE_CODE.fullmatch(code):
        raise _fail("rules.code_invalid", "“code”应为小写字母、数字和连字符", "code")
    role = data["role"]
    if role not in RULE_ROLES:
        raise _fail("rules.role_invalid", f"“role”应为 {'、'.join(RULE_ROLES)} 之一", "role")
    province = str(data.get("province") or "")
    if province and not re.fullmatch(r"\d{2}", province):
        raise _fail("rules.province_invalid", "“province”应为两位省级行政区划代码", "province")
    occupation_code = str(data.get("occupation_code") or "")
    if occupation_code and not re.fullmatch(r"[1-8]-\d{2}-\d{2}-\d{2}", occupation_code):
        raise _fail(
            "rules.occupation_invalid",
            "“occupation_code”应为职业编码，如 4-07-03-02",
            "occupation_code",
        )
    version = data.get("version", 1)
    if isinstance(version, bool) or not isinstance(version, int) or version < 1:
        raise _fail("rules.version_invalid", "“version”应为正整数", "version")
    clauses = _parse_clauses(data["clauses"], code)
    return QualificationRule(
        code=code,
        version=version,
        role=role,
        occupation_code=occupation_code,
        clauses=tuple(clauses),
        related_occupation_codes=_strings(
            data.get("related_occupation_codes"), "related_occupation_codes"
        ),
        related_majors=_strings(data.get("related_majors"), "related_majors"),
    )


def _parse_clauses(clauses_data: Any, code: str) -> list[QualificationClause]:
    if not isinstance(clauses_data, list) or not clauses_data:
        raise _fail("rules.clauses_empty", "规则至少需要一条条款", "clauses")
    clauses: list[QualificationClause] = []
    seen: set[str] = set()
    for i, item in enumerate(clauses_data):
        clauses.append(_parse_clause(item, f"clauses[{i}]", code))
        if clauses[-1].id in seen:
            raise _fail(
                "rules.clause_duplicate", f"条款编号 {clauses[-1].id} 重复", f"clauses[{i}].letter"
            )
        seen.add(clauses[-1].id)
    return clauses


def _strings(value: Any, path: str) -> tuple[str, ...]:
    if value is None:
        return ()
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        raise _fail("rules.list_invalid", f"“{path}”应为文字列表", path)
    return tuple(v.strip() for v in value)


CLAUSE_KEYS = {
    "letter",
    "text",
    "level_high",
    "level_low",
    "condition",
    "role_required",
    "role_years",
    "min_sittings",
    "confidentiality",
}


def _clause_requirements(item: Mapping[str, Any], path: str) -> tuple[str, int | None, int, bool]:
    """A clause's requirements beyond its condition: a role held (for some years), sittings
    served, a confidentiality agreement."""
    role_required = str(item.get("role_required") or "")
    if role_required and role_required not in RULE_ROLES:
        raise _fail(
            "rules.role_invalid", f"“{path}.role_required”不是有效角色", f"{path}.role_required"
        )
    role_years = item.get("role_years")
    if role_years is not None and (
        isinstance(role_years, bool) or not isinstance(role_years, int) or not 0 < role_years <= 40
    ):
        raise _fail(
            "rules.role_years_invalid",
            f"“{path}.role_years”应为 1 到 40 的整数",
            f"{path}.role_years",
        )
    if role_years is not None and not role_required:
        raise _fail(
            "rules.role_years_without_role",
            f"“{path}.role_years”需同时给出 role_required",
            f"{path}.role_years",
        )
    min_sittings = item.get("min_sittings", 0)
    if isinstance(min_sittings, bool) or not isinstance(min_sittings, int) or min_sittings < 0:
        raise _fail(
            "rules.min_sittings_invalid",
            f"“{path}.min_sittings”应为非负整数",
            f"{path}.min_sittings",
        )
    confidentiality = item.get("confidentiality", False)
    if not isinstance(confidentiality, bool):
        raise _fail(
            "input.not_bool",
            f"“{path}.confidentiality”应为 true 或 false",
            f"{path}.confidentiality",
        )
    return role_required, role_years, min_sittings, confidentiality


def _parse_clause(item: Any, path: str, code: str) -> QualificationClause:
    if not isinstance(item, Mapping):
        raise _fail("input.not_object", f"“{path}”应为对象", path)
    for key in item:
        if key not in CLAUSE_KEYS:
            raise _fail("input.unknown_key", f"未知字段“{path}.{key}”", f"{path}.{key}")
    for key in ("letter", "text", "level_high", "level_low"):
        if key not in item:
            raise _fail("input.missing_key", f"缺少字段“{path}.{key}”", f"{path}.{key}")
    letter = item["letter"]
    if not isinstance(letter, str) or not re.fullmatch(r"[a-z]{1,2}", letter):
        raise _fail("rules.letter_invalid", f"“{path}.letter”应为小写字母，如 a", f"{path}.letter")
    text = item["text"]
    if not isinstance(text, str) or not text.strip():
        raise _fail("rules.text_required", f"“{path}.text”应为条款原文", f"{path}.text")
    high = parse_level(item["level_high"], f"{path}.level_high")
    low = parse_level(item["level_low"], f"{path}.level_low")
    if high > low:
        raise _fail(
            "rules.band_reversed", f"“{path}”的最高等级应不低于最低等级", f"{path}.level_high"
        )
    condition = (
        parse_condition(item["condition"], f"{path}.condition") if item.get("condition") else None
    )
    role_required, role_years, min_sittings, confidentiality = _clause_requirements(item, path)
    if condition is None and not (role_required or min_sittings or confidentiality):
        raise _fail("rules.condition_empty", f"“{path}”没有任何条件", path)
    return QualificationClause(
        id=f"{code}/{letter}",
        text=text.strip(),
        level_high=high,
        level_low=low,
        condition=condition,
        role_required=role_required,
        role_years=role_years,
        min_sittings=min_sittings,
        confidentiality=confidentiality,
    )


def clause_to_dict(clause: QualificationClause) -> dict[str, Any]:
    return {
        "letter": clause.id.rsplit("/", 1)[1],
        "text": clause.text,
        "level_high": clause.level_high,
        "level_low": clause.level_low,
        "condition": condition_to_dict(clause.condition) if clause.condition else {},
        "role_required": clause.role_required,
        "role_years": clause.role_years,
        "min_sittings": clause.min_sittings,
        "confidentiality": clause.confidentiality,
    }
