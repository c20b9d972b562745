"""QR codes for the PDFs, as the SVG text segno writes, made several times faster.

A verification URL carries a signed token of some 300 characters (QR version 13), and segno
takes as long to draw that code as typst takes to compile the page it goes on: it places each
module, applies the mask and writes the SVG path one Python call at a time. Here segno still
does the part the standard is subtle about (segments, version, error level, padding: the data
codewords), and everything after it is done with tables made once per version: the error
correction from a multiplication table, the modules put in place as one array operation, the
path from the runs of dark modules. The text is the same, character for character, as
`segno.make(content, error="m", mask=0).svg_inline(scale=4, border=2)` (tests compare the two
over every version), so a PDF does not change by a byte."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from itertools import zip_longest
from typing import Any, cast

import numpy as np
import segno
from segno import consts, encoder

# A fixed mask: any mask gives a valid code, and segno's search for the best one costs as much
# as compiling the page it goes on.
MASK = 0
SCALE, BORDER = 4, 2
# segno's tables, typed: bits of data a version holds at each error level, and its blocks
# (each with num_blocks, num_total and num_data codewords).
_CAPACITY = cast("dict[int, dict[int, int]]", consts.SYMBOL_CAPACITY)
_BLOCKS = cast("dict[int, dict[int, tuple[Any, ...]]]", consts.ECC)


@dataclass(frozen=True)
class _Layout:
    """What every code of one version and error level shares."""

    size: int
    base: np.ndarray  # size × size: the function patterns, format and version information
    positions: np.ndarray  # flat index of each data module, in the order bits are placed
    mask: np.ndarray  # the mask's bit at each of those modules


@cache
def _layout(version: int, error: int) -> _Layout:
    size = encoder.calc_matrix_size(version)
    matrix = encoder.make_matrix(size, size)
    encoder.add_finder_patterns(matrix, size, size)
    encoder.add_alignment_patterns(matrix, size, size)
    free = [[module == 0x2 for module in row] for row in matrix]
    # ISO/IEC 18004:2015 7.7.3: two-module columns from the right, alternately upwards and
    # downwards, skipping the vertical timing pattern (as segno's add_codewords walks them).
    positions: list[int] = []
    for column in range(size - 1, 0, -2):
        right = column - 1 if column <= 6 else column
        for vertical in range(size):
            for z in (0, 1):
                j = right - z
                upwards = ((right & 2) == 0) ^ (j < 6)
                i = size - 1 - vertical if upwards else vertical
                if free[i][j]:
                    free[i][j] = False
                    positions.append(i * size + j)
    for row in matrix:
        row[:] = bytes(0 if module == 0x2 else module for module in row)
    encoder.add_format_info(matrix, version, error, MASK)
    encoder.add_version_info(matrix, version)
    mask_bit = encoder.get_data_mask_functions(False)[MASK]
    return _Layout(
        size=size,
        base=np.array([list(row) for row in matrix], dtype=np.uint8),
        positions=np.array(positions, dtype=np.intp),
        mask=np.array([mask_bit(p // size, p % size) for p in positions], dtype=np.uint8),
    )


@cache
def _remainders(error_words: int) -> tuple[int, ...]:
    """The generator polynomial times each byte value, as an integer of `error_words` bytes."""
    generator, log, exp = consts.GEN_POLY[error_words], consts.GALIOS_LOG, consts.GALIOS_EXP
    products = [0]
    for value in range(1, 256):
        products.append(int.from_bytes(bytes(exp[log[value] + g] for g in generator), "big"))
    return tuple(products)


def _error_words(block: bytes, count: int) -> bytes:
    """Reed–Solomon error correction of one block: the remainder of the division by the
    generator polynomial, a byte at a time."""
    products, top, keep = _remainders(count), 8 * (count - 1), (1 << 8 * count) - 1
    remainder = 0
    for value in block:
        remainder = ((remainder << 8) & keep) ^ products[value ^ (remainder >> top)]
    return remainder.to_bytes(count, "big")


def _codewords(content: str) -> tuple[int, int, bytes] | None:
    """(version, error level, data codewords) as segno.make chooses them; None for a Micro
    QR code, which this module leaves to segno."""
    segments = encoder.prepare_data(content, None, None)
    version = encoder.find_version(segments, consts.ERROR_LEVEL_M, eci=False, micro=None)
    if version < 1:
        return None
    error = encoder.boost_error_level(version, consts.ERROR_LEVEL_M, segments, False)
    buffer = encoder.Buffer()
    for segment in segments:
        encoder.write_segment(buffer, segment, None, encoder.version_range(version), False)
    capacity = _CAPACITY[version][error]
    encoder.write_terminator(buffer, capacity, None, len(buffer))
    encoder.write_padding_bits(buffer, version, len(buffer))
    encoder.write_pad_codewords(buffer, version, capacity, len(buffer))
    # One byte per bit in segno's buffer, a whole number of codewords by now.
    return version, error, np.packbits(np.frombuffer(buffer.getbits(), dtype=np.uint8)).tobytes()


def _message(version: int, error: int, data: bytes) -> bytes:
    """The data and error codewords, each interleaved across the blocks (7.6)."""
    data_blocks, error_blocks = [], []
    start = 0
    for info in _BLOCKS[version][error]:
        for _ in range(info.num_blocks):
            block = data[start : start + info.num_data]
            start += info.num_data
            data_blocks.append(block)
            error_blocks.append(_error_words(block, info.num_total - info.num_data))
    interleaved = bytearray()
    for blocks in (data_blocks, error_blocks):
        for column in zip_longest(*blocks):
            interleaved.extend(value for value in column if value is not None)
    return bytes(interleaved)


def _modules(content: str) -> np.ndarray | None:
    coded = _codewords(content)
    if coded is None:
        return None
    version, error, data = coded
    layout = _layout(version, error)
    bits = np.unpackbits(np.frombuffer(_message(version, error, data), dtype=np.uint8))
    # The remainder bits (0, 3, 4 or 7 of them) fill the modules the codewords leave over.
    placed = np.zeros(len(layout.positions), dtype=np.uint8)
    placed[: len(bits)] = bits
    modules = layout.base.copy()
    modules.flat[layout.positions] = placed ^ layout.mask
    return modules


def _svg(modules: np.ndarray) -> str:
    """segno's SVG: one path of horizontal strokes, each run of dark modules moved to
    relative to the end of the one before."""
    size = len(modules)
    framed = np.zeros((size, size + 2), dtype=np.int8)  # a light module either side of a row
    framed[:, 1:-1] = modules
    edges = np.diff(framed, axis=1)
    rows, starts = np.nonzero(edges == 1)
    ends = np.nonzero(edges == -1)[1]
    lengths = (ends - starts).tolist()
    moves = (starts[1:] - ends[:-1]).tolist()
    steps = np.diff(rows).tolist()
    first = f"M{int(starts[0]) + BORDER} {float(rows[0]) + BORDER + 0.5}h{lengths[0]}"
    path = first + "".join(map("m{} {}h{}".format, moves, steps, lengths[1:]))
    side = (size + 2 * BORDER) * SCALE
    return (
        f'<svg width="{side}" height="{side}" class="segno"><path transform="scale({SCALE})" '
        f'class="qrline" stroke="#000" d="{path}"/></svg>'
    )


def qr_svg(content: str) -> str:
    """The QR code of `content` (error correction level M or better, mask 0) as inline SVG."""
    modules = _modules(content)
    if modules is None:
        return segno.make(content, error="m", mask=MASK).svg_inline(scale=SCALE, border=BORDER)
    return _svg(modules)
