"""The eligibility engine (申报条件): a pure function over plain data, no ORM.

Semantics (documented here because every later issue relies on them):

* Levels are numbers 5 (五级) … 1 (一级); a *smaller* number is a *higher* level. A certificate
  of level L satisfies a requirement for level L or any lower level (a larger number).
* Work periods are half-open: a period counts from `start` up to `end` (the day it ended); an
  open period (`end` is None) runs to `as_of`. Periods and certificates dated after `as_of` do
  not count yet.
* Overlapping periods are counted once (the union of the periods is measured).
* "After the certificate" counts only work on or after the certificate's date. When several
  certificates qualify, the earliest one is used, since it leaves the most work after it.
* Work is measured in complete calendar months: the union of D days is laid out to end on
  `as_of`, i.e. it starts at s = as_of − D, and N years are met when s + N years ≤ as_of
  (inclusive, as "含" says). For one continuous open period this is exactly
  start + N years ≤ as_of. Adding years or months to a day the target month lacks (29 Feb)
  lands on the month's last day (民法典第二百零二条).
* A current-year graduate (应届毕业生) is one whose graduation date falls in `as_of`'s year;
  a graduation later than `as_of` counts only where the clause says current-year graduates
  are included, and only in that year.
* Any one clause of a level suffices; within a clause every stated condition must hold.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

LEVELS = (5, 4, 3, 2, 1)
LEVEL_NAMES = {5: "五级", 4: "四级", 3: "三级", 2: "二级", 1: "一级"}
LEVEL_TITLES = {5: "初级工", 4: "中级工", 3: "高级工", 2: "技师", 1: "高级技师"}

EDUCATION_KINDS = (
    "技工学校",
    "高级技工学校",
    "技师学院",
    "预备技师",
    "中职",
    "高职",
    "大专",
    "本科",
    "硕士",
    "博士",
)
TITLE_GRADES = ("初级", "中级", "副高级", "正高级")
WORK_ANCHORS = ("certificate", "title")
EXEMPTABLE_PARTS = ("theory", "practical", "panel")
PART_NAMES = {"theory": "理论知识考试", "practical": "操作技能考核", "panel": "综合评审"}


@dataclass(frozen=True)
class WorkPeriod:
    start: dt.date
    end: dt.date | None
    related: bool = True


@dataclass(frozen=True)
class HeldCertificate:
    level: int
    date: dt.date
    related: bool = True


@dataclass(frozen=True)
class Education:
    kind: str
    major_related: bool
    graduation: dt.date


@dataclass(frozen=True)
class Title:
    grade: str
    date: dt.date
    name: str = ""
    related: bool = True


@dataclass(frozen=True)
class Profile:
    work: tuple[WorkPeriod, ...] = ()
    certificates: tuple[HeldCertificate, ...] = ()
    education: tuple[Education, ...] = ()
    apprenticeship_completed: bool = False
    titles: tuple[Title, ...] = ()


@dataclass(frozen=True)
class CertificateCondition:
    level: int
    related: bool = True


@dataclass(frozen=True)
class EducationOption:
    kinds: tuple[str, ...]
    major_related: bool = False
    current_year_graduates: bool = False


@dataclass(frozen=True)
class TitleCondition:
    min_grade: str
    related: bool = True
    names: tuple[str, ...] = ()


@dataclass(frozen=True)
class Condition:
    """One clause's requirements; every part that is set must hold."""

    certificate: CertificateCondition | None = None
    work_years: int | None = None
    work_related: bool = True
    work_after: str | None = None  # None, "certificate" or "title"
    education: tuple[EducationOption, ...] = ()  # any one option suffices
    apprenticeship: bool = False
    title: TitleCondition | None = None


@dataclass(frozen=True)
class Clause:
    id: str
    level: int
    text: str
    condition: Condition
    exempt: tuple[str, ...] = ()  # parts of the assessment the clause waives, e.g. "theory"
    replaces: str = ""  # in a province override: the base clause id it replaces


@dataclass(frozen=True)
class RuleSet:
    code: str
    version: int
    clauses: tuple[Clause, ...]
    overrides: tuple[str, ...] = ()  # "code@version" of province overrides composed in

    def clauses_for(self, level: int) -> tuple[Clause, ...]:
        return tuple(c for c in self.clauses if c.level == level)

    def levels(self) -> tuple[int, ...]:
        return tuple(sorted({c.level for c in self.clauses}, reverse=True))


@dataclass(frozen=True)
class ClauseResult:
    id: str
    met: bool
    unmet: tuple[str, ...]
    text: str = ""
    exempt: tuple[str, ...] = ()


@dataclass(frozen=True)
class Decision:
    eligible: bool
    rule_set: str
    version: int
    level: int | None  # None: a 专项职业能力考核, which has no levels (`without_level`)
    as_of: dt.date
    matched_clause: str | None
    clauses: tuple[ClauseResult, ...]
    overrides: tuple[str, ...] = field(default=())

    @property
    def exempt(self) -> tuple[str, ...]:
        for result in self.clauses:
            if result.id == self.matched_clause:
                return result.exempt
        return ()

    def as_dict(self) -> dict[str, object]:
        return {
            "eligible": self.eligible,
            "rule_set": self.rule_set,
            "rule_set_version": self.version,
            "level": self.level,
            "as_of": self.as_of.isoformat(),
            "matched_clause": self.matched_clause,
            "clauses": [{"id": r.id, "met": r.met, "unmet": list(r.unmet)} for r in self.clauses],
        }


def compose(base: RuleSet, overrides: Sequence[tuple[str, int, Sequence[Clause]]]) -> RuleSet:
    """Apply province overrides (code, version, clauses): an override clause with `replaces`
    takes the place of that base clause; any other override clause is added to its level."""
    clauses = list(base.clauses)
    tags: list[str] = []
    for code, version, extra in overrides:
        tags.append(f"{code}@{version}")
        for clause in extra:
            if clause.replaces:
                clauses = [c for c in clauses if c.id != clause.replaces]
            clauses.append(clause)
    clauses.sort(key=lambda c: (-c.level, c.id))
    return RuleSet(base.code, base.version, tuple(clauses), base.overrides + tuple(tags))


# --- calendar arithmetic -------------------------------------------------------------------


def _days_in_month(year: int, month: int) -> int:
    if month == 12:
        return 31
    return (dt.date(year, month + 1, 1) - dt.date(year, month, 1)).days


def add_months(day: dt.date, months: int) -> dt.date:
    index = day.year * 12 + (day.month - 1) + months
    year, month = divmod(index, 12)
    month += 1
    return dt.date(year, month, min(day.day, _days_in_month(year, month)))


def complete_months(start: dt.date, end: dt.date) -> int:
    """Whole months from start to end: the largest k with add_months(start, k) <= end."""
    if end < start:
        return 0
    k = (end.year - start.year) * 12 + (end.month - start.month)
    while k > 0 and add_months(start, k) > end:
        k -= 1
    return k


def union_days(
    periods: Iterable[WorkPeriod], *, since: dt.date | None, as_of: dt.date, related_only: bool
) -> int:
    """Days covered by the union of the periods, clipped to [since, as_of)."""
    spans: list[tuple[dt.date, dt.date]] = []
    for period in periods:
        if related_only and not period.related:
            continue
        start = period.start if since is None else max(period.start, since)
        end = as_of if period.end is None else min(period.end, as_of)
        if end > start:
            spans.append((start, end))
    spans.sort()
    total = 0
    reach: dt.date | None = None
    for start, end in spans:
        if reach is not None and start < reach:
            start = reach
        if end > start:
            total += (end - start).days
            reach = end
    return total


def months_of_work(days: int, as_of: dt.date) -> int:
    if days <= 0:
        return 0
    return complete_months(as_of - dt.timedelta(days=days), as_of)


def format_months(months: int) -> str:
    years, rest = divmod(months, 12)
    if years and rest:
        return f"{years}年{rest}个月"
    if years:
        return f"{years}年"
    return f"{rest}个月"


# --- evaluation ----------------------------------------------------------------------------


def _qualifying_certificates(
    profile: Profile, condition: CertificateCondition, as_of: dt.date
) -> list[HeldCertificate]:
    return [
        c
        for c in profile.certificates
        if c.level <= condition.level and c.date <= as_of and (c.related or not condition.related)
    ]


def _qualifying_titles(profile: Profile, condition: TitleCondition, as_of: dt.date) -> list[Title]:
    floor = TITLE_GRADES.index(condition.min_grade)
    return [
        t
        for t in profile.titles
        if t.grade in TITLE_GRADES
        and TITLE_GRADES.index(t.grade) >= floor
        and t.date <= as_of
        and (t.related or not condition.related)
        and (not condition.names or t.name in condition.names)
    ]


def _education_counts(education: Education, option: EducationOption, as_of: dt.date) -> bool:
    if education.kind not in option.kinds:
        return False
    if option.major_related and not education.major_related:
        return False
    if education.graduation <= as_of:
        return True
    return option.current_year_graduates and education.graduation.year == as_of.year


def _certificate_phrase(condition: CertificateCondition) -> str:
    scope = "本职业或相关职业" if condition.related else ""
    return f"{scope}{LEVEL_NAMES[condition.level]}及以上职业资格证书或职业技能等级证书"


def _title_phrase(condition: TitleCondition) -> str:
    names = "、".join(condition.names)
    scope = "相关专业" if condition.related else ""
    what = f"（{names}）" if names else ""
    return f"{scope}{condition.min_grade}及以上职称{what}"


def _education_phrase(options: Sequence[EducationOption]) -> str:
    parts = []
    for option in options:
        text = "、".join(option.kinds)
        if option.major_related:
            text += "本专业或相关专业"
        text += "毕业证书"
        if option.current_year_graduates:
            text += "（含应届毕业生）"
        parts.append(text)
    return "或".join(parts)


def _work_shortfall(
    cond: Condition,
    profile: Profile,
    as_of: dt.date,
    anchor: dt.date | None,
    anchor_phrase: str,
    anchor_missing: bool,
) -> str:
    """What is missing of the years of work `cond` asks for ("" when they are there)."""
    assert cond.work_years is not None
    months = 0
    if not anchor_missing:
        days = union_days(profile.work, since=anchor, as_of=as_of, related_only=cond.work_related)
        months = months_of_work(days, as_of)
    if months >= cond.work_years * 12:
        return ""
    scope = "本职业或相关职业" if cond.work_related else ""
    have = "申报人尚不具备起算条件" if anchor_missing else f"申报人为{format_months(months)}"
    return f"需{anchor_phrase}累计从事{scope}工作满{cond.work_years}年，{have}"


def _anchor(days: list[dt.date]) -> tuple[dt.date | None, bool]:
    """The day work starts counting from (the earliest qualifying one), and whether it is
    missing because nothing qualifies."""
    return (min(days), False) if days else (None, True)


def evaluate_clause(clause: Clause, profile: Profile, as_of: dt.date) -> ClauseResult:
    cond = clause.condition
    unmet: list[str] = []
    anchor: dt.date | None = None
    anchor_phrase = ""
    anchor_missing = False

    if cond.certificate is not None:
        held = _qualifying_certificates(profile, cond.certificate, as_of)
        if not held:
            levels = [c.level for c in profile.certificates if c.date <= as_of]
            if not levels:
                have = "申报人未取得"
            elif min(levels) <= cond.certificate.level:
                have = "申报人所持证书与本职业无关"
            else:
                have = f"申报人最高为{LEVEL_NAMES[min(levels)]}"
            unmet.append(f"需取得{_certificate_phrase(cond.certificate)}，{have}")
        if cond.work_after == "certificate":
            anchor_phrase = f"取得{LEVEL_NAMES[cond.certificate.level]}证书后"
            anchor, anchor_missing = _anchor([c.date for c in held])

    if cond.title is not None:
        titles = _qualifying_titles(profile, cond.title, as_of)
        if not titles:
            unmet.append(f"需具有{_title_phrase(cond.title)}，申报人未取得")
        if cond.work_after == "title":
            anchor_phrase = f"取得{cond.title.min_grade}职称后"
            anchor, anchor_missing = _anchor([t.date for t in titles])

    if cond.education and not any(
        _education_counts(e, option, as_of) for e in profile.education for option in cond.education
    ):
        unmet.append(f"需具有{_education_phrase(cond.education)}，申报人无符合条件的学历")

    if cond.apprenticeship and not profile.apprenticeship_completed:
        unmet.append("需本职业或相关职业学徒期满，申报人学徒期未满")

    if cond.work_years is not None:
        shortfall = _work_shortfall(cond, profile, as_of, anchor, anchor_phrase, anchor_missing)
        if shortfall:
            unmet.append(shortfall)

    return ClauseResult(
        id=clause.id, met=not unmet, unmet=tuple(unmet), text=clause.text, exempt=clause.exempt
    )


# A 专项职业能力考核 has no levels, so none of the level clauses (seed 004 §一; the seeds set
# no other 申报条件 for it): the decision names this instead of a clause.
WITHOUT_LEVEL_RULE_SET = "special-ability"
WITHOUT_LEVEL_CLAUSE = "special_ability"


def without_level(as_of: dt.date) -> Decision:
    """The decision for an assessment without a level: no level clause applies."""
    result = ClauseResult(
        id=WITHOUT_LEVEL_CLAUSE,
        met=True,
        unmet=(),
        text="专项职业能力考核不设等级，不适用按等级设定的申报条件",
    )
    return Decision(
        eligible=True,
        rule_set=WITHOUT_LEVEL_RULE_SET,
        version=1,
        level=None,
        as_of=as_of,
        matched_clause=WITHOUT_LEVEL_CLAUSE,
        clauses=(result,),
    )


def evaluate(rule_set: RuleSet, level: int, profile: Profile, as_of: dt.date) -> Decision:
    """Evaluate every clause of `level`; the first clause met, in rule-set order, matches."""
    results = tuple(evaluate_clause(c, profile, as_of) for c in rule_set.clauses_for(level))
    matched = next((r.id for r in results if r.met), None)
    return Decision(
        eligible=matched is not None,
        rule_set=rule_set.code,
        version=rule_set.version,
        level=level,
        as_of=as_of,
        matched_clause=matched,
        clauses=results,
        overrides=rule_set.overrides,
    )
