"""Item content and sealed papers at rest (AES-GCM, key outside the database).

Item text is encrypted when `SKILLCERT_ITEMBANK_KEYS` is set (production) or the setting
`ITEMBANK_ENCRYPT_AT_REST` is true (locally a key is then generated once into
`var/itembank_keys`, mode 0600). Sealed papers are always encrypted. Keys:
`SKILLCERT_ITEMBANK_KEYS` = comma-separated `id:base64(32 bytes)` pairs, newest first. New
values use the first key; each stored value names its key id, so after putting a new key
first, old rows stay readable until the `items_rekey` service has re-encrypted them; then the
old key can be dropped. The keys are separate from the PII keys so that a leak of one does not
open the other, and they must never be stored in the database or in a backup next to it.
"""

from __future__ import annotations

import base64
import os
import secrets
from functools import cache
from pathlib import Path

from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

PREFIX = "ib1"
ENV = "SKILLCERT_ITEMBANK_KEYS"


def _local_keys() -> str:
    path = Path(settings.VAR_DIR) / "itembank_keys"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("ib-k1:" + base64.b64encode(secrets.token_bytes(32)).decode())
        path.chmod(0o600)
    return path.read_text().strip()


@cache
def _keys() -> tuple[tuple[str, bytes], ...]:
    raw = os.environ.get(ENV, "")
    if not raw:
        if getattr(settings, "PRODUCTION", False):
            raise ImproperlyConfigured(f"生产环境必须设置 {ENV}（题库加密密钥）")
        raw = _local_keys()
    keys: list[tuple[str, bytes]] = []
    for part in raw.split(","):
        key_id, _, b64 = part.strip().partition(":")
        key = base64.b64decode(b64)
        if not key_id or len(key) != 32:
            raise ImproperlyConfigured(f"{ENV} 格式应为 id:base64(32字节)，多个以逗号分隔")
        keys.append((key_id, key))
    return tuple(keys)


def encryption_enabled() -> bool:
    return bool(os.environ.get(ENV)) or bool(getattr(settings, "ITEMBANK_ENCRYPT_AT_REST", False))


def seal_bytes(data: bytes, *, context: str) -> bytes:
    """`context` (e.g. the paper code) is bound as associated data: a ciphertext moved to
    another row does not decrypt."""
    key_id, key = _keys()[0]
    nonce = secrets.token_bytes(12)
    sealed = AESGCM(key).encrypt(nonce, data, f"{key_id}|{context}".encode())
    return f"{PREFIX}:{key_id}:".encode() + nonce + sealed


def open_bytes(blob: bytes, *, context: str) -> bytes:
    prefix, key_id, rest = bytes(blob).split(b":", 2)
    if prefix.decode() != PREFIX:
        raise ValueError("not a sealed value")
    keys = dict(_keys())
    name = key_id.decode()
    if name not in keys:
        raise ImproperlyConfigured(f"缺少题库解密密钥 {name}（{ENV}）")
    return AESGCM(keys[name]).decrypt(rest[:12], rest[12:], f"{name}|{context}".encode())


def encrypt_text(text: str) -> str:
    blob = seal_bytes(text.encode("utf-8"), context="item")
    head, _, body = blob.partition(b":")
    key_id, _, raw = body.partition(b":")
    return f"{head.decode()}:{key_id.decode()}:{base64.b64encode(raw).decode()}"


def decrypt_text(token: str) -> str:
    prefix, key_id, b64 = token.split(":", 2)
    blob = f"{prefix}:{key_id}:".encode() + base64.b64decode(b64)
    return open_bytes(blob, context="item").decode("utf-8")


def is_encrypted(token: str) -> bool:
    return token.startswith(f"{PREFIX}:")


def needs_rekey(token: str) -> bool:
    return not is_encrypted(token) or token.split(":", 2)[1] != _keys()[0][0]
