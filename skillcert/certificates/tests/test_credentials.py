from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from hypothesis import given
from hypothesis import strategies as st

from skillcert.certificates.credentials import (
    base58btc,
    encode_status_list,
    is_revoked,
    sign_credential,
    unbase58btc,
    verify_credential,
)

KEY = Ed25519PrivateKey.generate()
DOC: dict = {
    "@context": ["https://www.w3.org/ns/credentials/v2"],
    "type": ["VerifiableCredential", "OpenBadgeCredential"],
    "credentialSubject": {
        "name": "张䶮",
        "achievement": {"name": "企业人力资源管理师 三级/高级工"},
    },
}


def test_signed_credential_verifies_and_a_changed_one_does_not():
    signed = sign_credential(
        DOC, key=KEY, verification_method="https://x/keys#k1", created="2025-06-30T00:00:00Z"
    )
    assert signed["proof"]["cryptosuite"] == "eddsa-jcs-2022"
    assert verify_credential(signed, public_key=KEY.public_key())
    tampered = signed | {
        "credentialSubject": {
            "name": "李四",
            "achievement": DOC["credentialSubject"]["achievement"],
        }
    }
    assert not verify_credential(tampered, public_key=KEY.public_key())
    assert not verify_credential(signed, public_key=Ed25519PrivateKey.generate().public_key())


@given(st.binary(max_size=80))
def test_base58_round_trips(data):
    assert unbase58btc(base58btc(data)) == data


def test_status_list_marks_exactly_the_revoked_indexes():
    encoded = encode_status_list([0, 7, 130_000])
    assert encoded.startswith("u")
    assert is_revoked(encoded, 0)
    assert is_revoked(encoded, 7)
    assert is_revoked(encoded, 130_000)
    assert not is_revoked(encoded, 1)
    assert not is_revoked(encoded, 8)
