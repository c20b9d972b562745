"""Signed verification tokens carried in the certificate's QR code. Pure: keys in, bytes out.

A token is `<kid>.<payload>.<signature>`, base64url without padding; the payload is compact
JSON (number, holder name, masked ID, occupation, level, organisation, issue date). Ed25519
signatures are 64 bytes, so the whole token fits a QR code a phone reads off paper. Anyone with
the province's published public keys (by kid) can verify offline."""

from __future__ import annotations

import base64
import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

PAYLOAD_FIELDS = ("n", "name", "id", "occ", "lvl", "org", "date")


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def sign_token(*, kid: str, key: Ed25519PrivateKey, payload: Mapping[str, Any]) -> str:
    if "." in kid or not kid:
        raise ValueError("key id must be non-empty and contain no '.'")
    body = json.dumps(
        {k: payload[k] for k in PAYLOAD_FIELDS}, ensure_ascii=False, separators=(",", ":")
    ).encode("utf-8")
    signed = f"{kid}.{_b64(body)}".encode("ascii")
    return f"{signed.decode()}.{_b64(key.sign(signed))}"


@dataclass(frozen=True)
class TokenCheck:
    valid: bool
    payload: dict[str, Any] | None = None
    reason: str = ""
    kid: str = ""


def verify_token(token: str, *, public_keys: Mapping[str, Ed25519PublicKey]) -> TokenCheck:
    parts = token.strip().split(".")
    if len(parts) != 3 or not all(parts):
        return TokenCheck(False, reason="malformed")
    kid, body_b64, sig_b64 = parts
    key = public_keys.get(kid)
    if key is None:
        return TokenCheck(False, reason="unknown_key", kid=kid)
    try:
        signature = _unb64(sig_b64)
        body = _unb64(body_b64)
    except (ValueError, base64.binascii.Error):  # type: ignore[attr-defined]
        return TokenCheck(False, reason="malformed", kid=kid)
    try:
        key.verify(signature, f"{kid}.{body_b64}".encode("ascii"))
    except InvalidSignature:
        return TokenCheck(False, reason="bad_signature", kid=kid)
    try:
        payload = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError):
        return TokenCheck(False, reason="malformed", kid=kid)
    if not isinstance(payload, dict) or set(payload) != set(PAYLOAD_FIELDS):
        return TokenCheck(False, reason="malformed", kid=kid)
    return TokenCheck(True, payload=payload, kid=kid)
