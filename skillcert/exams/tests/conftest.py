from pathlib import Path
from typing import Any

import pytest

from skillcert.exams.tests.factories import sitting_setup
from skillcert.plans.tests.factories import candidate_person, hr, plan, welder

__all__ = ["candidate_person", "hr", "plan", "sitting_setup", "welder"]


@pytest.fixture(autouse=True)
def _media_in_tmp(settings: Any, tmp_path: Path) -> None:
    """Ticket PDFs, photos and evidence go to a per-test directory, not var/media."""
    settings.MEDIA_ROOT = tmp_path / "media"
