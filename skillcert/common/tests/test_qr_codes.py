"""The fast QR path writes exactly the SVG segno writes, for every version and mode."""

import string
from typing import cast

import pytest
import segno
from hypothesis import given, settings
from hypothesis import strategies as st
from segno import consts

from skillcert.common.qr_codes import qr_svg


def _segno(content: str) -> str:
    return segno.make(content, error="m", mask=0).svg_inline(scale=4, border=2)


def _text(alphabet: str, length: int) -> str:
    return "".join(alphabet[(i * 7 + length) % len(alphabet)] for i in range(length))


URL_CHARACTERS = string.ascii_letters + string.digits + "-_.~/:"
# Byte mode up to version 40 (2,331 bytes at level M), alphanumeric and numeric runs, and the
# short inputs segno answers with a Micro QR code.
CONTENTS = [
    *(_text(URL_CHARACTERS, n) for n in (20, 60, 120, 200, 330, 500, 800, 1200, 1700, 2331)),
    *(_text("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 $%*+-./:", n) for n in (30, 300, 1500)),
    *(_text(string.digits, n) for n in (5, 40, 700, 3000)),
    "https://example.cn/v/k1.1",
    "张三李四王五赵六",
]


@pytest.mark.parametrize("content", CONTENTS, ids=lambda c: f"{len(c)}-{c[:4]}")
def test_svg_is_segnos_character_for_character(content):
    assert qr_svg(content) == _segno(content)


@pytest.mark.parametrize("version", range(1, 41))
def test_every_version_is_drawn_as_segno_draws_it(version):
    # The most bytes a code of this version holds at level M: 4 bits of mode, then the count.
    count_bits = 8 if version < 10 else 16
    bits = cast("dict[int, dict[int, int]]", consts.SYMBOL_CAPACITY)[version][consts.ERROR_LEVEL_M]
    capacity = (bits - 4 - count_bits) // 8
    content = _text(URL_CHARACTERS, capacity)
    assert segno.make(content, error="m", mask=0).version == version
    assert qr_svg(content) == _segno(content)


@settings(max_examples=150, deadline=None)
@given(st.text(max_size=600))
def test_any_text_gives_segnos_svg(content):
    assert qr_svg(content) == _segno(content)


def test_content_too_long_for_any_qr_code_is_refused_as_segno_refuses_it():
    content = _text(URL_CHARACTERS, 2332)
    with pytest.raises(segno.DataOverflowError):
        _segno(content)
    with pytest.raises(segno.DataOverflowError):
        qr_svg(content)
