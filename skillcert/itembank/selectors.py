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

from typing import TYPE_CHECKING

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
from skillcert.occupations.selectors import (
    element_tree,
    occupations_search,
    standard_current,
    weight_tables,
)

if TYPE_CHECKING:
    from skillcert.occupations.models import Occupation

__all__ = [
    "BankScope",
    "access_log_for",
    "assignments_for",
    "bank_scope",
    "blueprint_weights",
    "blueprints_visible",
    "item_codes_managed",
    "item_imports_visible",
    "items_visible",
    "managed_banks",
    "occupations_managed",
    "occupations_writable",
    "papers_visible",
    "reviewers_for",
    "roles_managed",
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


def papers_sealed_for(*, offerings: list[tuple[int, int | None]]) -> QuerySet[Paper]:
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


# --- authoring: what the item, blueprint and role pages offer --------------------------------


def _is_officer(scope: BankScope) -> bool:
    return bool(scope.is_platform or scope.officer_provinces or scope.officer_organizations)


def occupations_writable(*, scope: BankScope) -> QuerySet[Occupation]:
    """Occupations the user may write items of: every occupation for the officers of a bank
    (and the platform), else those of their question-setter and manager roles."""
    rows = occupations_search()
    if _is_officer(scope):
        return rows
    return rows.filter(pk__in=sorted(scope.writes_occupations()))


def occupations_managed(*, scope: BankScope) -> QuerySet[Occupation]:
    """Occupations in which the user manages some bank (writes blueprints, grants roles)."""
    rows = occupations_search()
    if _is_officer(scope):
        return rows
    return rows.filter(pk__in=sorted({o for _, o in scope.manager_of}))


def managed_banks(*, scope: BankScope) -> QuerySet[ItemBank]:
    """Existing banks the user manages for at least one occupation."""
    rows = ItemBank.objects.select_related("province", "organization").order_by("pk")
    if scope.is_platform:
        return rows
    q = Q(province_id__in=sorted(scope.officer_provinces))
    q |= Q(organization_id__in=sorted(scope.officer_organizations))
    q |= Q(pk__in=sorted({b for b, _ in scope.manager_of}))
    return rows.filter(q)


def roles_managed(*, scope: BankScope, q: str = "") -> QuerySet[ItemBankRole]:
    """Active item-bank roles in the banks and occupations the user manages; `q` matches the
    username, the person's name or the occupation."""
    rows = ItemBankRole.objects.select_related(
        "user", "occupation", "bank__province", "bank__organization"
    ).filter(managed_q(scope), active=True)
    if q:
        rows = rows.filter(
            Q(user__username__icontains=q)
            | Q(user__full_name__icontains=q)
            | Q(occupation__code__startswith=q)
            | Q(occupation__name__icontains=q)
        )
    return rows.order_by("bank_id", "occupation__code", "role", "user__username")


def blueprint_weights(*, occupation: Occupation, level: int) -> dict[str, float]:
    """Element code → percentage of the theory part at `level`, from the weight table of the
    occupation's current standard: a weight-table row names a top-level element by its name
    (or its code)."""
    standard = standard_current(occupation=occupation)
    if standard is None:
        return {}
    tops = {n.element.name: n.element.code for n in element_tree(standard=standard) if not n.depth}
    codes = set(tops.values())
    weights: dict[str, float] = {}
    for table in weight_tables(standard=standard):
        if table.part != "theory" or level not in table.levels:
            continue
        column = table.levels.index(level)
        for _section, name, percents in table.rows:
            code = tops.get(name) or (name if name in codes else None)
            percent = percents[column]
            if code is not None and percent:
                weights[code] = weights.get(code, 0) + float(percent)
    return weights


def item_codes_managed(*, scope: BankScope, paper: Paper) -> dict[str, int]:
    """Code → id of the paper's items whose statistics the user may write back (they manage
    the item's bank and occupation); for the analysis page of a sitting."""
    if not bank_may(
        scope, paper.bank, BankAction.MANAGE, occupation_id=paper.blueprint.occupation_id
    ):
        return {}
    return dict(
        Item.objects.filter(pk__in=paper.paper_items.values("item_id")).values_list("code", "pk")
    )
