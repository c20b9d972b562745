from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from hypothesis import given, settings
from hypothesis import strategies as st

from skillcert.certificates.tokens import sign_token, verify_token

KEY = Ed25519PrivateKey.generate()
OTHER = Ed25519PrivateKey.generate()
PAYLOAD = {
    "n": "Y000051001064253000001",
    "name": "张䶮",
    "id": "3201**********1234",
    "occ": "企业人力资源管理师",
    "lvl": 3,
    "org": "南京金陵人力资源职业技能评价中心",
    "date": "2025-06-30",
}


def test_signed_token_verifies_offline_with_the_public_key():
    token = sign_token(kid="js2025", key=KEY, payload=PAYLOAD)
    check = verify_token(token, public_keys={"js2025": KEY.public_key()})
    assert check.valid
    assert check.payload == PAYLOAD
    assert len(token) < 400  # small enough for a QR code read off paper


def test_tampered_payload_is_rejected():
    token = sign_token(kid="js2025", key=KEY, payload=PAYLOAD)
    kid, _body, sig = token.split(".")
    forged = sign_token(kid="js2025", key=OTHER, payload=PAYLOAD | {"lvl": 1}).split(".")[1]
    check = verify_token(f"{kid}.{forged}.{sig}", public_keys={"js2025": KEY.public_key()})
    assert not check.valid
    assert check.reason == "bad_signature"


def test_token_signed_by_a_foreign_key_is_rejected():
    token = sign_token(kid="js2025", key=OTHER, payload=PAYLOAD)
    assert verify_token(token, public_keys={"js2025": KEY.public_key()}).reason == "bad_signature"
    assert verify_token(token, public_keys={"other": KEY.public_key()}).reason == "unknown_key"


def test_old_key_still_verifies_after_rotation():
    old_token = sign_token(kid="js2024", key=OTHER, payload=PAYLOAD)
    keys = {"js2025": KEY.public_key(), "js2024": OTHER.public_key()}
    assert verify_token(old_token, public_keys=keys).valid


@settings(max_examples=200)
@given(st.text(max_size=200))
def test_arbitrary_strings_never_verify_and_never_raise(garbage):
    check = verify_token(garbage, public_keys={"js2025": KEY.public_key()})
    assert not check.valid
    assert check.reason in {"malformed", "unknown_key", "bad_signature"}
