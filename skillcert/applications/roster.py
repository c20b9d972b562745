"""Roster (花名册) row validation. Pure: cells in, either a clean row or errors out; the
catalogue, the plan's offerings, the rule sets and what is already applied come in as plain
data in `RosterContext`.

Each error names the spreadsheet row (1-based, as Excel shows it), the column header, a
stable code and a Chinese message the organisation's clerk can act on."""

from __future__ import annotations

import datetime as dt
import json
import operator
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from skillcert.applications.roster_cells import (
    cell_date,
    cell_text,
    clean_name,
    parse_level,
)
from skillcert.candidates.core import certificate_number_parse
from skillcert.common.errors import DomainError
from skillcert.common.identifiers import (
    normalize,
    parse_id_number,
    person_name_problem,
    validate_mobile,
)
from skillcert.eligibility import engine

__all__ = ["cell_date", "cell_text", "clean_name", "parse_level"]


@dataclass(frozen=True)
class Column:
    key: str
    header: str
    required: bool = False
    kind: str = "text"  # text | date | id | phone
    help: str = ""


COLUMNS: tuple[Column, ...] = (
    Column("name", "姓名", True, help="与身份证一致"),
    Column("id_number", "证件号码", True, "id", "18位居民身份证号码；本列为文本格式，请勿改为数值"),
    Column("phone", "手机号码", True, "phone", "11位手机号码"),
    Column("birth_date", "出生日期", False, "date", "选填；与身份证号码不一致时将提示审核人员"),
    Column("occupation_code", "职业编码", True, help="如 4-07-03-02，须为本计划开设的职业"),
    Column("specialty", "工种/职业方向", help="选填；须为该职业下的工种"),
    Column(
        "level",
        "申报等级",
        True,
        help="填 1–5 或 五级/四级/三级/二级/一级；专项职业能力考核不设等级，不填",
    ),
    Column("work_start", "参加本职业工作日期", False, "date", "用于核对申报条件中的工作年限"),
    Column("post", "从事岗位", help="选填；企业自主评价按评价规范适用的岗位核对"),
    Column("cert_level", "现持证书等级", help="选填；本职业或相关职业已取得的最高等级"),
    Column("cert_date", "证书发证日期", False, "date", "填写现持证书等级时必填"),
    Column("cert_number", "证书编号", help="22位技能等级证书编号或16位原职业资格证书编号"),
    Column(
        "education", "最高学历", help="技工学校/高级技工学校/技师学院/中职/高职/大专/本科/硕士/博士"
    ),
    Column("graduation", "毕业日期", False, "date", "填写学历时必填"),
    Column("major_related", "专业是否相关", help="是/否"),
    Column("note", "备注", help="选填"),
)
HEADERS = {c.key: c.header for c in COLUMNS}
MAX_CELL_CHARS = 500  # the longest legitimate cell is a note; names stop at 50

_EDUCATION_ALIASES = {
    "中专": "中职",
    "职高": "中职",
    "大学本科": "本科",
    "专科": "大专",
    "研究生": "硕士",
}
_YES = {"是", "Y", "YES", "TRUE", "1", "相关"}
_NO = {"否", "N", "NO", "FALSE", "0", "不相关", ""}
_ID_CODES = {
    "id_number.length": "id_length",
    "id_number.format": "id_format",
    "id_number.birth_date": "id_birth_date",
    "id_number.checksum": "id_checksum",
}


ERROR, WARNING = "error", "warning"


@dataclass(frozen=True)
class RowError:
    """A problem on one row. An error keeps the row out; a warning (`severity` WARNING) lets
    it in and asks the clerk to check a value (an ID number born in a region not in GB/T
    2260)."""

    row: int
    column: str
    code: str
    message: str
    severity: str = ERROR

    @property
    def is_warning(self) -> bool:
        return self.severity == WARNING

    def as_dict(self) -> dict[str, Any]:
        return {
            "row": self.row,
            "column": self.column,
            "code": self.code,
            "message": self.message,
            "severity": self.severity,
        }


@dataclass(frozen=True)
class OccupationInfo:
    id: int
    name: str
    levels: frozenset[int] | None  # None: no standard on file, any level
    specialties: dict[str, int] = field(default_factory=dict)
    rules: engine.RuleSet | None = None
    has_levels: bool = True  # False: a 专项职业能力考核, applied for without a level


@dataclass(frozen=True)
class RosterContext:
    occupations: dict[str, OccupationInfo]  # the whole catalogue, by code
    offerings: frozenset[tuple[str, int | None]]  # (occupation code, level) the plan offers
    applied_digests: frozenset[str]  # ID digests already applied to this plan
    digest: Callable[[str], str]
    seats_left: int
    today: dt.date
    # GB/T 2260 codes (regions.selectors.known_region_codes); an ID number born elsewhere
    # is a warning on its row. None: not checked.
    known_region_codes: frozenset[str] | None = None
    # What a row's offering and history cells were found to be, by the cells (and their
    # types: 1, 1.0 and True are equal keys but different cells): a roster repeats the
    # same occupation, level and dates on most rows, and the checks depend on nothing else.
    # A history's entry also keeps the decisions reached on it (the engine is pure).
    sections: dict[tuple[Any, ...], Any] = field(default_factory=dict, compare=False, repr=False)


@dataclass
class RosterRow:
    row: int
    name: str
    id_number: str
    digest: str
    gender: str
    birth_date: dt.date
    declared_birth_date: dt.date | None
    phone: str
    occupation_id: int
    specialty_id: int | None
    level: int | None
    snapshot: dict[str, Any]
    decision: engine.Decision
    note: str
    warnings: tuple[str, ...] = ()
    # The JSON of the snapshot's history part without its opening brace, encoded once for
    # the rows that share that history (see snapshot_json).
    snapshot_tail: str = ""

    @property
    def birth_mismatch(self) -> bool:
        return self.declared_birth_date is not None and self.declared_birth_date != self.birth_date

    def snapshot_json(self) -> str:
        """`stored_json(self.snapshot)`, text for text: the row's own fields encoded here
        and the history's part spliced in (encoding every row's whole snapshot cost a 10^5-row
        import half a second)."""
        if not self.snapshot_tail:
            return stored_json(self.snapshot)
        s = self.snapshot
        head = stored_json({k: s[k] for k in ("full_name", "birth_date", "declared_birth_date")})
        return head[:-1] + ", " + self.snapshot_tail


def stored_json(value: dict[str, Any]) -> str:
    """JSON as the import stores it (a snapshot, a decision): Chinese as UTF-8, not escaped."""
    return _ENCODE(value)


# json.dumps builds a new encoder for every call that passes an option.
_ENCODE = json.JSONEncoder(ensure_ascii=False).encode


@dataclass
class RosterResult:
    rows: list[RosterRow]
    errors: list[RowError]
    data_rows: int  # non-empty rows seen
    warnings: list[RowError] = field(default_factory=list)  # on rows that are imported

    @property
    def error_rows(self) -> int:
        return len({e.row for e in self.errors})


class RowFailed(Exception):
    def __init__(self, error: RowError) -> None:
        self.error = error


# --- one row -----------------------------------------------------------------------------


def _fail(row: int, key: str, code: str, message: str) -> RowFailed:
    return RowFailed(RowError(row, HEADERS[key], code, message))


def _date(row: int, key: str, raw: Any, today: dt.date) -> dt.date | None:
    try:
        day = cell_date(raw)
    except (ValueError, OverflowError):
        raise _fail(
            row, key, "date_invalid", f"“{cell_text(raw)}”不是有效日期，请填写如 2020-03-01"
        ) from None
    if day is not None and not dt.date(1900, 1, 1) <= day <= today:
        raise _fail(row, key, "date_range", f"日期{day.isoformat()}不合理（不能晚于今天）")
    return day


_SCIENTIFIC = re.compile(r"\d(\.\d+)?E\+\d+")
_SEVEN_DIGITS = re.compile(r"\d{7}")


def _id_number(
    row: int, raw: Any, today: dt.date, known_region_codes: frozenset[str] | None = None
) -> Any:
    if isinstance(raw, int | float) and not isinstance(raw, bool):
        shown = f"{float(raw):.13E}"
        raise _fail(
            row,
            "id_number",
            "id_float",
            f"证件号码被Excel存成了数字（显示为{shown}），末尾几位已丢失且无法恢复；"
            "请将“证件号码”列设置为“文本”格式后重新录入（或使用平台下载的模板）",
        )
    text = cell_text(raw)
    # Only a "+" (or a full-width one, which normalize turns into "+") can make it match.
    if ("+" in text or "＋" in text) and _SCIENTIFIC.fullmatch(normalize(text)):
        raise _fail(
            row,
            "id_number",
            "id_float",
            f"证件号码“{text}”是科学计数法，末尾几位已丢失；请将该列设置为文本格式后重新录入",
        )
    try:
        return parse_id_number(text, today=today, known_region_codes=known_region_codes)
    except DomainError as exc:
        raise _fail(row, "id_number", _ID_CODES.get(exc.code, "id_invalid"), exc.message) from None


@dataclass(frozen=True)
class _Person:
    name: str
    id_number: Any  # the parsed ID number (value, gender, birth date)
    phone: str
    declared_birth: dt.date | None


@dataclass(frozen=True)
class _Offering:
    occupation: Any  # the context's occupation entry
    level: int | None
    specialty_id: int | None


@dataclass(frozen=True)
class _History:
    work_start: dt.date | None
    post: str
    cert_level: int | None
    cert_date: dt.date | None
    cert_number: str
    cert_kind: str
    education: str
    graduation: dt.date | None
    major_related: bool


def _person(row: int, cells: dict[str, Any], ctx: RosterContext) -> _Person:
    name = clean_name(cells.get("name"))
    if not name:
        raise _fail(row, "name", "required", "姓名不能为空")
    if len(name) > 50:
        raise _fail(row, "name", "name_length", "姓名不能超过50个字")
    problem = person_name_problem(name)
    if problem:
        raise _fail(row, "name", "name_invalid", f"第{row}行“{HEADERS['name']}”列：{problem}")
    parsed = _id_number(row, cells.get("id_number"), ctx.today, ctx.known_region_codes)
    phone_raw = cell_text(cells.get("phone"))
    if not phone_raw:
        raise _fail(row, "phone", "required", "手机号码不能为空")
    try:
        phone = validate_mobile(phone_raw)
    except DomainError as exc:
        raise _fail(row, "phone", "phone_format", exc.message) from None
    declared = _date(row, "birth_date", cells.get("birth_date"), ctx.today)
    return _Person(name, parsed, phone, declared)


def _occupation_code(cells: dict[str, Any]) -> str:
    code = normalize(cell_text(cells.get("occupation_code")))
    if _SEVEN_DIGITS.fullmatch(code):
        return code[:1] + "-" + code[1:3] + "-" + code[3:5] + "-" + code[5:]
    return code


def _level(row: int, raw_level: Any, occupation: Any) -> int | None:
    if not occupation.has_levels:
        if cell_text(raw_level) != "":
            raise _fail(
                row,
                "level",
                "level_not_applicable",
                f"{occupation.name}为专项职业能力考核，不设等级，申报等级请留空",
            )
        return None
    if cell_text(raw_level) == "":
        raise _fail(row, "level", "required", "申报等级不能为空")
    try:
        level = parse_level(raw_level)
    except ValueError:
        raise _fail(
            row,
            "level",
            "level_invalid",
            f"申报等级“{cell_text(raw_level)}”无效，请填写1–5或五级…一级",
        ) from None
    if occupation.levels is not None and level not in occupation.levels:
        offered = "、".join(f"{lv}级" for lv in sorted(occupation.levels, reverse=True))
        raise _fail(
            row,
            "level",
            "level_not_offered",
            f"{occupation.name}的职业标准未设置{level}级（设有：{offered}）",
        )
    return level


def _offering(row: int, cells: dict[str, Any], ctx: RosterContext) -> _Offering:
    code = _occupation_code(cells)
    if not code:
        raise _fail(row, "occupation_code", "required", "职业编码不能为空")
    occupation = ctx.occupations.get(code)
    if occupation is None:
        raise _fail(row, "occupation_code", "occupation_unknown", f"职业编码“{code}”不在职业目录中")
    level = _level(row, cells.get("level"), occupation)
    if (code, level) not in ctx.offerings:
        what = occupation.name if level is None else f"{occupation.name}{level}级"
        raise _fail(row, "level", "not_in_plan", f"本评价计划未开设{what}")
    specialty_id = None
    specialty = clean_name(cells.get("specialty"))
    if specialty:
        specialty_id = occupation.specialties.get(specialty)
        if specialty_id is None:
            raise _fail(
                row, "specialty", "specialty_unknown", f"“{specialty}”不是{occupation.name}的工种"
            )
    return _Offering(occupation, level, specialty_id)


def _held_certificate(
    row: int, cells: dict[str, Any], ctx: RosterContext
) -> tuple[int | None, dt.date | None, str, str]:
    """(level, date, number, kind) of the certificate the candidate holds, if any."""
    cert_level_raw = cells.get("cert_level")
    cert_level = None
    if cell_text(cert_level_raw):
        try:
            cert_level = parse_level(cert_level_raw)
        except ValueError:
            raise _fail(row, "cert_level", "level_invalid", "现持证书等级无效") from None
    cert_date = _date(row, "cert_date", cells.get("cert_date"), ctx.today)
    if cert_level is not None and cert_date is None:
        raise _fail(row, "cert_date", "required", "填写了现持证书等级时，证书发证日期必填")
    cert_number = cell_text(cells.get("cert_number"))
    if not cert_number:
        return cert_level, cert_date, "", ""
    try:
        number = certificate_number_parse(cert_number)
    except DomainError as exc:
        raise _fail(row, "cert_number", "certificate_number", exc.message) from None
    if number.level is not None and cert_level is not None and number.level != cert_level:
        raise _fail(
            row,
            "cert_number",
            "certificate_level_mismatch",
            f"证书编号表示{number.level}级，与现持证书等级{cert_level}级不一致",
        )
    return cert_level, cert_date, number.value, number.kind


def _history(row: int, cells: dict[str, Any], ctx: RosterContext) -> _History:
    work_start = _date(row, "work_start", cells.get("work_start"), ctx.today)
    cert_level, cert_date, cert_number, cert_kind = _held_certificate(row, cells, ctx)
    education = cell_text(cells.get("education"))
    education = _EDUCATION_ALIASES.get(education, education)
    graduation = _date(row, "graduation", cells.get("graduation"), ctx.today)
    if education and education not in engine.EDUCATION_KINDS:
        raise _fail(row, "education", "education_unknown", f"学历“{education}”无法识别")
    if education and graduation is None:
        raise _fail(row, "graduation", "required", "填写学历时毕业日期必填")
    related_text = normalize(cell_text(cells.get("major_related")))
    if related_text not in _YES and related_text not in _NO:
        raise _fail(row, "major_related", "yes_no", "专业是否相关请填写“是”或“否”")
    post = clean_name(cells.get("post"))
    if len(post) > 50:
        raise _fail(row, "post", "too_long", "从事岗位不超过50个字")
    if post and work_start is None:
        raise _fail(row, "work_start", "required", "填写从事岗位时，参加本职业工作日期必填")
    return _History(
        work_start=work_start,
        post=post,
        cert_level=cert_level,
        cert_date=cert_date,
        cert_number=cert_number,
        cert_kind=cert_kind,
        education=education,
        graduation=graduation,
        major_related=related_text in _YES and related_text != "",
    )


def _snapshot(person: _Person, history: _HistoryEntry) -> dict[str, Any]:
    """What the application records of the candidate's profile at submission. The history's
    part is built once for the rows that share that history: they share its lists, which
    nothing changes (they are written out as JSON and read)."""
    return {
        "full_name": person.name,
        "birth_date": person.id_number.birth_date.isoformat(),
        "declared_birth_date": person.declared_birth.isoformat() if person.declared_birth else None,
        **history.snapshot,
    }


def _history_snapshot(history: _History) -> dict[str, Any]:
    h = history
    held = h.cert_level is not None and h.cert_date is not None
    return {
        "apprenticeship_completed": False,
        "work": (
            [
                {
                    "start": h.work_start.isoformat(),
                    "end": None,
                    "related": True,
                    **({"occupation_name": h.post} if h.post else {}),
                }
            ]
            if h.work_start
            else []
        ),
        "certificates": (
            [
                {
                    "level": h.cert_level,
                    "date": h.cert_date.isoformat() if h.cert_date else None,
                    "related": True,
                    "number": h.cert_number,
                    "kind": h.cert_kind,
                }
            ]
            if held
            else []
        ),
        "education": (
            [
                {
                    "kind": h.education,
                    "major_related": h.major_related,
                    "graduation": h.graduation.isoformat(),
                }
            ]
            if h.education and h.graduation
            else []
        ),
        "titles": [],
    }


def _profile(history: _History) -> engine.Profile:
    h = history
    return engine.Profile(
        work=(engine.WorkPeriod(h.work_start, None),) if h.work_start else (),
        certificates=(
            (engine.HeldCertificate(h.cert_level, h.cert_date),)
            if h.cert_level is not None and h.cert_date is not None
            else ()
        ),
        education=(
            (engine.Education(h.education, h.major_related, h.graduation),)
            if h.education and h.graduation
            else ()
        ),
    )


_OFFERING_KEYS = ("occupation_code", "level", "specialty")
_HISTORY_KEYS = (
    "work_start", "post", "cert_level", "cert_date", "cert_number", "education", "graduation",
    "major_related",
)  # fmt: skip


@dataclass
class _HistoryEntry:
    """A history section's result: the checked cells, the engine's profile, the snapshot's
    part built from them, and the decisions reached on the profile, by (occupation id,
    level)."""

    history: _History
    profile: engine.Profile
    snapshot: dict[str, Any]
    decisions: dict[tuple[int, int | None], engine.Decision] = field(default_factory=dict)
    snapshot_tail: str = ""

    def __post_init__(self) -> None:
        if self.snapshot:
            self.snapshot_tail = stored_json(self.snapshot)[1:]


def _section(
    row: int,
    cells: dict[str, Any],
    ctx: RosterContext,
    keys: tuple[str, ...],
    check: Callable[[int, dict[str, Any], RosterContext], Any],
) -> Any:
    """`check(row, cells, ctx)` for the cells under `keys`, reusing what the same cells gave
    on an earlier row (a problem is reported again on this row)."""
    try:
        raw = _CELL_GETTERS[keys](cells)
    except KeyError:  # a row given without every column (validate_roster gives them all)
        raw = tuple(cells.get(k) for k in keys)
    key = (check, raw, tuple(map(type, raw)))
    try:
        found = ctx.sections.get(key)
    except TypeError:  # an unhashable cell: checked without reuse
        return check(row, cells, ctx)
    if found is None:
        try:
            found = (check(row, cells, ctx), None)
        except RowFailed as failed:
            found = (None, (failed.error.column, failed.error.code, failed.error.message))
        ctx.sections[key] = found
    value, problem = found
    if problem is not None:
        raise RowFailed(RowError(row, *problem))
    return value


_CELL_GETTERS: dict[tuple[str, ...], Callable[[dict[str, Any]], tuple[Any, ...]]] = {
    keys: operator.itemgetter(*keys) for keys in (_OFFERING_KEYS, _HISTORY_KEYS)
}


def _history_entry(row: int, cells: dict[str, Any], ctx: RosterContext) -> _HistoryEntry:
    history = _history(row, cells, ctx)
    return _HistoryEntry(history, _profile(history), _history_snapshot(history))


def _decision(row: int, offering: _Offering, entry: _HistoryEntry, today: dt.date) -> Any:
    occupation, level = offering.occupation, offering.level
    decision = entry.decisions.get((occupation.id, level))
    if decision is None:
        if level is None:  # 专项职业能力考核: no level, so no level's conditions
            decision = engine.without_level(today)
        elif occupation.rules is None:
            raise _fail(row, "occupation_code", "rules_missing", f"{occupation.name}未配置申报条件")
        else:
            decision = engine.evaluate(occupation.rules, level, entry.profile, today)
        entry.decisions[(occupation.id, level)] = decision
    return decision


def validate_row(row: int, cells: dict[str, Any], ctx: RosterContext) -> RosterRow:
    """Validate one non-empty row; raises RowFailed with the first problem found."""
    person = _person(row, cells, ctx)
    offering: _Offering = _section(row, cells, ctx, _OFFERING_KEYS, _offering)
    history: _HistoryEntry = _section(row, cells, ctx, _HISTORY_KEYS, _history_entry)
    decision = _decision(row, offering, history, ctx.today)
    level = offering.level
    if not decision.eligible:
        missing = "；".join(r.unmet[0] for r in decision.clauses if r.unmet)
        raise _fail(
            row, "level", "ineligible", f"不符合{level}级申报条件：{missing or '无适用条款'}"
        )
    parsed = person.id_number
    return RosterRow(
        row=row,
        name=person.name,
        id_number=parsed.value,
        digest=ctx.digest(parsed.value),
        gender=parsed.gender,
        birth_date=parsed.birth_date,
        declared_birth_date=person.declared_birth,
        phone=person.phone,
        occupation_id=offering.occupation.id,
        specialty_id=offering.specialty_id,
        level=level,
        snapshot=_snapshot(person, history),
        decision=decision,
        note=cell_text(cells.get("note")),
        warnings=parsed.warnings,
        snapshot_tail=history.snapshot_tail,
    )
