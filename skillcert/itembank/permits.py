"""Who may do what in which item bank: the one place the rule lives. Selectors narrow
querysets with the `*_q` filters below, services check `bank_may` / `item_may`, and views and
the API fetch through the selectors (404 for anything else).

Every item, blueprint and paper belongs to one bank, and every bank to one owner — the
province's unified bank (统考题库) or one evaluation organisation's own bank. In a bank:
- the owner's officers — the province officers of that province for the unified bank, the
  organisation's administrators for its bank — manage every occupation;
- people commissioned with an item-bank role for an occupation of that bank (`ItemBankRole`,
  granted by the bank's managers): a manager manages that occupation; a question setter writes
  items and sees only their own drafts; a reviewer sees and decides only the items in review
  assigned to them (never an item in use);
- a person an item was explicitly assigned to (`ItemAssignment`) reads that one item.
Nobody else — city officers, other organisations' staff, examiners without an assignment —
learns that a bank's rows exist. The platform superuser sees every bank."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING

from django.contrib.auth.models import AnonymousUser
from django.db.models import Q

from skillcert.accounts.actors import Actor, SystemActor, actor_user
from skillcert.accounts.choices import Role
from skillcert.accounts.selectors import role_assignments_held
from skillcert.itembank.models import (
    Item,
    ItemAssignment,
    ItemBank,
    ItemBankRole,
    ItemBankRoleKind,
    ItemStatus,
)

if TYPE_CHECKING:
    from skillcert.accounts.models import User


class BankAction(StrEnum):
    READ = "read"  # every item (with its text), blueprint and paper of the occupation
    WRITE = "write"  # write new items, import them, edit one's own drafts
    REVIEW = "review"  # approve or return the items in review assigned to one
    MANAGE = "manage"  # edit any draft, retire, statistics, roles, assignments, blueprints,
    # assembly, sealing, marking a paper used
    EXPORT = "export"  # take items out as Excel or QTI
    RELEASE = "release"  # one of the two confirmations that open a sealed paper
    DOWNLOAD = "download"  # a released paper's PDF


# Actions only a manager of the bank (for the occupation) may take.
MANAGER_ACTIONS = frozenset(
    {
        BankAction.READ,
        BankAction.MANAGE,
        BankAction.EXPORT,
        BankAction.RELEASE,
        BankAction.DOWNLOAD,
    }
)

Pair = tuple[int, int]  # (bank id, occupation id)


@dataclass(frozen=True)
class BankScope:
    user_id: int | None
    is_platform: bool
    officer_provinces: frozenset[str]  # province codes (XX0000) whose unified bank one manages
    officer_organizations: frozenset[int]  # organisations whose bank one manages (as admin)
    setter_of: frozenset[Pair]
    reviewer_of: frozenset[Pair]
    manager_of: frozenset[Pair]
    has_assignments: bool

    @property
    def any_role(self) -> bool:
        """Whether the user may open the item bank at all."""
        return (
            self.is_platform
            or bool(self.officer_provinces or self.officer_organizations)
            or bool(self.setter_of | self.reviewer_of | self.manager_of)
            or self.has_assignments
        )

    @property
    def manages_any(self) -> bool:
        """Whether the user manages some occupation of some bank (blueprints, the bank's
        people)."""
        return (
            self.is_platform
            or bool(self.officer_provinces or self.officer_organizations)
            or bool(self.manager_of)
        )

    def is_officer_of(self, bank: ItemBank) -> bool:
        if bank.province_id is not None:
            return bank.province_id in self.officer_provinces
        return bank.organization_id in self.officer_organizations

    def manages(self, bank: ItemBank, occupation_id: int) -> bool:
        return (
            self.is_platform
            or self.is_officer_of(bank)
            or (bank.pk, occupation_id) in self.manager_of
        )

    def sets(self, bank: ItemBank, occupation_id: int) -> bool:
        return (bank.pk, occupation_id) in self.setter_of or self.manages(bank, occupation_id)

    def reviews(self, bank: ItemBank, occupation_id: int) -> bool:
        return (bank.pk, occupation_id) in self.reviewer_of

    def writes_occupations(self) -> set[int]:
        """Occupations the user writes items of through an item-bank role (officers write
        items of every occupation in their own bank)."""
        return {o for _, o in self.setter_of | self.manager_of}


NOBODY = BankScope(
    None, False, frozenset(), frozenset(), frozenset(), frozenset(), frozenset(), False
)
# A trusted process of the system (a command, the demo loader, scoring's analysis task)
# manages every bank, like the platform superuser; it authors nothing (no user id).
SYSTEM = BankScope(
    None, True, frozenset(), frozenset(), frozenset(), frozenset(), frozenset(), False
)


def bank_scope(user: Actor | AnonymousUser | None) -> BankScope:
    """The actor's place in every bank: for a person computed once per user object (three
    small queries); a trusted system actor manages every bank; anyone else (the anonymous
    visitor, an untrusted process) has no place in any."""
    if isinstance(user, SystemActor):
        return SYSTEM if user.trusted else NOBODY
    person = None if isinstance(user, AnonymousUser) else actor_user(user)
    if person is None:
        return NOBODY
    cached = getattr(person, "_itembank_scope", None)
    if cached is not None:
        return cached
    provinces: set[str] = set()
    organizations: set[int] = set()
    for role, region_id, organization_id in role_assignments_held(
        user=person, roles=[Role.PROVINCE_OFFICER, Role.ORG_ADMIN]
    ):
        if role == Role.PROVINCE_OFFICER and region_id:
            provinces.add(f"{region_id[:2]}0000")
        elif role == Role.ORG_ADMIN and organization_id is not None:
            organizations.add(organization_id)
    held: dict[str, set[Pair]] = {k.value: set() for k in ItemBankRoleKind}
    for role, bank_id, occupation_id in ItemBankRole.objects.filter(
        user=person, active=True
    ).values_list("role", "bank_id", "occupation_id"):
        held[role].add((bank_id, occupation_id))
    scope = BankScope(
        user_id=person.pk,
        is_platform=bool(person.is_superuser),
        officer_provinces=frozenset(provinces),
        officer_organizations=frozenset(organizations),
        setter_of=frozenset(held[ItemBankRoleKind.SETTER]),
        reviewer_of=frozenset(held[ItemBankRoleKind.REVIEWER]),
        manager_of=frozenset(held[ItemBankRoleKind.MANAGER]),
        has_assignments=ItemAssignment.objects.filter(user=person, active=True).exists(),
    )
    person._itembank_scope = scope  # type: ignore[attr-defined]
    return scope


def scope_forget(user: User) -> None:
    """Drop the cached scope after the user's roles changed."""
    user.__dict__.pop("_itembank_scope", None)


def _scope(actor: Actor | BankScope) -> BankScope:
    return actor if isinstance(actor, BankScope) else bank_scope(actor)


# --------------------------------------------------------------------------------------------
# Decisions on one bank or one item


def bank_may(actor: Actor | BankScope, bank: ItemBank, action: str, *, occupation_id: int) -> bool:
    """May `actor` (a user, a system actor or a BankScope) take `action` bank-wide for
    `occupation_id` in `bank`? READ here means every item of the occupation; see `item_may`
    for one item."""
    scope = _scope(actor)
    if action in MANAGER_ACTIONS:
        return scope.manages(bank, occupation_id)
    if action == BankAction.WRITE:
        return scope.sets(bank, occupation_id)
    if action == BankAction.REVIEW:
        return scope.reviews(bank, occupation_id) or scope.manages(bank, occupation_id)
    raise ValueError(f"unknown item-bank action {action!r}")


def item_may(actor: Actor | BankScope, item: Item, action: str) -> bool:
    """May `actor` take `action` on this item? The same rule as `items_q`, for one row.
    Status rules (only drafts are edited, only items in review decided) stay with the
    services, which name them in their own errors."""
    scope = _scope(actor)
    bank, occupation_id = item.bank, item.occupation_id
    if scope.manages(bank, occupation_id):
        return True
    if scope.user_id is None:
        return False
    own = item.author_id == scope.user_id and scope.sets(bank, occupation_id)
    draft = item.status == ItemStatus.DRAFT
    assigned_review = item.reviewer_id == scope.user_id and scope.reviews(bank, occupation_id)
    if action == BankAction.READ:
        return (
            (own and draft)
            or (assigned_review and item.status == ItemStatus.IN_REVIEW)
            or ItemAssignment.objects.filter(item=item, user_id=scope.user_id, active=True).exists()
        )
    if action == BankAction.WRITE:
        return own
    if action == BankAction.EXPORT:
        return own and draft
    if action == BankAction.REVIEW:
        return assigned_review
    return False


# --------------------------------------------------------------------------------------------
# The same rule as queryset filters, for the selectors


def _pairs_q(pairs: Iterable[Pair], occupation: str) -> Q:
    q = Q(pk__in=[])
    for bank_id, occupation_id in sorted(pairs):
        q |= Q(**{"bank_id": bank_id, occupation: occupation_id})
    return q


def managed_q(scope: BankScope, *, occupation: str = "occupation_id") -> Q:
    """Rows (items, blueprints: occupation_id; papers: blueprint__occupation_id) of the banks
    and occupations the user manages."""
    if scope.is_platform:
        return Q()
    q = Q(bank__province_id__in=sorted(scope.officer_provinces))
    q |= Q(bank__organization_id__in=sorted(scope.officer_organizations))
    return q | _pairs_q(scope.manager_of, occupation)


def items_q(scope: BankScope, action: str = BankAction.READ) -> Q:
    """Items the user may read (READ) or take out (EXPORT)."""
    q = managed_q(scope)
    if scope.is_platform:
        return q
    q |= Q(author_id=scope.user_id, status=ItemStatus.DRAFT) & _pairs_q(
        scope.setter_of, "occupation_id"
    )
    if action == BankAction.READ:
        q |= Q(reviewer_id=scope.user_id, status=ItemStatus.IN_REVIEW) & _pairs_q(
            scope.reviewer_of, "occupation_id"
        )
        if scope.has_assignments and scope.user_id is not None:
            q |= Q(
                pk__in=ItemAssignment.objects.filter(user_id=scope.user_id, active=True).values(
                    "item_id"
                )
            )
    elif action != BankAction.EXPORT:
        raise ValueError(f"items_q answers READ or EXPORT, not {action!r}")
    return q


def writable_banks_q(scope: BankScope, *, occupation_id: int | None = None) -> Q:
    """Banks in which the user may write items (for `occupation_id`, or for any)."""
    if scope.is_platform:
        return Q()
    q = Q(province_id__in=sorted(scope.officer_provinces))
    q |= Q(organization_id__in=sorted(scope.officer_organizations))
    for bank_id, occ in sorted(scope.setter_of | scope.manager_of):
        if occupation_id is None or occ == occupation_id:
            q |= Q(pk=bank_id)
    return q
