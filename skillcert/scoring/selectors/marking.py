"""A marker's queue and the scripts a chief marker arbitrates."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import QuerySet

from skillcert.scoring.models import BatchDuty, Mark, Script, ScriptStatus

if TYPE_CHECKING:
    from skillcert.personnel.models import Person


def marks_for_marker(*, person: Person, pending_only: bool = True) -> QuerySet[Mark]:
    """A marker's queue: only the blind code, the item and the max score (never the candidate
    and never another marker's mark)."""
    rows = Mark.objects.filter(marker=person).select_related("script")
    if pending_only:
        rows = rows.filter(score__isnull=True)
    return rows.order_by("script__blind_code", "round")


def scripts_to_arbitrate(*, person: Person) -> QuerySet[Script]:
    """Scripts awaiting arbitration in the batches where `person` is a chief marker, except
    those they marked themselves (another chief arbitrates those)."""
    return (
        Script.objects.filter(
            status=ScriptStatus.NEEDS_ARBITRATION,
            result__batch__staff__person=person,
            result__batch__staff__duty=BatchDuty.CHIEF_MARKER,
        )
        .exclude(marks__marker=person)
        .distinct()
        .order_by("blind_code")
    )
