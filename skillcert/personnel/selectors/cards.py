"""Cards: outcomes, the uncollected-card ban, expiring cards, the workbench's to-collect list."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import TYPE_CHECKING

from django.db.models import QuerySet

from skillcert.personnel.cardrules import uncollected_streak
from skillcert.personnel.models import (
    Card,
    CardStatus,
    Person,
    Registration,
    RegistrationStatus,
    TrainingPlan,
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
    return _ban_reason(card_outcomes(person=person), limit)


def uncollected_ban_reasons(*, person_ids: Iterable[int], limit: int) -> dict[int, str]:
    """`uncollected_ban_reason` of many people from one query, by person id ("" when not
    barred)."""
    ids = set(person_ids)
    outcomes: dict[int, list[tuple[bool, Card]]] = {pk: [] for pk in ids}
    for card in Card.objects.filter(person_id__in=ids).order_by("issued_on", "id"):
        if card.status != CardStatus.PENDING:
            outcomes[card.person_id].append((card.status != CardStatus.VOID, card))
    return {pk: _ban_reason(rows, limit) for pk, rows in outcomes.items()}


def _ban_reason(outcomes: list[tuple[bool, Card]], limit: int) -> str:
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


def registrations_card_ready(*, plan: TrainingPlan) -> list[int]:
    """The plan's registrations a card may be issued for, in id order: 复核 passed, exam
    passed, pledge signed, no card yet."""
    return list(
        Registration.objects.filter(
            plan=plan,
            status=RegistrationStatus.PROVINCE_APPROVED,
            exam_score__gte=plan.pass_score,
            pledge_signed_at__isnull=False,
            card__isnull=True,
        )
        .order_by("pk")
        .values_list("pk", flat=True)
    )
