"""W3C Verifiable Credentials for certificates (Open Badges 3.0 AchievementCredential), the
Bitstring Status Lists and the issuer's controller document, signed with the province's
Ed25519 key as Data Integrity proofs of the `eddsa-jcs-2022` cryptosuite. Pure: documents and
keys in, documents out.

Canonicalisation is RFC 8785 (JCS) as it applies to these documents: object keys are ASCII,
numbers are integers, so `json.dumps(sort_keys=True, separators=(",", ":"),
ensure_ascii=False)` produces exactly the JCS bytes.

The proof carries the document's `@context` (Data Integrity EdDSA §3.3: the proof options are
hashed with it, and a verifier checks the document's context starts with the proof's)."""

from __future__ import annotations

import base64
import copy
import gzip
import hashlib
import json
import secrets
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

_B58 = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"
# The spec's minimum (16 KB of bits), so one revoked bit hides among many; every list has
# exactly this length, and the certificates spread over as many lists as they need.
STATUS_LIST_BITS = 131_072
# The multicodec prefix of an Ed25519 public key (0xed, varint-encoded): "z6Mk…" in base58btc.
_ED25519_PUB_MULTICODEC = b"\xed\x01"
DID_CONTEXT = "https://www.w3.org/ns/did/v1"
MULTIKEY_CONTEXT = "https://w3id.org/security/multikey/v1"
VC_CONTEXT = "https://www.w3.org/ns/credentials/v2"
OB_CONTEXT = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"


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


def multikey_public(raw_public_key: bytes) -> str:
    """`publicKeyMultibase` of an Ed25519 key (Controlled Identifiers §2.2.2 Multikey)."""
    return "z" + base58btc(_ED25519_PUB_MULTICODEC + raw_public_key)


def controller_document(controller: str, public_keys: Mapping[str, bytes]) -> dict[str, Any]:
    """The issuer's DID document: one `Multikey` verification method per published key
    (fragment = the key id), each authorised to sign credentials (`assertionMethod`)."""
    methods = [
        {
            "id": f"{controller}#{kid}",
            "type": "Multikey",
            "controller": controller,
            "publicKeyMultibase": multikey_public(raw),
        }
        for kid, raw in public_keys.items()
    ]
    return {
        "@context": [DID_CONTEXT, MULTIKEY_CONTEXT],
        "id": controller,
        "verificationMethod": methods,
        "assertionMethod": [method["id"] for method in methods],
    }


def _hash_data(document: Mapping[str, Any], proof_config: Mapping[str, Any]) -> bytes:
    return hashlib.sha256(jcs(proof_config)).digest() + hashlib.sha256(jcs(document)).digest()


def sign_credential(
    document: Mapping[str, Any],
    *,
    key: Ed25519PrivateKey,
    verification_method: str,
    created: str,
    proof_as_list: bool = False,
) -> dict[str, Any]:
    """`proof_as_list`: the Open Badges 3.0 schema wants `proof` as an array."""
    unsigned = {k: v for k, v in document.items() if k != "proof"}
    proof: dict[str, Any] = {
        "type": "DataIntegrityProof",
        "cryptosuite": "eddsa-jcs-2022",
        "created": created,
        "verificationMethod": verification_method,
        "proofPurpose": "assertionMethod",
    }
    if "@context" in unsigned:
        proof["@context"] = unsigned["@context"]
    proof["proofValue"] = "z" + base58btc(key.sign(_hash_data(unsigned, proof)))
    return dict(unsigned) | {"proof": [proof] if proof_as_list else proof}


def single_proof(document: Mapping[str, Any]) -> dict[str, Any] | None:
    proof = document.get("proof")
    if isinstance(proof, list) and len(proof) == 1:
        proof = proof[0]
    return proof if isinstance(proof, dict) else None


def verify_credential(document: Mapping[str, Any], *, public_key: Ed25519PublicKey) -> bool:
    proof = single_proof(document)
    if proof is None or not str(proof.get("proofValue", "")).startswith("z"):
        return False
    unsigned = {k: v for k, v in document.items() if k != "proof"}
    proof_config = {k: v for k, v in proof.items() if k != "proofValue"}
    if proof_config.get("@context", unsigned.get("@context")) != unsigned.get("@context"):
        return False
    try:
        public_key.verify(unbase58btc(proof["proofValue"][1:]), _hash_data(unsigned, proof_config))
    except (InvalidSignature, ValueError):
        return False
    return True


def identity_salt() -> str:
    return secrets.token_hex(16)


def identity_hash(identity: str, salt: str) -> str:
    """Open Badges 3.0 IdentityHash: `sha256$` + hex SHA-256 of the UTF-8 identity followed by
    the salt, so a relying party who is shown the ID number can check it."""
    return "sha256$" + hashlib.sha256((identity + salt).encode()).hexdigest()


def encode_status_list(set_indexes: Iterable[int], *, length: int = STATUS_LIST_BITS) -> str:
    """Bitstring Status List `encodedList`: multibase base64url of the GZIP of the bits, the
    first index being the most significant bit of the first byte."""
    bits = bytearray(length // 8)
    for index in set_indexes:
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


def status_entry(list_url: str, index: int, purpose: str) -> dict[str, str]:
    return {
        "id": f"{list_url}#{index}",
        "type": "BitstringStatusListEntry",
        "statusPurpose": purpose,
        "statusListIndex": str(index),
        "statusListCredential": list_url,
    }


def status_list_document(
    *, list_url: str, issuer: str, purpose: str, set_indexes: Sequence[int], valid_from: str
) -> dict[str, Any]:
    return {
        "@context": [VC_CONTEXT],
        "id": list_url,
        "type": ["VerifiableCredential", "BitstringStatusListCredential"],
        "issuer": issuer,
        "validFrom": valid_from,
        "credentialSubject": {
            "id": f"{list_url}#list",
            "type": "BitstringStatusList",
            "statusPurpose": purpose,
            "encodedList": encode_status_list(set_indexes),
        },
    }


def copy_without_proof(document: Mapping[str, Any]) -> dict[str, Any]:
    return copy.deepcopy({k: v for k, v in document.items() if k != "proof"})
