"""Malformed and hostile upload files for the importer tests: hand-built workbooks that
python-calamine would choke on, zip bombs, wrong encodings, and hypothesis strategies that
mutate a good file. Shared by every importer's *_hostile tests."""

from __future__ import annotations

import io
import re
import struct
import zipfile
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

# Bounded and repeatable under `make test`: the same examples every run.
FUZZ = settings(
    max_examples=30,
    derandomize=True,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    database=None,
)

FORMULAS = [
    "=cmd|' /C calc'!A0",
    "+1+cmd|' /C calc'!A0",
    "-2+3+cmd|' /C calc'!A0",
    "@SUM(1+9)*cmd|' /C calc'!A0",
    '=HYPERLINK("http://example.invalid/?x="&A1,"点击")',
]

_CONTENT_TYPES = (
    b'<?xml version="1.0" encoding="UTF-8"?>'
    b'<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    b'<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
    b'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>'
    b'<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-'
    b'officedocument.spreadsheetml.sheet.main+xml"/>'
    b'<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.'
    b'openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    b'<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-'
    b'officedocument.spreadsheetml.sharedStrings+xml"/></Types>'
)
_ROOT_RELS = (
    b'<?xml version="1.0" encoding="UTF-8"?>'
    b'<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    b'<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    b'relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>'
)
_WORKBOOK_RELS = (
    b'<?xml version="1.0" encoding="UTF-8"?>'
    b'<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    b'<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    b'relationships/worksheet" Target="worksheets/sheet1.xml"/>'
    b'<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    b'relationships/sharedStrings" Target="sharedStrings.xml"/></Relationships>'
)
_MAIN = b"http://schemas.openxmlformats.org/spreadsheetml/2006/main"


def _workbook(sheet: str) -> bytes:
    return (
        b'<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="' + _MAIN + b'" xmlns:r="'
        b'http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets>'
        b'<sheet name="' + sheet.encode() + b'" sheetId="1" r:id="rId1"/></sheets></workbook>'
    )


def sheet_xml(rows: str | bytes) -> bytes:
    body = rows.encode() if isinstance(rows, str) else rows
    return (
        b'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="'
        + _MAIN
        + b'"><sheetData>'
        + body
        + b"</sheetData></worksheet>"
    )


def shared_xml(strings: list[str]) -> bytes:
    items = b"".join(b"<si><t>" + s.encode() + b"</t></si>" for s in strings)
    return (
        b'<?xml version="1.0" encoding="UTF-8"?><sst xmlns="'
        + _MAIN
        + b'" count="'
        + str(len(strings)).encode()
        + b'">'
        + items
        + b"</sst>"
    )


def inline_row(number: int, cells: list[str]) -> str:
    """A row of inline-string cells A, B, C, ..."""
    out = []
    for index, text in enumerate(cells):
        ref = f"{chr(65 + index)}{number}"
        escaped = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
        out.append(f'<c r="{ref}" t="inlineStr"><is><t>{escaped}</t></is></c>')
    return f'<row r="{number}">{"".join(out)}</row>'


def xlsx(
    sheet: bytes,
    *,
    shared: bytes | None = None,
    sheet_name: str = "Sheet1",
    extra: dict[str, bytes] | None = None,
    compression: int = zipfile.ZIP_DEFLATED,
) -> bytes:
    """A minimal workbook calamine opens: one sheet, optional shared strings."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression) as archive:
        archive.writestr("[Content_Types].xml", _CONTENT_TYPES)
        archive.writestr("_rels/.rels", _ROOT_RELS)
        archive.writestr("xl/workbook.xml", _workbook(sheet_name))
        archive.writestr("xl/_rels/workbook.xml.rels", _WORKBOOK_RELS)
        archive.writestr("xl/worksheets/sheet1.xml", sheet)
        archive.writestr("xl/sharedStrings.xml", shared or shared_xml([]))
        for name, data in (extra or {}).items():
            archive.writestr(name, data)
    return buffer.getvalue()


def sparse_corner_xlsx(sheet_name: str = "Sheet1") -> bytes:
    """Two cells, A1 and XFD1048576: 5 KB that python-calamine would expand to half a
    terabyte (it aborts the process)."""
    return xlsx(
        sheet_xml(
            '<row r="1"><c r="A1" t="inlineStr"><is><t>姓名</t></is></c></row>'
            '<row r="1048576"><c r="XFD1048576" t="inlineStr"><is><t>x</t></is></c></row>'
        ),
        sheet_name=sheet_name,
    )


def refless_wide_xlsx(columns: int) -> bytes:
    """Cells without references: calamine places each after the previous one."""
    return xlsx(sheet_xml("<row>" + "<c><v>1</v></c>" * columns + "</row>"))


def shared_string_amplifier(*, length: int = 30_000, cells: int = 10_000) -> bytes:
    """One long shared string referenced by every cell: small file, huge text once each
    cell gets its own copy."""
    rows = "".join(f'<row r="{r}"><c r="A{r}" t="s"><v>0</v></c></row>' for r in range(1, cells))
    return xlsx(sheet_xml(rows), shared=shared_xml(["x" * length]))


class _FlushedDeflate:
    """The zip writer's deflate, with a full flush after each write. A full flush resets the
    compressor's window, so equal writes compress to equal bytes: the bomb's 1 MB block is
    deflated once instead of hundreds of times (seconds per build). The archive is the same
    kind of file either way; zipfile still computes the sizes and the CRC itself."""

    def __init__(self) -> None:
        self._deflate = zlib.compressobj(zlib.Z_DEFAULT_COMPRESSION, zlib.DEFLATED, -15)
        self._last: tuple[bytes, bytes] | None = None

    def compress(self, data: bytes) -> bytes:
        if self._last is not None and self._last[0] == data:
            return self._last[1]
        out = self._deflate.compress(data) + self._deflate.flush(zlib.Z_FULL_FLUSH)
        self._last = (bytes(data), out)
        return out

    def flush(self) -> bytes:
        return self._deflate.flush()


def zip_bomb_xlsx(megabytes: int) -> bytes:
    """A sheet whose XML inflates to `megabytes` MB of whitespace (about 1000:1)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", _CONTENT_TYPES)
        archive.writestr("_rels/.rels", _ROOT_RELS)
        archive.writestr("xl/workbook.xml", _workbook("Sheet1"))
        archive.writestr("xl/_rels/workbook.xml.rels", _WORKBOOK_RELS)
        with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as sheet:
            sheet._compressor = _FlushedDeflate()  # type: ignore[attr-defined]
            sheet.write(sheet_xml(b"")[: -len(b"</sheetData></worksheet>")])
            block = b" " * (1024 * 1024)
            for _ in range(megabytes):
                sheet.write(block)
            sheet.write(b"</sheetData></worksheet>")
    return buffer.getvalue()


@dataclass(frozen=True)
class Heavy:
    """A hostile file too costly to build while the test modules are imported: a test names
    it (in a parametrize table, say) and asks the session's `heavy_files` fixture for the
    bytes, which builds it on first use only."""

    name: str
    build: Callable[[], bytes]


ZIP_BOMB = Heavy("zip_bomb_300mb.xlsx", lambda: zip_bomb_xlsx(300))


class HeavyFiles:
    """The `heavy_files` session fixture (root conftest.py): each Heavy file built once per
    test session (per xdist worker) and kept in the session's temporary directory."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory

    def __call__(self, data: bytes | Heavy) -> bytes:
        if not isinstance(data, Heavy):
            return data
        path = self.directory / data.name
        if not path.exists():
            path.write_bytes(data.build())
        return path.read_bytes()


def many_entries_zip(entries: int, *, base: bytes | None = None) -> bytes:
    """A workbook (or an empty zip) followed by `entries` empty files."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) as archive:
        if base is not None:
            with zipfile.ZipFile(io.BytesIO(base)) as source:
                for info in source.infolist():
                    archive.writestr(info, source.read(info))
        for n in range(entries):
            archive.writestr(f"junk/{n}.xml", b"")
    return buffer.getvalue()


def understated_size(data: bytes, name: str) -> bytes:
    """`data` with the central directory claiming entry `name` is 10 bytes long: a parser
    that trusts the header inflates far more than it budgeted."""
    out = bytearray(data)
    encoded = name.encode()
    for match in re.finditer(re.escape(b"PK\x01\x02"), bytes(out)):
        start = match.start()
        (name_len,) = struct.unpack_from("<H", out, start + 28)
        if bytes(out[start + 46 : start + 46 + name_len]) == encoded:
            struct.pack_into("<I", out, start + 24, 10)
    return bytes(out)


def ods_file() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        archive.writestr("content.xml", "<office:document-content/>")
    return buffer.getvalue()


def rezip(data: bytes, change: Callable[[str, bytes], bytes]) -> bytes:
    """Each entry of the zip `data` passed through `change(name, content)`."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(buffer, "w") as target:
        for info in source.infolist():
            target.writestr(info.filename, change(info.filename, source.read(info)))
    return buffer.getvalue()


# --- hypothesis: mutations of a good file ------------------------------------------------


@st.composite
def byte_mutation(draw: Any, data: bytes) -> bytes:
    """Truncate, overwrite a few bytes, or splice in random bytes."""
    kind = draw(st.sampled_from(["truncate", "flip", "splice"]))
    if kind == "truncate":
        return data[: draw(st.integers(0, len(data) - 1))]
    out = bytearray(data)
    if kind == "flip":
        for _ in range(draw(st.integers(1, 8))):
            at = draw(st.integers(0, len(out) - 1))
            out[at] = draw(st.integers(0, 255))
        return bytes(out)
    at = draw(st.integers(0, len(out)))
    return bytes(out[:at]) + draw(st.binary(min_size=1, max_size=64)) + bytes(out[at:])


@st.composite
def xml_mutation(draw: Any, data: bytes, part: str) -> bytes:
    """The zip rebuilt with entry `part` mutated: reaches the XML readers behind the zip."""

    def change(name: str, content: bytes) -> bytes:
        return draw(byte_mutation(content)) if name == part and content else content

    return rezip(data, change)


def is_chinese(message: str) -> bool:
    return re.search("[\u4e00-\u9fff]", message) is not None


def row_counts(*models: Any) -> dict[str, int]:
    """Rows per table, to show an import that failed left the database as it was."""
    from skillcert.audit.models import AuditEvent

    return {m._meta.label: m.objects.count() for m in (*models, AuditEvent)}
