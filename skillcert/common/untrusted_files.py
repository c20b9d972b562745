"""Checks on uploaded files before a parser opens them, shared by every importer.

python-calamine reads a sheet into one dense block from A1 to its last filled cell and
aborts the whole process (it does not raise) when that allocation fails: a 5 KB workbook
with one cell at XFD1048576 asks for half a terabyte. Each shared string is copied into
every cell that refers to it, so one long string referenced by every row multiplies.
zipfile and calamine trust the entry list of an archive, and `csv` raises its own errors.
So every spreadsheet, zip package and CSV goes through here first: a hostile or broken
file ends in a DomainError with a stable `upload.*` code and a Chinese message, not in a
crash or an exhausted worker.

`spreadsheet_check` reads every entry of an .xlsx once (through zipfile, so the sizes and CRCs
the archive declares are verified rather than trusted), measures each worksheet's extent
and the text its cells expand to, and refuses formats whose cells it cannot measure
(.ods, .xlsb). A legacy .xls (BIFF records in an OLE2 file, not a zip) is measured by
`untrusted_xls`: calamine reads all its sheets when it opens it, so their blocks and the
shared strings copied into their cells are bounded together."""

from __future__ import annotations

import codecs
import csv
import io
import posixpath
import re
import struct
import zipfile
import zlib
from array import array
from collections.abc import Iterator
from typing import Any
from xml.sax.saxutils import unescape

from skillcert.common import untrusted_xls
from skillcert.common.errors import DomainError

# A 100,000-row roster is about 37 MB of sheet XML and 1.5 million cells.
MAX_ZIP_ENTRIES = 1000
MAX_UNCOMPRESSED = 256 * 1024 * 1024
MAX_SHEET_CELLS = 5_000_000
MAX_EXPANDED_TEXT = 256 * 1024 * 1024
# Excel's own limit is 32,767 characters a cell; four bytes each plus rich-text markup.
MAX_SHARED_STRING_BYTES = 32_767 * 4 + 4096

_ZIP_MAGIC = b"PK\x03\x04"
_EOCD = b"PK\x05\x06"
_NS = rb"(?:[A-Za-z_][\w.-]*:)?"
_CELL_OR_ROW = re.compile(
    rb"<" + _NS + rb"(row|c)(?=[\s/>])([^>]*?)(/?)>(?:<" + _NS + rb"v>(\d{1,10})<)?"
)
_ANY_CELL = re.compile(rb"<" + _NS + rb"c(?=[\s/>])")
_CELL_WITH_REF = re.compile(
    rb"<" + _NS + rb'c r="([A-Z]{1,3})(\d{1,8})"([^>]*?)(/?)>(?:<' + _NS + rb"v>(\d{1,10})<)?"
)
_ATTR_R = re.compile(rb"""(?:^|\s)r\s*=\s*["']([A-Za-z]{0,3})(\d{0,8})["']""")
_ATTR_T = re.compile(rb"""(?:^|\s)t\s*=\s*["'](\w+)["']""")
_SHARED_ITEM = re.compile(rb"<" + _NS + rb"si(?=[\s/>])")
_RELATIONSHIP = re.compile(rb"<(?:[\w.-]+:)?Relationship\b([^>]*)>")
_REL_TYPE = re.compile(rb"""\bType\s*=\s*["']([^"']*)["']""")
_REL_TARGET = re.compile(rb"""\bTarget\s*=\s*["']([^"']*)["']""")


def _fail(code: str, message: str) -> DomainError:
    return DomainError(f"upload.{code}", message, field="file")


# --- zip archives ------------------------------------------------------------------------


def _declared_entries(data: bytes) -> int | None:
    """The entry count of the end-of-central-directory record, read before zipfile builds
    an object per entry (a 50 MB archive can list a million empty files)."""
    at = data.rfind(_EOCD, max(0, len(data) - 65_557))
    if at < 0 or at + 22 > len(data):
        return None
    (total,) = struct.unpack_from("<H", data, at + 10)
    return int(total)


def zip_open(
    data: bytes,
    *,
    what: str,
    max_entries: int = MAX_ZIP_ENTRIES,
    max_uncompressed: int = MAX_UNCOMPRESSED,
) -> zipfile.ZipFile:
    """Open an uploaded zip after checking its entry count and declared total size."""
    if not data:
        raise _fail("empty", f"{what}为空")
    declared = _declared_entries(data)
    # 0xFFFF: the count lives in a ZIP64 record, which only an archive of 65,535 or more
    # entries needs.
    if declared is not None and (declared > max_entries or declared == 0xFFFF):
        raise _fail(
            "too_many_entries", f"{what}内含文件过多（{declared} 个，上限 {max_entries} 个）"
        )
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError, EOFError):
        raise _fail("corrupt", f"{what}已损坏或不完整，无法打开") from None
    entries = archive.infolist()
    if len(entries) > max_entries:
        raise _fail(
            "too_many_entries", f"{what}内含文件过多（{len(entries)} 个，上限 {max_entries} 个）"
        )
    total = sum(info.file_size for info in entries)
    if total > max_uncompressed:
        raise _fail(
            "uncompressed_too_large",
            f"{what}解压后过大（{total // (1024 * 1024)} MB，上限 "
            f"{max_uncompressed // (1024 * 1024)} MB）",
        )
    return archive


def _entry(archive: zipfile.ZipFile, info: zipfile.ZipInfo, *, what: str) -> bytes:
    """The entry's bytes. zipfile stops at the size the archive declares (bounded by
    zip_open) and checks the CRC at the end, so an entry whose header understates its real
    size fails here instead of inflating inside the parser."""
    if info.flag_bits & 0x1:
        raise _fail("encrypted", f"{what}已加密，请取消密码保护后重新上传")
    try:
        return archive.read(info)
    except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError, ValueError, OSError):
        raise _fail("corrupt", f"{what}已损坏或不完整（{info.filename[:60]} 校验失败）") from None


# --- spreadsheets --------------------------------------------------------------------------


def _column_index(letters: bytes) -> int:
    index = 0
    for char in letters.upper():
        index = index * 26 + (char - 64)
    return index


def _sheet_parts(archive: zipfile.ZipFile, names: set[str], *, what: str) -> set[str]:
    """Worksheets as the workbook's relationships name them (calamine follows these), plus
    anything under xl/worksheets/."""
    parts = {n for n in names if n.startswith("xl/worksheets/") and n.endswith(".xml")}
    rels = "xl/_rels/workbook.xml.rels"
    if rels in names:
        for match in _RELATIONSHIP.finditer(_entry(archive, archive.getinfo(rels), what=what)):
            kind = _REL_TYPE.search(match.group(1))
            target = _REL_TARGET.search(match.group(1))
            if kind and target and kind.group(1).endswith(b"/worksheet"):
                path = target.group(1).decode("utf-8", "replace")
                path = path.lstrip("/") if path.startswith("/") else "xl/" + path
                parts.add(posixpath.normpath(path))
    return parts


def _shared_lengths(xml: bytes) -> array[int]:
    """Byte length of each shared string item (markup included: an upper bound)."""
    starts = [match.start() for match in _SHARED_ITEM.finditer(xml)]
    ends = [*starts[1:], len(xml)] if starts else []
    return array("Q", (b - a for a, b in zip(starts, ends, strict=True)))


_PREFIXED_CELL = re.compile(rb"<[A-Za-z_][\w.-]*:c[\s/>]")
_NOT_A_CELL = re.compile(rb"<c[^\s/>]")  # <col>, <cols>, <cfRule>…: tags that start with c
# A cell whose reference is not letters and digits, or whose tag runs into another tag.
_ODD_CELL_TAG = re.compile(rb'<c r="(?![A-Z]{1,3}\d{1,8}"[^<>]*>)')
_FILLED_CELL = re.compile(rb'<c r="([A-Z]{1,3})(\d{1,8})"[^>]*(?<!/)>')


def _referenced_extent(xml: bytes) -> tuple[int, int, int] | None:
    """(rows, columns, cells) of a worksheet whose every cell opens with a well-formed
    reference, `<c r="B12"`, as Excel, WPS and xlsxwriter write them; None for any other
    sheet (then `_SheetScan` walks it). The same extent `_SheetScan` finds, from a few
    passes that build one small object per filled cell instead of a tuple of five: a
    100,000-row roster is scanned in a quarter of the time. `cells` counts every cell tag,
    filled or not: with the longest shared string it bounds the text the cells expand to."""
    if b":c" in xml and _PREFIXED_CELL.search(xml) is not None:
        return None
    cells = xml.count(b"<c") - len(_NOT_A_CELL.findall(xml))
    if xml.count(b'<c r="') != cells or _ODD_CELL_TAG.search(xml) is not None:
        return None
    filled = _FILLED_CELL.findall(xml)
    if not filled:
        return 0, 0, cells
    letters = {letter for letter, _ in filled}
    rows = max(map(int, {row for _, row in filled}))
    return rows, max(map(_column_index, letters)), cells


class _SheetScan:
    """Extent from A1 (python-calamine pads to it) and the bytes of text the cells expand to.
    Reads cell and row tags the way calamine does: a cell without a reference follows the
    previous one, a row without a number follows the previous row."""

    def __init__(self, shared: array[int], longest_shared: int) -> None:
        self.shared = shared
        self.longest_shared = longest_shared
        self.rows = 0
        self.columns = 0
        self.text = 0
        self._row = 0
        self._column = 0

    def feed(self, xml: bytes) -> None:
        cells = _CELL_WITH_REF.findall(xml)
        if len(cells) == len(_ANY_CELL.findall(xml)):
            self._feed_referenced(cells)
            return
        for match in _CELL_OR_ROW.finditer(xml):
            self._token(match)

    def _feed_referenced(self, cells: list[tuple[bytes, bytes, bytes, bytes, bytes]]) -> None:
        """The usual file: every cell carries its reference (Excel, WPS and xlsxwriter write
        them), so the extent needs no walk through the rows, one list pass instead."""
        filled = [cell for cell in cells if not cell[3]]
        if not filled:
            return
        self.rows = max(self.rows, max(map(int, (cell[1] for cell in filled))))
        self.columns = max(self.columns, max(map(_column_index, {cell[0] for cell in filled})))
        shared, longest = self.shared, self.longest_shared
        size = len(shared)
        for _, _, attrs, _, value in filled:
            if b't="s"' in attrs or b"t='s'" in attrs:
                index = int(value) if value else -1
                self.text += shared[index] if 0 <= index < size else longest

    def _token(self, match: re.Match[bytes]) -> None:
        name, attrs, closed, value = match.groups()
        ref = _ATTR_R.search(attrs)
        if name == b"row":
            self._row = int(ref.group(2)) if ref and ref.group(2) else self._row + 1
            self._column = 0
            return
        row = self._row or 1
        column = self._column + 1
        if ref is not None:
            letters, digits = ref.groups()
            if letters:
                column = _column_index(letters)
            if digits:
                row = int(digits)
        self._column = column
        if closed:
            return  # an empty, formatted cell: calamine skips it
        self.rows = max(self.rows, row)
        self.columns = max(self.columns, column)
        kind = _ATTR_T.search(attrs)
        if kind is not None and kind.group(1) == b"s":
            index = int(value) if value is not None else -1
            self.text += (
                self.shared[index] if 0 <= index < len(self.shared) else self.longest_shared
            )


def spreadsheet_check(
    data: bytes,
    *,
    what: str = "Excel 文件",
    max_cells: int = MAX_SHEET_CELLS,
    max_expanded_text: int = MAX_EXPANDED_TEXT,
) -> frozenset[str]:
    """Raise DomainError unless python-calamine can open `data` within bounded memory.
    Returns the worksheet parts it read that hold no formula (for `xlsx_formulas`)."""
    if not data:
        raise _fail("empty", f"{what}为空")
    if data.startswith(untrusted_xls.OLE_MAGIC):
        _xls_check(data, what=what, max_cells=max_cells, max_expanded_text=max_expanded_text)
        return frozenset()
    if not data.startswith(_ZIP_MAGIC):
        # Not a spreadsheet at all: the importer's parser says so, in its own words.
        return frozenset()
    archive = _workbook_archive(data, what=what)
    sheets = _sheet_parts(archive, {info.filename for info in archive.infolist()}, what=what)
    shared = _shared_strings(archive, what=what)
    longest = max(shared, default=0)
    text = 0
    # Sheets whose text was only bounded (cells x the longest shared string), with that
    # bound: counted exactly should the bounds add up past the limit.
    bounded: list[tuple[zipfile.ZipInfo, int]] = []
    formula_free: set[str] = set()
    for info in archive.infolist():
        if info.filename == "xl/sharedStrings.xml" or info.is_dir():
            continue
        xml = _entry(archive, info, what=what)  # every entry: verifies its real size and CRC
        if info.filename not in sheets:
            continue
        if b"<f" not in xml and b":f" not in xml:  # how a formula tag, <f> or <x:f>, starts
            formula_free.add(info.filename)
        rows, columns, sheet_text, exact = _sheet_measure(xml, shared, longest)
        if not exact:
            bounded.append((info, sheet_text))
        if rows * columns > max_cells:
            raise _fail(
                "sheet_too_large",
                f"工作表范围过大（{rows} 行 × {columns} 列，上限 {max_cells} 个单元格）；"
                "请删除表格远端的多余内容后重新上传",
            )
        text += sheet_text
    if text > max_expanded_text and bounded:
        text = _exact_text(archive, bounded, text, shared, longest, what=what)
    if text > max_expanded_text:
        raise _fail("text_too_large", f"{what}中的文字内容过多，请拆分后分批上传")
    return frozenset(formula_free)


def _workbook_archive(data: bytes, *, what: str) -> zipfile.ZipFile:
    """The zip of an .xlsx workbook; other zipped formats are refused by name."""
    archive = zip_open(data, what=what)
    names = {info.filename for info in archive.infolist()}
    if "mimetype" in names and "content.xml" in names:
        raise _fail("format_unsupported", "不支持 OpenDocument（.ods）表格，请另存为 .xlsx 后上传")
    if "xl/workbook.bin" in names:
        raise _fail("format_unsupported", "不支持二进制工作簿（.xlsb），请另存为 .xlsx 后上传")
    if "xl/workbook.xml" not in names:
        raise _fail("not_spreadsheet", f"{what}不是 Excel 工作簿（缺少 xl/workbook.xml）")
    return archive


def _shared_strings(archive: zipfile.ZipFile, *, what: str) -> array[int]:
    """Each shared string's byte length (none without a shared-strings part)."""
    shared: array[int] = array("Q")
    by_name = {info.filename: info for info in archive.infolist()}
    if "xl/sharedStrings.xml" in by_name:
        shared = _shared_lengths(_entry(archive, by_name["xl/sharedStrings.xml"], what=what))
    if max(shared, default=0) > MAX_SHARED_STRING_BYTES:
        raise _fail("cell_too_long", f"{what}中有单元格超过 32767 个字符（Excel 的上限）")
    return shared


def _sheet_measure(xml: bytes, shared: array[int], longest: int) -> tuple[int, int, int, bool]:
    """(rows, columns, text, exact): the sheet's extent from A1 and the bytes of text its
    cells expand to; `exact` is False where the text is only bounded (every cell counted as
    the longest shared string)."""
    extent = _referenced_extent(xml)
    if extent is None:
        scan = _SheetScan(shared, longest)
        scan.feed(xml)
        return scan.rows, scan.columns, scan.text, True
    rows, columns, cells = extent
    return rows, columns, cells * longest, False


def _too_large(what: str, rows: int, columns: int, max_cells: int) -> DomainError:
    return _fail(
        "sheet_too_large",
        f"{what}的工作表范围过大（{rows} 行 × {columns} 列，上限 {max_cells} 个单元格）；"
        "请删除表格远端的多余内容后重新上传",
    )


def _xls_check(data: bytes, *, what: str, max_cells: int, max_expanded_text: int) -> None:
    """Refuse a legacy .xls whose sheets, all read at once by calamine, would not fit."""
    try:
        stream = untrusted_xls.workbook_stream(data)
        if stream is None:
            return
        measured = untrusted_xls.measure(stream)
    except untrusted_xls.XlsEncrypted:
        raise _fail("encrypted", f"{what}已加密，请取消密码保护后重新上传") from None
    except untrusted_xls.XlsMalformed:
        raise _fail("corrupt", f"{what}已损坏或不完整，无法打开") from None
    for sheet in measured.sheets:
        if sheet.rows * sheet.columns > max_cells:
            raise _too_large(what, sheet.rows, sheet.columns, max_cells)
    if measured.cells > max_cells:
        raise _fail(
            "sheet_too_large",
            f"{what}的 {len(measured.sheets)} 个工作表合计范围过大（{measured.cells} 个单元格，"
            f"上限 {max_cells} 个）；请只保留要导入的工作表、删除远端的多余内容后重新上传",
        )
    if measured.text > max_expanded_text:
        raise _fail("text_too_large", f"{what}中的文字内容过多，请拆分后分批上传")


def _exact_text(
    archive: zipfile.ZipFile,
    bounded: list[tuple[zipfile.ZipInfo, int]],
    text: int,
    shared: array[int],
    longest: int,
    *,
    what: str,
) -> int:
    """`text` with each bounded sheet's bound replaced by the text its cells expand to."""
    for info, bound in bounded:
        scan = _SheetScan(shared, longest)
        scan.feed(_entry(archive, info, what=what))
        text += scan.text - bound
    return text


_CELL_BLOCK = re.compile(rb"<" + _NS + rb"c(?=[\s>])([^>]*?)(?<!/)>(.*?)</" + _NS + rb"c>", re.S)
_FORMULA = re.compile(rb"<" + _NS + rb"f(?=[\s/>])([^>]*?)(?:/>|>(.*?)</" + _NS + rb"f>)", re.S)
_ATTR_SI = re.compile(rb"""(?:^|\s)si\s*=\s*["'](\d{1,9})["']""")
_WORKBOOK_SHEET = re.compile(rb"<(?:[\w.-]+:)?sheet\b([^>]*)>")
_SHEET_RID = re.compile(rb"""\s(?:[\w.-]+:)?id\s*=\s*["']([^"']*)["']""")
_REL_ID = re.compile(rb"""\bId\s*=\s*["']([^"']*)["']""")


def _sheet_part_at(archive: zipfile.ZipFile, index: int, *, what: str) -> str | None:
    """The part of the workbook's `index`-th sheet (the order calamine lists them in)."""
    names = {info.filename for info in archive.infolist()}
    rels = "xl/_rels/workbook.xml.rels"
    if "xl/workbook.xml" not in names or rels not in names:
        return None
    sheets = _WORKBOOK_SHEET.findall(_entry(archive, archive.getinfo("xl/workbook.xml"), what=what))
    if not 0 <= index < len(sheets):
        return None
    rid = _SHEET_RID.search(sheets[index])
    if rid is None:
        return None
    for match in _RELATIONSHIP.finditer(_entry(archive, archive.getinfo(rels), what=what)):
        found, target = _REL_ID.search(match.group(1)), _REL_TARGET.search(match.group(1))
        if found and target and found.group(1) == rid.group(1):
            path = target.group(1).decode("utf-8", "replace")
            path = posixpath.normpath(path.lstrip("/") if path.startswith("/") else "xl/" + path)
            return path if path in names else None
    return None


def xlsx_formulas(
    data: bytes,
    *,
    sheet_index: int,
    what: str = "Excel 文件",
    formula_free: frozenset[str] = frozenset(),
) -> dict[tuple[int, int], str]:
    """The formulas typed into a worksheet of an .xlsx, by 0-based (row, column) as
    `sheet_rows` returns them: "=" and the formula's text. python-calamine gives a formula
    cell's cached result (LibreOffice stores 2 for a typed `=1+1`), which an importer must
    not take for what the person typed. Call after `spreadsheet_check`; {} for a legacy .xls.
    A cell of a shared formula without its own text gets the text of the formula it shares.
    `formula_free`, what `spreadsheet_check` returned for `data`, spares inflating again a
    sheet it found without formulas."""
    if not data.startswith(_ZIP_MAGIC):
        return {}
    archive = zip_open(data, what=what)
    part = _sheet_part_at(archive, sheet_index, what=what)
    if part is None or part in formula_free:
        return {}
    xml = _entry(archive, archive.getinfo(part), what=what)
    formulas: dict[tuple[int, int], str] = {}
    if _FORMULA.search(xml) is None:
        return formulas  # the usual upload: one pass, no cell walk
    shared: dict[bytes, str] = {}
    for attrs, body in _CELL_BLOCK.findall(xml):
        found = _FORMULA.search(body)
        ref = _ATTR_R.search(attrs)
        if found is None or ref is None or not ref.group(1) or not ref.group(2):
            continue
        text = unescape((found.group(2) or b"").decode("utf-8", "replace"), {"&quot;": '"'})
        group = _ATTR_SI.search(found.group(1))
        if group is not None:
            text = (
                shared.setdefault(group.group(1), text) if text else shared.get(group.group(1), "")
            )
        formulas[(int(ref.group(2)) - 1, _column_index(ref.group(1)) - 1)] = "=" + text
    return formulas


def sheet_rows(
    sheet: Any, *, what: str = "Excel 文件", max_cells: int = MAX_SHEET_CELLS
) -> list[Any]:
    """A python-calamine sheet as rows, refusing a sheet whose extent would not fit in memory
    once padded from A1. `spreadsheet_check` has bounded the file before it was opened; this
    holds for a caller that opened a workbook without it."""
    end = sheet.end
    if end is not None:
        rows, columns = end[0] + 1, end[1] + 1
        if rows * columns > max_cells:
            raise _too_large(what, rows, columns, max_cells)
    return list(sheet.to_python(skip_empty_area=False))


# --- text files ----------------------------------------------------------------------------


def text_decode(data: bytes, *, what: str) -> str:
    """CSV and other text uploads: UTF-8 (with or without BOM), UTF-16 with BOM, else
    GB18030 (what Excel on a Chinese Windows saves as “CSV”). NUL bytes are refused: no
    text format here has them, and several databases and tools truncate at them."""
    if data.startswith(codecs.BOM_UTF8):
        candidates = [("utf-8", data[len(codecs.BOM_UTF8) :])]
    elif data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        candidates = [("utf-16", data)]
    else:
        candidates = [("utf-8", data), ("gb18030", data)]
    for encoding, raw in candidates:
        try:
            text = raw.decode(encoding)
        except UnicodeDecodeError:
            continue
        if "\x00" in text:
            raise _fail("nul_byte", f"{what}含有空字符（NUL），不是有效的文本文件")
        return text
    raise _fail("encoding", f"{what}的编码无法识别：请另存为 UTF-8 或 GBK 编码的 CSV")


def csv_rows(text: str, *, what: str) -> Iterator[list[str]]:
    """csv.reader whose errors (an over-long field, a stray NUL) become DomainErrors."""
    reader = csv.reader(io.StringIO(text))
    while True:
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            raise _fail(
                "csv_invalid", f"{what}第{reader.line_num}行不是有效的 CSV（{str(exc)[:80]}）"
            ) from None
        yield row
