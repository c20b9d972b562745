"""Legacy .xls files built record by record, for the tests of `untrusted_xls`: a BIFF8
workbook stream (workbook globals with the sheet entries and the shared strings, then each
sheet's records) in a minimal OLE2 compound file (version 3, 512-byte sectors, one stream)
that python-calamine and olefile both open."""

from __future__ import annotations

import struct
from collections.abc import Sequence

BOF, EOF, BOUNDSHEET, SST, CONTINUE, FILEPASS = 0x0809, 0x000A, 0x0085, 0x00FC, 0x003C, 0x002F
DIMENSIONS, NUMBER, LABELSST, MULRK, FORMULA = 0x0200, 0x0203, 0x00FD, 0x00BD, 0x0006

SECTOR = 512
END_OF_CHAIN, FREE, FAT_SECTOR = 0xFFFFFFFE, 0xFFFFFFFF, 0xFFFFFFFD


def record(kind: int, body: bytes) -> bytes:
    return struct.pack("<HH", kind, len(body)) + body


def bof(sheet: bool) -> bytes:
    return record(BOF, struct.pack("<HHHHII", 0x0600, 0x0010 if sheet else 0x0005, 0, 0, 0, 0))


def number(row: int, column: int, value: float) -> bytes:
    return record(NUMBER, struct.pack("<HHHd", row, column, 0, value))


def label_sst(row: int, column: int, index: int) -> bytes:
    return record(LABELSST, struct.pack("<HHHI", row, column, 0, index))


def mulrk(row: int, first: int, values: Sequence[int]) -> bytes:
    """Integers as RK values (bit 1 set: an integer shifted left by two)."""
    cells = b"".join(struct.pack("<HI", 0, (v << 2) | 0x2) for v in values)
    return record(
        MULRK, struct.pack("<HH", row, first) + cells + struct.pack("<H", first + len(values) - 1)
    )


def formula(row: int, column: int, value: float) -> bytes:
    """A cached number and the formula `1` (PtgInt)."""
    tokens = b"\x1e\x01\x00"
    body = struct.pack("<HHHdHI", row, column, 0, value, 0, 0) + struct.pack("<H", len(tokens))
    return record(FORMULA, body + tokens)


def dimensions(
    first_row: int, last_row_plus_one: int, first_col: int, last_col_plus_one: int
) -> bytes:
    return record(
        DIMENSIONS,
        struct.pack("<IIHHH", first_row, last_row_plus_one, first_col, last_col_plus_one, 0),
    )


def sst_body(strings: Sequence[str]) -> bytes:
    """Shared strings, each stored as UTF-16 (the high-byte flag set)."""
    body = struct.pack("<ii", len(strings), len(strings))
    for text in strings:
        body += struct.pack("<HB", len(text), 0x1) + text.encode("utf-16-le")
    return body


def workbook(
    sheets: Sequence[bytes],
    *,
    strings: Sequence[str] = (),
    sst: bytes | None = None,
    entries: Sequence[int] | None = None,
    globals_extra: bytes = b"",
) -> bytes:
    """The workbook stream: `sheets` are the records between each sheet's BOF and EOF;
    `entries` lists, for each sheet entry, which of `sheets` it points at (default: one entry
    per sheet); `sst` replaces the SST record built from `strings`."""
    entries = list(range(len(sheets))) if entries is None else list(entries)
    names = [f"S{n}" for n in range(len(entries))]
    # A BOUNDSHEET body: position (filled in below), visibility, type, then the short name.
    sheet_entries = [struct.pack("<IBBBB", 0, 0, 0, len(name), 0) + name.encode() for name in names]
    shared = sst if sst is not None else (record(SST, sst_body(strings)) if strings else b"")
    head_size = len(bof(False)) + sum(4 + len(e) for e in sheet_entries)
    rest = globals_extra + shared + record(EOF, b"")
    starts, body, at = [], b"", head_size + len(rest)
    for records in sheets:
        starts.append(at)
        chunk = bof(True) + records + record(EOF, b"")
        body += chunk
        at += len(chunk)
    bound = b"".join(
        record(BOUNDSHEET, struct.pack("<I", starts[target]) + entry[4:])
        for entry, target in zip(sheet_entries, entries, strict=True)
    )
    return bof(False) + bound + rest + body


def compound_file(stream: bytes, name: str = "Workbook") -> bytes:
    """An OLE2 file holding `stream` (padded to the 4,096 bytes below which a stream would
    live in the mini stream) as its only stream."""
    stream = stream.ljust(4096, b"\0")
    data_sectors = -(-len(stream) // SECTOR)
    fat_sectors = 1
    while data_sectors + 1 + fat_sectors > fat_sectors * (SECTOR // 4):
        fat_sectors += 1
    directory = data_sectors
    fat = [n + 1 for n in range(data_sectors - 1)] + [END_OF_CHAIN, END_OF_CHAIN]
    fat += [FAT_SECTOR] * fat_sectors
    fat += [FREE] * (fat_sectors * (SECTOR // 4) - len(fat))
    difat = [data_sectors + 1 + n for n in range(fat_sectors)] + [FREE] * (109 - fat_sectors)
    header = (
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
        + bytes(16)
        + struct.pack("<HHHHH", 0x3E, 3, 0xFFFE, 9, 6)
        + bytes(6)
        + struct.pack(
            "<IIIIIIIII", 0, fat_sectors, directory, 0, 4096, END_OF_CHAIN, 0, END_OF_CHAIN, 0
        )
        + struct.pack("<109I", *difat)
    )
    entries = _entry("Root Entry", 5, END_OF_CHAIN, 0, child=1) + _entry(name, 2, 0, len(stream))
    entries += _entry("", 0, 0, 0) * 2
    return (
        header
        + stream.ljust(data_sectors * SECTOR, b"\0")
        + entries
        + struct.pack(f"<{len(fat)}I", *fat)
    )


def _entry(name: str, kind: int, start: int, size: int, *, child: int = FREE) -> bytes:
    encoded = (name + "\0").encode("utf-16-le") if name else b""
    return (
        encoded.ljust(64, b"\0")
        + struct.pack("<HBB", len(encoded), kind, 1 if kind else 0)
        + struct.pack("<III", FREE, FREE, child)
        + bytes(16 + 4 + 16)
        + struct.pack("<IIi", start, size, 0)
    )


def xls(sheets: Sequence[bytes], **options: object) -> bytes:
    return compound_file(workbook(sheets, **options))  # type: ignore[arg-type]
