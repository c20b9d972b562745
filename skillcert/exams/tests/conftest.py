from pathlib import Path
from typing import Any

import pytest

from skillcert.exams.models import AdmissionTicket
from skillcert.exams.tests.factories import staffed_day


@pytest.fixture(autouse=True)
def _media_in_tmp(settings: Any, tmp_path: Path) -> None:
    """Ticket PDFs, photos and evidence go to a per-test directory, not var/media."""
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def door_tickets(sitting_setup: Any, personas: Any, hr: Any) -> tuple[Any, Any, list[Any]]:
    """A staffed exam day's slot and room, with the room's admission tickets in ticket order
    (the door's list of the check-in tests)."""
    slot, room = staffed_day(sitting_setup, personas, hr)
    tickets = list(
        AdmissionTicket.objects.filter(
            application__seats__slot=slot, application__seats__room=room
        ).order_by("ticket_no")
    )
    return slot, room, tickets
