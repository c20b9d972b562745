"""Which characters the PDF fonts can draw. typst silently draws a box (tofu) for a
character no font has; a certificate or ticket must never do that, so names are checked first."""

from __future__ import annotations

import hashlib
import os
import tempfile
from array import array
from functools import cache
from pathlib import Path

from django.conf import settings
from fontTools.ttLib import TTCollection, TTFont

from skillcert.common.errors import DomainError

# Tried in order, like typst's fallback list: Noto Serif CJK SC for the body, then HanaMin A/B
# (花园明朝) for rare characters of CJK extensions A–F.
FONT_FILES = (
    ("Noto Serif CJK SC", Path("/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc")),
    ("Noto Sans CJK SC", Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc")),
    ("HanaMinA", Path("/usr/share/fonts/truetype/hanazono/HanaMinA.ttf")),
    ("HanaMinB", Path("/usr/share/fonts/truetype/hanazono/HanaMinB.ttf")),
)
FONT_FAMILIES = tuple(family for family, _ in FONT_FILES)


def font_dirs() -> list[str]:
    return sorted({str(path.parent) for _, path in FONT_FILES if path.exists()})


def _cmap(path: Path) -> set[int]:
    """The code points the font file maps, read once per version of the file: parsing the
    character maps of the CJK collections takes a second and a half, and every process that
    renders documents (each worker of the render pool) asks."""
    stat = path.stat()
    stamp = hashlib.sha256(f"{path}|{stat.st_size}|{stat.st_mtime_ns}".encode()).hexdigest()
    kept = Path(settings.VAR_DIR) / "cache" / "font-coverage" / f"{stamp[:24]}.u32"
    try:
        codes = array("I")
        codes.frombytes(kept.read_bytes())
        return set(codes)
    except (OSError, ValueError):
        pass
    fonts = TTCollection(str(path)).fonts if path.suffix == ".ttc" else [TTFont(str(path))]
    covered: set[int] = set()
    for font in fonts:
        covered.update(font.getBestCmap() or {})
    _keep(kept, array("I", sorted(covered)).tobytes())
    return covered


def _keep(path: Path, data: bytes) -> None:
    """Write `data` to `path` whole or not at all (another process may be reading it); a
    folder that cannot be written only means the next process parses the font again."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=path.parent, delete=False) as part:
            part.write(data)
        os.replace(part.name, path)
    except OSError:
        return


@cache
def covered_codepoints() -> frozenset[int]:
    missing = [str(path) for _, path in FONT_FILES[:1] if not path.exists()]
    if missing:
        raise DomainError(
            "pdf.fonts_missing",
            f"缺少中文字体 {missing}：请安装 fonts-noto-cjk 和 fonts-hanazono"
            "（make setup 会自动安装）",
        )
    covered: set[int] = set()
    for _, path in FONT_FILES:
        if path.exists():
            covered |= _cmap(path)
    return frozenset(covered)


def missing_glyphs(text: str) -> list[str]:
    covered = covered_codepoints()
    return sorted({ch for ch in text if not ch.isspace() and ord(ch) not in covered})


def require_glyphs(text: str, *, field: str) -> None:
    missing = missing_glyphs(text)
    if missing:
        shown = "、".join(f"{ch}（U+{ord(ch):04X}）" for ch in missing)
        raise DomainError(
            "pdf.glyph_missing",
            f"字体无法显示以下字符：{shown}。请安装含该字符的字体后再生成文档",
            field=field,
        )
