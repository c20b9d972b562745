"""What every item-bank write checks first: that a person acts, that they may write in the
bank, and the row locks. Shared by the modules of this package, private to it."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import QuerySet

from skillcert.accounts.actors import Actor, actor_user
from skillcert.common.errors import DomainError, Forbidden
from skillcert.itembank.models import Item, ItemBank, ItemStatus, Paper, PaperStatus
from skillcert.itembank.permits import BankAction, bank_may, bank_scope, writable_banks_q

if TYPE_CHECKING:
    from skillcert.accounts.models import User
    from skillcert.occupations.models import Occupation

ITEM_LABELS = dict(ItemStatus.choices)
PAPER_LABELS = dict(PaperStatus.choices)


def forbidden(message: str) -> Forbidden:
    return Forbidden("itembank.forbidden", message)


def acting_person(actor: Actor) -> User:
    """Items and papers are written, reviewed and opened by people, never by a process."""
    user = actor_user(actor)
    if user is None:
        raise forbidden("题库操作必须由登录用户执行")
    return user


def lock_item(item: Item) -> Item:
    return Item.objects.select_for_update().get(pk=item.pk)


def lock_paper(paper: Paper) -> Paper:
    return Paper.objects.select_for_update().get(pk=paper.pk)


def _only_writable_bank(*, user: User, occupation: Occupation) -> ItemBank:
    """The only bank in which the user writes items of the occupation (an officer's own bank
    is created on first use)."""
    scope = bank_scope(user)
    writable: QuerySet[ItemBank] = ItemBank.objects.filter(
        writable_banks_q(scope, occupation_id=occupation.pk)
    )
    candidates = set(writable.values_list("pk", flat=True))
    officer_banks = [ItemBank.objects.for_province(code) for code in scope.officer_provinces]
    officer_banks += [
        ItemBank.objects.for_organization(org_id) for org_id in scope.officer_organizations
    ]
    candidates |= {b.pk for b in officer_banks}
    if len(candidates) > 1:
        raise DomainError(
            "itembank.bank_required", "您可在多个题库中编写试题，请选择题库", field="bank"
        )
    if not candidates:
        raise forbidden("只有该职业的命题人员或题库管理员可以新建试题")
    return ItemBank.objects.get(pk=candidates.pop())


def bank_for_writing(*, user: User, occupation: Occupation, bank: ItemBank | None) -> ItemBank:
    """The bank a new item goes into: the one named, or else the only bank in which the user
    writes items of the occupation (for the platform superuser, the province's unified
    bank)."""
    if bank is None and bank_scope(user).is_platform:
        bank = ItemBank.objects.for_province()
    if bank is None:
        bank = _only_writable_bank(user=user, occupation=occupation)
    if not bank_may(user, bank, BankAction.WRITE, occupation_id=occupation.pk):
        raise forbidden("只有该题库该职业的命题人员或题库管理员可以新建试题")
    return bank
