"""The standards exchange format (docs/formats/standards.md): YAML, JSON and Excel read into
one validated document and written back out. No ORM here; services store the result.

Every error names where it is: a path such as `occupations[0].standards[1].weights[2].percent`
for YAML/JSON, or the sheet and row (“比重表”第5行) for Excel."""

from __future__ import annotations

import io
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import xlsxwriter
import yaml

from skillcert.common.errors import DomainError
from skillcert.common.exports import formula_safe
from skillcert.common.untrusted_files import sheet_rows, spreadsheet_check, text_decode
from skillcert.occupations.models import (
    OCCUPATION_CODE_REGEX,
    AssessmentPart,
    CertificationKind,
    Importance,
    StandardKind,
)

FORMAT_TAG = "skillcert.standards/1"
ELEMENT_CODE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9.\-]{0,39}$")
RULE_SET_CODE = re.compile(r"^[a-z0-9][a-z0-9-]{1,62}$")

SHEET_OCCUPATIONS = "职业"
SHEET_SPECIALTIES = "工种"
SHEET_STANDARDS = "标准"
SHEET_WEIGHTS = "比重表"
SHEET_ELEMENTS = "鉴定要素"
SHEETS: dict[str, list[str]] = {
    SHEET_OCCUPATIONS: ["code", "name", "certification_kind", "description", "code_note"],
    SHEET_SPECIALTIES: ["occupation", "name", "code"],
    SHEET_STANDARDS: [
        "occupation",
        "kind",
        "code",
        "name",
        "edition_year",
        "levels",
        "rule_set",
        "note",
    ],
    SHEET_WEIGHTS: [
        "occupation",
        "standard",
        "edition_year",
        "part",
        "level",
        "section",
        "item",
        "percent",
    ],
    SHEET_ELEMENTS: [
        "occupation",
        "standard",
        "edition_year",
        "code",
        "parent",
        "name",
        "importance",
        "levels",
    ],
}


@dataclass
class WeightRow:
    part: str
    level: int
    section: str
    item: str
    percent: int


@dataclass
class ElementRow:
    code: str
    name: str
    parent: str
    importance: str
    levels: list[int]


@dataclass
class StandardDoc:
    kind: str
    code: str
    name: str
    edition_year: int
    levels: list[int]
    rule_set: str
    note: str = ""
    weights: list[WeightRow] = field(default_factory=list)
    elements: list[ElementRow] = field(default_factory=list)


@dataclass
class OccupationDoc:
    code: str
    name: str
    certification_kind: str
    description: str = ""
    code_note: str = ""
    specialties: list[tuple[str, str]] = field(default_factory=list)  # (name, code)
    standards: list[StandardDoc] = field(default_factory=list)


def _err(code: str, message: str, where: str) -> DomainError:
    return DomainError(code, f"{where}：{message}" if where else message, field=where)


def _where(row: Mapping[str, Any], path: str) -> str:
    return str(row.get("_row") or path)


def _obj(value: Any, path: str, allowed: set[str], required: set[str]) -> Mapping[str, Any]:
    if not isinstance(value, Mapping):
        raise _err("standards.not_object", "应为对象", path)
    where = _where(value, path)
    for key in value:
        if key not in allowed and key != "_row":
            raise _err("standards.unknown_key", f"未知字段“{key}”", where)
    for key in sorted(required):
        if value.get(key) in (None, ""):
            raise _err("standards.missing_key", f"缺少“{key}”", where)
    return value


def _list(value: Any, path: str) -> list[Any]:
    if value is None:
        return []
    if not isinstance(value, list):
        raise _err("standards.not_list", "应为列表", path)
    return value


def _text(value: Any, where: str, name: str, max_length: int) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = str(value).strip()
    if len(text) > max_length:
        raise _err("standards.too_long", f"“{name}”超过 {max_length} 字", where)
    return text


def _int(value: Any, where: str, name: str, low: int, high: int) -> int:
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, str) and value.strip().isdigit():
        value = int(value.strip())
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise _err(
            "standards.number_invalid",
            f"“{name}”应为 {low} 到 {high} 的整数，收到 {value!r}",
            where,
        )
    return value


def _levels(value: Any, where: str, name: str) -> list[int]:
    if value in (None, ""):
        return []
    if isinstance(value, int | float) and not isinstance(value, bool):
        items: list[Any] = [value]
    elif isinstance(value, str):
        items = [v for v in re.split(r"[,，、\s]+", value.strip()) if v]
    elif isinstance(value, list):
        items = value
    else:
        raise _err("standards.levels_invalid", f"“{name}”应为等级列表，如 4,3,2,1", where)
    levels = [_int(v, where, name, 1, 5) for v in items]
    if len(set(levels)) != len(levels):
        raise _err("standards.levels_duplicate", f"“{name}”中等级重复", where)
    return sorted(levels, reverse=True)


def _choice(value: Any, choices: list[str], where: str, name: str) -> str:
    if value not in choices:
        raise _err(
            "standards.choice_invalid",
            f"“{name}”应为 {'、'.join(choices)} 之一，收到 {value!r}",
            where,
        )
    return str(value)


def validate_document(data: Any) -> list[OccupationDoc]:
    root = _obj(data, "", {"format", "occupations"}, {"occupations"})
    if root.get("format", FORMAT_TAG) != FORMAT_TAG:
        raise _err(
            "standards.format_unknown",
            f"不支持的格式“{root.get('format')}”，应为 {FORMAT_TAG}",
            "format",
        )
    out: list[OccupationDoc] = []
    seen_codes: set[str] = set()
    for i, item in enumerate(_list(root["occupations"], "occupations")):
        out.append(_validate_occupation(item, f"occupations[{i}]", seen_codes))
    if not out:
        raise _err("standards.empty", "文件中没有任何职业", "occupations")
    return out


def _validate_occupation(item: Any, path: str, seen_codes: set[str]) -> OccupationDoc:
    """One occupation of the document; `seen_codes` collects the codes read so far."""
    row = _obj(
        item,
        path,
        {
            "code",
            "name",
            "certification_kind",
            "description",
            "code_note",
            "specialties",
            "standards",
        },
        {"code", "name"},
    )
    where = _where(row, path)
    code = _text(row["code"], where, "code", 11)
    if not re.fullmatch(OCCUPATION_CODE_REGEX, code):
        raise _err(
            "occupation.code_invalid",
            f"职业编码“{code}”格式应为 大类-中类-小类-细类，如 4-07-03-02",
            where,
        )
    if code in seen_codes:
        raise _err("occupation.code_duplicate", f"职业编码“{code}”重复", where)
    seen_codes.add(code)
    occupation = OccupationDoc(
        code=code,
        name=_text(row["name"], where, "name", 100),
        certification_kind=_choice(
            row.get("certification_kind") or CertificationKind.SKILL_LEVEL.value,
            list(CertificationKind.values),
            where,
            "certification_kind",
        ),
        description=_text(row.get("description"), where, "description", 2000),
        code_note=_text(row.get("code_note"), where, "code_note", 200),
    )
    for j, sp in enumerate(_list(row.get("specialties"), f"{path}.specialties")):
        sp_row = _obj(sp, f"{path}.specialties[{j}]", {"name", "code", "occupation"}, {"name"})
        sp_where = _where(sp_row, f"{path}.specialties[{j}]")
        occupation.specialties.append(
            (
                _text(sp_row["name"], sp_where, "name", 100),
                _text(sp_row.get("code"), sp_where, "code", 20),
            )
        )
    if len({name for name, _ in occupation.specialties}) != len(occupation.specialties):
        raise _err("occupation.specialty_duplicate", "工种名称重复", f"{path}.specialties")
    for j, st in enumerate(_list(row.get("standards"), f"{path}.standards")):
        occupation.standards.append(_validate_standard(st, f"{path}.standards[{j}]"))
    keys = [(s.kind, s.code, s.edition_year) for s in occupation.standards]
    if len(set(keys)) != len(keys):
        raise _err(
            "standard.duplicate", "同一职业下标准（类型、编号、年份）重复", f"{path}.standards"
        )
    return occupation


def _validate_standard(data: Any, path: str) -> StandardDoc:
    row = _obj(
        data,
        path,
        {
            "kind",
            "code",
            "name",
            "edition_year",
            "levels",
            "rule_set",
            "note",
            "weights",
            "elements",
            "occupation",
        },
        {"kind", "code", "name", "edition_year", "levels"},
    )
    where = _where(row, path)
    rule_set = _text(row.get("rule_set") or "generic-2018", where, "rule_set", 64)
    if not RULE_SET_CODE.fullmatch(rule_set):
        raise _err("standard.rule_set_invalid", f"规则集编号“{rule_set}”格式不正确", where)
    standard = StandardDoc(
        kind=_choice(row["kind"], list(StandardKind.values), where, "kind"),
        code=_text(row["code"], where, "code", 40),
        name=_text(row["name"], where, "name", 200),
        edition_year=_int(row["edition_year"], where, "edition_year", 1990, 2100),
        levels=_levels(row["levels"], where, "levels"),
        rule_set=rule_set,
        note=_text(row.get("note"), where, "note", 2000),
    )
    if not standard.levels:
        raise _err("standard.levels_required", "标准至少设置一个等级", where)
    standard.weights = _validate_weights(row.get("weights"), f"{path}.weights", standard.levels)
    standard.elements = _validate_elements(row.get("elements"), f"{path}.elements", standard.levels)
    return standard


def _validate_weights(value: Any, path: str, offered: list[int]) -> list[WeightRow]:
    """The weight table: each row for a level the standard offers, no row twice, and each
    part × level adding up to 100%."""
    weights: list[WeightRow] = []
    sums: dict[tuple[str, int], int] = {}
    seen_items: set[tuple[str, int, str, str]] = set()
    for k, w in enumerate(_list(value, path)):
        w_row = _obj(
            w,
            f"{path}[{k}]",
            {
                "part",
                "level",
                "section",
                "item",
                "percent",
                "occupation",
                "standard",
                "edition_year",
            },
            {"part", "level", "section", "item", "percent"},
        )
        w_where = _where(w_row, f"{path}[{k}]")
        weight = WeightRow(
            part=_choice(w_row["part"], list(AssessmentPart.values), w_where, "part"),
            level=_int(w_row["level"], w_where, "level", 1, 5),
            section=_text(w_row["section"], w_where, "section", 60),
            item=_text(w_row["item"], w_where, "item", 100),
            percent=_int(w_row["percent"], w_where, "percent", 0, 100),
        )
        if weight.level not in offered:
            raise _err(
                "weight.level_not_offered",
                f"标准未设置{weight.level}级，不能有该等级的比重",
                w_where,
            )
        key = (weight.part, weight.level, weight.section, weight.item)
        if key in seen_items:
            raise _err("weight.duplicate", f"比重条目“{weight.section}/{weight.item}”重复", w_where)
        seen_items.add(key)
        sums[(weight.part, weight.level)] = (
            sums.get((weight.part, weight.level), 0) + weight.percent
        )
        weights.append(weight)
    for (part, level), total in sorted(sums.items()):
        if total != 100:
            label = AssessmentPart(part).label
            raise _err(
                "weight.sum_not_100",
                f"{label}{level}级比重合计为 {total}%，应为 100%",
                path,
            )
    return weights


def _validate_elements(value: Any, path: str, offered: list[int]) -> list[ElementRow]:
    """Elements come nested (`children`) in YAML/JSON and flat (`parent`) from Excel; both
    end up flat, parents before children."""
    flat: list[tuple[ElementRow, str]] = []

    def walk(items: list[Any], base: str, parent: str) -> None:
        for index, item in enumerate(items):
            p = f"{base}[{index}]"
            row = _obj(
                item,
                p,
                {
                    "code",
                    "name",
                    "importance",
                    "levels",
                    "children",
                    "parent",
                    "occupation",
                    "standard",
                    "edition_year",
                },
                {"code", "name"},
            )
            where = _where(row, p)
            code = _text(row["code"], where, "code", 40)
            if not ELEMENT_CODE.fullmatch(code):
                raise _err(
                    "element.code_invalid", f"要素代码“{code}”只能含字母、数字、点和连字符", where
                )
            levels = _levels(row.get("levels"), where, "levels")
            stray = [lv for lv in levels if lv not in offered]
            if stray:
                raise _err("element.level_not_offered", f"标准未设置{stray[0]}级", where)
            element = ElementRow(
                code=code,
                name=_text(row["name"], where, "name", 200),
                parent=_text(row.get("parent"), where, "parent", 40) or parent,
                importance=_choice(
                    row.get("importance") or "", list(Importance.values), where, "importance"
                ),
                levels=levels,
            )
            flat.append((element, where))
            walk(_list(row.get("children"), f"{p}.children"), f"{p}.children", code)

    walk(_list(value, path), path, "")
    codes: set[str] = set()
    for element, where in flat:
        if element.code in codes:
            raise _err("element.code_duplicate", f"要素代码“{element.code}”重复", where)
        codes.add(element.code)
    for element, where in flat:
        if element.parent and element.parent not in codes:
            raise _err("element.parent_missing", f"上级要素“{element.parent}”不存在", where)
        if element.parent == element.code:
            raise _err("element.parent_self", "要素不能以自身为上级", where)
    return _parents_first([e for e, _ in flat], path)


def _parents_first(elements: list[ElementRow], path: str) -> list[ElementRow]:
    placed: set[str] = set()
    ordered: list[ElementRow] = []
    pending = list(elements)
    while pending:
        ready = [e for e in pending if not e.parent or e.parent in placed]
        if not ready:
            raise _err("element.cycle", f"要素“{pending[0].code}”的上级关系构成循环", path)
        for e in ready:
            placed.add(e.code)
            ordered.append(e)
        pending = [e for e in pending if e.code not in placed]
    # Keep the file's order among siblings; `ready` batches preserve it per depth.
    position = {e.code: i for i, e in enumerate(elements)}
    return sorted(
        ordered, key=lambda e: (_depth(e, {x.code: x for x in elements}), position[e.code])
    )


def _depth(element: ElementRow, by_code: dict[str, ElementRow]) -> int:
    depth = 0
    while element.parent:
        element = by_code[element.parent]
        depth += 1
    return depth


# --- reading files -----------------------------------------------------------------------


def load_text(content: bytes, *, kind: str) -> Any:
    """Parse YAML or JSON bytes (UTF-8, UTF-16 with BOM, or GB18030)."""
    try:
        text = text_decode(content, what="标准文件")
    except DomainError as exc:
        raise _err("standards.encoding", exc.message, "file") from None
    try:
        if kind == "json":
            return json.loads(text)
        return yaml.safe_load(text)
    except (json.JSONDecodeError, yaml.YAMLError) as exc:
        raise _err(
            "standards.syntax", f"{kind.upper()} 语法错误：{str(exc)[:200]}", "file"
        ) from None
    except RecursionError:
        raise _err("standards.syntax", f"{kind.upper()} 嵌套层数过多", "file") from None


def load_xlsx(content: bytes) -> dict[str, Any]:
    """An Excel workbook with the five sheets of SHEETS, first row = column names."""
    from python_calamine import CalamineWorkbook

    spreadsheet_check(content, what="标准文件")
    try:
        workbook = CalamineWorkbook.from_filelike(io.BytesIO(content))
    except Exception as exc:  # calamine raises several unrelated types for a corrupt file
        raise _err(
            "standards.xlsx_unreadable", f"无法读取 Excel 文件：{str(exc)[:120]}", "file"
        ) from None
    tables: dict[str, list[dict[str, Any]]] = {}
    for sheet, columns in SHEETS.items():
        if sheet not in workbook.sheet_names:
            if sheet == SHEET_OCCUPATIONS:
                raise _err("standards.sheet_missing", f"缺少工作表“{sheet}”", "file")
            tables[sheet] = []
            continue
        try:
            rows = sheet_rows(workbook.get_sheet_by_name(sheet), what="标准文件")
        except DomainError as exc:
            raise _err(exc.code, exc.message, "file") from None
        except Exception as exc:  # the sheet's XML is parsed here, not when the file opens
            raise _err(
                "standards.xlsx_unreadable", f"无法读取工作表“{sheet}”：{str(exc)[:120]}", "file"
            ) from None
        if not rows:
            tables[sheet] = []
            continue
        header = [str(h).strip() for h in rows[0]]
        unknown = [h for h in header if h and h not in columns]
        if unknown:
            raise _err("standards.column_unknown", f"工作表“{sheet}”有未知列“{unknown[0]}”", sheet)
        records = []
        for number, values in enumerate(rows[1:], start=2):
            if all(v in ("", None) for v in values):
                continue
            record: dict[str, Any] = {
                h: v for h, v in zip(header, values, strict=False) if h and v not in ("", None)
            }
            record["_row"] = f"工作表“{sheet}”第{number}行"
            records.append(record)
        tables[sheet] = records
    return _tables_to_document(tables)


def _tables_to_document(tables: dict[str, list[dict[str, Any]]]) -> dict[str, Any]:
    occupations: dict[str, dict[str, Any]] = {}
    for row in tables[SHEET_OCCUPATIONS]:
        code = str(row.get("code", "")).strip()
        occupations[code] = {**row, "specialties": [], "standards": []}

    def owner(row: dict[str, Any]) -> dict[str, Any]:
        code = str(row.get("occupation", "")).strip()
        if code not in occupations:
            raise _err(
                "standards.occupation_unknown", f"职业编码“{code}”不在“职业”工作表中", row["_row"]
            )
        return occupations[code]

    standards: dict[tuple[str, str, int], dict[str, Any]] = {}
    for row in tables[SHEET_SPECIALTIES]:
        owner(row)["specialties"].append({k: v for k, v in row.items() if k != "occupation"})
    for row in tables[SHEET_STANDARDS]:
        occ = owner(row)
        year = _int(row.get("edition_year"), row["_row"], "edition_year", 1990, 2100)
        standard = {k: v for k, v in row.items() if k != "occupation"}
        standard.update(weights=[], elements=[])
        standards[(occ["code"], str(row.get("code", "")).strip(), year)] = standard
        occ["standards"].append(standard)

    def standard_of(row: dict[str, Any]) -> dict[str, Any]:
        occ = owner(row)
        year = _int(row.get("edition_year"), row["_row"], "edition_year", 1990, 2100)
        key = (occ["code"], str(row.get("standard", "")).strip(), year)
        if key not in standards:
            raise _err(
                "standards.standard_unknown",
                f"标准“{key[1]}（{year}）”不在“标准”工作表中",
                row["_row"],
            )
        return standards[key]

    for row in tables[SHEET_WEIGHTS]:
        standard_of(row)["weights"].append(
            {k: v for k, v in row.items() if k not in {"occupation", "standard", "edition_year"}}
        )
    for row in tables[SHEET_ELEMENTS]:
        standard_of(row)["elements"].append(
            {k: v for k, v in row.items() if k not in {"occupation", "standard", "edition_year"}}
        )
    return {"format": FORMAT_TAG, "occupations": list(occupations.values())}


def parse_upload(filename: str, content: bytes) -> list[OccupationDoc]:
    lower = filename.lower()
    if lower.endswith(".xlsx"):
        return validate_document(load_xlsx(content))
    if lower.endswith(".json"):
        return validate_document(load_text(content, kind="json"))
    if lower.endswith((".yaml", ".yml")):
        return validate_document(load_text(content, kind="yaml"))
    raise _err("standards.file_type", "仅支持 .yaml、.yml、.json 或 .xlsx 文件", "file")


# --- writing files -----------------------------------------------------------------------


def document_from_docs(occupations: list[OccupationDoc]) -> dict[str, Any]:
    def element_tree(elements: list[ElementRow]) -> list[dict[str, Any]]:
        nodes: dict[str, dict[str, Any]] = {}
        roots: list[dict[str, Any]] = []
        for e in elements:
            node: dict[str, Any] = {"code": e.code, "name": e.name}
            if e.importance:
                node["importance"] = e.importance
            if e.levels:
                node["levels"] = e.levels
            node["children"] = []
            nodes[e.code] = node
            (nodes[e.parent]["children"] if e.parent else roots).append(node)
        for node in nodes.values():
            if not node["children"]:
                del node["children"]
        return roots

    return {
        "format": FORMAT_TAG,
        "occupations": [
            {
                "code": o.code,
                "name": o.name,
                "certification_kind": o.certification_kind,
                "description": o.description,
                "code_note": o.code_note,
                "specialties": [{"name": n, "code": c} for n, c in o.specialties],
                "standards": [
                    {
                        "kind": s.kind,
                        "code": s.code,
                        "name": s.name,
                        "edition_year": s.edition_year,
                        "levels": s.levels,
                        "rule_set": s.rule_set,
                        "note": s.note,
                        "weights": [
                            {
                                "part": w.part,
                                "level": w.level,
                                "section": w.section,
                                "item": w.item,
                                "percent": w.percent,
                            }
                            for w in s.weights
                        ],
                        "elements": element_tree(s.elements),
                    }
                    for s in o.standards
                ],
            }
            for o in occupations
        ],
    }


def dump_yaml(occupations: list[OccupationDoc]) -> bytes:
    return yaml.safe_dump(
        document_from_docs(occupations), allow_unicode=True, sort_keys=False, width=120
    ).encode()


def dump_json(occupations: list[OccupationDoc]) -> bytes:
    return json.dumps(document_from_docs(occupations), ensure_ascii=False, indent=2).encode()


def dump_xlsx(occupations: list[OccupationDoc]) -> bytes:
    rows: dict[str, list[list[Any]]] = {sheet: [] for sheet in SHEETS}
    for o in occupations:
        rows[SHEET_OCCUPATIONS].append(
            [o.code, o.name, o.certification_kind, o.description, o.code_note]
        )
        for name, code in o.specialties:
            rows[SHEET_SPECIALTIES].append([o.code, name, code])
        for s in o.standards:
            levels = ",".join(str(v) for v in s.levels)
            rows[SHEET_STANDARDS].append(
                [o.code, s.kind, s.code, s.name, s.edition_year, levels, s.rule_set, s.note]
            )
            for w in s.weights:
                rows[SHEET_WEIGHTS].append(
                    [o.code, s.code, s.edition_year, w.part, w.level, w.section, w.item, w.percent]
                )
            for e in s.elements:
                rows[SHEET_ELEMENTS].append(
                    [
                        o.code,
                        s.code,
                        s.edition_year,
                        e.code,
                        e.parent,
                        e.name,
                        e.importance,
                        ",".join(str(v) for v in e.levels),
                    ]
                )
    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(buffer, {"in_memory": True, "strings_to_formulas": False})
    bold = workbook.add_format({"bold": True})
    text = workbook.add_format({"num_format": "@"})
    for sheet, columns in SHEETS.items():
        worksheet = workbook.add_worksheet(sheet)
        worksheet.write_row(0, 0, columns, bold)
        for index, row in enumerate(rows[sheet], start=1):
            for col, value in enumerate(row):
                if isinstance(value, str):
                    # Codes such as 4-07-03-02 and 4,3,2,1 must stay text, not dates/numbers.
                    worksheet.write_string(index, col, formula_safe(value), text)
                else:
                    worksheet.write(index, col, value)
        worksheet.freeze_panes(1, 0)
    workbook.close()
    return buffer.getvalue()
