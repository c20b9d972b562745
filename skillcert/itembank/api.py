"""API shells over the item-bank selectors and services (mounted at /api/v1/itembank).
Listing returns metadata only; item content comes from the single-item endpoint, whose every
call is logged like a page view."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.http import Http404, HttpRequest
from ninja import Field, Router, Schema

from skillcert.accounts.actors import request_actor
from skillcert.accounts.scope import get_object_in_scope
from skillcert.accounts.selectors import users_all
from skillcert.common.api import ErrorOut
from skillcert.common.errors import DomainError
from skillcert.itembank import assembly
from skillcert.itembank.models import AccessPurpose
from skillcert.itembank.selectors import bank_scope, blueprints_visible, items_visible
from skillcert.itembank.services import (
    BULK_ITEMS,
    item_contents_read,
    items_approve_bulk,
    items_submit_bulk,
    paper_assemble,
)

if TYPE_CHECKING:
    from skillcert.accounts.models import User

router = Router(tags=["itembank"])


class ItemOut(Schema):
    id: int
    code: str
    occupation: str
    level: int
    element: str
    type: str
    status: str
    score: float
    difficulty: float
    discrimination: float | None
    exposure: int
    enemy_group: str
    version: int


class ItemContentOut(ItemOut):
    content: dict[str, Any]


class AssembleIn(Schema):
    forms: int = 1
    seed: int = 0


class PaperOut(Schema):
    code: str
    form_number: int
    mean_difficulty: float
    items: list[str]


def _meta(it: Any) -> dict[str, Any]:
    return {
        "id": it.pk,
        "code": it.code,
        "occupation": it.occupation.code,
        "level": it.level,
        "element": it.element.code,
        "type": it.item_type,
        "status": it.status,
        "score": float(it.score),
        "difficulty": it.difficulty,
        "discrimination": it.discrimination,
        "exposure": it.exposure_count,
        "enemy_group": it.enemy_group,
        "version": it.version,
    }


def _caller(request: HttpRequest) -> User:
    """The authenticated caller (the router requires a token or a session)."""
    return request_actor(request)


@router.get("/items", response=list[ItemOut], summary="试题元数据（按题库角色范围，不含内容）")
def items(request: HttpRequest, q: str = "", status: str = "") -> list[dict[str, Any]]:
    rows = items_visible(scope=bank_scope(request.user), q=q[:40], status=status[:16])
    return [_meta(it) for it in rows[:1000]]


@router.get("/items/{item_id}", response=ItemContentOut, summary="单题内容（记录读取日志）")
def item(request: HttpRequest, item_id: int) -> dict[str, Any]:
    found = get_object_in_scope(items_visible(scope=bank_scope(request.user)), pk=item_id)
    content = item_contents_read(items=[found], actor=_caller(request), purpose=AccessPurpose.API)
    return {**_meta(found), "content": content[found.pk]}


@router.post(
    "/blueprints/{blueprint_id}/assemble",
    response={200: list[PaperOut], 400: ErrorOut},
    summary="按蓝图组卷（不可行时返回冲突说明）",
)
def assemble(request: HttpRequest, blueprint_id: int, payload: AssembleIn) -> Any:
    blueprint = get_object_in_scope(
        blueprints_visible(scope=bank_scope(request.user)), pk=blueprint_id
    )
    try:
        papers = paper_assemble(
            blueprint=blueprint, forms=payload.forms, seed=payload.seed, actor=_caller(request)
        )
    except assembly.AssemblyInfeasible as exc:
        return 400, {"code": exc.code, "message": exc.message, "field": exc.field}
    return [
        {
            "code": p.code,
            "form_number": p.form_number,
            "mean_difficulty": p.mean_difficulty,
            "items": list(p.paper_items.order_by("position").values_list("item__code", flat=True)),
        }
        for p in papers
    ]


class ItemsSubmitIn(Schema):
    item_ids: list[int] = Field(..., min_length=1, max_length=BULK_ITEMS)
    reviewer_id: int


class ItemsApproveIn(Schema):
    item_ids: list[int] = Field(..., min_length=1, max_length=BULK_ITEMS)


class ItemsMovedOut(Schema):
    moved: int
    codes: list[str]


def _visible_ids(request: HttpRequest, ids: list[int]) -> list[int]:
    """The chosen items, all of which the caller must see (else 404, as for one item)."""
    wanted = set(ids)
    visible = set(
        items_visible(scope=bank_scope(request.user))
        .filter(pk__in=wanted)
        .values_list("pk", flat=True)
    )
    if visible != wanted:
        raise Http404("没有找到所选的部分试题")
    return sorted(wanted)


@router.post(
    "/items/bulk/submit",
    response={200: ItemsMovedOut, 400: ErrorOut, 403: ErrorOut, 404: ErrorOut},
    summary="批量提交试题审核（全部成功或全部不变）",
)
def items_submit(request: HttpRequest, payload: ItemsSubmitIn) -> dict[str, Any]:
    ids = _visible_ids(request, payload.item_ids)
    reviewer = users_all().filter(pk=payload.reviewer_id, is_active=True).first()
    if reviewer is None:
        raise DomainError(
            "item.reviewer_role", "所选审题人不是该题库该职业的审题人员", field="reviewer"
        )
    moved = items_submit_bulk(item_ids=ids, reviewer=reviewer, actor=_caller(request))
    return {"moved": len(moved), "codes": [it.code for it in moved]}


@router.post(
    "/items/bulk/approve",
    response={200: ItemsMovedOut, 400: ErrorOut, 403: ErrorOut, 404: ErrorOut},
    summary="批量审核通过试题（全部成功或全部不变）",
)
def items_approve(request: HttpRequest, payload: ItemsApproveIn) -> dict[str, Any]:
    ids = _visible_ids(request, payload.item_ids)
    moved = items_approve_bulk(item_ids=ids, actor=_caller(request))
    return {"moved": len(moved), "codes": [it.code for it in moved]}
