"""Import of legacy 职业资格 certificates (16-digit numbers), so holders can cite them when
applying. CSV (UTF-8, BOM accepted) with the header
`证书编号,姓名,证件号码,职业（工种）,等级,发证日期,发证机关`; the level as 五级…一级, 5…1,
or an old name (初级工…高级技师) mapped by occupations' one LegacyLevel table (seed 004 §二).
All-or-nothing: one bad row and nothing is imported; every error names its row and column.
Holders' imported certificates count as prior certificates in the eligibility engine."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db import transaction

from skillcert.audit.services import audit_record
from skillcert.certificates.models import LegacyCertificate
from skillcert.common.errors import DomainError
from skillcert.common.identifiers import normalize, validate_id_number
from skillcert.common.pii import pii_digest
from skillcert.common.untrusted_files import csv_rows
from skillcert.eligibility.prior_certificates import (
    PriorCertificate,
    prior_certificate_source_register,
)
from skillcert.occupations.selectors import legacy_level_map

if TYPE_CHECKING:
    from skillcert.accounts.actors import Actor

HEADER = ["证书编号", "姓名", "证件号码", "职业（工种）", "等级", "发证日期", "发证机关"]
# The current level names and numbers; the old 职业资格 names (初级工…高级技师, 国家职业资格五级…)
# come from the one mapping table, occupations' LegacyLevel.
CURRENT_LEVELS = {"五级": 5, "四级": 4, "三级": 3, "二级": 2, "一级": 1} | {
    str(n): n for n in range(1, 6)
}
SOURCE_NAME = "legacy_qualification"


def level_names() -> dict[str, int]:
    """Every level name an import row may carry, the old names mapped through the table."""
    return legacy_level_map() | CURRENT_LEVELS


@dataclass(frozen=True)
class LegacyError:
    row: int
    column: str
    code: str
    message: str


def _check_number(line: int, raw: str, seen: set[str], errors: list[LegacyError]) -> str:
    number = normalize(raw)
    if len(number) != 16 or not number.isdigit():
        errors.append(
            LegacyError(line, "证书编号", "legacy.number", f"第{line}行证书编号应为16位数字")
        )
    elif number in seen:
        errors.append(
            LegacyError(line, "证书编号", "legacy.duplicate", f"第{line}行证书编号与前面的行重复")
        )
    seen.add(number)
    return number


def _check_id_number(line: int, raw: str, errors: list[LegacyError]) -> str:
    try:
        return validate_id_number(raw)
    except DomainError as exc:
        errors.append(LegacyError(line, "证件号码", exc.code, f"第{line}行：{exc.message}"))
        return ""


def _check_level(
    line: int, raw: str, levels: dict[str, int], errors: list[LegacyError]
) -> int | None:
    level = levels.get(raw)
    if level is None:
        errors.append(
            LegacyError(line, "等级", "legacy.level", f"第{line}行等级“{raw[:20]}”无法识别")
        )
    return level


def _check_date(line: int, raw: str, errors: list[LegacyError]) -> dt.date | None:
    try:
        return dt.date.fromisoformat(raw)
    except ValueError:
        errors.append(
            LegacyError(line, "发证日期", "legacy.date", f"第{line}行发证日期应为 YYYY-MM-DD")
        )
        return None


def _row(
    line: int, cells: list[str], seen: set[str], levels: dict[str, int], errors: list[LegacyError]
) -> LegacyCertificate | None:
    """One CSV row as a certificate, or None with its errors appended (every column checked)."""
    if len(cells) != len(HEADER):
        errors.append(LegacyError(line, "", "legacy.columns", f"第{line}行应有{len(HEADER)}列"))
        return None
    number_raw, name, id_raw, occupation, level_raw, date_raw, issuer = (c.strip() for c in cells)
    number = _check_number(line, number_raw, seen, errors)
    id_number = _check_id_number(line, id_raw, errors)
    level = _check_level(line, level_raw, levels, errors)
    issued = _check_date(line, date_raw, errors)
    if not name or not occupation or not issuer:
        errors.append(
            LegacyError(line, "姓名", "legacy.required", f"第{line}行姓名、职业、发证机关不能为空")
        )
    if not (id_number and level and issued and name and occupation and issuer):
        return None
    return LegacyCertificate(
        number=number,
        holder_name=name,
        id_number=id_number,
        id_number_digest=pii_digest(id_number),
        occupation_name=occupation,
        level=level,
        issue_date=issued,
        issuer=issuer,
    )


def legacy_import(*, text: str, actor: Actor) -> tuple[int, list[LegacyError]]:
    """`text` as decoded by common.untrusted_files.text_decode (the command does that)."""
    reader = csv_rows(text.lstrip("\ufeff"), what="证书文件")
    header = [h.strip() for h in next(reader, [])]
    if header != HEADER:
        raise DomainError("legacy.header", f"表头应为：{','.join(HEADER)}", field="header")
    rows: list[LegacyCertificate] = []
    errors: list[LegacyError] = []
    seen: set[str] = set()
    levels = level_names()
    for line, cells in enumerate(reader, start=2):
        if not any(c.strip() for c in cells):
            continue
        row = _row(line, cells, seen, levels, errors)
        if row is not None:
            rows.append(row)
    if errors:
        return 0, errors
    existing = set(
        LegacyCertificate.objects.filter(number__in=seen).values_list("number", flat=True)
    )
    if existing:
        return 0, [
            LegacyError(0, "证书编号", "legacy.exists", f"证书 {n} 已导入")
            for n in sorted(existing)
        ]
    with transaction.atomic():
        LegacyCertificate.objects.bulk_create(rows, batch_size=1000)
        audit_record(
            actor=actor,
            action="certificate.legacy_import",
            object_type="certificates.legacycertificate",
            object_repr=f"{len(rows)} 条",
            changes={"count": [None, len(rows)]},
        )
    return len(rows), []


def legacy_prior_certificates(holder_id_digest: str) -> list[PriorCertificate]:
    """The imported certificates of one holder, as prior certificates for the eligibility
    engine (the level was mapped at import)."""
    rows = LegacyCertificate.objects.filter(id_number_digest=holder_id_digest).order_by(
        "issue_date", "number"
    )
    return [
        PriorCertificate(
            level=row.level,
            date=row.issue_date,
            occupation_name=row.occupation_name,
            source=SOURCE_NAME,
        )
        for row in rows
    ]


def legacy_source_register() -> None:
    """Called from the app's `ready()`: the eligibility engine reads imported certificates."""
    prior_certificate_source_register(SOURCE_NAME, legacy_prior_certificates)
