"""Item-bank reads, narrowed by owner and role with the filters in `permits`:
- a bank's managers (the owner's officers, and managers of an occupation) see every item,
  blueprint and paper of it;
- a question setter sees their own drafts (once submitted, an item leaves their sight);
- a reviewer sees the items in review assigned to them;
- a person an item was assigned to sees that item;
- the platform superuser sees everything.
None of these reads return item content to a caller without `item_contents_read`, which
logs the read."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from skillcert.itembank.models import (
    AssemblyBlueprint,
    Item,
    ItemAccessLog,
    ItemAssignment,
    ItemBank,
    ItemBankRole,
    ItemBankRoleKind,
    ItemImport,
    Paper,
    PaperStatus,
)
from skillcert.itembank.permits import (
    BankAction,
    BankScope,
    bank_may,
    bank_scope,
    items_q,
    managed_q,
    writable_banks_q,
)

__all__ = [
    "BankScope",
    "access_log_for",
    "assignments_for",
    "bank_scope",
    "blueprints_visible",
    "item_imports_visible",
    "items_visible",
    "papers_visible",
    "reviewers_for",
    "writable_banks",
]


def items_visible(
    *,
    scope: BankScope,
    occupation_id: int | None = None,
    level: int | None = None,
    status: str = "",
    q: str = "",
    action: str = BankAction.READ,
) -> QuerySet[Item]:
    """Items the user may read (or, with `action=EXPORT`, take out)."""
    rows = Item.objects.select_related(
        "bank__province", "bank__organization", "occupation", "element", "author", "reviewer"
    ).filter(items_q(scope, action))
    if occupation_id is not None:
        rows = rows.filter(occupation_id=occupation_id)
    if level is not None:
        rows = rows.filter(level=level)
    if status:
        rows = rows.filter(status=status)
    if q:
        # Codes and element codes only: content is encrypted and must not be searched.
        rows = rows.filter(Q(code__icontains=q) | Q(element__code__startswith=q))
    return rows.order_by("bank_id", "occupation_id", "-level", "code")


def blueprints_visible(*, scope: BankScope) -> QuerySet[AssemblyBlueprint]:
    rows = AssemblyBlueprint.objects.select_related(
        "bank__province", "bank__organization", "occupation"
    )
    return rows.filter(managed_q(scope)).order_by("bank_id", "occupation_id", "-level", "name")


def papers_visible(*, scope: BankScope) -> QuerySet[Paper]:
    rows = Paper.objects.select_related(
        "bank__province", "bank__organization", "blueprint", "blueprint__occupation"
    )
    rows = rows.filter(managed_q(scope, occupation="blueprint__occupation_id"))
    return rows.order_by("-created_at", "form_number")


def writable_banks(*, scope: BankScope, occupation_id: int | None = None) -> QuerySet[ItemBank]:
    """Existing banks the user may write items into (an officer's own bank is created on
    first write, so it may be missing here)."""
    return (
        ItemBank.objects.select_related("province", "organization")
        .filter(writable_banks_q(scope, occupation_id=occupation_id))
        .order_by("pk")
    )


def access_log_for(*, scope: BankScope, item: Item) -> QuerySet[ItemAccessLog]:
    """Who read an item: for the managers of its bank and occupation (and the platform)."""
    if not bank_may(scope, item.bank, BankAction.MANAGE, occupation_id=item.occupation_id):
        return ItemAccessLog.objects.none()
    return item.access_logs.select_related("user").order_by("-accessed_at", "-id")


def assignments_for(*, scope: BankScope, item: Item) -> QuerySet[ItemAssignment]:
    """The item's active assignments: for the managers of its bank and occupation."""
    if not bank_may(scope, item.bank, BankAction.MANAGE, occupation_id=item.occupation_id):
        return ItemAssignment.objects.none()
    return item.assignments.filter(active=True).select_related("user", "assigned_by")


def reviewers_for(*, item: Item) -> QuerySet[ItemBankRole]:
    """The reviewers an item may be submitted to: of its own bank and occupation."""
    return ItemBankRole.objects.filter(
        bank_id=item.bank_id,
        occupation_id=item.occupation_id,
        role=ItemBankRoleKind.REVIEWER,
        active=True,
    ).select_related("user")


def item_imports_visible(*, scope: BankScope) -> QuerySet[ItemImport]:
    """Item imports: one's own uploads; the platform sees every upload."""
    rows = ItemImport.objects.select_related("bank__province", "bank__organization", "occupation")
    if scope.is_platform:
        return rows.order_by("-id")
    return rows.filter(created_by_id=scope.user_id).order_by("-id")


def paper_by_code(*, code: str) -> Paper | None:
    """A paper by its code, unscoped: the caller checks who may use it."""
    return Paper.objects.select_related("blueprint__occupation").filter(code=code).first()


def papers_sealed_for(*, offerings: list[tuple[int, int]]) -> QuerySet[Paper]:
    """Sealed (or released, used) papers of the given (occupation id, level) pairs, unscoped:
    the scoring pages offer a plan's papers to the organisation that runs it."""
    q = Q(pk__in=[])
    for occupation_id, level in offerings:
        q |= Q(blueprint__occupation_id=occupation_id, blueprint__level=level)
    return (
        Paper.objects.filter(q)
        .filter(status__in=[PaperStatus.SEALED, PaperStatus.RELEASED, PaperStatus.USED])
        .select_related("blueprint__occupation")
        .order_by("code")
    )


def paper_is_sealed(*, paper: Paper) -> bool:
    """The paper's items and key are fixed: sealed, released, or used."""

    return paper.status in (PaperStatus.SEALED, PaperStatus.RELEASED, PaperStatus.USED)
