"""Import and export of items (the Excel template, QTI 2.2): rows parsed from a file become
drafts all or nothing; exported rows are logged reads."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, cast

from django.db import transaction

from skillcert.accounts.actors import Actor
from skillcert.audit.services import audit_record, rows_sha256
from skillcert.itembank.excel import ItemRow, ParseResult, RowError
from skillcert.itembank.models import AccessPurpose, Item, ItemBank, ItemType, ItemVersion
from skillcert.itembank.permits import BankAction, item_may
from skillcert.itembank.services._guards import acting_person, bank_for_writing, forbidden
from skillcert.itembank.services.items import item_contents_read, version_of
from skillcert.occupations.selectors import elements_of_occupation

if TYPE_CHECKING:
    from skillcert.accounts.models import User
    from skillcert.occupations.models import Element, Occupation

QTI_TYPES = frozenset({ItemType.SINGLE, ItemType.MULTIPLE, ItemType.TRUE_FALSE})


@dataclass(frozen=True)
class ImportReport:
    created: int
    errors: list[RowError]


def _import_row_errors(
    rows: Sequence[ItemRow], *, elements: dict[str, Element], taken: set[str]
) -> list[RowError]:
    """What the catalogue and the bank say against rows the file itself accepted."""
    errors: list[RowError] = []
    for r in rows:
        element = elements.get(r.element)
        if element is None:
            errors.append(
                RowError(
                    r.row, "要素代码", "item.element_unknown", f"该职业标准中没有要素 {r.element}"
                )
            )
        elif element.levels and r.level not in [int(v) for v in element.levels]:
            errors.append(
                RowError(
                    r.row,
                    "要素代码",
                    "item.element_level",
                    f"要素 {r.element} 不适用于 {r.level} 级",
                )
            )
        if r.code in taken:
            errors.append(
                RowError(r.row, "试题编号", "item.code_taken", f"试题编号 {r.code} 已存在")
            )
    return errors


def _import_store(
    *,
    bank: ItemBank,
    occupation: Occupation,
    rows: Sequence[ItemRow],
    elements: dict[str, Element],
    user: User,
) -> list[Item]:
    """The rows as drafts of `user`, each with its first version (inside the caller's
    transaction)."""
    created = Item.objects.bulk_create(
        [
            Item(
                bank=bank,
                occupation=occupation,
                level=r.level,
                element=elements[r.element],
                code=r.code,
                item_type=r.item_type,
                content=cast(Any, r.content),
                score=r.score,
                difficulty=r.difficulty,
                enemy_group=r.enemy_group,
                author=user,
            )
            for r in rows
        ]
    )
    if created and created[0].pk is None:  # backends without RETURNING on bulk insert
        created = list(
            Item.objects.filter(bank=bank, occupation=occupation, code__in=[r.code for r in rows])
        )
    ItemVersion.objects.bulk_create([version_of(it, user) for it in created])
    return created


def items_import(
    *, occupation: Occupation, parsed: ParseResult, actor: Actor, bank: ItemBank | None = None
) -> ImportReport:
    """Store the parsed rows as drafts of `actor` in `bank` (by default the only bank in which
    the actor writes items of the occupation), all or nothing: when any row is bad (in the
    file, or against the catalogue and the bank), nothing is written and every bad row is
    reported with its row, column, code and message."""
    user = acting_person(actor)
    bank = bank_for_writing(user=user, occupation=occupation, bank=bank)
    elements = {
        e.code: e
        for e in elements_of_occupation(occupation_id=occupation.pk).select_related("standard")
    }
    taken = set(
        Item.objects.filter(
            bank=bank, occupation=occupation, code__in=[r.code for r in parsed.rows]
        ).values_list("code", flat=True)
    )
    errors = list(parsed.errors)
    errors += _import_row_errors(parsed.rows, elements=elements, taken=taken)
    if errors:
        return ImportReport(created=0, errors=sorted(errors, key=lambda e: (e.row, e.column)))
    with transaction.atomic():
        created = _import_store(
            bank=bank, occupation=occupation, rows=parsed.rows, elements=elements, user=user
        )
        # One event for the file that commits to every new item (what `item.create` says of
        # one item: never its text), so `audit verify` still detects an edited row.
        element_codes = {e.pk: code for code, e in elements.items()}
        rows = [
            {
                "item": it.pk,
                "code": it.code,
                "type": it.item_type,
                "level": it.level,
                "element": element_codes[it.element_id],
            }
            for it in sorted(created, key=lambda it: it.pk)
        ]
        audit_record(
            actor=user,
            action="item.import",
            obj=occupation,
            changes={
                "bank": bank.pk,
                "created": len(created),
                "codes": [it.code for it in created][:200],
                "rows": rows,
                "rows_sha256": rows_sha256(rows),
            },
        )
    return ImportReport(created=len(created), errors=[])


def items_export_rows(
    *, items: Sequence[Item], actor: Actor, choice_only: bool = False
) -> list[dict[str, Any]]:
    """Rows for the Excel template or a QTI package; reading the content is logged. A user
    takes out only what they may export (the items of the banks and occupations they manage,
    their own drafts): anything else refuses the whole export."""
    if any(not item_may(actor, it, BankAction.EXPORT) for it in items):
        raise forbidden("只有题库管理员可以导出该题库的试题")
    chosen = [it for it in items if not choice_only or it.item_type in QTI_TYPES]
    contents = item_contents_read(items=chosen, actor=actor, purpose=AccessPurpose.EXPORT)
    audit_record(
        actor=actor,
        action="item.export",
        object_type="itembank.item",
        changes={"count": len(chosen), "qti": choice_only},
    )
    return [
        {
            "code": it.code,
            "level": it.level,
            "element": it.element.code,
            "item_type": it.item_type,
            "content": contents[it.pk],
            "score": it.score,
            "difficulty": it.difficulty,
            "enemy_group": it.enemy_group,
        }
        for it in chosen
    ]
