"""The review workflow for a chosen list of items at once: a setter submits a batch of drafts
to one reviewer, the reviewer approves the batch. The same checks as `item_submit` and
`item_approve` on every row, all or nothing (the first refused row names its item and nothing
is written); then one set-based UPDATE and one audit event that commits to every row (the
rows and the SHA-256 of their canonical JSON)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils import timezone

from skillcert.accounts.actors import Actor
from skillcert.audit.services import audit_record_batch
from skillcert.common.errors import DomainError
from skillcert.itembank.models import ITEM_TRANSITIONS, Item, ItemStatus
from skillcert.itembank.permits import BankAction, bank_scope, item_may
from skillcert.itembank.services._guards import ITEM_LABELS, acting_person, forbidden

if TYPE_CHECKING:
    from skillcert.accounts.models import User

# A bank's yearly intake for one occupation is a few hundred items; longer lists are split.
BULK_ITEMS = 2000


def _items_locked(item_ids: Iterable[int]) -> list[Item]:
    """The chosen items, locked in primary-key order; every id must name an item."""
    ids = sorted(set(item_ids))
    if not ids:
        raise DomainError("item.bulk_empty", "请至少选择一道试题", field="item_ids")
    if len(ids) > BULK_ITEMS:
        raise DomainError(
            "item.bulk_too_long", f"一次最多处理{BULK_ITEMS}道试题，请分批提交", field="item_ids"
        )
    rows = list(
        Item.objects.select_for_update().filter(pk__in=ids).select_related("bank").order_by("pk")
    )
    found = {it.pk for it in rows}
    missing = [pk for pk in ids if pk not in found]
    if missing:
        raise DomainError("item.bulk_unknown", f"试题 #{missing[0]} 不存在", field="item_ids")
    return rows


def _check_status(item: Item, target: str, verb: str) -> None:
    if target not in ITEM_TRANSITIONS.get(item.status, frozenset()):
        raise DomainError(
            "item.bulk_wrong_status",
            f"试题 {item.code} 处于“{ITEM_LABELS[item.status]}”状态，不能{verb}",
            field="item_ids",
        )


def _bulk_move(
    rows: list[Item],
    target: str,
    *,
    user: User,
    action: str,
    audited: list[dict[str, Any]],
    **fields: Any,
) -> None:
    now = timezone.now()
    Item.objects.filter(pk__in=[it.pk for it in rows]).update(
        status=target, updated_at=now, **fields
    )
    for it in rows:
        it.status = target
        it.updated_at = now
        for name, value in fields.items():
            setattr(it, name, value)
    audit_record_batch(
        actor=user,
        action=f"item.{action}_bulk",
        object_type="itembank.item",
        object_repr=f"{len(rows)} 道试题",
        rows=audited,
    )


def items_submit_bulk(*, item_ids: Iterable[int], reviewer: User, actor: Actor) -> list[Item]:
    """draft → in review for every chosen item, all assigned to one reviewer of the items'
    occupations (not their author). Returns the items, moved."""
    user = acting_person(actor)
    reviewer_scope = bank_scope(reviewer)
    with transaction.atomic():
        rows = _items_locked(item_ids)
        audited: list[dict[str, Any]] = []
        for it in rows:
            if not item_may(user, it, BankAction.WRITE):
                raise forbidden(f"只有命题人本人或题库管理员可以提交审核（试题 {it.code}）")
            _check_status(it, ItemStatus.IN_REVIEW, "提交审核")
            if reviewer.pk == it.author_id:
                raise DomainError(
                    "item.reviewer_is_author",
                    f"审题人不能是试题 {it.code} 的命题人本人",
                    field="reviewer",
                )
            if not reviewer_scope.reviews(it.bank, it.occupation_id):
                raise DomainError(
                    "item.reviewer_role",
                    f"{reviewer} 不是试题 {it.code} 所在题库该职业的审题人员",
                    field="reviewer",
                )
            audited.append(
                {
                    "item": it.pk,
                    "code": it.code,
                    "status": [it.status, ItemStatus.IN_REVIEW],
                    "reviewer": reviewer.pk,
                }
            )
        _bulk_move(
            rows,
            ItemStatus.IN_REVIEW,
            user=user,
            action="submit",
            audited=audited,
            reviewer=reviewer,
        )
    return rows


def items_approve_bulk(*, item_ids: Iterable[int], actor: Actor) -> list[Item]:
    """in review → active for every chosen item, by their assigned reviewer (or a manager of
    the bank), never by an item's author. Returns the items, moved."""
    user = acting_person(actor)
    with transaction.atomic():
        rows = _items_locked(item_ids)
        audited: list[dict[str, Any]] = []
        for it in rows:
            if not item_may(user, it, BankAction.REVIEW):
                raise forbidden(f"只有指派的审题人或题库管理员可以审核试题 {it.code}")
            if it.author_id == user.pk:
                raise forbidden(f"命题人不能审核自己编写的试题 {it.code}")
            _check_status(it, ItemStatus.ACTIVE, "审核通过")
            audited.append(
                {
                    "item": it.pk,
                    "code": it.code,
                    "status": [it.status, ItemStatus.ACTIVE],
                    "version": it.version,
                }
            )
        _bulk_move(rows, ItemStatus.ACTIVE, user=user, action="approve", audited=audited)
    return rows
