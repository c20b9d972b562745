"""Exchange with the provincial integrated platform and the national registry: issued
certificates as CSV or JSON with the fields of DOMAIN.md §5 (a 专项职业能力证书 with its own
name and an empty level column), incremental by date, each file
with a SHA-256 checksum file beside it (docs/formats/certificates.md). In the CSV a cell that
a spreadsheet would read as a formula gets a leading apostrophe (common.exports.formula_safe,
as in every xlsx export); the JSON carries the values as they are."""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import json
from dataclasses import dataclass
from pathlib import Path

from skillcert.certificates.models import Certificate
from skillcert.common.exports import formula_safe

FIELDS = [
    ("证书编号", "number"),
    ("证书名称", None),
    ("姓名", "holder_name"),
    ("证件类型", "id_type"),
    ("证件号码", "id_number"),
    ("职业名称", "occupation_name"),
    ("工种/职业方向", "specialty_name"),
    ("职业技能等级", "level_text"),
    ("评价机构名称", "organization_name"),
    ("评价机构备案编号", None),
    ("发证日期", "issue_date"),
    ("状态", "status"),
]


@dataclass(frozen=True)
class ExportResult:
    path: Path
    checksum_path: Path
    count: int


# Printed for a certificate without a specialty: the platform's own text, which no spreadsheet
# reads as a formula, so it keeps its form for the registries.
NO_SPECIALTY = "--"


def _csv_cell(value: str) -> str:
    """Names, organisations and occupations are typed by people; a cell that starts like a
    formula (=HYPERLINK(...)) would run in the operator's spreadsheet when the file is opened."""
    return value if value == NO_SPECIALTY else formula_safe(value)


def _row(certificate: Certificate) -> dict[str, str]:
    row: dict[str, str] = {}
    for label, attr in FIELDS:
        if label == "证书名称":
            row[label] = certificate.title
        elif label == "评价机构备案编号":
            row[label] = certificate.number[:13]
        else:
            row[label] = str(getattr(certificate, attr or ""))
    return row


def export_certificates(*, since: dt.date, fmt: str, out_dir: Path) -> ExportResult:
    rows = [
        _row(c)
        for c in Certificate.objects.filter(created_at__date__gte=since).order_by("id").iterator()
    ]
    out_dir.mkdir(parents=True, exist_ok=True)
    path = out_dir / f"certificates-since-{since.isoformat()}.{fmt}"
    if fmt == "json":
        data = json.dumps(rows, ensure_ascii=False, indent=1).encode("utf-8")
    else:
        buffer = io.StringIO()
        writer = csv.DictWriter(buffer, fieldnames=[label for label, _ in FIELDS])
        writer.writeheader()
        writer.writerows({k: _csv_cell(v) for k, v in row.items()} for row in rows)
        data = buffer.getvalue().encode("utf-8-sig")
    path.write_bytes(data)
    checksum_path = path.with_name(path.name + ".sha256")
    checksum_path.write_text(f"{hashlib.sha256(data).hexdigest()}  {path.name}\n")
    return ExportResult(path, checksum_path, len(rows))
