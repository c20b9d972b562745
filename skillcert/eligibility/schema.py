"""Reading profiles, clause conditions and rule-set documents from plain JSON/YAML data into
the engine's dataclasses. Every problem is a DomainError naming the field at fault, e.g.
`work[1].start`. No ORM here either: the command, the bench and the migrations share it."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator, Mapping
from typing import Any

from skillcert.common.errors import DomainError
from skillcert.eligibility.engine import (
    EDUCATION_KINDS,
    EXEMPTABLE_PARTS,
    LEVELS,
    TITLE_GRADES,
    WORK_ANCHORS,
    CertificateCondition,
    Clause,
    Condition,
    Education,
    EducationOption,
    HeldCertificate,
    Profile,
    RuleSet,
    Title,
    TitleCondition,
    WorkPeriod,
)

RULE_SET_CODE = re.compile(r"^[a-z0-9][a-z0-9-]{1,62}$")
CLAUSE_LETTER = re.compile(r"^[a-z]{1,2}$")


def _fail(code: str, message: str, path: str) -> DomainError:
    return DomainError(code, message, field=path)


def _mapping(value: Any, path: str, allowed: set[str], required: set[str]) -> Mapping[str, Any]:
    if not isinstance(value, Mapping):
        raise _fail("input.not_object", f"{path or '输入'} 应为 JSON 对象", path)
    for key in value:
        if key not in allowed:
            where = f"{path}.{key}" if path else str(key)
            raise _fail("input.unknown_key", f"未知字段“{where}”", where)
    for key in sorted(required):
        if key not in value:
            where = f"{path}.{key}" if path else key
            raise _fail("input.missing_key", f"缺少字段“{where}”", where)
    return value


def _list(value: Any, path: str) -> list[Any]:
    if value is None:
        return []
    if not isinstance(value, list):
        raise _fail("input.not_list", f"“{path}”应为数组", path)
    return value


def parse_date(value: Any, path: str) -> dt.date:
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return value
    if not isinstance(value, str) or not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        raise _fail(
            "input.date_format", f"“{path}”应为 YYYY-MM-DD 格式的日期，收到 {value!r}", path
        )
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise _fail("input.date_invalid", f"“{path}”不是有效日期：{value}", path) from None


def parse_bool(value: Any, path: str) -> bool:
    if not isinstance(value, bool):
        raise _fail("input.not_bool", f"“{path}”应为 true 或 false", path)
    return value


def parse_level(value: Any, path: str) -> int:
    if isinstance(value, str) and value.strip().isdigit():
        value = int(value.strip())
    if isinstance(value, bool) or not isinstance(value, int) or value not in LEVELS:
        raise _fail("input.level_invalid", f"“{path}”应为 1 到 5 之间的等级，收到 {value!r}", path)
    return value


def _choice(value: Any, choices: tuple[str, ...], path: str) -> str:
    if value not in choices:
        raise _fail(
            "input.choice_invalid", f"“{path}”应为 {'、'.join(choices)} 之一，收到 {value!r}", path
        )
    return str(value)


def _rows(
    value: Any, path: str, allowed: set[str], required: set[str]
) -> Iterator[tuple[str, Mapping[str, Any]]]:
    """Each entry of the list at `path`, with its own path ("work[0]"), checked as a mapping."""
    for i, item in enumerate(_list(value, path)):
        row_path = f"{path}[{i}]"
        yield row_path, _mapping(item, row_path, allowed, required)


def _parse_work(value: Any) -> list[WorkPeriod]:
    """Periods of work, each ending (if it ends) after it starts."""
    work: list[WorkPeriod] = []
    for path, row in _rows(value, "work", {"start", "end", "related"}, {"start"}):
        start = parse_date(row["start"], f"{path}.start")
        end = parse_date(row["end"], f"{path}.end") if row.get("end") is not None else None
        if end is not None and end < start:
            raise _fail("input.period_reversed", f"“{path}.end”早于开始日期 {start}", f"{path}.end")
        related = parse_bool(row.get("related", True), f"{path}.related")
        work.append(WorkPeriod(start, end, related))
    return work


def _parse_titles(value: Any) -> list[Title]:
    """Professional titles held (职称)."""
    titles: list[Title] = []
    for path, row in _rows(
        value, "titles", {"grade", "name", "related", "date"}, {"grade", "date"}
    ):
        name = row.get("name", "")
        if not isinstance(name, str):
            raise _fail("input.not_string", f"“{path}.name”应为文字", f"{path}.name")
        titles.append(
            Title(
                _choice(row["grade"], TITLE_GRADES, f"{path}.grade"),
                parse_date(row["date"], f"{path}.date"),
                name.strip(),
                parse_bool(row.get("related", True), f"{path}.related"),
            )
        )
    return titles


def parse_profile(data: Any) -> tuple[Profile, dt.date | None]:
    """A profile document (the `eligibility` command's file). Returns (profile, as_of)."""
    root = _mapping(
        data,
        "",
        {"as_of", "work", "certificates", "education", "apprenticeship_completed", "titles"},
        set(),
    )
    as_of = parse_date(root["as_of"], "as_of") if root.get("as_of") is not None else None
    work = _parse_work(root.get("work"))
    certificates = [
        HeldCertificate(
            parse_level(row["level"], f"{path}.level"),
            parse_date(row["date"], f"{path}.date"),
            parse_bool(row.get("related", True), f"{path}.related"),
        )
        for path, row in _rows(
            root.get("certificates"),
            "certificates",
            {"level", "date", "related"},
            {"level", "date"},
        )
    ]
    education = [
        Education(
            _choice(row["kind"], EDUCATION_KINDS, f"{path}.kind"),
            parse_bool(row.get("major_related", False), f"{path}.major_related"),
            parse_date(row["graduation"], f"{path}.graduation"),
        )
        for path, row in _rows(
            root.get("education"),
            "education",
            {"kind", "major_related", "graduation"},
            {"kind", "graduation"},
        )
    ]
    titles = _parse_titles(root.get("titles"))
    apprenticeship = parse_bool(
        root.get("apprenticeship_completed", False), "apprenticeship_completed"
    )
    profile = Profile(
        work=tuple(work),
        certificates=tuple(certificates),
        education=tuple(education),
        apprenticeship_completed=apprenticeship,
        titles=tuple(titles),
    )
    return profile, as_of


def _parse_education_options(value: Any, path: str) -> list[EducationOption]:
    """The education routes of a condition (any one of them suffices)."""
    education: list[EducationOption] = []
    allowed = {"kinds", "major_related", "current_year_graduates"}
    for epath, e in _rows(value, f"{path}.education", allowed, {"kinds"}):
        kinds = _list(e["kinds"], f"{epath}.kinds")
        if not kinds:
            raise _fail("rules.education_empty", f"“{epath}.kinds”不能为空", f"{epath}.kinds")
        education.append(
            EducationOption(
                tuple(_choice(k, EDUCATION_KINDS, f"{epath}.kinds") for k in kinds),
                parse_bool(e.get("major_related", False), f"{epath}.major_related"),
                parse_bool(
                    e.get("current_year_graduates", False), f"{epath}.current_year_graduates"
                ),
            )
        )
    return education


def _parse_title_condition(value: Any, path: str) -> TitleCondition | None:
    """A professional title required by a condition, if any."""
    if value is None:
        return None
    t = _mapping(value, f"{path}.title", {"min_grade", "related", "names"}, {"min_grade"})
    names = _list(t.get("names"), f"{path}.title.names")
    return TitleCondition(
        _choice(t["min_grade"], TITLE_GRADES, f"{path}.title.min_grade"),
        parse_bool(t.get("related", True), f"{path}.title.related"),
        tuple(str(n) for n in names),
    )


def _parse_work_rule(
    row: Mapping[str, Any], path: str, certificate: CertificateCondition | None
) -> tuple[int | None, str | None]:
    """Years of work a condition asks for, and what they count from."""
    work_years = row.get("work_years")
    if work_years is not None and (
        isinstance(work_years, bool) or not isinstance(work_years, int) or not 0 < work_years <= 40
    ):
        raise _fail(
            "rules.work_years_invalid",
            f"“{path}.work_years”应为 1 到 40 的整数",
            f"{path}.work_years",
        )
    work_after = row.get("work_after")
    if work_after is not None:
        work_after = _choice(work_after, WORK_ANCHORS, f"{path}.work_after")
        if work_years is None:
            raise _fail(
                "rules.work_after_without_years",
                f"“{path}.work_after”需同时给出 work_years",
                f"{path}.work_after",
            )
        if work_after == "certificate" and certificate is None:
            raise _fail(
                "rules.work_after_without_certificate",
                f"“{path}.work_after”为 certificate 时需给出 certificate",
                f"{path}.work_after",
            )
    return work_years, work_after


def parse_condition(data: Any, path: str) -> Condition:
    row = _mapping(
        data,
        path,
        {
            "certificate",
            "work_years",
            "work_related",
            "work_after",
            "education",
            "apprenticeship",
            "title",
        },
        set(),
    )
    certificate = None
    if row.get("certificate") is not None:
        c = _mapping(row["certificate"], f"{path}.certificate", {"level", "related"}, {"level"})
        certificate = CertificateCondition(
            parse_level(c["level"], f"{path}.certificate.level"),
            parse_bool(c.get("related", True), f"{path}.certificate.related"),
        )
    work_years, work_after = _parse_work_rule(row, path, certificate)
    education = _parse_education_options(row.get("education"), path)
    title = _parse_title_condition(row.get("title"), path)
    if work_after == "title" and title is None:
        raise _fail(
            "rules.work_after_without_title",
            f"“{path}.work_after”为 title 时需给出 title",
            f"{path}.work_after",
        )
    condition = Condition(
        certificate=certificate,
        work_years=work_years,
        work_related=parse_bool(row.get("work_related", True), f"{path}.work_related"),
        work_after=work_after,
        education=tuple(education),
        apprenticeship=parse_bool(row.get("apprenticeship", False), f"{path}.apprenticeship"),
        title=title,
    )
    if condition == Condition(work_related=condition.work_related):
        raise _fail("rules.condition_empty", f"“{path}”没有任何条件", path)
    return condition


def parse_clause(data: Any, path: str, *, rule_set_code: str) -> Clause:
    row = _mapping(
        data,
        path,
        {"level", "letter", "text", "condition", "exempt", "replaces"},
        {"level", "letter", "text", "condition"},
    )
    level = parse_level(row["level"], f"{path}.level")
    letter = row["letter"]
    if not isinstance(letter, str) or not CLAUSE_LETTER.fullmatch(letter):
        raise _fail("rules.letter_invalid", f"“{path}.letter”应为小写字母，如 a", f"{path}.letter")
    text = row["text"]
    if not isinstance(text, str) or not text.strip():
        raise _fail("rules.text_required", f"“{path}.text”应为条款原文", f"{path}.text")
    exempt = tuple(
        _choice(p, EXEMPTABLE_PARTS, f"{path}.exempt")
        for p in _list(row.get("exempt"), f"{path}.exempt")
    )
    replaces = row.get("replaces") or ""
    if not isinstance(replaces, str):
        raise _fail("rules.replaces_invalid", f"“{path}.replaces”应为条款编号", f"{path}.replaces")
    return Clause(
        id=f"{rule_set_code}/{level}/{letter}",
        level=level,
        text=text.strip(),
        condition=parse_condition(row["condition"], f"{path}.condition"),
        exempt=exempt,
        replaces=replaces,
    )


def parse_rule_set_document(data: Any) -> tuple[dict[str, Any], RuleSet]:
    """A rule-set document (rulesets/*.yaml). Returns (header fields, engine rule set)."""
    root = _mapping(
        data,
        "",
        {"code", "version", "title", "source", "extends", "province", "occupation", "clauses"},
        {"code", "title", "clauses"},
    )
    code = root["code"]
    if not isinstance(code, str) or not RULE_SET_CODE.fullmatch(code):
        raise _fail(
            "rules.code_invalid", "“code”应为小写字母、数字和连字符，如 generic-2018", "code"
        )
    province = str(root.get("province") or "")
    if province and not re.fullmatch(r"\d{2}", province):
        raise _fail("rules.province_invalid", "“province”应为两位省级行政区划代码", "province")
    clauses = [
        parse_clause(item, f"clauses[{i}]", rule_set_code=code)
        for i, item in enumerate(_list(root["clauses"], "clauses"))
    ]
    seen: set[str] = set()
    for i, clause in enumerate(clauses):
        if clause.id in seen:
            raise _fail(
                "rules.clause_duplicate", f"条款编号 {clause.id} 重复", f"clauses[{i}].letter"
            )
        seen.add(clause.id)
    if not clauses:
        raise _fail("rules.clauses_empty", "规则集至少需要一条条款", "clauses")
    header = {
        "code": code,
        "title": str(root["title"]),
        "source": str(root.get("source") or ""),
        "extends": str(root.get("extends") or ""),
        "province": province,
        "occupation": str(root.get("occupation") or ""),
    }
    return header, RuleSet(code=code, version=int(root.get("version") or 1), clauses=tuple(clauses))


def condition_to_dict(condition: Condition) -> dict[str, Any]:
    out: dict[str, Any] = {}
    if condition.certificate is not None:
        out["certificate"] = {
            "level": condition.certificate.level,
            "related": condition.certificate.related,
        }
    if condition.work_years is not None:
        out["work_years"] = condition.work_years
    if not condition.work_related:
        out["work_related"] = False
    if condition.work_after is not None:
        out["work_after"] = condition.work_after
    if condition.education:
        out["education"] = [
            {
                "kinds": list(e.kinds),
                "major_related": e.major_related,
                "current_year_graduates": e.current_year_graduates,
            }
            for e in condition.education
        ]
    if condition.apprenticeship:
        out["apprenticeship"] = True
    if condition.title is not None:
        out["title"] = {
            "min_grade": condition.title.min_grade,
            "related": condition.title.related,
            "names": list(condition.title.names),
        }
    return out
