"""What python-calamine would allocate for a legacy .xls, measured before it opens the file.

An .xls is a BIFF record stream ("Workbook", or "Book" for Excel 5/95) in an OLE2 compound
file. When calamine opens one it reads *every* sheet at once, and for each sheet it
* reserves room for the cells its DIMENSIONS record declares,
* keeps its cells as one dense block from the first cell to the last (and its formulas as a
  second block),
* copies the shared string (SST) a LABELSST cell refers to into that cell.
A 5 KB workbook with a cell at A1 and one at IV65536 on each of three sheets made it take
1.5 GB; more sheets, or many sheet entries pointing at the same sheet, end the process, and a
declared size or string count past what can be allocated aborts it. So the records are walked
here first, the way calamine walks them (its `xls.rs`), and `measure` reports the cells and
text of all sheets together; `untrusted_files.spreadsheet_check` refuses a workbook over the
limits. Only record headers and positions are read: no cell value is decoded.

Pure Python over bytes; the OLE2 container is read with olefile."""

from __future__ import annotations

import io
import struct
from collections.abc import Iterator
from dataclasses import dataclass, field

import olefile

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"

_EOF, _CONTINUE, _BOUNDSHEET, _SST, _FILEPASS = 0x000A, 0x003C, 0x0085, 0x00FC, 0x002F
_DIMENSIONS, _FORMULA, _STRING, _MULRK, _LABELSST = 0x0200, 0x0006, 0x0207, 0x00BD, 0x00FD
# Cell records calamine turns into cells, with the shortest body it accepts for each
# (NUMBER, LABEL, BOOLERR, RK). BLANK and MULBLANK make no cell.
_CELLS = {0x0203: 14, 0x0204: 6, 0x0205: 8, 0x027E: 10}
# An upper bound on the UTF-8 bytes of one character of a BIFF8 string: a "compressed"
# character is Latin-1 (at most 2 bytes), a UTF-16 unit at most 3.
_UTF8_PER_CHAR = 3


class XlsMalformed(ValueError):
    """The records are not what calamine can read without failing or aborting."""


class XlsEncrypted(ValueError):
    """The workbook has a password (FILEPASS): its records after that are encrypted."""


@dataclass
class SheetMeasure:
    rows: int = 0  # extent from A1, as python-calamine pads a sheet when it is read
    columns: int = 0
    blocks: int = 0  # cells calamine allocates for this sheet: declared, cells, formulas
    text: int = 0  # bytes of shared strings copied into its cells (an upper bound)


@dataclass
class XlsMeasure:
    sheets: list[SheetMeasure] = field(default_factory=list)

    @property
    def cells(self) -> int:
        return sum(sheet.blocks for sheet in self.sheets)

    @property
    def text(self) -> int:
        return sum(sheet.text for sheet in self.sheets)


@dataclass
class _Record:
    kind: int
    data: memoryview
    continued: list[memoryview]
    end: int  # the offset just past the record and its CONTINUE records


_HEADER = struct.Struct("<HH")


def _records(stream: memoryview, start: int) -> Iterator[_Record]:
    """Records from `start`, each with the CONTINUE records that follow it (calamine's
    RecordIter: a CONTINUE is part of the record before it, never a record of its own)."""
    at, end = start, len(stream)
    header = _HEADER.unpack_from
    while at < end:
        if end - at < 4:
            raise XlsMalformed("record header cut short")
        kind, size = header(stream, at)
        if at + 4 + size > end:
            raise XlsMalformed("record body cut short")
        data = stream[at + 4 : at + 4 + size]
        at += 4 + size
        continued = []
        while end - at > 4 and header(stream, at)[0] == _CONTINUE:
            size = header(stream, at)[1]
            if at + 4 + size > end:
                raise XlsMalformed("CONTINUE record cut short")
            continued.append(stream[at + 4 : at + 4 + size])
            at += 4 + size
        yield _Record(kind, data, continued, at)


class _Reader:
    """Reads across a record and its CONTINUE records, as calamine's SST parser does."""

    def __init__(self, record: _Record) -> None:
        self.data = record.data
        self.rest = list(record.continued)

    def next_part(self) -> bool:
        if not self.rest:
            return False
        self.data = self.rest.pop(0)
        return True

    def take(self, n: int) -> memoryview:
        if len(self.data) < n:
            raise XlsMalformed("string header cut short")
        taken, self.data = self.data[:n], self.data[n:]
        return taken

    def skip(self, n: int) -> None:
        while n > 0:
            if not self.data and not self.next_part():
                raise XlsMalformed("string cut short")
            step = min(n, len(self.data))
            self.data = self.data[step:]
            n -= step

    def skip_chars(self, count: int, wide: bool) -> None:
        """`count` characters, one or two bytes each; each CONTINUE that carries on the
        characters starts with a byte saying which."""
        while count > 0:
            fits = len(self.data) // (2 if wide else 1)
            step = min(count, fits)
            self.data = self.data[step * (2 if wide else 1) :]
            count -= step
            if count > 0:
                if not self.next_part() or not self.data:
                    raise XlsMalformed("string characters cut short")
                wide = bool(self.data[0] & 0x1)
                self.data = self.data[1:]


def _shared_string_sizes(record: _Record) -> list[int]:
    """Upper bounds on the UTF-8 size of each SST string (0 for an empty one)."""
    if len(record.data) < 8:
        raise XlsMalformed("SST record too short")
    (count,) = struct.unpack_from("<i", record.data, 4)
    room = len(record.data) - 8 + sum(len(part) for part in record.continued)
    # Each string takes at least 3 bytes; calamine reserves `count` strings up front.
    if count < 0 or count * 3 > room:
        raise XlsMalformed("SST declares more strings than it holds")
    reader = _Reader(record)
    reader.data = reader.data[8:]
    sizes = []
    for _ in range(count):
        if not reader.data and not reader.next_part():
            raise XlsMalformed("SST ends early")
        chars, flags = struct.unpack("<HB", reader.take(3))
        runs = struct.unpack("<H", reader.take(2))[0] if flags & 0x8 else 0
        extra = struct.unpack("<i", reader.take(4))[0] if flags & 0x4 else 0
        if extra < 0:
            raise XlsMalformed("SST string with a negative extension size")
        reader.skip_chars(chars, bool(flags & 0x1))
        reader.skip(runs * 4 + extra)
        sizes.append(chars * _UTF8_PER_CHAR)
    return sizes


def _sheet(stream: memoryview, start: int, strings: list[int]) -> tuple[SheetMeasure, int]:
    """The sheet whose records start at `start`, and the offset where they end."""
    if start > len(stream):
        raise XlsMalformed("sheet starts past the end of the workbook stream")
    end = start
    cells = _Extent()
    formulas = _Extent()
    declared = 0
    text = 0
    formula_at = (0, 0)
    for record in _records(stream, start):
        kind, data, end = record.kind, record.data, record.end
        if kind == _EOF:
            break
        if kind == _DIMENSIONS:
            declared = max(declared, _declared(data))
        elif kind in _CELLS:
            if len(data) < _CELLS[kind]:
                raise XlsMalformed("cell record too short")
            cells.add(*struct.unpack_from("<HH", data))
        elif kind == _LABELSST:
            if len(data) < 10:
                raise XlsMalformed("LABELSST record too short")
            row, column = struct.unpack_from("<HH", data)
            (index,) = struct.unpack_from("<I", data, 6)
            # Counted even when the string is empty or missing: calamine versions differ
            # on whether that makes a cell, and counting it can only over-estimate.
            cells.add(row, column)
            if index < len(strings):
                text += strings[index]
        elif kind == _MULRK:
            if len(data) < 6:
                raise XlsMalformed("MULRK record too short")
            row, first = struct.unpack_from("<HH", data)
            (last,) = struct.unpack_from("<H", data, len(data) - 2)
            if last < first or len(data) != 6 + 6 * (last - first + 1):
                raise XlsMalformed("MULRK record of the wrong length")
            cells.add(row, first)
            cells.add(row, last)
        elif kind == _FORMULA:
            if len(data) < 20:
                raise XlsMalformed("FORMULA record too short")
            formula_at = struct.unpack_from("<HH", data)
            formulas.add(*formula_at)
            cells.add(*formula_at)
        elif kind == _STRING:
            cells.add(*formula_at)
    rows, columns = cells.from_a1()
    blocks = declared + cells.block() + formulas.block()
    return SheetMeasure(rows=rows, columns=columns, blocks=blocks, text=text), end


def _declared(data: memoryview) -> int:
    """Cells a DIMENSIONS record makes calamine reserve (its first row and column, and one
    past its last)."""
    if len(data) == 10:
        first_row, last_row, first_col, last_col = struct.unpack_from("<HHHH", data)
    elif len(data) == 14:
        first_row, last_row, first_col, last_col = struct.unpack_from("<IIHH", data)
    else:
        raise XlsMalformed("DIMENSIONS record of the wrong length")
    if last_row < 1 or last_col < 1:
        return 1
    if last_row - 1 < first_row or last_col - 1 < first_col:
        raise XlsMalformed("DIMENSIONS record ends before it starts")
    return int((last_row - first_row) * (last_col - first_col))


class _Extent:
    def __init__(self) -> None:
        self.rows: tuple[int, int] | None = None
        self.columns: tuple[int, int] = (0, 0)

    def add(self, row: int, column: int) -> None:
        if self.rows is None:
            self.rows, self.columns = (row, row), (column, column)
            return
        self.rows = (min(self.rows[0], row), max(self.rows[1], row))
        self.columns = (min(self.columns[0], column), max(self.columns[1], column))

    def block(self) -> int:
        """Cells from the first to the last (calamine's Range::from_sparse)."""
        if self.rows is None:
            return 0
        return (self.rows[1] - self.rows[0] + 1) * (self.columns[1] - self.columns[0] + 1)

    def from_a1(self) -> tuple[int, int]:
        if self.rows is None:
            return 0, 0
        return self.rows[1] + 1, self.columns[1] + 1


def workbook_stream(data: bytes) -> bytes | None:
    """The BIFF stream of an OLE2 file, or None when it holds none (then calamine refuses it
    on its own). Raises XlsMalformed when the container cannot be read."""
    try:
        with olefile.OleFileIO(io.BytesIO(data)) as ole:
            for name in ("Workbook", "Book"):
                if ole.exists(name) and ole.get_type(name) == olefile.STGTY_STREAM:
                    stream: bytes = ole.openstream(name).read()
                    return stream
    except (OSError, ValueError, IndexError, struct.error, RecursionError) as exc:
        raise XlsMalformed(f"OLE2 container: {exc}") from None
    return None


def measure(data: bytes) -> XlsMeasure:
    """Every sheet calamine would read from this BIFF stream: one per sheet entry of the
    workbook globals, the same sheet again when two entries point at it (walked once)."""
    stream = memoryview(data)
    starts: list[int] = []
    strings: list[int] = []
    end = 0
    for record in _records(stream, 0):
        end = record.end
        if record.kind == _EOF:
            break
        if record.kind == _FILEPASS and bytes(record.data[:2]) != b"\0\0":
            raise XlsEncrypted("FILEPASS")
        if record.kind == _BOUNDSHEET:
            if len(record.data) < 6:
                raise XlsMalformed("BOUNDSHEET record too short")
            starts.append(struct.unpack_from("<I", record.data)[0])
        elif record.kind == _SST:
            strings = _shared_string_sizes(record)
    # In order of position, each sheet after the globals and the sheet before it: sheets
    # that overlap (entries pointing into another sheet's records) would make calamine, and
    # this walk, read the same records again for every entry.
    walked: dict[int, SheetMeasure] = {}
    for start in sorted(set(starts)):
        if start < end:
            raise XlsMalformed("a sheet starts inside the records before it")
        walked[start], end = _sheet(stream, start, strings)
    return XlsMeasure([walked[start] for start in starts])
