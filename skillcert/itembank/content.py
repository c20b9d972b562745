"""What an item says, per type, validated into one canonical dict. Pure (no ORM), shared by
the services, the Excel and QTI importers.

    single      {"stem", "options": [{"label": "A", "text"}...], "key": "B"}
    multiple    {"stem", "options": [...], "key": ["A", "C"]}
    true_false  {"stem", "key": true}
    subjective  {"stem", "answer": reference answer, "scheme": marking scheme}
    practical   {"stem", "sheet": [{"item": scoring point, "score": 10}, ...]}
"""

from __future__ import annotations

import string
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from skillcert.common.errors import DomainError

CHOICE_TYPES = ("single", "multiple")
LABELS = string.ascii_uppercase[:10]
MAX_TEXT = 20_000


def _err(code: str, message: str, field: str) -> DomainError:
    return DomainError(f"item.{code}", message, field=field)


def _text(value: Any, field: str, label: str, *, required: bool = True) -> str:
    if value is None:
        value = ""
    if not isinstance(value, str):
        raise _err("content_invalid", f"{label}应为文本", field)
    value = value.strip()
    if required and not value:
        raise _err("content_missing", f"{label}不能为空", field)
    if len(value) > MAX_TEXT:
        raise _err("content_too_long", f"{label}不能超过 {MAX_TEXT} 字", field)
    return value


def _options(raw: Any) -> list[dict[str, str]]:
    if not isinstance(raw, list) or not 2 <= len(raw) <= len(LABELS):
        raise _err("options_count", f"选择题应有 2 到 {len(LABELS)} 个选项", "options")
    out = []
    for n, opt in enumerate(raw):
        text = opt.get("text") if isinstance(opt, Mapping) else opt
        out.append({"label": LABELS[n], "text": _text(text, "options", f"选项 {LABELS[n]}")})
    if len({o["text"] for o in out}) != len(out):
        raise _err("options_duplicate", "选项内容不能重复", "options")
    return out


def _labels(raw: Any) -> list[str]:
    if isinstance(raw, str):
        raw = list(raw.replace(",", "").replace("，", "").replace(" ", "").upper())
    if not isinstance(raw, list) or not all(isinstance(v, str) for v in raw):
        raise _err("key_invalid", "答案应为选项字母", "key")
    return sorted({v.strip().upper() for v in raw if v.strip()})


TRUE_FALSE_WORDS = {
    "正确": True,
    "对": True,
    "√": True,
    "true": True,
    "t": True,
    "错误": False,
    "错": False,
    "×": False,
    "false": False,
    "f": False,
}


def _choice(item_type: str, stem: str, raw: Mapping[str, Any]) -> dict[str, Any]:
    options = _options(raw.get("options"))
    valid = {o["label"] for o in options}
    key = _labels(raw.get("key"))
    if not key or not set(key) <= valid:
        raise _err("key_invalid", f"答案应为 {''.join(sorted(valid))} 中的字母", "key")
    if item_type == "single":
        if len(key) != 1:
            raise _err("key_invalid", "单选题只能有一个正确答案", "key")
        return {"stem": stem, "options": options, "key": key[0]}
    if len(key) < 2:
        raise _err("key_invalid", "多选题至少有两个正确答案", "key")
    return {"stem": stem, "options": options, "key": key}


def _true_false(stem: str, raw: Mapping[str, Any]) -> dict[str, Any]:
    verdict = raw.get("key")
    if isinstance(verdict, str):
        verdict = TRUE_FALSE_WORDS.get(verdict.strip().lower())
    if not isinstance(verdict, bool):
        raise _err("key_invalid", "判断题答案应为“正确”或“错误”", "key")
    return {"stem": stem, "key": verdict}


def _practical(stem: str, raw: Mapping[str, Any], score: Decimal) -> dict[str, Any]:
    sheet = raw.get("sheet")
    if not isinstance(sheet, list) or not sheet:
        raise _err("sheet_missing", "操作技能题应有评分表（至少一个评分点）", "sheet")
    rows = []
    total = Decimal(0)
    for n, row in enumerate(sheet, start=1):
        if not isinstance(row, Mapping):
            raise _err("sheet_invalid", f"评分表第{n}项格式不正确", "sheet")
        try:
            points = Decimal(str(row.get("score")))
        except ArithmeticError:
            raise _err("sheet_invalid", f"评分表第{n}项分值应为数字", "sheet") from None
        if not points.is_finite() or points <= 0:
            raise _err("sheet_invalid", f"评分表第{n}项分值应大于 0", "sheet")
        total += points
        rows.append(
            {"item": _text(row.get("item"), "sheet", f"评分表第{n}项"), "score": float(points)}
        )
    if total != score:
        raise _err("sheet_total", f"评分表分值合计 {total} 应等于试题分值 {score}", "sheet")
    return {"stem": stem, "sheet": rows}


def content_clean(item_type: str, raw: Mapping[str, Any], *, score: Decimal) -> dict[str, Any]:
    """The canonical content of an item of `item_type`, or a DomainError naming the field."""
    if not isinstance(raw, Mapping):
        raise _err("content_invalid", "试题内容格式不正确", "content")
    stem = _text(raw.get("stem"), "stem", "题干")
    if item_type in CHOICE_TYPES:
        return _choice(item_type, stem, raw)
    if item_type == "true_false":
        return _true_false(stem, raw)
    if item_type == "subjective":
        return {
            "stem": stem,
            "answer": _text(raw.get("answer"), "answer", "参考答案", required=False),
            "scheme": _text(raw.get("scheme"), "scheme", "评分标准"),
        }
    if item_type == "practical":
        return _practical(stem, raw, score)
    raise _err("type_invalid", f"未知题型 {item_type!r}", "item_type")
