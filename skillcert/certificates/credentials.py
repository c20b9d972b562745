"""W3C Verifiable Credentials for certificates (Open Badges 3.0 AchievementCredential) and the
Bitstring Status List, signed with the province's Ed25519 key as Data Integrity proofs of the
`eddsa-jcs-2022` cryptosuite. Pure: documents and keys in, documents out.

Canonicalisation is RFC 8785 (JCS) as it applies to these documents: object keys are ASCII,
numbers are integers, so `json.dumps(sort_keys=True, separators=(",", ":"),
ensure_ascii=False)` produces exactly the JCS bytes."""

from __future__ import annotations

import base64
import copy
import gzip
import hashlib
import json
from collections.abc import Iterable, Mapping
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

_B58 = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"
STATUS_LIST_BITS = 131_072  # the spec's minimum, so one revoked bit hides among many


def jcs(document: Any) -> bytes:
    return json.dumps(document, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def base58btc(data: bytes) -> str:
    number = int.from_bytes(data, "big")
    out = ""
    while number:
        number, rem = divmod(number, 58)
        out = _B58[rem] + out
    return "1" * (len(data) - len(data.lstrip(b"\0"))) + out


def unbase58btc(text: str) -> bytes:
    number = 0
    for char in text:
        number = number * 58 + _B58.index(char)
    body = number.to_bytes((number.bit_length() + 7) // 8, "big") if number else b""
    return b"\0" * (len(text) - len(text.lstrip("1"))) + body


def _hash_data(document: Mapping[str, Any], proof_config: Mapping[str, Any]) -> bytes:
    return hashlib.sha256(jcs(proof_config)).digest() + hashlib.sha256(jcs(document)).digest()


def sign_credential(
    document: Mapping[str, Any], *, key: Ed25519PrivateKey, verification_method: str, created: str
) -> dict[str, Any]:
    unsigned = {k: v for k, v in document.items() if k != "proof"}
    proof_config = {
        "type": "DataIntegrityProof",
        "cryptosuite": "eddsa-jcs-2022",
        "created": created,
        "verificationMethod": verification_method,
        "proofPurpose": "assertionMethod",
        "@context": unsigned.get("@context"),
    }
    signature = key.sign(_hash_data(unsigned, proof_config))
    proof = {k: v for k, v in proof_config.items() if k != "@context"}
    proof["proofValue"] = "z" + base58btc(signature)
    return dict(unsigned) | {"proof": proof}


def verify_credential(document: Mapping[str, Any], *, public_key: Ed25519PublicKey) -> bool:
    proof = document.get("proof")
    if not isinstance(proof, dict) or not str(proof.get("proofValue", "")).startswith("z"):
        return False
    unsigned = {k: v for k, v in document.items() if k != "proof"}
    proof_config = {k: v for k, v in proof.items() if k != "proofValue"}
    proof_config["@context"] = unsigned.get("@context")
    try:
        public_key.verify(unbase58btc(proof["proofValue"][1:]), _hash_data(unsigned, proof_config))
    except (InvalidSignature, ValueError):
        return False
    return True


def encode_status_list(revoked_indexes: Iterable[int], *, length: int = STATUS_LIST_BITS) -> str:
    """Bitstring Status List `encodedList`: multibase base64url of the GZIP of the bits, the
    first index being the most significant bit of the first byte."""
    bits = bytearray(length // 8)
    for index in revoked_indexes:
        if not 0 <= index < length:
            raise ValueError(f"status index {index} outside the list")
        bits[index // 8] |= 0x80 >> (index % 8)
    packed = gzip.compress(bytes(bits), mtime=0)
    return "u" + base64.urlsafe_b64encode(packed).rstrip(b"=").decode()


def decode_status_list(encoded: str) -> bytes:
    body = encoded[1:] if encoded.startswith("u") else encoded
    return gzip.decompress(base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)))


def is_revoked(encoded: str, index: int) -> bool:
    bits = decode_status_list(encoded)
    return bool(bits[index // 8] & (0x80 >> (index % 8)))


def copy_without_proof(document: Mapping[str, Any]) -> dict[str, Any]:
    return copy.deepcopy({k: v for k, v in document.items() if k != "proof"})
