"""Certificate photo checks (1-inch, 25 × 35 mm). Pure: bytes in, verdict out.

The format is decided from the content (Pillow), never from the file name. Problems that make
the file unusable (not an image, too large, wrong format) are `fatal`; a photo that is merely
off-ratio or low-resolution is kept and flagged for the reviewers."""

from __future__ import annotations

import io
from dataclasses import dataclass

from PIL import Image, UnidentifiedImageError

ALLOWED_FORMATS = ("JPEG", "PNG")
MAX_BYTES = 2 * 1024 * 1024
MIN_WIDTH, MIN_HEIGHT = 295, 413  # 25 × 35 mm at 300 dpi
RATIO = 25 / 35
RATIO_TOLERANCE = 0.05  # relative
MAX_PIXELS = 40_000_000  # refuse decompression bombs before decoding


@dataclass(frozen=True)
class PhotoCheck:
    fatal: tuple[str, ...]
    problems: tuple[str, ...]
    width: int = 0
    height: int = 0
    format: str = ""

    @property
    def ok(self) -> bool:
        return not self.fatal and not self.problems


def photo_check(data: bytes) -> PhotoCheck:
    if len(data) > MAX_BYTES:
        return PhotoCheck(
            fatal=(f"照片文件为{len(data) // 1024}KB，超过{MAX_BYTES // 1024 // 1024}MB上限",),
            problems=(),
        )
    try:
        with Image.open(io.BytesIO(data)) as probe:
            fmt = probe.format or ""
            width, height = probe.size
            if width * height > MAX_PIXELS:
                return PhotoCheck(fatal=("照片像素过大",), problems=(), width=width, height=height)
            probe.verify()
        with Image.open(io.BytesIO(data)) as image:
            image.load()
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        return PhotoCheck(fatal=("文件不是有效的图片（或已损坏）",), problems=())
    if fmt not in ALLOWED_FORMATS:
        return PhotoCheck(
            fatal=(f"照片格式为{fmt}，仅支持 JPEG 或 PNG",),
            problems=(),
            width=width,
            height=height,
            format=fmt,
        )
    problems: list[str] = []
    if width < MIN_WIDTH or height < MIN_HEIGHT:
        problems.append(
            f"照片分辨率为{width}×{height}像素，一寸照片至少应为{MIN_WIDTH}×{MIN_HEIGHT}像素"
        )
    ratio = width / height if height else 0.0
    if abs(ratio - RATIO) / RATIO > RATIO_TOLERANCE:
        problems.append(f"照片宽高比为{ratio:.2f}，一寸照片应为25:35（约0.71）")
    return PhotoCheck(fatal=(), problems=tuple(problems), width=width, height=height, format=fmt)
