"""LibreOffice, an implementation nobody here wrote, reads the product's xlsx exports as typed
cells and writes the spreadsheets we import back.

Each export is downloaded through its page (Django test client, the persona that may
export it). A row of formulas (`=SUM(...)`, date arithmetic) is appended to the export's
sheet XML, leaving every exported cell as it is, and LibreOffice converts the file to flat
OpenDocument (.fods): each cell comes back with the value type LibreOffice gave it (`float`,
`date`, `percentage`, `string`) and each formula with the value LibreOffice computed. A
score written as text is `string` there and its SUM is 0, which is what issue 24 reported.
The import side: a CSV with formula text in the name column, turned into .xlsx by
LibreOffice (which evaluates `=1+1` and stores 2 as the cached result), is refused by the
roster import naming the formula, not the number."""

from __future__ import annotations

import datetime as dt
import io
import shutil
import subprocess
import tempfile
import uuid
import zipfile
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any
from xml.etree import ElementTree as ET

import pytest
import xlsxwriter
from python_calamine import CalamineWorkbook

from skillcert.accounts.actors import SystemActor
from skillcert.applications.importing import roster_validate
from skillcert.applications.models import Status
from skillcert.applications.roster import COLUMNS
from skillcert.candidates.models import Candidate
from skillcert.certificates.models import Certificate
from skillcert.common import untrusted_xls
from skillcert.plans.tests.factories import make_id
from skillcert.reporting.services import figures_refresh
from skillcert.scoring.models import Result

pytestmark = [pytest.mark.django_db, pytest.mark.libreoffice]

SOFFICE = "/usr/bin/soffice"
TIMEOUT = 180  # seconds; a cold LibreOffice profile takes a few
DAY = dt.date(2026, 5, 12)
NAMES = ("张三", "-2+3", "=1+1")  # real data that looks like formulas stays text

OFFICE = "urn:oasis:names:tc:opendocument:xmlns:office:1.0"
TABLE = "urn:oasis:names:tc:opendocument:xmlns:table:1.0"
TEXT = "urn:oasis:names:tc:opendocument:xmlns:text:1.0"


@dataclass(frozen=True)
class Cell:
    kind: str  # LibreOffice's value type: float, percentage, date, string, boolean; "" = empty
    value: str  # office:value, office:date-value, or the text
    formula: str = ""


EMPTY = Cell("", "")


def _soffice(source: Path, target: str, *, infilter: str = "") -> Path:
    """`soffice --headless --convert-to target source` with a profile of its own (parallel
    workers would otherwise share and lock ~/.config/libreoffice) and a time limit."""
    assert Path(SOFFICE).exists(), (
        "未找到 LibreOffice（/usr/bin/soffice）：请先运行 make libreoffice"
    )
    profile = Path(tempfile.gettempdir()) / f"lo-{uuid.uuid4().hex}"
    out = source.parent / f"converted-{uuid.uuid4().hex[:8]}"
    command = [
        SOFFICE,
        f"-env:UserInstallation={profile.as_uri()}",
        "--headless",
        "--norestore",
        *([f"--infilter={infilter}"] if infilter else []),
        "--convert-to",
        target,
        "--outdir",
        str(out),
        str(source),
    ]
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=TIMEOUT, check=False)
    finally:
        shutil.rmtree(profile, ignore_errors=True)
    converted = out / f"{source.stem}.{target.split(':')[0]}"
    assert done.returncode == 0 and converted.exists(), (done.stdout, done.stderr)
    return converted


def _column(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _with_formulas(data: bytes, row: int, formulas: dict[int, str]) -> bytes:
    """The workbook with one more row (1-based `row`) of formulas, by 0-based column; the
    exported cells are copied byte for byte."""
    cells = "".join(
        f'<c r="{_column(col)}{row}"><f>{formula}</f></c>'
        for col, formula in sorted(formulas.items())
    )
    source = zipfile.ZipFile(io.BytesIO(data))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as out:
        for info in source.infolist():
            content = source.read(info.filename)
            if info.filename == "xl/worksheets/sheet1.xml":
                assert content.count(b"</sheetData>") == 1
                content = content.replace(
                    b"</sheetData>", f'<row r="{row}">{cells}</row></sheetData>'.encode()
                )
            out.writestr(info, content)
    return buffer.getvalue()


def _cell(node: ET.Element) -> Cell:
    kind = node.get(f"{{{OFFICE}}}value-type", "")
    if kind == "date":
        value = node.get(f"{{{OFFICE}}}date-value", "")
    elif kind in ("float", "percentage", "currency"):
        value = node.get(f"{{{OFFICE}}}value", "")
    elif kind == "boolean":
        value = node.get(f"{{{OFFICE}}}boolean-value", "")
    else:
        value = "\n".join("".join(p.itertext()) for p in node.iter(f"{{{TEXT}}}p"))
    return Cell(kind, value, node.get(f"{{{TABLE}}}formula", ""))


def _sheet(fods: Path) -> list[list[Cell]]:
    """The first sheet as LibreOffice saved it, trailing empty cells and rows dropped."""
    root = ET.parse(fods).getroot()  # noqa: S314 - LibreOffice's output of our own file
    table = next(root.iter(f"{{{TABLE}}}table"))
    rows: list[list[Cell]] = []
    for row in table.iter(f"{{{TABLE}}}table-row"):
        cells: list[Cell] = []
        for node in row:
            if node.tag not in (f"{{{TABLE}}}table-cell", f"{{{TABLE}}}covered-table-cell"):
                continue
            cell = _cell(node)
            repeat = int(node.get(f"{{{TABLE}}}number-columns-repeated", "1"))
            cells.extend([cell] * (repeat if cell != EMPTY or repeat < 1024 else 0))
        while cells and cells[-1] == EMPTY:
            cells.pop()
        repeat = int(row.get(f"{{{TABLE}}}number-rows-repeated", "1"))
        rows.extend([cells] * (repeat if cells else min(repeat, 1)))
    while rows and not rows[-1]:
        rows.pop()
    return rows


def _read_by_libreoffice(tmp_path: Path, data: bytes, formulas: dict[int, str]) -> list[list[Cell]]:
    """The export as LibreOffice reads it, with `formulas` computed in the row below the
    last exported row."""
    with zipfile.ZipFile(io.BytesIO(data)) as book:
        sheet = book.read("xl/worksheets/sheet1.xml")
    last = max(int(r) for r in _row_numbers(sheet))
    source = tmp_path / f"export-{uuid.uuid4().hex[:8]}.xlsx"
    source.write_bytes(_with_formulas(data, last + 1, formulas))
    return _sheet(_soffice(source, "fods"))


def _row_numbers(sheet: bytes) -> list[str]:
    root = ET.fromstring(sheet)  # noqa: S314 - our own export
    return [row.get("r", "0") for row in root.iter() if row.tag.endswith("}row")]


def _decimal(cell: Cell) -> Decimal:
    assert cell.kind in ("float", "percentage"), cell
    return Decimal(cell.value)


# --- the exports --------------------------------------------------------------------------


def _scored(live: Any) -> list[Result]:
    """Three published results with scores (one half point) and names that look like
    formulas."""
    results = []
    for n, (name, theory, practical) in enumerate(
        zip(NAMES, ("85.5", "60", "72"), ("90", "59.5", "0"), strict=True)
    ):
        application = live.application(DAY, Status.APPROVED)
        Candidate.objects.filter(pk=application.candidate_id).update(full_name=name)
        result = live.result(application, DAY + dt.timedelta(days=n), passed=n != 2)
        Result.objects.filter(pk=result.pk).update(
            theory_score=Decimal(theory), practical_score=Decimal(practical)
        )
        results.append(Result.objects.get(pk=result.pk))
    return results


def _download(client: Any, url: str, params: dict[str, str]) -> bytes:
    response = client.get(url, params)
    assert response.status_code == 200, response.status_code
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    return b"".join(response.streaming_content) if response.streaming else response.content


def test_result_export_scores_are_numbers_libreoffice_sums(live, personas, tmp_path):
    results = _scored(live)
    data = _download(
        personas.client_for(personas.clerk_a),
        f"/scoring/batches/{results[0].batch_id}/",
        {"export": "xlsx"},
    )
    header, *rows = _read_by_libreoffice(tmp_path, data, {5: "SUM(F2:F4)", 6: "SUM(G2:G4)"})
    assert [c.value for c in header[:7]] == [
        "考生编号",
        "姓名",
        "职业",
        "等级",
        "途径",
        "理论",
        "操作",
    ]
    exported, sums = rows[:-1], rows[-1]
    assert len(exported) == len(results)
    by_ref = {row[0].value: row for row in exported}
    for result in results:
        row = by_ref[result.candidate_ref]
        assert row[1] == Cell("string", result.application.candidate.full_name)
        assert row[3].kind == "float" and _decimal(row[3]) == result.level
        assert row[5].kind == "float" and _decimal(row[5]) == result.theory_score
        assert row[6].kind == "float" and _decimal(row[6]) == result.practical_score
    assert sorted(row[1].value for row in exported) == sorted(NAMES)
    assert not any(cell.formula for row in exported for cell in row)
    assert sums[5].formula == "of:=SUM([.F2:.F4])"
    assert _decimal(sums[5]) == sum(Decimal(r.theory_score or 0) for r in results)
    assert _decimal(sums[6]) == sum(Decimal(r.practical_score or 0) for r in results)


def test_certificate_registry_dates_are_dates_libreoffice_subtracts(live, personas, tmp_path):
    results = _scored(live)
    days = [DAY + dt.timedelta(days=n) for n in range(len(results))]
    certificates = [live.certificate(r, day) for r, day in zip(results, days, strict=True)]
    names = dict(zip((c.pk for c in certificates), NAMES, strict=True))
    for pk, name in names.items():  # a legacy holder name that looks like a formula
        Certificate.objects.filter(pk=pk).update(holder_name=name)
    data = _download(personas.client_for(personas.clerk_a), "/certificates/", {"export": "xlsx"})
    header, *rows = _read_by_libreoffice(
        tmp_path, data, {6: "MAX(G2:G4)-MIN(G2:G4)", 7: "COUNT(G2:G4)"}
    )
    assert header[6].value == "发证日期"
    exported, computed = rows[:-1], rows[-1]
    by_number = {row[0].value: row for row in exported}
    issued = []
    for certificate in Certificate.objects.filter(pk__in=names):
        row = by_number[certificate.number]
        assert row[1] == Cell("string", names[certificate.pk])
        assert row[6].kind == "date" and row[6].value == certificate.issue_date.isoformat()
        issued.append(certificate.issue_date)
    assert sorted(issued) == days
    assert _decimal(computed[6]) == (max(issued) - min(issued)).days
    assert _decimal(computed[7]) == len(issued)  # COUNT counts numbers (dates) only


def test_statistics_pass_rates_are_percentages_libreoffice_reads(live, personas, tmp_path):
    _scored(live)  # two of three passed, in May 2026
    figures_refresh(actor=SystemActor("test"), full=True, today=DAY + dt.timedelta(days=30))
    data = _download(
        personas.client_for(personas.province),
        "/reporting/",
        {
            "export": "xlsx",
            "table": "pass_rates",
            "date_from": "2026-05-01",
            "date_to": "2026-05-31",
        },
    )
    _header, table_header, *rows = _read_by_libreoffice(tmp_path, data, {3: "SUM(D3:D3)"})
    assert [c.value for c in table_header[1:5]] == ["等级", "合格率", "合格", "参评"]
    [level], computed = rows[:-1], rows[-1]
    assert level[2].kind == "percentage"
    passed, sat = _decimal(level[3]), _decimal(level[4])
    assert (passed, sat) == (2, 3)
    assert abs(_decimal(level[2]) - passed / sat) < Decimal("1e-9")
    assert _decimal(computed[3]) == passed


def test_scores_written_as_text_would_sum_to_zero_in_libreoffice(tmp_path):
    """The check itself: the defect issue 24 reported (scores as text cells) is visible."""
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    sheet = book.add_worksheet("Sheet1")
    for row, text in enumerate(["理论", "85.5", "60"]):
        sheet.write_string(row, 0, text)
    book.close()
    _header, *rows = _read_by_libreoffice(tmp_path, buffer.getvalue(), {0: "SUM(A2:A3)"})
    assert [row[0].kind for row in rows[:-1]] == ["string", "string"]
    assert _decimal(rows[-1][0]) == 0


# --- the import side ----------------------------------------------------------------------


# How LibreOffice reads the roster CSV: UTF-8, the number and code columns as text (as the
# template sets them), the rest as LibreOffice reads typed-in cells.
_AS_TEXT = {"id_number", "phone", "occupation_code", "cert_number"}
_ROSTER_CSV = "CSV:44,34,76,1," + "/".join(
    f"{i + 1}/{2 if c.key in _AS_TEXT else 1}" for i, c in enumerate(COLUMNS)
)


def _roster_csv(rows: list[dict[str, str]]) -> str:
    headers = [c.header for c in COLUMNS]
    lines = [",".join(headers)]
    for row in rows:
        lines.append(",".join(row.get(c.key, "") for c in COLUMNS))
    return "\n".join(lines) + "\n"


def test_roster_saved_by_libreoffice_with_a_formula_name_is_refused_naming_the_formula(
    plan, hr, tmp_path
):
    people = [
        {"name": "=1+1", "id_number": make_id(901)},
        {"name": "张三", "id_number": make_id(902)},
    ]
    for n, person in enumerate(people):
        person.update(
            phone=f"1391234567{n}", occupation_code=hr.code, level="四级", work_start="2015-01-01"
        )
    source = tmp_path / "花名册.csv"
    source.write_text(_roster_csv(people), encoding="utf-8")
    # `=1+1` typed into a cell becomes a formula (_ROSTER_CSV).
    saved = _soffice(source, "xlsx:Calc MS Excel 2007 XML", infilter=_ROSTER_CSV)
    with zipfile.ZipFile(saved) as book:
        assert b"<f" in book.read("xl/worksheets/sheet1.xml")  # LibreOffice made it a formula

    _sheet_read, result = roster_validate(plan=plan, source=saved.read_bytes())

    [error] = result.errors
    assert (error.row, error.column, error.code) == (2, "姓名", "name_invalid")
    assert "=1+1" in error.message and "“2”" not in error.message
    assert [row.name for row in result.rows] == ["张三"]


def test_roster_saved_by_libreoffice_as_xls_is_measured_as_calamine_reads_it_and_imported(
    plan, hr, tmp_path
):
    people = [{"name": f"考生{n}", "id_number": make_id(910 + n)} for n in range(30)]
    for n, person in enumerate(people):
        person.update(
            phone=f"139123456{n:02d}",
            occupation_code=hr.code,
            level="四级",
            work_start="2015-01-01",
        )
    source = tmp_path / "花名册.csv"
    source.write_text(_roster_csv(people), encoding="utf-8")
    saved = _soffice(source, "xls:MS Excel 97", infilter=_ROSTER_CSV).read_bytes()
    assert saved.startswith(untrusted_xls.OLE_MAGIC)

    stream = untrusted_xls.workbook_stream(saved)
    assert stream is not None
    [measured] = untrusted_xls.measure(stream).sheets
    end = CalamineWorkbook.from_filelike(io.BytesIO(saved)).get_sheet_by_index(0).end
    assert end is not None
    assert (measured.rows, measured.columns) == (end[0] + 1, end[1] + 1) == (31, len(COLUMNS))

    _sheet_read, result = roster_validate(plan=plan, source=saved)

    assert result.errors == []
    assert [row.name for row in result.rows] == [p["name"] for p in people]
