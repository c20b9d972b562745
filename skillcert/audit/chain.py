"""The pure core of the audit chain: how a row is hashed and how a chain is checked."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

GENESIS = "0" * 64
# The row's fields the digest covers, besides `prev_hash` (in `event_digest`'s order).
HASHED_FIELDS = (
    "created_at",
    "actor_ref",
    "action",
    "object_type",
    "object_id",
    "object_repr",
    "changes",
    "request_id",
    "ip",
)


def event_digest(
    *,
    prev_hash: str,
    created_at: dt.datetime,
    actor_ref: str,
    action: str,
    object_type: str,
    object_id: str,
    object_repr: str,
    changes: Any,
    request_id: str,
    ip: str | None,
    key: bytes | None = None,
) -> str:
    """SHA-256 of the row and its predecessor's hash; with `key`, an HMAC-SHA256 under a key
    kept outside the database, so that write access to the table is not enough to recompute
    a rewritten chain."""
    payload = json.dumps(
        [
            prev_hash,
            created_at.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ"),
            actor_ref,
            action,
            object_type,
            object_id,
            object_repr,
            changes,
            request_id,
            ip or "",
        ],
        ensure_ascii=False,
        sort_keys=True,
        separators=(",", ":"),
        default=str,
    )
    if key is not None:
        return hmac.new(key, payload.encode("utf-8"), hashlib.sha256).hexdigest()
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class ChainBreak:
    event_id: int
    reason: str


def find_first_break(rows: Iterable[dict[str, Any]], *, key: bytes) -> ChainBreak | None:
    """`rows` in id order, each with the model's fields. Returns the first row whose link or
    content does not check out. Rows written before the chain was keyed verify as plain
    SHA-256; after the first keyed row every row must be keyed."""
    expected_prev = GENESIS
    keyed_seen = False
    for row in rows:
        if row["prev_hash"] != expected_prev:
            return ChainBreak(row["id"], "前一条记录的哈希不匹配（记录被删除或顺序被改动）")
        if keyed_seen and not row["keyed"]:
            return ChainBreak(row["id"], "未加密钥的记录出现在加密钥的记录之后（记录被改写）")
        keyed_seen = keyed_seen or row["keyed"]
        actor_id = row.get("actor_id")
        if actor_id is not None and not str(row["actor_ref"]).startswith(f"{actor_id}:"):
            return ChainBreak(row["id"], "操作人与哈希记录的操作人不符（记录被篡改）")
        digest = event_digest(
            prev_hash=row["prev_hash"],
            **{name: row[name] for name in HASHED_FIELDS},
            key=key if row["keyed"] else None,
        )
        if not hmac.compare_digest(digest, row["hash"]):
            return ChainBreak(row["id"], "记录内容与哈希不符（记录被篡改）")
        expected_prev = row["hash"]
    return None


def anchor_signature(*, key: bytes, last_event_id: int, last_hash: str, day: str) -> str:
    """The signature of a published anchor (the chain head on a day)."""
    message = f"{day}|{last_event_id}|{last_hash}".encode()
    return hmac.new(key, message, hashlib.sha256).hexdigest()
