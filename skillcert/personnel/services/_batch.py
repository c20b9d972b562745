"""What every batch form of this package shares: the cap on a list's length and the person
locks in primary-key order (the one audit event that commits to every row is
`audit.services.audit_record_batch`). Shared by the service modules of this package; not part
of its public surface."""

from __future__ import annotations

from collections.abc import Iterable

from skillcert.common.errors import DomainError, Forbidden
from skillcert.personnel.models import Person

# A month's plan in a large province has a few thousand registrations; longer lists are split.
BULK_ROWS = 5000


def check_length(count: int, field: str) -> None:
    if count > BULK_ROWS:
        raise DomainError(
            "personnel.bulk_too_long", f"一次最多处理{BULK_ROWS}条，请分批提交", field=field
        )


def lock_people(person_ids: Iterable[int]) -> dict[int, Person]:
    """The people, locked in primary-key order (the person lock every service of this
    package takes), by id."""
    return {
        p.pk: p
        for p in Person.objects.select_for_update().filter(pk__in=set(person_ids)).order_by("pk")
    }


def row_refusal(error: DomainError, *, row: str, field: str) -> DomainError:
    """A refusal of one row of a batch, with that row named before the single form's message;
    its code stays, and so does its kind (a Forbidden one is still answered with 403)."""
    kind = Forbidden if isinstance(error, Forbidden) else DomainError
    return kind(error.code, f"{row}：{error.message}", field=field)
