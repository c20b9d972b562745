"""Items: writing drafts, the review workflow, assignments to single people, and the one
logged way to read item text."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any, cast

from django.db import IntegrityError, transaction
from django.utils import timezone

from skillcert.accounts.actors import Actor, actor_ref, actor_user
from skillcert.audit.lifecycle import Lifecycle
from skillcert.audit.services import audit_record
from skillcert.common.errors import DomainError
from skillcert.common.middleware import client_ip_var, request_id_var
from skillcert.itembank import assembly, vault
from skillcert.itembank.content import content_clean
from skillcert.itembank.models import (
    ITEM_TRANSITIONS,
    AccessPurpose,
    Item,
    ItemAccessLog,
    ItemAssignment,
    ItemBank,
    ItemStatus,
    ItemType,
    ItemVersion,
)
from skillcert.itembank.permits import BankAction, bank_scope, item_may, scope_forget
from skillcert.itembank.services._guards import (
    ITEM_LABELS,
    acting_person,
    bank_for_writing,
    forbidden,
    lock_item,
)

# The review workflow (draft → in review → active → retired, and back to the author).
ITEM_LIFECYCLE = Lifecycle("item", ITEM_TRANSITIONS, ITEM_LABELS)

if TYPE_CHECKING:
    from skillcert.accounts.models import User
    from skillcert.occupations.models import Element, Occupation


def _lock_item_for(item: Item, user: User, action: str, refusal: str) -> Item:
    """The item, locked; refused (`refusal`) unless the user may take `action` on it."""
    item = lock_item(item)
    if not item_may(user, item, action):
        raise forbidden(refusal)
    return item


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


def version_of(item: Item, actor: User) -> ItemVersion:
    """The item as it stands now, as its (unsaved) version row written by `actor`."""
    return ItemVersion(
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


def _save_version(item: Item, actor: User) -> None:
    version_of(item, actor).save()


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


def _store_new_item(item: Item) -> None:
    """Insert `item`, refusing a code already taken in its bank and occupation (checked
    first for the plain answer, and by the unique constraint against a concurrent insert)."""
    taken = DomainError("item.code_taken", f"试题编号 {item.code} 已存在", field="code")
    if Item.objects.filter(bank=item.bank, occupation=item.occupation, code=item.code).exists():
        raise taken
    try:
        with transaction.atomic():
            item.save(force_insert=True)
    except IntegrityError:
        raise taken from None


def item_create(
    *,
    occupation: Occupation,
    level: int,
    element: Element,
    item_type: str,
    content: Mapping[str, Any],
    score: Any,
    actor: Actor,
    difficulty: Any = 0.5,
    enemy_group: str = "",
    code: str = "",
    bank: ItemBank | None = None,
) -> Item:
    """A new draft in `bank` written by a question setter (or a manager) of the bank and
    occupation; without `bank`, the only bank in which the actor writes such items."""
    user = acting_person(actor)
    bank = bank_for_writing(user=user, occupation=occupation, bank=bank)
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
    item = Item(
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
    with transaction.atomic():
        _store_new_item(item)
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
    actor: Actor,
    content: Mapping[str, Any] | None = None,
    score: Any = None,
    difficulty: Any = None,
    enemy_group: str | None = None,
    element: Element | None = None,
) -> Item:
    """Edit a draft; every save is a new version."""
    user = acting_person(actor)
    with transaction.atomic():
        item = _lock_item_for(
            item, user, BankAction.WRITE, "只有命题人本人或题库管理员可以修改试题"
        )
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


def _item_move(
    item: Item,
    target: ItemStatus,
    *,
    user: User,
    action: str,
    step: Callable[[Item], dict[str, Any]],
    also_saved: tuple[str, ...] = (),
) -> Item:
    """The review workflow's one shape: lock the item, let `step` check the locked item
    (and set `also_saved` fields) and return the audit changes, then move its status."""
    with transaction.atomic():
        item = lock_item(item)
        changes = step(item)
        ITEM_LIFECYCLE.move(
            item,
            target,
            actor=user,
            action=action,
            update_fields=(*also_saved, "updated_at"),
            changes=changes,
        )
    return item


def item_submit(*, item: Item, reviewer: User, actor: Actor) -> Item:
    """draft → in review, assigned to one reviewer of the occupation (not the author)."""
    user = acting_person(actor)

    def assign(locked: Item) -> dict[str, Any]:
        if not item_may(user, locked, BankAction.WRITE):
            raise forbidden("只有命题人本人或题库管理员可以提交审核")
        if reviewer.pk == locked.author_id:
            raise DomainError("item.reviewer_is_author", "审题人不能是命题人本人", field="reviewer")
        if not bank_scope(reviewer).reviews(locked.bank, locked.occupation_id):
            raise DomainError(
                "item.reviewer_role", f"{reviewer} 不是该题库该职业的审题人员", field="reviewer"
            )
        locked.reviewer = reviewer
        return {"reviewer": reviewer.pk}

    return _item_move(
        item,
        ItemStatus.IN_REVIEW,
        user=user,
        action="submit",
        step=assign,
        also_saved=("reviewer",),
    )


def _check_reviewer(item: Item, user: User) -> None:
    if not item_may(user, item, BankAction.REVIEW):
        raise forbidden("只有指派的审题人或题库管理员可以审核该试题")
    if item.author_id == user.pk:
        raise forbidden("命题人不能审核自己编写的试题")


def item_approve(*, item: Item, actor: Actor) -> Item:
    """in review → active: the item may now be drawn into papers."""
    user = acting_person(actor)

    def approve(locked: Item) -> dict[str, Any]:
        _check_reviewer(locked, user)
        return {"version": locked.version}

    return _item_move(item, ItemStatus.ACTIVE, user=user, action="approve", step=approve)


def item_return(*, item: Item, reason: str, actor: Actor) -> Item:
    """in review → draft, back to the author with the reviewer's reason."""
    user = acting_person(actor)
    if not reason.strip():
        raise DomainError("item.reason_required", "退回修改须填写原因", field="reason")

    def send_back(locked: Item) -> dict[str, Any]:
        _check_reviewer(locked, user)
        return {"reason": reason.strip()[:500]}

    return _item_move(item, ItemStatus.DRAFT, user=user, action="return", step=send_back)


def item_retire(*, item: Item, reason: str, actor: Actor) -> Item:
    """active → retired (bank managers): never drawn again, kept for history."""
    user = acting_person(actor)

    def retire(locked: Item) -> dict[str, Any]:
        if not item_may(user, locked, BankAction.MANAGE):
            raise forbidden("只有题库管理员可以停用试题")
        return {"reason": reason.strip()[:500]}

    return _item_move(item, ItemStatus.RETIRED, user=user, action="retire", step=retire)


def item_statistics_update(
    *, item: Item, difficulty: Any, discrimination: Any, actor: Actor
) -> Item:
    """Difficulty and discrimination from item analysis (scoring); any status."""
    user = acting_person(actor)
    with transaction.atomic():
        item = _lock_item_for(item, user, BankAction.MANAGE, "只有题库管理员可以更新试题统计参数")
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


def item_assign(*, item: Item, user: User, reason: str, actor: Actor) -> ItemAssignment:
    """Show one item to `user`, who holds no role that would show it (an examiner preparing
    a practical task, say): by a manager of the item's bank and occupation."""
    manager = acting_person(actor)
    if not reason.strip():
        raise DomainError("item.reason_required", "指派试题须填写原因", field="reason")
    with transaction.atomic():
        item = _lock_item_for(
            item, manager, BankAction.MANAGE, "只有该题库的题库管理员可以指派试题"
        )
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


def item_assignment_revoke(*, assignment: ItemAssignment, actor: Actor) -> ItemAssignment:
    """End an assignment; the row stays as the record of who could see the item, and when."""
    manager = acting_person(actor)
    with transaction.atomic():
        item = _lock_item_for(
            assignment.item, manager, BankAction.MANAGE, "只有该题库的题库管理员可以撤销试题指派"
        )
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
    *, items: Sequence[Item], actor: Actor, purpose: str = AccessPurpose.VIEW
) -> dict[int, dict[str, Any]]:
    """The content of `items` (already narrowed by a selector), after logging one access row
    per item in bulk. The only way the application hands out item text."""
    if purpose not in AccessPurpose.values:
        raise DomainError("itembank.purpose_invalid", f"未知读取用途 {purpose!r}")
    user = actor_user(actor)
    ref = actor_ref(actor)
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


def items_rekey(*, actor: Actor, batch: int = 500) -> int:
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
