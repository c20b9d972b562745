"""Item-bank writes. Each is atomic, checks with `permits` that the actor may act in the bank
that owns the row, moves statuses only through the named transitions, and records an audit
event. Audit rows and error messages name items by code, never by their text."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any, cast

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from skillcert.accounts.models import User
from skillcert.audit.services import audit_record
from skillcert.common.errors import DomainError, Forbidden
from skillcert.common.middleware import client_ip_var, request_id_var
from skillcert.common.transitions import check_transition
from skillcert.itembank import assembly, vault
from skillcert.itembank.content import content_clean
from skillcert.itembank.excel import ParseResult, RowError
from skillcert.itembank.models import (
    ITEM_TRANSITIONS,
    PAPER_TRANSITIONS,
    AccessPurpose,
    AssemblyBlueprint,
    Item,
    ItemAccessLog,
    ItemAssignment,
    ItemBank,
    ItemBankRole,
    ItemBankRoleKind,
    ItemStatus,
    ItemType,
    ItemVersion,
    Paper,
    PaperAccessLog,
    PaperAction,
    PaperItem,
    PaperStatus,
)
from skillcert.itembank.paper_pdf import render_paper_pdf
from skillcert.itembank.permits import (
    BankAction,
    bank_may,
    bank_scope,
    item_may,
    scope_forget,
    writable_banks_q,
)
from skillcert.occupations.models import Element, Occupation

ITEM_LABELS = dict(ItemStatus.choices)
PAPER_LABELS = dict(PaperStatus.choices)
RELEASE_APPROVALS = 2
QTI_TYPES = frozenset({ItemType.SINGLE, ItemType.MULTIPLE, ItemType.TRUE_FALSE})


@dataclass(frozen=True)
class ImportReport:
    created: int
    errors: list[RowError]


def _forbidden(message: str) -> DomainError:
    return Forbidden("itembank.forbidden", message)


def _lock_item(item: Item) -> Item:
    return Item.objects.select_for_update().get(pk=item.pk)


def _lock_paper(paper: Paper) -> Paper:
    return Paper.objects.select_for_update().get(pk=paper.pk)


def _actor_user(actor: Any) -> User:
    if not isinstance(actor, User):
        raise _forbidden("题库操作必须由登录用户执行")
    return actor


def _bank_for_writing(*, user: User, occupation: Occupation, bank: ItemBank | None) -> ItemBank:
    """The bank a new item goes into: the one named, or else the only bank in which the user
    writes items of the occupation (an officer's own bank is created on first use; for the
    platform superuser, the province's unified bank)."""
    scope = bank_scope(user)
    if bank is None and scope.is_platform:
        bank = ItemBank.objects.for_province()
    if bank is None:
        candidates = set(
            ItemBank.objects.filter(
                writable_banks_q(scope, occupation_id=occupation.pk)
            ).values_list("pk", flat=True)
        )
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
            raise _forbidden("只有该职业的命题人员或题库管理员可以新建试题")
        bank = ItemBank.objects.get(pk=candidates.pop())
    if not bank_may(user, bank, BankAction.WRITE, occupation_id=occupation.pk):
        raise _forbidden("只有该题库该职业的命题人员或题库管理员可以新建试题")
    return bank


# --------------------------------------------------------------------------------------------
# Roles


def itembank_role_grant(
    *, user: User, occupation: Occupation, role: str, actor: Any, bank: ItemBank | None = None
) -> ItemBankRole:
    """Commission `user` in `bank` (by default the province's unified bank) for one
    occupation; a user actor must manage that bank and occupation."""
    if role not in ItemBankRoleKind.values:
        raise DomainError("itembank.role_invalid", f"未知题库角色 {role!r}", field="role")
    with transaction.atomic():
        bank = bank or ItemBank.objects.for_province()
        if isinstance(actor, User) and not bank_may(
            actor, bank, BankAction.MANAGE, occupation_id=occupation.pk
        ):
            raise _forbidden("只有该题库该职业的题库管理员可以授予题库角色")
        row, created = ItemBankRole.objects.get_or_create(
            user=user, bank=bank, occupation=occupation, role=role, defaults={"active": True}
        )
        if not created and not row.active:
            row.active = True
            row.save(update_fields=["active"])
        audit_record(
            actor=actor,
            action="itembank.role_grant",
            obj=row,
            changes={"user": user.pk, "bank": bank.pk, "occupation": occupation.code, "role": role},
        )
    scope_forget(user)
    return row


def itembank_role_revoke(*, role: ItemBankRole, actor: Any) -> None:
    if isinstance(actor, User) and not bank_may(
        actor, role.bank, BankAction.MANAGE, occupation_id=role.occupation_id
    ):
        raise _forbidden("只有该题库该职业的题库管理员可以撤销题库角色")
    with transaction.atomic():
        ItemBankRole.objects.filter(pk=role.pk).update(active=False)
        audit_record(actor=actor, action="itembank.role_revoke", obj=role)
    scope_forget(role.user)


# --------------------------------------------------------------------------------------------
# Items


def _clean_number(value: Any, field: str, label: str, low: float, high: float) -> float:
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise DomainError("item.value_invalid", f"{label}应为数字", field=field) from None
    if not low <= number <= high:
        raise DomainError("item.value_range", f"{label}应在 {low:g} 到 {high:g} 之间", field=field)
    return number


def _clean_score(value: Any) -> Decimal:
    try:
        score = Decimal(str(value)).quantize(Decimal("0.01"))
    except (InvalidOperation, ValueError):
        raise DomainError("item.value_invalid", "分值应为数字", field="score") from None
    if not score.is_finite() or not Decimal(0) < score <= Decimal(1000):
        raise DomainError("item.value_range", "分值应大于 0 且不超过 1000", field="score")
    return score


def _check_element(*, occupation: Occupation, level: int, element: Element) -> None:
    if element.standard.occupation_id != occupation.pk:
        raise DomainError(
            "item.element_foreign", f"要素 {element.code} 不属于该职业的标准", field="element"
        )
    if element.levels and level not in [int(v) for v in element.levels]:
        raise DomainError(
            "item.element_level", f"要素 {element.code} 不适用于 {level} 级", field="element"
        )


def _save_version(item: Item, actor: User) -> None:
    ItemVersion.objects.create(
        item=item,
        version=item.version,
        content=item.content,
        item_type=item.item_type,
        element_code=item.element.code,
        score=item.score,
        difficulty=item.difficulty,
        enemy_group=item.enemy_group,
        created_by=actor,
    )


def _next_code(bank: ItemBank, occupation: Occupation) -> str:
    taken = set(
        Item.objects.filter(bank=bank, occupation=occupation, code__startswith="Q").values_list(
            "code", flat=True
        )
    )
    n = len(taken) + 1
    while f"Q{n:06d}" in taken:
        n += 1
    return f"Q{n:06d}"


def item_create(
    *,
    occupation: Occupation,
    level: int,
    element: Element,
    item_type: str,
    content: Mapping[str, Any],
    score: Any,
    actor: Any,
    difficulty: Any = 0.5,
    enemy_group: str = "",
    code: str = "",
    bank: ItemBank | None = None,
) -> Item:
    """A new draft in `bank` written by a question setter (or a manager) of the bank and
    occupation; without `bank`, the only bank in which the actor writes such items."""
    user = _actor_user(actor)
    bank = _bank_for_writing(user=user, occupation=occupation, bank=bank)
    if item_type not in ItemType.values:
        raise DomainError("item.type_invalid", f"未知题型 {item_type!r}", field="item_type")
    if level not in (1, 2, 3, 4, 5):
        raise DomainError("item.level_invalid", "等级应为 1 到 5", field="level")
    _check_element(occupation=occupation, level=level, element=element)
    clean_score = _clean_score(score)
    clean = content_clean(item_type, content, score=clean_score)
    code = code.strip() or _next_code(bank, occupation)
    if not assembly.ELEMENT_CODE.match(code):
        raise DomainError("item.code_invalid", f"试题编号格式不正确：{code[:40]}", field="code")
    with transaction.atomic():
        if Item.objects.filter(bank=bank, occupation=occupation, code=code).exists():
            raise DomainError("item.code_taken", f"试题编号 {code} 已存在", field="code")
        try:
            with transaction.atomic():
                item = Item.objects.create(
                    bank=bank,
                    occupation=occupation,
                    level=level,
                    element=element,
                    code=code,
                    item_type=item_type,
                    content=cast(Any, clean),  # JSON document; the field serialises it
                    score=clean_score,
                    difficulty=_clean_number(difficulty, "difficulty", "难度", 0, 1),
                    enemy_group=enemy_group.strip()[:40],
                    author=user,
                )
        except IntegrityError:
            raise DomainError("item.code_taken", f"试题编号 {code} 已存在", field="code") from None
        _save_version(item, user)
        audit_record(
            actor=user,
            action="item.create",
            obj=item,
            changes={
                "bank": bank.pk,
                "code": code,
                "type": item_type,
                "level": level,
                "element": element.code,
            },
        )
    return item


def item_update(
    *,
    item: Item,
    actor: Any,
    content: Mapping[str, Any] | None = None,
    score: Any = None,
    difficulty: Any = None,
    enemy_group: str | None = None,
    element: Element | None = None,
) -> Item:
    """Edit a draft; every save is a new version."""
    user = _actor_user(actor)
    with transaction.atomic():
        item = _lock_item(item)
        if not item_may(user, item, BankAction.WRITE):
            raise _forbidden("只有命题人本人或题库管理员可以修改试题")
        if item.status != ItemStatus.DRAFT:
            raise DomainError(
                "item.not_draft", f"试题 {item.code} 处于“{ITEM_LABELS[item.status]}”状态，不能修改"
            )
        changed: list[str] = []
        if element is not None and element.pk != item.element_id:
            _check_element(occupation=item.occupation, level=item.level, element=element)
            item.element = element
            changed.append("element")
        if score is not None:
            item.score = _clean_score(score)
            changed.append("score")
        if content is not None or "score" in changed:
            item.content = content_clean(
                item.item_type, content if content is not None else item.content, score=item.score
            )
            changed.append("content")
        if difficulty is not None:
            item.difficulty = _clean_number(difficulty, "difficulty", "难度", 0, 1)
            changed.append("difficulty")
        if enemy_group is not None:
            item.enemy_group = enemy_group.strip()[:40]
            changed.append("enemy_group")
        if not changed:
            return item
        item.version += 1
        item.save()
        _save_version(item, user)
        audit_record(
            actor=user,
            action="item.update",
            obj=item,
            changes={"fields": sorted(set(changed)), "version": item.version},
        )
    return item


def _move(item: Item, target: str) -> None:
    check_transition(
        allowed=ITEM_TRANSITIONS, current=item.status, target=target, labels=ITEM_LABELS
    )
    item.status = target


def item_submit(*, item: Item, reviewer: User, actor: Any) -> Item:
    """draft → in review, assigned to one reviewer of the occupation (not the author)."""
    user = _actor_user(actor)
    with transaction.atomic():
        item = _lock_item(item)
        if not item_may(user, item, BankAction.WRITE):
            raise _forbidden("只有命题人本人或题库管理员可以提交审核")
        if reviewer.pk == item.author_id:
            raise DomainError("item.reviewer_is_author", "审题人不能是命题人本人", field="reviewer")
        if not bank_scope(reviewer).reviews(item.bank, item.occupation_id):
            raise DomainError(
                "item.reviewer_role", f"{reviewer} 不是该题库该职业的审题人员", field="reviewer"
            )
        before = item.status
        _move(item, ItemStatus.IN_REVIEW)
        item.reviewer = reviewer
        item.save(update_fields=["status", "reviewer", "updated_at"])
        audit_record(
            actor=user,
            action="item.submit",
            obj=item,
            changes={"status": [before, item.status], "reviewer": reviewer.pk},
        )
    return item


def _check_reviewer(item: Item, user: User) -> None:
    if not item_may(user, item, BankAction.REVIEW):
        raise _forbidden("只有指派的审题人或题库管理员可以审核该试题")
    if item.author_id == user.pk:
        raise _forbidden("命题人不能审核自己编写的试题")


def item_approve(*, item: Item, actor: Any) -> Item:
    """in review → active: the item may now be drawn into papers."""
    user = _actor_user(actor)
    with transaction.atomic():
        item = _lock_item(item)
        _check_reviewer(item, user)
        before = item.status
        _move(item, ItemStatus.ACTIVE)
        item.save(update_fields=["status", "updated_at"])
        audit_record(
            actor=user,
            action="item.approve",
            obj=item,
            changes={"status": [before, item.status], "version": item.version},
        )
    return item


def item_return(*, item: Item, reason: str, actor: Any) -> Item:
    """in review → draft, back to the author with the reviewer's reason."""
    user = _actor_user(actor)
    if not reason.strip():
        raise DomainError("item.reason_required", "退回修改须填写原因", field="reason")
    with transaction.atomic():
        item = _lock_item(item)
        _check_reviewer(item, user)
        before = item.status
        _move(item, ItemStatus.DRAFT)
        item.save(update_fields=["status", "updated_at"])
        audit_record(
            actor=user,
            action="item.return",
            obj=item,
            changes={"status": [before, item.status], "reason": reason.strip()[:500]},
        )
    return item


def item_retire(*, item: Item, reason: str, actor: Any) -> Item:
    """active → retired (bank managers): never drawn again, kept for history."""
    user = _actor_user(actor)
    with transaction.atomic():
        item = _lock_item(item)
        if not item_may(user, item, BankAction.MANAGE):
            raise _forbidden("只有题库管理员可以停用试题")
        before = item.status
        _move(item, ItemStatus.RETIRED)
        item.save(update_fields=["status", "updated_at"])
        audit_record(
            actor=user,
            action="item.retire",
            obj=item,
            changes={"status": [before, item.status], "reason": reason.strip()[:500]},
        )
    return item


def item_statistics_update(*, item: Item, difficulty: Any, discrimination: Any, actor: Any) -> Item:
    """Difficulty and discrimination from item analysis (scoring); any status."""
    user = _actor_user(actor)
    with transaction.atomic():
        item = _lock_item(item)
        if not item_may(user, item, BankAction.MANAGE):
            raise _forbidden("只有题库管理员可以更新试题统计参数")
        before = {"difficulty": item.difficulty, "discrimination": item.discrimination}
        item.difficulty = _clean_number(difficulty, "difficulty", "难度", 0, 1)
        item.discrimination = _clean_number(discrimination, "discrimination", "区分度", -1, 1)
        item.save(update_fields=["difficulty", "discrimination", "updated_at"])
        audit_record(
            actor=user,
            action="item.statistics",
            obj=item,
            changes={
                "difficulty": [before["difficulty"], item.difficulty],
                "discrimination": [before["discrimination"], item.discrimination],
            },
        )
    return item


def item_assign(*, item: Item, user: User, reason: str, actor: Any) -> ItemAssignment:
    """Show one item to `user`, who holds no role that would show it (an examiner preparing
    a practical task, say): by a manager of the item's bank and occupation."""
    manager = _actor_user(actor)
    if not reason.strip():
        raise DomainError("item.reason_required", "指派试题须填写原因", field="reason")
    with transaction.atomic():
        item = _lock_item(item)
        if not item_may(manager, item, BankAction.MANAGE):
            raise _forbidden("只有该题库的题库管理员可以指派试题")
        row = ItemAssignment.objects.filter(item=item, user=user, active=True).first()
        if row is not None:
            raise DomainError("item.already_assigned", f"试题 {item.code} 已指派给 {user}")
        row = ItemAssignment.objects.create(
            item=item,
            user=user,
            reason=reason.strip()[:200],
            assigned_by=manager,
            assigned_at=timezone.now(),
        )
        audit_record(
            actor=manager,
            action="item.assign",
            obj=item,
            changes={"user": user.pk, "reason": row.reason},
        )
    scope_forget(user)
    return row


def item_assignment_revoke(*, assignment: ItemAssignment, actor: Any) -> ItemAssignment:
    """End an assignment; the row stays as the record of who could see the item, and when."""
    manager = _actor_user(actor)
    with transaction.atomic():
        item = _lock_item(assignment.item)
        if not item_may(manager, item, BankAction.MANAGE):
            raise _forbidden("只有该题库的题库管理员可以撤销试题指派")
        assignment = ItemAssignment.objects.select_for_update().get(pk=assignment.pk)
        if not assignment.active:
            return assignment
        assignment.active = False
        assignment.revoked_at = timezone.now()
        assignment.save(update_fields=["active", "revoked_at"])
        audit_record(
            actor=manager, action="item.unassign", obj=item, changes={"user": assignment.user_id}
        )
    scope_forget(assignment.user)
    return assignment


def item_contents_read(
    *, items: Sequence[Item], actor: Any, purpose: str = AccessPurpose.VIEW
) -> dict[int, dict[str, Any]]:
    """The content of `items` (already narrowed by a selector), after logging one access row
    per item in bulk. The only way the application hands out item text."""
    if purpose not in AccessPurpose.values:
        raise DomainError("itembank.purpose_invalid", f"未知读取用途 {purpose!r}")
    user = actor if isinstance(actor, User) else None
    ref = f"{user.pk}:{user.get_username()}" if user is not None else str(actor)
    now = timezone.now()
    request_id = request_id_var.get()
    with transaction.atomic():
        ItemAccessLog.objects.bulk_create(
            [
                ItemAccessLog(
                    user=user,
                    actor_ref=ref[:160],
                    item_id=it.pk,
                    version=it.version,
                    purpose=purpose,
                    accessed_at=now,
                    request_id="" if request_id == "-" else request_id[:64],
                    ip=(client_ip_var.get() or "")[:64],
                )
                for it in items
            ],
            batch_size=1000,
        )
    return {it.pk: it.content for it in items}


def items_rekey(*, actor: Any, batch: int = 500) -> int:
    """Re-encrypt every item and version with the first (newest) key, after a key rotation,
    or encrypt rows written before encryption at rest was switched on."""
    if not vault.encryption_enabled():
        raise DomainError("itembank.encryption_off", "未启用题库加密（SKILLCERT_ITEMBANK_KEYS）")
    done = 0
    for model in (Item, ItemVersion):
        pks = list(model.objects.order_by("pk").values_list("pk", flat=True))
        for start in range(0, len(pks), batch):
            with transaction.atomic():
                rows = model.objects.select_for_update().filter(pk__in=pks[start : start + batch])
                for row in rows.order_by("pk"):
                    row.save(update_fields=["content"])  # the field encrypts with the newest key
                    done += 1
    audit_record(
        actor=actor, action="itembank.rekey", object_type="itembank", changes={"rows": done}
    )
    return done


# --------------------------------------------------------------------------------------------
# Blueprints


def blueprint_create(
    *,
    occupation: Occupation,
    level: int,
    name: str,
    cells: Sequence[Mapping[str, Any]],
    difficulty_mean: float,
    difficulty_tolerance: float,
    actor: Any,
    max_overlap: int | None = None,
    max_exposure: int | None = None,
    total_score: Any = None,
    bank: ItemBank | None = None,
) -> AssemblyBlueprint:
    """A blueprint of `bank` (by default the only bank in which the actor writes items of the
    occupation); only the bank's managers write blueprints."""
    user = _actor_user(actor)
    bank = _bank_for_writing(user=user, occupation=occupation, bank=bank)
    if not bank_may(user, bank, BankAction.MANAGE, occupation_id=occupation.pk):
        raise _forbidden("只有该题库该职业的题库管理员可以制定组卷蓝图")
    if not name.strip():
        raise DomainError("blueprint.name_required", "蓝图名称不能为空", field="name")
    data: dict[str, Any] = {
        "cells": [dict(c) for c in cells],
        "difficulty": {"mean": difficulty_mean, "tolerance": difficulty_tolerance},
        "max_overlap": max_overlap,
        "max_exposure": max_exposure,
    }
    if total_score is not None:
        data["total_score"] = float(total_score)
    try:
        parsed = assembly.blueprint_from_json(data)
    except DomainError as exc:
        raise DomainError("blueprint.invalid", exc.message, field=exc.field) from None
    known = set(
        Element.objects.filter(standard__occupation=occupation).values_list("code", flat=True)
    )
    unknown = sorted({c.element for c in parsed.cells} - known)
    if unknown:
        raise DomainError(
            "blueprint.element_unknown",
            f"该职业标准中没有要素 {', '.join(unknown[:10])}",
            field="cells",
        )
    with transaction.atomic():
        if AssemblyBlueprint.objects.filter(
            bank=bank, occupation=occupation, level=level, name=name
        ).exists():
            raise DomainError("blueprint.name_taken", f"蓝图“{name}”已存在", field="name")
        bp = AssemblyBlueprint.objects.create(
            bank=bank,
            occupation=occupation,
            level=level,
            name=name.strip()[:100],
            cells=[{"element": c.element, "type": c.type, "count": c.count} for c in parsed.cells],
            difficulty_mean=parsed.difficulty_mean,
            difficulty_tolerance=parsed.difficulty_tolerance,
            max_overlap=parsed.max_overlap,
            max_exposure=parsed.max_exposure,
            total_score=None if total_score is None else Decimal(str(total_score)),
            created_by=user,
        )
        audit_record(
            actor=user,
            action="blueprint.create",
            obj=bp,
            changes={"bank": bank.pk, "items": parsed.item_count, "cells": len(parsed.cells)},
        )
    return bp


def blueprint_cells_from_weights(
    *, weights: Mapping[str, float], type_counts: Mapping[str, int]
) -> list[dict[str, Any]]:
    """Cells for a blueprint: each type's item count shared among elements in proportion to
    their weight-table percentages (largest remainder, so the counts add up exactly)."""
    cells: list[dict[str, Any]] = []
    total_weight = sum(weights.values())
    if total_weight <= 0:
        raise DomainError("blueprint.weights_empty", "比重表为空，无法分配题量", field="weights")
    for item_type, count in type_counts.items():
        shares = {e: count * w / total_weight for e, w in weights.items()}
        floors = {e: int(s) for e, s in shares.items()}
        rest = count - sum(floors.values())
        for e in sorted(shares, key=lambda e: (floors[e] - shares[e], e))[:rest]:
            floors[e] += 1
        cells += [{"element": e, "type": item_type, "count": n} for e, n in floors.items() if n]
    return cells


# --------------------------------------------------------------------------------------------
# Papers


def _cell_element_of(element_codes: set[str], parents: dict[str, str], code: str) -> str | None:
    """The blueprint cell element an item's element belongs to: itself or its nearest
    ancestor named in the blueprint."""
    seen = set()
    while code and code not in seen:
        if code in element_codes:
            return code
        seen.add(code)
        code = parents.get(code, "")
    return None


def bank_for_blueprint(*, blueprint: AssemblyBlueprint) -> list[assembly.BankItem]:
    """The active items of the blueprint's own bank, occupation and level as plain data for
    the assembly core (metadata only: no content is read). Never another owner's items."""
    cell_elements = {c["element"] for c in blueprint.cells}
    parents = dict(
        Element.objects.filter(standard__occupation_id=blueprint.occupation_id).values_list(
            "code", "parent__code"
        )
    )
    parents = {k: v or "" for k, v in parents.items()}
    rows = Item.objects.filter(
        bank_id=blueprint.bank_id,
        occupation_id=blueprint.occupation_id,
        level=blueprint.level,
        status=ItemStatus.ACTIVE,
    ).values_list(
        "code", "element__code", "item_type", "difficulty", "score", "enemy_group", "exposure_count"
    )
    bank = []
    for code, element, item_type, difficulty, score, enemy, exposure in rows:
        cell_element = _cell_element_of(cell_elements, parents, element)
        if cell_element is None:
            continue
        bank.append(
            assembly.BankItem(
                code, cell_element, item_type, difficulty, float(score), enemy, exposure
            )
        )
    return bank


def paper_assemble(
    *,
    blueprint: AssemblyBlueprint,
    forms: int,
    seed: int,
    actor: Any,
    time_limit: float = assembly.DEFAULT_TIME_LIMIT,
) -> list[Paper]:
    """Assemble `forms` parallel papers from the active items; raises AssemblyInfeasible
    (code assembly.infeasible, with the conflicts) when the blueprint cannot be met."""
    user = _actor_user(actor)
    if not bank_may(user, blueprint.bank, BankAction.MANAGE, occupation_id=blueprint.occupation_id):
        raise _forbidden("只有该题库该职业的题库管理员可以组卷")
    bank = bank_for_blueprint(blueprint=blueprint)
    result = assembly.assemble(
        bank,
        assembly.blueprint_from_json(blueprint.as_json()),
        forms=forms,
        seed=seed,
        time_limit=time_limit,
    )
    codes = {code for form in result for code in form.items}
    items = {
        it.code: it
        for it in Item.objects.filter(
            bank_id=blueprint.bank_id, occupation_id=blueprint.occupation_id, code__in=codes
        ).only("pk", "code", "version")
    }
    stamp = timezone.now().strftime("%Y%m%d%H%M%S")
    papers: list[Paper] = []
    with transaction.atomic():
        batch = AssemblyBlueprint.objects.select_for_update().get(pk=blueprint.pk).papers.count()
        for n, form in enumerate(result, start=1):
            paper = Paper.objects.create(
                bank_id=blueprint.bank_id,
                blueprint=blueprint,
                code=f"P{blueprint.pk}-{stamp}-{batch + n:03d}",
                form_number=n,
                seed=seed,
                mean_difficulty=form.mean_difficulty,
                total_score=Decimal(str(form.total_score)).quantize(Decimal("0.01")),
                created_by=user,
            )
            PaperItem.objects.bulk_create(
                [
                    PaperItem(
                        paper=paper, item=items[c], item_version=items[c].version, position=pos
                    )
                    for pos, c in enumerate(form.items, start=1)
                ]
            )
            papers.append(paper)
        audit_record(
            actor=user,
            action="paper.assemble",
            obj=blueprint,
            changes={"forms": forms, "seed": seed, "papers": [p.code for p in papers]},
        )
    return papers


def _paper_digest(paper: Paper, entries: list[tuple[PaperItem, Item]]) -> str:
    canonical = json.dumps(
        {
            "paper": paper.code,
            "items": [
                {
                    "code": it.code,
                    "version": pi.item_version,
                    "type": it.item_type,
                    "score": str(it.score),
                    "content": it.content,
                }
                for pi, it in entries
            ],
        },
        ensure_ascii=False,
        sort_keys=True,
    )
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def paper_seal(*, paper: Paper, release_at: dt.datetime, actor: Any) -> Paper:
    """Lock a paper: record the hash of its items' content, render booklet + answer sheet +
    key to PDF and store it encrypted until `release_at`."""
    user = _actor_user(actor)
    if timezone.is_naive(release_at):
        raise DomainError("paper.release_naive", "启封时间须带时区", field="release_at")
    with transaction.atomic():
        paper = _lock_paper(paper)
        if not _paper_may(user, paper, BankAction.MANAGE):
            raise _forbidden("只有该题库的题库管理员可以封存试卷")
        before = paper.status
        check_transition(
            allowed=PAPER_TRANSITIONS,
            current=paper.status,
            target=PaperStatus.SEALED,
            labels=PAPER_LABELS,
        )
        entries = [
            (pi, pi.item) for pi in paper.paper_items.select_related("item").order_by("position")
        ]
        stale = [it.code for pi, it in entries if it.version != pi.item_version]
        if stale:
            raise DomainError("paper.items_changed", f"组卷后试题已修改：{', '.join(stale[:10])}")
        item_contents_read(items=[it for _, it in entries], actor=user, purpose=AccessPurpose.SEAL)
        bp = paper.blueprint
        pdf = render_paper_pdf(
            code=paper.code,
            title=f"{bp.occupation.name} {bp.get_level_display()} 理论知识试卷",
            total=f"{paper.total_score:g}",
            items=[(it.item_type, f"{it.score:g}", it.content) for _, it in entries],
        )
        paper.content_hash = _paper_digest(paper, entries)
        paper.sealed_pdf = vault.seal_bytes(pdf, context=paper.code)
        paper.release_at = release_at
        paper.sealed_at = timezone.now()
        paper.status = PaperStatus.SEALED
        paper.save()
        audit_record(
            actor=user,
            action="paper.seal",
            obj=paper,
            changes={
                "status": [before, paper.status],
                "hash": paper.content_hash,
                "release_at": release_at,
            },
        )
    return paper


def _paper_may(user: User, paper: Paper, action: str) -> bool:
    return bank_may(user, paper.bank, action, occupation_id=paper.blueprint.occupation_id)


def _paper_log(paper: Paper, user: User, action: str) -> None:
    PaperAccessLog.objects.create(
        paper=paper,
        user=user,
        action=action,
        at=timezone.now(),
        ip=(client_ip_var.get() or "")[:64],
    )


def paper_release_approve(*, paper: Paper, actor: Any) -> Paper:
    """One of the two authorised people of the paper's owner confirms the release; with the
    second confirmation (a different person) at or after the release time, the paper is
    released. Only confirmations by people still authorised for the bank count, so one given
    before a role was withdrawn cannot stand in for a second person."""
    user = _actor_user(actor)
    with transaction.atomic():
        paper = _lock_paper(paper)
        if not _paper_may(user, paper, BankAction.RELEASE):
            raise _forbidden("只有该题库的题库管理员可以启封试卷")
        check_transition(
            allowed=PAPER_TRANSITIONS,
            current=paper.status,
            target=PaperStatus.RELEASED,
            labels=PAPER_LABELS,
        )
        now = timezone.now()
        if paper.release_at is None or now < paper.release_at:
            raise DomainError(
                "paper.too_early",
                f"未到启封时间（{timezone.localtime(paper.release_at):%Y-%m-%d %H:%M}）"
                if paper.release_at
                else "未设置启封时间",
            )
        approvals = paper.access_logs.filter(action=PaperAction.RELEASE_APPROVE)
        if approvals.filter(user=user).exists():
            raise DomainError("paper.already_approved", "您已确认过启封，须由另一名授权人员确认")
        _paper_log(paper, user, PaperAction.RELEASE_APPROVE)
        approvers = {user.pk: user}
        for log in approvals.exclude(user=user).select_related("user"):
            approvers[log.user_id] = log.user
        count = sum(_paper_may(u, paper, BankAction.RELEASE) for u in approvers.values())
        changes: dict[str, Any] = {"approvals": count}
        if count >= RELEASE_APPROVALS:
            paper.status = PaperStatus.RELEASED
            paper.released_at = now
            paper.save(update_fields=["status", "released_at"])
            _paper_log(paper, user, PaperAction.RELEASE)
            changes["status"] = [PaperStatus.SEALED, PaperStatus.RELEASED]
        audit_record(actor=user, action="paper.release_approve", obj=paper, changes=changes)
    return paper


def paper_download(*, paper: Paper, actor: Any) -> bytes:
    """The released paper's PDF, after checking the stored hash still matches its items."""
    user = _actor_user(actor)
    with transaction.atomic():
        paper = _lock_paper(paper)
        if not _paper_may(user, paper, BankAction.DOWNLOAD):
            raise _forbidden("只有该题库的题库管理员可以下载试卷")
        if paper.status not in (PaperStatus.RELEASED, PaperStatus.USED):
            raise DomainError("paper.not_released", "试卷尚未启封，不能下载")
        entries = [
            (pi, pi.item) for pi in paper.paper_items.select_related("item").order_by("position")
        ]
        if _paper_digest(paper, entries) != paper.content_hash:
            raise DomainError("paper.hash_mismatch", "试卷内容与封存哈希不一致，可能已被篡改")
        pdf = vault.open_bytes(bytes(paper.sealed_pdf), context=paper.code)
        _paper_log(paper, user, PaperAction.DOWNLOAD)
        audit_record(actor=user, action="paper.download", obj=paper)
    return pdf


def paper_mark_used(*, paper: Paper, actor: Any) -> Paper:
    """The paper was administered: it cannot be used again and each item's exposure rises."""
    user = _actor_user(actor)
    with transaction.atomic():
        paper = _lock_paper(paper)
        if not _paper_may(user, paper, BankAction.MANAGE):
            raise _forbidden("只有该题库的题库管理员可以登记试卷使用")
        before = paper.status
        check_transition(
            allowed=PAPER_TRANSITIONS,
            current=paper.status,
            target=PaperStatus.USED,
            labels=PAPER_LABELS,
        )
        paper.status = PaperStatus.USED
        paper.used_at = timezone.now()
        paper.save(update_fields=["status", "used_at"])
        item_ids = sorted(paper.paper_items.values_list("item_id", flat=True))
        Item.objects.filter(pk__in=item_ids).update(exposure_count=F("exposure_count") + 1)
        audit_record(
            actor=user,
            action="paper.use",
            obj=paper,
            changes={"status": [before, paper.status], "items": len(item_ids)},
        )
    return paper


def items_by_codes(
    *, bank: ItemBank, occupation: Occupation, codes: Iterable[str]
) -> dict[str, Item]:
    """Codes are unique within a bank and occupation only."""
    rows = Item.objects.filter(bank=bank, occupation=occupation, code__in=list(codes))
    return {it.code: it for it in rows}


# --------------------------------------------------------------------------------------------
# Import and export (Excel template, QTI 2.2)


def items_import(
    *, occupation: Occupation, parsed: ParseResult, actor: Any, bank: ItemBank | None = None
) -> ImportReport:
    """Store the parsed rows as drafts of `actor` in `bank` (by default the only bank in which
    the actor writes items of the occupation), all or nothing: when any row is bad (in the
    file, or against the catalogue and the bank), nothing is written and every bad row is
    reported with its row, column, code and message."""
    user = _actor_user(actor)
    bank = _bank_for_writing(user=user, occupation=occupation, bank=bank)
    errors = list(parsed.errors)
    elements = {
        e.code: e
        for e in Element.objects.filter(standard__occupation=occupation).select_related("standard")
    }
    taken = set(
        Item.objects.filter(
            bank=bank, occupation=occupation, code__in=[r.code for r in parsed.rows]
        ).values_list("code", flat=True)
    )
    for r in parsed.rows:
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
    if errors:
        return ImportReport(created=0, errors=sorted(errors, key=lambda e: (e.row, e.column)))
    with transaction.atomic():
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
                for r in parsed.rows
            ]
        )
        if created and created[0].pk is None:  # backends without RETURNING on bulk insert
            created = list(
                Item.objects.filter(
                    bank=bank, occupation=occupation, code__in=[r.code for r in parsed.rows]
                )
            )
        ItemVersion.objects.bulk_create(
            [
                ItemVersion(
                    item=it,
                    version=1,
                    content=it.content,
                    item_type=it.item_type,
                    element_code=it.element.code,
                    score=it.score,
                    difficulty=it.difficulty,
                    enemy_group=it.enemy_group,
                    created_by=user,
                )
                for it in created
            ]
        )
        audit_record(
            actor=user,
            action="item.import",
            obj=occupation,
            changes={
                "bank": bank.pk,
                "created": len(created),
                "codes": [it.code for it in created][:200],
            },
        )
    return ImportReport(created=len(created), errors=[])


def items_export_rows(
    *, items: Sequence[Item], actor: Any, choice_only: bool = False
) -> list[dict[str, Any]]:
    """Rows for the Excel template or a QTI package; reading the content is logged. A user
    takes out only what they may export (the items of the banks and occupations they manage,
    their own drafts): anything else refuses the whole export."""
    if isinstance(actor, User) and any(not item_may(actor, it, BankAction.EXPORT) for it in items):
        raise _forbidden("只有题库管理员可以导出该题库的试题")
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


# --------------------------------------------------------------------------------------------
# Feedback from item analysis (scoring)

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


def items_statistics_feedback(
    *, stats: Sequence[ItemStatistics], source: str, actor: Any
) -> list[str]:
    """Store each item's observed difficulty and discrimination, and send flagged items in use
    back to the review queue (their reviewer sees them again). Returns the flagged codes.
    System actors (the scoring command) may call it; a user must manage the bank."""
    if not stats:
        return []
    by_id = {s.item_id: s for s in stats}
    flagged: list[str] = []
    with transaction.atomic():
        items = list(Item.objects.select_for_update().filter(pk__in=sorted(by_id)).order_by("pk"))
        banks = ItemBank.objects.in_bulk({it.bank_id for it in items})
        for it in items:
            it.bank = banks[it.bank_id]
        if isinstance(actor, User) and any(
            not item_may(actor, it, BankAction.MANAGE) for it in items
        ):
            raise _forbidden("只有题库管理员可以更新试题统计参数")
        now = timezone.now()
        for item in items:
            stat = by_id[item.pk]
            item.updated_at = now
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
                flagged.append(item.code)
            audit_record(actor=actor, action="item.analysis", obj=item, changes=changes)
        Item.objects.bulk_update(items, ["difficulty", "discrimination", "status", "updated_at"])
    return flagged
