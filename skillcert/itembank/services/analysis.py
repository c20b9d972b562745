"""Feedback from item analysis (scoring): observed difficulty and discrimination, and
flagged items in use sent back to review."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone

from skillcert.accounts.actors import Actor
from skillcert.audit.services import audit_record
from skillcert.common.transitions import check_transition
from skillcert.itembank.models import Item, ItemBank, ItemStatus
from skillcert.itembank.permits import BankAction, item_may
from skillcert.itembank.services._guards import ITEM_LABELS, forbidden

# Analysis may send an item in use back to review; the reviewer then approves it again
# (in review → active) or returns it to the author (in review → draft).
ANALYSIS_TRANSITIONS: dict[str, frozenset[str]] = {
    ItemStatus.ACTIVE: frozenset({ItemStatus.IN_REVIEW}),
}


@dataclass(frozen=True)
class ItemStatistics:
    item_id: int
    difficulty: float  # facility (P value) observed in the sitting
    discrimination: float  # point-biserial against the rest score
    flags: tuple[str, ...] = ()


def _statistics_apply(item: Item, stat: ItemStatistics, source: str) -> dict[str, Any]:
    """Set the observed values on `item` (and send a flagged item in use back to review);
    returns the audit changes."""
    before = {"difficulty": item.difficulty, "discrimination": item.discrimination}
    item.difficulty = min(1.0, max(0.0, round(float(stat.difficulty), 4)))
    item.discrimination = min(1.0, max(-1.0, round(float(stat.discrimination), 4)))
    changes: dict[str, Any] = {
        "difficulty": [before["difficulty"], item.difficulty],
        "discrimination": [before["discrimination"], item.discrimination],
        "source": source[:100],
    }
    if stat.flags and item.status == ItemStatus.ACTIVE:
        check_transition(
            allowed=ANALYSIS_TRANSITIONS,
            current=item.status,
            target=ItemStatus.IN_REVIEW,
            labels=ITEM_LABELS,
        )
        changes["status"] = [item.status, ItemStatus.IN_REVIEW]
        changes["flags"] = list(stat.flags)
        item.status = ItemStatus.IN_REVIEW
    return changes


def items_statistics_feedback(
    *, stats: Sequence[ItemStatistics], source: str, actor: Actor
) -> list[str]:
    """Store each item's observed difficulty and discrimination, and send flagged items in use
    back to the review queue (their reviewer sees them again). Returns the flagged codes.
    A trusted system actor (the scoring command) may call it; a user must manage the bank."""
    if not stats:
        return []
    by_id = {s.item_id: s for s in stats}
    flagged: list[str] = []
    with transaction.atomic():
        items = list(Item.objects.select_for_update().filter(pk__in=sorted(by_id)).order_by("pk"))
        banks = ItemBank.objects.in_bulk({it.bank_id for it in items})
        for it in items:
            it.bank = banks[it.bank_id]
        if any(not item_may(actor, it, BankAction.MANAGE) for it in items):
            raise forbidden("只有题库管理员可以更新试题统计参数")
        now = timezone.now()
        for item in items:
            changes = _statistics_apply(item, by_id[item.pk], source)
            item.updated_at = now
            if "status" in changes:
                flagged.append(item.code)
            audit_record(actor=actor, action="item.analysis", obj=item, changes=changes)
        Item.objects.bulk_update(items, ["difficulty", "discrimination", "status", "updated_at"])
    return flagged
