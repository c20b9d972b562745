"""The fonts' coverage is read from the font files once and kept beside the data; a kept copy
that is damaged or belongs to another version of the file is not believed."""

from __future__ import annotations

from pathlib import Path

import pytest

from skillcert.common import fonts

HANAMIN_B = fonts.FONT_FILES[3][1]
pytestmark = pytest.mark.skipif(not HANAMIN_B.exists(), reason="needs fonts-hanazono")


def _kept(folder: Path) -> list[Path]:
    return sorted((folder / "cache" / "font-coverage").glob("*.u32"))


def test_the_kept_coverage_is_the_parsed_one(settings, tmp_path):
    settings.VAR_DIR = tmp_path
    parsed = fonts._cmap(HANAMIN_B)
    [kept] = _kept(tmp_path)
    assert fonts._cmap(HANAMIN_B) == parsed
    assert 0x20000 in parsed  # CJK extension B: what HanaMinB is there for
    kept.write_bytes(b"\x01\x02\x03")  # not a whole number of code points
    assert fonts._cmap(HANAMIN_B) == parsed
    assert _kept(tmp_path)[0].stat().st_size == 4 * len(parsed)


def test_an_unwritable_folder_only_costs_the_parse(settings, tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("")
    settings.VAR_DIR = blocker  # a file where the folder would go
    assert 0x20000 in fonts._cmap(HANAMIN_B)
