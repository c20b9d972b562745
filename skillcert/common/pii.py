"""Personal data at rest (PIPL): ID numbers and phone numbers are stored encrypted with a
key kept outside the database, and found through a keyed hash.

Keys: `SKILLCERT_PII_KEYS` = comma-separated `id:base64key` pairs, newest first (production);
locally a key is generated once into `var/pii_keys`. Encryption always uses the first key; a
stored value carries its key id, so old rows stay readable after rotation. Rotation: put the new
key first, run `manage.py pii rotate` (re-encrypts every row with the new key), then drop the
old key. The lookup hash uses its own key (`SKILLCERT_PII_HASH_KEY`, or var/pii_hash_key); it
never rotates without re-hashing every row, so keep it stable.
"""

from __future__ import annotations

import base64
import hashlib
import os
import secrets
from collections.abc import Callable, Sequence
from functools import cache
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import models

_PREFIX = "pii1"


def _var_file(name: str, make: Callable[[], str]) -> str:
    path = Path(settings.VAR_DIR) / name
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(make())
        path.chmod(0o600)
    return path.read_text().strip()


@cache
def _keys() -> list[tuple[str, bytes]]:
    raw = os.environ.get("SKILLCERT_PII_KEYS", "")
    if not raw:
        if getattr(settings, "PRODUCTION", False):
            raise ImproperlyConfigured("生产环境必须设置 SKILLCERT_PII_KEYS（个人信息加密密钥）")
        raw = _var_file(
            "pii_keys", lambda: "k1:" + base64.b64encode(secrets.token_bytes(32)).decode()
        )
    keys: list[tuple[str, bytes]] = []
    for item in raw.split(","):
        key_id, _, b64 = item.strip().partition(":")
        key = base64.b64decode(b64)
        if not key_id or len(key) != 32:
            raise ImproperlyConfigured(
                "SKILLCERT_PII_KEYS 格式应为 id:base64(32字节)，多个以逗号分隔"
            )
        keys.append((key_id, key))
    return keys


@cache
def _hash_key() -> bytes:
    raw = os.environ.get("SKILLCERT_PII_HASH_KEY", "")
    if not raw:
        if getattr(settings, "PRODUCTION", False):
            raise ImproperlyConfigured("生产环境必须设置 SKILLCERT_PII_HASH_KEY")
        raw = _var_file("pii_hash_key", lambda: base64.b64encode(secrets.token_bytes(32)).decode())
    return base64.b64decode(raw)


@cache
def _cipher(key: bytes) -> AESGCM:
    # One AESGCM per key: building it (key schedule) costs as much as sealing an ID number,
    # and a roster import seals two values per row. Each value still gets its own nonce.
    return AESGCM(key)


def pii_encrypt(value: str) -> str:
    return pii_encrypt_many([value])[0]


_NONCE = 12


def pii_encrypt_many(values: Sequence[str]) -> list[str]:
    """`pii_encrypt` of each value. The random nonces are drawn from the OS in one read
    instead of one a value (a system call each: a roster import seals 2 × 10^5 values);
    96 random bits a value either way."""
    key_id, key = _keys()[0]
    seal, label, head = _cipher(key).encrypt, key_id.encode(), f"{_PREFIX}:{key_id}:"
    nonces = secrets.token_bytes(_NONCE * len(values))
    sealed = []
    for index, value in enumerate(values):
        nonce = nonces[index * _NONCE : (index + 1) * _NONCE]
        blob = nonce + seal(nonce, value.encode("utf-8"), label)
        sealed.append(head + base64.b64encode(blob).decode())
    return sealed


def pii_decrypt(token: str) -> str:
    prefix, key_id, b64 = token.split(":", 2)
    if prefix != _PREFIX:
        raise ValueError("not an encrypted value")
    keys = dict(_keys())
    if key_id not in keys:
        raise ImproperlyConfigured(f"缺少个人信息解密密钥 {key_id}（SKILLCERT_PII_KEYS）")
    blob = base64.b64decode(b64)
    return AESGCM(keys[key_id]).decrypt(blob[:12], blob[12:], key_id.encode()).decode("utf-8")


_SHA256_BLOCK = 64


@cache
def _hmac_states() -> tuple[Any, Any]:
    """SHA-256 with the hash key's inner and outer pads already absorbed (RFC 2104): each
    digest copies them instead of hashing the padded key again, half the work of
    `hmac.digest` for a value as short as an ID number (a roster import hashes two a row)."""
    key = _hash_key()
    if len(key) > _SHA256_BLOCK:
        key = hashlib.sha256(key).digest()
    key = key.ljust(_SHA256_BLOCK, b"\0")
    inner = hashlib.sha256(bytes(byte ^ 0x36 for byte in key))
    outer = hashlib.sha256(bytes(byte ^ 0x5C for byte in key))
    return inner, outer


def pii_digest(value: str) -> str:
    """Keyed hash for equality search and uniqueness (an unkeyed hash of an ID number could be
    reversed by enumerating birth dates and serials): HMAC-SHA256 with the hash key."""
    inner_pad, outer_pad = _hmac_states()
    inner = inner_pad.copy()
    inner.update(value.encode("utf-8"))
    outer = outer_pad.copy()
    outer.update(inner.digest())
    return outer.hexdigest()


def needs_rotation(token: str) -> bool:
    return token.split(":", 2)[1] != _keys()[0][0]


class EncryptedCharField(models.TextField):
    """Stores `pii_encrypt(value)`; Python code sees the plain value. Not searchable: pair it
    with a `*_digest` CharField holding `pii_digest(value)`."""

    def from_db_value(self, value: Any, expression: Any, connection: Any) -> Any:
        if value is None or value == "":
            return value
        return pii_decrypt(value)

    def get_prep_value(self, value: Any) -> Any:
        value = super().get_prep_value(value)
        if value is None or value == "":
            return value
        return pii_encrypt(str(value))
