"""The province's certificate signing keys, kept outside the database.

`SKILLCERT_SIGNING_KEYS` = comma-separated `kid:base64(32-byte Ed25519 private key)`, newest
first (production); locally a key is generated once into `var/signing_keys`. New certificates
are signed with the first key; every listed key's public half is published, so certificates
signed before a rotation stay verifiable. Drop a private key from the list once retired, but
keep publishing its public key (SKILLCERT_RETIRED_PUBLIC_KEYS = `kid:base64(public)`)."""

from __future__ import annotations

import base64
import os
import secrets
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlsplit

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from skillcert.certificates.credentials import controller_document


def _raw_private_keys() -> str:
    raw = os.environ.get("SKILLCERT_SIGNING_KEYS", "")
    if raw:
        return raw
    if getattr(settings, "PRODUCTION", False):
        raise ImproperlyConfigured("生产环境必须设置 SKILLCERT_SIGNING_KEYS（证书签名私钥）")
    path = Path(settings.VAR_DIR) / "signing_keys"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        kid = f"{settings.SKILLCERT_PROVINCE}-local-1"
        path.write_text(f"{kid}:{base64.b64encode(secrets.token_bytes(32)).decode()}")
        path.chmod(0o600)
    return path.read_text().strip()


@cache
def signing_keys() -> list[tuple[str, Ed25519PrivateKey]]:
    keys = []
    for item in _raw_private_keys().split(","):
        kid, _, b64 = item.strip().partition(":")
        raw = base64.b64decode(b64)
        if not kid or "." in kid or len(raw) != 32:
            raise ImproperlyConfigured(
                "SKILLCERT_SIGNING_KEYS 格式应为 kid:base64(32字节私钥)，kid 不含“.”"
            )
        keys.append((kid, Ed25519PrivateKey.from_private_bytes(raw)))
    return keys


def current_signing_key() -> tuple[str, Ed25519PrivateKey]:
    return signing_keys()[0]


@cache
def public_keys() -> dict[str, Ed25519PublicKey]:
    keys = {kid: key.public_key() for kid, key in signing_keys()}
    for item in os.environ.get("SKILLCERT_RETIRED_PUBLIC_KEYS", "").split(","):
        kid, _, b64 = item.strip().partition(":")
        if kid:
            keys[kid] = Ed25519PublicKey.from_public_bytes(base64.b64decode(b64))
    return keys


def public_key_bytes(key: Ed25519PublicKey) -> bytes:
    return key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)


def jwks() -> dict[str, list[dict[str, str]]]:
    """The published keys as a JSON Web Key Set (RFC 8037 OKP keys)."""
    return {
        "keys": [
            {
                "kty": "OKP",
                "crv": "Ed25519",
                "alg": "EdDSA",
                "use": "sig",
                "kid": kid,
                "x": base64.urlsafe_b64encode(public_key_bytes(key)).rstrip(b"=").decode(),
            }
            for kid, key in public_keys().items()
        ]
    }


# The issuer's DID document lives under /certificates/, so it is served by this app wherever
# the installation is mounted: did:web:<host>:<path…>:certificates:issuer resolves (did:web
# §3.2) to https://<host>/<path…>/certificates/issuer/did.json.
ISSUER_PATH = ("certificates", "issuer")


def issuer_did() -> str:
    """The province's issuer identifier: the controller of every signing key, the issuer of
    every credential and status list."""
    url = urlsplit(settings.SKILLCERT_PUBLIC_URL)
    segments = [s for s in url.path.split("/") if s] + list(ISSUER_PATH)
    return ":".join(["did", "web", quote(url.netloc, safe=""), *segments])


def verification_method(kid: str) -> str:
    return f"{issuer_did()}#{kid}"


def issuer_controller_document() -> dict[str, Any]:
    return controller_document(
        issuer_did(), {kid: public_key_bytes(key) for kid, key in public_keys().items()}
    )
