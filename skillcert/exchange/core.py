"""The exchange batch format "skillcert-exchange/1" (docs/formats/exchange.md), as pure
functions over plain JSON values: the canonical bytes, signing, the structural check of a
received document and its signature check. No Django, no ORM."""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from skillcert.certificates.credentials import jcs
from skillcert.common.errors import DomainError

FORMAT = "skillcert-exchange/1"
ENTRY_TYPES = ("organization", "result_batch", "certificate")
BATCH_KEYS = ("format", "installation", "province", "after", "next", "created_at", "entries")
# A batch is read into memory whole: bound what one may carry.
MAX_ENTRIES = 5000


def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _unb64url(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def canonical(document: Mapping[str, Any]) -> bytes:
    """The signed bytes: the batch without its `signature`, as JCS canonical JSON (the
    values are strings, integers, booleans and null; no floating-point numbers)."""
    return jcs({k: v for k, v in document.items() if k != "signature"})


def batch_digest(document: Mapping[str, Any]) -> str:
    return hashlib.sha256(canonical(document)).hexdigest()


def batch_sign(body: Mapping[str, Any], *, kid: str, key: Ed25519PrivateKey) -> dict[str, Any]:
    """`body` with its Ed25519 signature under `kid` added."""
    signed = dict(body)
    signed["signature"] = {"alg": "EdDSA", "kid": kid, "value": _b64url(key.sign(canonical(body)))}
    return signed


@dataclass(frozen=True)
class BatchHeader:
    installation: str
    province: str
    after: int
    next: int
    kid: str
    entries: list[dict[str, Any]]


def _refuse(message: str, field: str) -> DomainError:
    return DomainError("exchange.batch_malformed", message, field=field)


def _entry_check(position: int, entry: Any, after: int, last: int) -> int:
    where = f"entries[{position}]"
    if not isinstance(entry, dict):
        raise _refuse(f"交换批次第 {position + 1} 条记录不是 JSON 对象", where)
    sequence = entry.get("sequence")
    if not isinstance(sequence, int) or isinstance(sequence, bool) or sequence <= after:
        raise _refuse(f"交换批次第 {position + 1} 条记录的序号（sequence）无效", where)
    if sequence <= last:
        raise _refuse(f"交换批次第 {position + 1} 条记录的序号（sequence）未递增", where)
    if entry.get("type") not in ENTRY_TYPES:
        raise _refuse(f"交换批次第 {position + 1} 条记录的类型（type）无效", where)
    if not isinstance(entry.get("event"), str) or not isinstance(entry.get("record"), dict):
        raise _refuse(f"交换批次第 {position + 1} 条记录缺少 event 或 record", where)
    return sequence


def batch_check(document: Any) -> BatchHeader:
    """The batch's structure, before anything else is looked at: a wrong format version is
    `exchange.format_unsupported`, anything else missing or mistyped `exchange.batch_malformed`
    naming the field. The signature is checked by `batch_verify`."""
    if not isinstance(document, dict):
        raise _refuse("交换批次应为 JSON 对象", "batch")
    if document.get("format") != FORMAT:
        raise DomainError(
            "exchange.format_unsupported",
            f"交换批次格式版本（format）应为 {FORMAT}，收到 {str(document.get('format'))[:40]}",
            field="format",
        )
    for key in BATCH_KEYS:
        if key not in document:
            raise _refuse(f"交换批次缺少字段 {key}", key)
    installation, province = document["installation"], document["province"]
    if not isinstance(installation, str) or not 1 <= len(installation) <= 200:
        raise _refuse("交换批次的安装标识（installation）无效", "installation")
    if not isinstance(province, str) or not (len(province) == 2 and province.isdigit()):
        raise _refuse("交换批次的省份代码（province）应为两位数字", "province")
    after, nxt = document["after"], document["next"]
    for name, value in (("after", after), ("next", nxt)):
        if not isinstance(value, int) or isinstance(value, bool) or value < 0:
            raise _refuse(f"交换批次的游标（{name}）应为非负整数", name)
    entries = document["entries"]
    if not isinstance(entries, list) or len(entries) > MAX_ENTRIES:
        raise _refuse(f"交换批次的记录（entries）应为不超过 {MAX_ENTRIES} 条的列表", "entries")
    last = after
    for position, entry in enumerate(entries):
        last = _entry_check(position, entry, after, last)
    if nxt < last:
        raise _refuse("交换批次的游标（next）小于最后一条记录的序号", "next")
    signature = document.get("signature")
    if (
        not isinstance(signature, dict)
        or signature.get("alg") != "EdDSA"
        or not isinstance(signature.get("kid"), str)
        or not isinstance(signature.get("value"), str)
    ):
        raise DomainError(
            "exchange.signature_invalid", "交换批次缺少有效的签名（signature）", field="signature"
        )
    return BatchHeader(installation, province, after, nxt, signature["kid"], entries)


def batch_verify(document: Mapping[str, Any], *, public_keys: Mapping[str, bytes]) -> bool:
    """Whether the signature checks out under the sender's key named by its `kid`."""
    signature = document.get("signature")
    if not isinstance(signature, Mapping):
        return False
    raw = public_keys.get(str(signature.get("kid")))
    if raw is None:
        return False
    try:
        value = _unb64url(str(signature.get("value")))
        Ed25519PublicKey.from_public_bytes(raw).verify(value, canonical(document))
    except (InvalidSignature, ValueError):
        return False
    return True


def jwks_public_keys(jwks: Any) -> dict[str, bytes]:
    """The Ed25519 keys of a JSON Web Key Set (RFC 8037), by kid; refuses anything else."""
    if not isinstance(jwks, dict) or not isinstance(jwks.get("keys"), list) or not jwks["keys"]:
        raise DomainError("exchange.keys_invalid", "公钥集应为含 keys 列表的 JWKS", field="keys")
    keys: dict[str, bytes] = {}
    for position, jwk in enumerate(jwks["keys"]):
        if not (
            isinstance(jwk, dict)
            and jwk.get("kty") == "OKP"
            and jwk.get("crv") == "Ed25519"
            and isinstance(jwk.get("kid"), str)
            and isinstance(jwk.get("x"), str)
        ):
            raise DomainError(
                "exchange.keys_invalid",
                f"公钥集第 {position + 1} 个公钥不是 Ed25519（OKP）公钥",
                field="keys",
            )
        try:
            raw = _unb64url(jwk["x"])
        except ValueError:
            raw = b""
        if len(raw) != 32:
            raise DomainError(
                "exchange.keys_invalid", f"公钥集第 {position + 1} 个公钥长度不对", field="keys"
            )
        keys[jwk["kid"]] = raw
    return keys
