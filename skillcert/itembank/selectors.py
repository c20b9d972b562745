"""Item-bank reads, narrowed to what the user may see:
- a question setter sees their own drafts (once submitted, an item leaves their sight);
- a reviewer sees the items assigned to them;
- a bank manager sees every item, blueprint and paper of their occupations;
- the platform superuser sees everything.
None of these reads return item content to a caller without `item_contents_read`, which
logs the read."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet

from skillcert.itembank.models import (
    AssemblyBlueprint,
    Item,
    ItemAccessLog,
    ItemBankRole,
    ItemBankRoleKind,
    ItemStatus,
    Paper,
)


@dataclass(frozen=True)
class BankScope:
    user_id: int | None
    is_platform: bool
    setter_of: frozenset[int]  # occupation ids
    reviewer_of: frozenset[int]
    manager_of: frozenset[int]

    @property
    def any_role(self) -> bool:
        return self.is_platform or bool(self.setter_of | self.reviewer_of | self.manager_of)

    def manages(self, occupation_id: int) -> bool:
        return self.is_platform or occupation_id in self.manager_of

    def sets(self, occupation_id: int) -> bool:
        return occupation_id in self.setter_of or self.manages(occupation_id)

    def reviews(self, occupation_id: int) -> bool:
        return occupation_id in self.reviewer_of


def bank_scope(user: Any) -> BankScope:
    if user is None or not getattr(user, "is_authenticated", False):
        return BankScope(None, False, frozenset(), frozenset(), frozenset())
    cached = getattr(user, "_itembank_scope", None)
    if cached is not None:
        return cached
    held: dict[str, set[int]] = {k.value: set() for k in ItemBankRoleKind}
    for role, occupation_id in ItemBankRole.objects.filter(user=user, active=True).values_list(
        "role", "occupation_id"
    ):
        held[role].add(occupation_id)
    scope = BankScope(
        user_id=user.pk,
        is_platform=bool(user.is_superuser),
        setter_of=frozenset(held[ItemBankRoleKind.SETTER]),
        reviewer_of=frozenset(held[ItemBankRoleKind.REVIEWER]),
        manager_of=frozenset(held[ItemBankRoleKind.MANAGER]),
    )
    user._itembank_scope = scope
    return scope


def items_visible(
    *,
    scope: BankScope,
    occupation_id: int | None = None,
    level: int | None = None,
    status: str = "",
    q: str = "",
) -> QuerySet[Item]:
    rows = Item.objects.select_related("occupation", "element", "author", "reviewer")
    if not scope.is_platform:
        visible = Q(occupation_id__in=sorted(scope.manager_of))
        visible |= Q(
            author_id=scope.user_id,
            status=ItemStatus.DRAFT,
            occupation_id__in=sorted(scope.setter_of),
        )
        visible |= Q(reviewer_id=scope.user_id, occupation_id__in=sorted(scope.reviewer_of))
        rows = rows.filter(visible)
    if occupation_id is not None:
        rows = rows.filter(occupation_id=occupation_id)
    if level is not None:
        rows = rows.filter(level=level)
    if status:
        rows = rows.filter(status=status)
    if q:
        # Codes and element codes only: content is encrypted and must not be searched.
        rows = rows.filter(Q(code__icontains=q) | Q(element__code__startswith=q))
    return rows.order_by("occupation_id", "-level", "code")


def blueprints_visible(*, scope: BankScope) -> QuerySet[AssemblyBlueprint]:
    rows = AssemblyBlueprint.objects.select_related("occupation")
    if not scope.is_platform:
        rows = rows.filter(occupation_id__in=sorted(scope.manager_of))
    return rows.order_by("occupation_id", "-level", "name")


def papers_visible(*, scope: BankScope) -> QuerySet[Paper]:
    rows = Paper.objects.select_related("blueprint", "blueprint__occupation")
    if not scope.is_platform:
        rows = rows.filter(blueprint__occupation_id__in=sorted(scope.manager_of))
    return rows.order_by("-created_at", "form_number")


def access_log_for(*, scope: BankScope, item: Item) -> QuerySet[ItemAccessLog]:
    """Who read an item: for managers of its occupation (and the platform) only."""
    if not scope.manages(item.occupation_id):
        return ItemAccessLog.objects.none()
    return item.access_logs.select_related("user").order_by("-accessed_at", "-id")


def occupations_with_roles(*, scope: BankScope) -> list[int]:
    return sorted(scope.setter_of | scope.reviewer_of | scope.manager_of)


def reviewers_for(*, occupation_id: int) -> QuerySet[ItemBankRole]:
    return ItemBankRole.objects.filter(
        occupation_id=occupation_id, role=ItemBankRoleKind.REVIEWER, active=True
    ).select_related("user")
