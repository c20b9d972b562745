from pathlib import Path
from typing import Any

import pytest


@pytest.fixture(autouse=True)
def _media_in_tmp(settings: Any, tmp_path: Path) -> None:
    """Ticket PDFs, photos and evidence go to a per-test directory, not var/media."""
    settings.MEDIA_ROOT = tmp_path / "media"
