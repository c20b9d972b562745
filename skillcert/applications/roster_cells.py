"""Roster cells read as text, dates, levels and names (pure; `roster` validates rows with them)."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from skillcert.common.identifiers import normalize

_LEVEL_WORDS = {
    "五级": 5, "四级": 4, "三级": 3, "二级": 2, "一级": 1,
    "初级工": 5, "中级工": 4, "高级工": 3, "技师": 2, "高级技师": 1,
    "5级": 5, "4级": 4, "3级": 3, "2级": 2, "1级": 1,
}  # fmt: skip
_EXCEL_EPOCH = dt.date(1899, 12, 30)
_CJK_SPACES = re.compile(r"(?<=[\u3400-\u9fff·])\s+(?=[\u3400-\u9fff·])")
_DATE_PATTERNS = (
    re.compile(r"(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?"),
    re.compile(r"(\d{4})(\d{2})(\d{2})"),
    re.compile(r"(\d{4})[-/.年](\d{1,2})月?()"),
)


def cell_text(value: Any) -> str:
    """A cell as text. Text is kept as written (formula-like text stays text); integral
    numbers lose the `.0` Excel adds."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value).strip()


def is_blank(value: Any) -> bool:
    """cell_text(value) == "", without building the text: only None and blank text are."""
    return value is None or (isinstance(value, str) and not value.strip())


def cell_date(value: Any) -> dt.date | None:
    """A date cell: a real date, an Excel serial number (days since 1899-12-30) or text such
    as 2020-03-01, 2020/3/1, 2020.03.01, 20200301, 2020年3月1日, 2020-03 (first of month)."""
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, bool):
        raise ValueError(value)
    if isinstance(value, int | float):
        return _serial(float(value))
    text = normalize(str(value)).replace("－", "-")
    if re.fullmatch(r"\d{5}(\.\d+)?", text):
        return _serial(float(text))
    for pattern in _DATE_PATTERNS:
        match = pattern.fullmatch(text)
        if match:
            year, month, day = match.groups()
            return dt.date(int(year), int(month), int(day) if day else 1)
    raise ValueError(value)


def _serial(number: float) -> dt.date:
    if not 1 <= number < 2958466:  # 1900-01-01 .. 9999-12-31
        raise ValueError(number)
    return _EXCEL_EPOCH + dt.timedelta(days=int(number))


def parse_level(value: Any) -> int:
    text = normalize(cell_text(value))
    if text in {"1", "2", "3", "4", "5"}:
        return int(text)
    head = text.split("/")[0].split("（")[0]
    if head in _LEVEL_WORDS:
        return _LEVEL_WORDS[head]
    if text in _LEVEL_WORDS:
        return _LEVEL_WORDS[text]
    raise ValueError(value)


def clean_name(value: Any) -> str:
    words = cell_text(value).replace("\u3000", " ").split()
    if len(words) <= 1:  # no space left to join or to drop between CJK characters
        return words[0] if words else ""
    return _CJK_SPACES.sub("", " ".join(words))
