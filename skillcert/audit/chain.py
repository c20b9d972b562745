"""The pure core of the audit chain: how a row is hashed and how a chain is checked."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

GENESIS = "0" * 64


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
) -> str:
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
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class ChainBreak:
    event_id: int
    reason: str


def find_first_break(rows: Iterable[dict[str, Any]]) -> ChainBreak | None:
    """`rows` in id order, each with the model's fields. Returns the first row whose link or
    content does not check out."""
    expected_prev = GENESIS
    for row in rows:
        if row["prev_hash"] != expected_prev:
            return ChainBreak(row["id"], "前一条记录的哈希不匹配（记录被删除或顺序被改动）")
        digest = event_digest(
            prev_hash=row["prev_hash"],
            created_at=row["created_at"],
            actor_ref=row["actor_ref"],
            action=row["action"],
            object_type=row["object_type"],
            object_id=row["object_id"],
            object_repr=row["object_repr"],
            changes=row["changes"],
            request_id=row["request_id"],
            ip=row["ip"],
        )
        if digest != row["hash"]:
            return ChainBreak(row["id"], "记录内容与哈希不符（记录被篡改）")
        expected_prev = row["hash"]
    return None
