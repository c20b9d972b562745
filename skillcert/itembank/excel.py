"""The Excel item template (docs/formats/itembank.md): one sheet “试题”, one row per item.
Pure: bytes in, rows and errors out (and back). Errors carry row, column, code, message."""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from python_calamine import CalamineWorkbook

from skillcert.common.errors import DomainError
from skillcert.common.exports import xlsx_bytes
from skillcert.common.untrusted_files import sheet_rows, spreadsheet_check
from skillcert.itembank.assembly import ELEMENT_CODE
from skillcert.itembank.content import LABELS, content_clean

SHEET = "试题"
OPTION_COLUMNS = [f"选项{label}" for label in LABELS[:6]]
COLUMNS = [
    "试题编号",
    "等级",
    "要素代码",
    "题型",
    "题干",
    *OPTION_COLUMNS,
    "答案",
    "参考答案",
    "评分标准",
    "评分表",
    "分值",
    "难度",
    "敌对组",
]
TYPE_NAMES = {
    "单选": "single",
    "单选题": "single",
    "single": "single",
    "多选": "multiple",
    "多选题": "multiple",
    "multiple": "multiple",
    "判断": "true_false",
    "判断题": "true_false",
    "true_false": "true_false",
    "简答": "subjective",
    "案例分析": "subjective",
    "简答/案例分析题": "subjective",
    "subjective": "subjective",
    "操作": "practical",
    "操作技能题": "practical",
    "practical": "practical",
}
TYPE_OUT = {
    "single": "单选",
    "multiple": "多选",
    "true_false": "判断",
    "subjective": "简答",
    "practical": "操作",
}


@dataclass(frozen=True)
class RowError:
    row: int
    column: str
    code: str
    message: str

    def as_dict(self) -> dict[str, Any]:
        return {"row": self.row, "column": self.column, "code": self.code, "message": self.message}


@dataclass
class ItemRow:
    """One item as read from a file (Excel or QTI), validated but not yet stored."""

    row: int
    code: str
    level: int
    element: str
    item_type: str
    content: dict[str, Any]
    score: Decimal
    difficulty: float
    enemy_group: str = ""


@dataclass
class ParseResult:
    rows: list[ItemRow] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    text = str(value).strip()
    if text[:1] == "'" and text[1:2] in ("=", "+", "-", "@"):
        text = text[1:]  # the export's guard against formula injection, undone
    return text


def _sheet(text: str) -> list[dict[str, Any]]:
    rows = []
    for part in text.replace("；", ";").split(";"):
        if not part.strip():
            continue
        name, _, points = part.rpartition(":") if ":" in part else part.rpartition("：")
        rows.append({"item": name.strip(), "score": points.strip()})
    return rows


class _FileRefused(Exception):
    """The file as a whole cannot be read: one error at row 0 (or 1), no rows."""

    def __init__(self, error: RowError) -> None:
        super().__init__(error.message)
        self.error = error


def _read_table(data: bytes) -> list[Any]:
    """The rows of sheet “试题”; a file that cannot be read raises _FileRefused."""
    try:
        spreadsheet_check(data, what="试题文件")
    except DomainError as exc:
        raise _FileRefused(RowError(0, "", exc.code, exc.message)) from None
    try:
        book = CalamineWorkbook.from_filelike(io.BytesIO(data))
        if SHEET not in book.sheet_names:
            raise _FileRefused(RowError(0, "", "excel.sheet_missing", f"缺少工作表“{SHEET}”"))
        # The sheet's XML is parsed here, not at open: a broken sheet fails on this line.
        return sheet_rows(book.get_sheet_by_name(SHEET), what="试题文件")
    except DomainError as exc:
        raise _FileRefused(RowError(0, "", exc.code, exc.message)) from None
    except _FileRefused:
        raise
    except Exception:  # calamine raises its own error types for corrupt files
        raise _FileRefused(RowError(0, "", "excel.unreadable", "无法读取 Excel 文件")) from None


REQUIRED_COLUMNS = ("试题编号", "等级", "要素代码", "题型", "题干", "答案", "分值")
CONTENT_COLUMNS = {
    "stem": "题干",
    "options": "选项A",
    "key": "答案",
    "scheme": "评分标准",
    "sheet": "评分表",
    "answer": "参考答案",
}


def _row_fields(
    number: int, values: dict[str, str], seen: dict[str, int], errors: list[RowError]
) -> tuple[str | None, Decimal, float]:
    """Check the row's code, level, element, type, score and difficulty, appending to
    `errors`; returns the type (None when unknown), the score and the difficulty."""

    def error(column: str, code: str, message: str) -> None:
        errors.append(RowError(number, column, code, message))

    code = values.get("试题编号", "")
    if not ELEMENT_CODE.match(code):
        error("试题编号", "item.code_invalid", "试题编号应为字母、数字、点或连字符")
    elif code in seen:
        error("试题编号", "item.code_duplicate", f"与第{seen[code]}行试题编号重复")
    else:
        seen[code] = number
    if values.get("等级", "") not in {"1", "2", "3", "4", "5"}:
        error("等级", "item.level_invalid", "等级应为 1 到 5")
    if not ELEMENT_CODE.match(values.get("要素代码", "")):
        error("要素代码", "item.element_invalid", "要素代码格式不正确")
    item_type = TYPE_NAMES.get(values.get("题型", ""))
    if item_type is None:
        error("题型", "item.type_invalid", "题型应为 单选/多选/判断/简答/操作")
    try:
        score = Decimal(values.get("分值", ""))
        if not score.is_finite() or score <= 0:
            raise InvalidOperation
    except InvalidOperation:
        error("分值", "item.value_invalid", "分值应为大于 0 的数字")
        score = Decimal(0)
    try:
        difficulty = float(values.get("难度") or 0.5)
        if not 0 <= difficulty <= 1:
            raise ValueError
    except ValueError:
        error("难度", "item.value_range", "难度应为 0 到 1 之间的数字")
        difficulty = 0.5
    return item_type, score, difficulty


def _parse_row(
    number: int, values: dict[str, str], seen: dict[str, int], errors: list[RowError]
) -> ItemRow | None:
    before = len(errors)
    item_type, score, difficulty = _row_fields(number, values, seen, errors)
    if len(errors) > before or item_type is None:
        return None
    content = {
        "stem": values.get("题干", ""),
        "options": [values[c] for c in OPTION_COLUMNS if values.get(c)],
        "key": values.get("答案", ""),
        "answer": values.get("参考答案", "") or values.get("答案", ""),
        "scheme": values.get("评分标准", ""),
        "sheet": _sheet(values.get("评分表", "")),
    }
    try:
        clean = content_clean(item_type, content, score=score)
    except DomainError as exc:
        column = CONTENT_COLUMNS.get(exc.field or "", "题干")
        errors.append(RowError(number, column, exc.code, exc.message))
        return None
    return ItemRow(
        number,
        values.get("试题编号", ""),
        int(values.get("等级", "")),
        values.get("要素代码", ""),
        item_type,
        clean,
        score.quantize(Decimal("0.01")),
        difficulty,
        values.get("敌对组", "")[:40],
    )


def parse_items_xlsx(data: bytes) -> ParseResult:
    result = ParseResult()
    try:
        table = _read_table(data)
    except _FileRefused as refused:
        result.errors.append(refused.error)
        return result
    if not table:
        result.errors.append(RowError(1, "", "excel.empty", "工作表为空"))
        return result
    header = [_cell(v) for v in table[0]]
    missing = [c for c in REQUIRED_COLUMNS if c not in header]
    if missing:
        result.errors.append(
            RowError(1, missing[0], "excel.column_missing", f"缺少列：{'、'.join(missing)}")
        )
        return result
    seen: dict[str, int] = {}
    for number, raw in enumerate(table[1:], start=2):
        values = {name: _cell(raw[i]) if i < len(raw) else "" for i, name in enumerate(header)}
        if not any(values.values()):
            continue
        row = _parse_row(number, values, seen, result.errors)
        if row is not None:
            result.rows.append(row)
    return result


def items_to_xlsx(rows: Sequence[dict[str, Any]]) -> bytes:
    """`rows`: code, level, element, item_type, content, score, difficulty, enemy_group."""
    out = []
    for r in rows:
        c = r["content"]
        options = [o["text"] for o in c.get("options", [])]
        key = c.get("key", "")
        if r["item_type"] == "multiple":
            key = "".join(key)
        elif r["item_type"] == "true_false":
            key = "正确" if key else "错误"
        elif r["item_type"] in ("subjective", "practical"):
            key = ""
        sheet = ";".join(f"{s['item']}:{s['score']:g}" for s in c.get("sheet", []))
        out.append(
            [
                r["code"],
                r["level"],
                r["element"],
                TYPE_OUT[r["item_type"]],
                c.get("stem", ""),
                *(options + [""] * 6)[:6],
                key,
                c.get("answer", ""),
                c.get("scheme", ""),
                sheet,
                float(r["score"]),
                r["difficulty"],
                r["enemy_group"],
            ]
        )
    return xlsx_bytes(COLUMNS, out, sheet=SHEET)
