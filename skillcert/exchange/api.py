"""The exchange over the API (/api/v1/exchange/...), for peers only: a peer pulls our signed
feed by cursor and posts its own batches. A caller is a peer when its API token belongs to a
registered, active peer's account; anyone else signed in is refused (403), anonymous 401."""

from __future__ import annotations

import json
from typing import Any

from django.http import HttpRequest
from ninja import Query, Router, Schema

from skillcert.accounts.actors import request_actor
from skillcert.common.api import ErrorOut
from skillcert.common.errors import DomainError, Forbidden
from skillcert.exchange.core import MAX_ENTRIES
from skillcert.exchange.models import Peer
from skillcert.exchange.selectors import peer_of_account
from skillcert.exchange.services import FEED_LIMIT_DEFAULT, batch_build, batch_import

router = Router(tags=["exchange"])

# The batch body is read as it was signed; a bound keeps a hostile one from filling memory.
MAX_BATCH_BYTES = 20_000_000


def _peer(request: HttpRequest) -> Peer:
    peer = peer_of_account(request.user)
    if peer is None:
        raise Forbidden("exchange.peer_forbidden", "只有已登记的交换对端可以调用数据交换接口")
    return peer


class FeedQuery(Schema):
    after: int = 0
    limit: int = FEED_LIMIT_DEFAULT


@router.get(
    "/feed",
    response={200: dict[str, Any], 400: ErrorOut, 403: ErrorOut},
    summary="按游标拉取本安装的交换批次（已签名）",
)
def feed(request: HttpRequest, query: Query[FeedQuery]) -> Any:
    _peer(request)
    if query.after < 0:
        raise DomainError("exchange.cursor_invalid", "游标（after）应为非负整数", field="after")
    if not 1 <= query.limit <= MAX_ENTRIES:
        raise DomainError(
            "exchange.limit_invalid", f"每批条数（limit）应为 1–{MAX_ENTRIES}", field="limit"
        )
    return batch_build(after=query.after, limit=query.limit)


class ReceiptOut(Schema):
    after: int
    next: int
    entries: int
    applied: int


@router.post(
    "/batches",
    response={200: ReceiptOut, 400: ErrorOut, 403: ErrorOut},
    summary="接收对端推送的交换批次",
)
def batches(request: HttpRequest) -> Any:
    peer = _peer(request)
    if len(request.body) > MAX_BATCH_BYTES:
        raise DomainError("exchange.batch_too_large", "交换批次过大", field="batch")
    try:
        document = json.loads(request.body)
    except (ValueError, UnicodeDecodeError):
        raise DomainError(
            "exchange.batch_malformed", "请求体不是有效的 JSON 交换批次", field="batch"
        ) from None
    receipt = batch_import(document=document, actor=request_actor(request), sender=peer)
    return {
        "after": receipt.after,
        "next": receipt.next,
        "entries": receipt.entries,
        "applied": receipt.applied,
    }
