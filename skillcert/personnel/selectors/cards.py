"""Cards: outcomes, the uncollected-card ban, expiring cards, the workbench's to-collect list."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.db.models import QuerySet

from skillcert.personnel.cardrules import uncollected_streak
from skillcert.personnel.models import (
    Card,
    CardStatus,
    Person,
)

if TYPE_CHECKING:
    pass

# --- cards and bans -------------------------------------------------------------------------


def card_outcomes(*, person: Person) -> list[tuple[bool, Card]]:
    """Decided cards in issue order: (collected?, card). Pending cards are not decided yet."""
    cards = Card.objects.filter(person=person).order_by("issued_on", "id")
    return [(c.status != CardStatus.VOID, c) for c in cards if c.status != CardStatus.PENDING]


def uncollected_ban_reason(*, person: Person, limit: int) -> str:
    """The reason the person is permanently barred by uncollected cards, or ""."""
    outcomes = card_outcomes(person=person)
    if uncollected_streak([collected for collected, _ in outcomes]) < limit:
        return ""
    run: list[Card] = []
    longest: list[Card] = []
    for collected, card in outcomes:
        run = [] if collected else [*run, card]
        if len(run) > len(longest):
            longest = run
    numbers = "、".join(c.number for c in longest)
    return f"连续{len(longest)}次未在规定期限内领取考评员证卡（{numbers}），永久取消申报资格"


def cards_expiring(*, on: dt.date, within_days: int) -> QuerySet[Card]:
    return Card.objects.filter(
        status=CardStatus.COLLECTED,
        valid_until__gte=on,
        valid_until__lte=on + dt.timedelta(days=within_days),
    ).select_related("person", "occupation")


# --- to-do counts for the workbench -----------------------------------------------------------


def todo_cards_to_collect(*, user_id: int | None, today: dt.date) -> list[dt.date]:
    """The collection deadlines of the user's own cards waiting to be collected, soonest
    first (a card past its deadline is voided by the sweep, not listed here)."""
    if user_id is None:
        return []
    return list(
        Card.objects.filter(
            person__user_id=user_id,
            status=CardStatus.PENDING,
            collection_deadline__gte=today,
        )
        .order_by("collection_deadline")
        .values_list("collection_deadline", flat=True)
    )
