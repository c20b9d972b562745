import base64
import secrets

import pytest
from cryptography.exceptions import InvalidTag

from skillcert.common import pii


@pytest.fixture
def two_keys(monkeypatch):
    old = "old:" + base64.b64encode(secrets.token_bytes(32)).decode()
    new = "new:" + base64.b64encode(secrets.token_bytes(32)).decode()
    monkeypatch.setenv("SKILLCERT_PII_KEYS", old)
    pii._keys.cache_clear()
    yield old, new
    pii._keys.cache_clear()


def test_round_trip_and_ciphertext_hides_the_value():
    token = pii.pii_encrypt("320102199001011234")
    assert "320102199001011234" not in token
    assert pii.pii_decrypt(token) == "320102199001011234"
    assert pii.pii_encrypt("320102199001011234") != token  # random nonce


def test_many_values_are_sealed_each_with_its_own_nonce():
    values = ["320102199001011234", "13912345678", "张三", "320102199001011234"]
    tokens = pii.pii_encrypt_many(values)
    assert [pii.pii_decrypt(t) for t in tokens] == values
    nonces = [base64.b64decode(t.rsplit(":", 1)[1])[:12] for t in tokens]
    assert len(set(nonces)) == len(values)
    assert tokens[0] != tokens[3]  # the same value, sealed twice, reads differently
    assert pii.pii_encrypt_many([]) == []


def test_digest_is_stable_and_keyed():
    assert pii.pii_digest("13912345678") == pii.pii_digest("13912345678")
    assert pii.pii_digest("13912345678") != pii.pii_digest("13912345679")


def test_rotation_keeps_old_rows_readable(two_keys, monkeypatch):
    old, new = two_keys
    token = pii.pii_encrypt("张三")
    monkeypatch.setenv("SKILLCERT_PII_KEYS", f"{new},{old}")
    pii._keys.cache_clear()
    assert pii.pii_decrypt(token) == "张三"
    assert pii.needs_rotation(token)
    assert not pii.needs_rotation(pii.pii_encrypt("张三"))


def test_tampered_ciphertext_is_refused():
    token = pii.pii_encrypt("x")
    head, body = token.rsplit(":", 1)
    blob = bytearray(base64.b64decode(body))
    blob[-1] ^= 1
    with pytest.raises(InvalidTag):
        pii.pii_decrypt(head + ":" + base64.b64encode(bytes(blob)).decode())


def test_malformed_key_configuration_is_refused(monkeypatch):
    monkeypatch.setenv("SKILLCERT_PII_KEYS", "k1:c2hvcnQ=")
    pii._keys.cache_clear()
    try:
        with pytest.raises(Exception, match="SKILLCERT_PII_KEYS"):
            pii.pii_encrypt("x")
    finally:
        pii._keys.cache_clear()


@pytest.mark.parametrize("key_bytes", [32, 64, 100], ids=["32-byte", "one-block", "long"])
def test_digest_is_hmac_sha256_with_the_hash_key(monkeypatch, key_bytes):
    import hashlib
    import hmac

    key = secrets.token_bytes(key_bytes)
    monkeypatch.setenv("SKILLCERT_PII_HASH_KEY", base64.b64encode(key).decode())
    pii._hash_key.cache_clear()
    pii._hmac_states.cache_clear()
    try:
        for value in ("320102199001011234", "13912345678", "", "张三" * 40):
            expected = hmac.digest(key, value.encode(), hashlib.sha256).hex()
            assert pii.pii_digest(value) == expected
    finally:
        pii._hash_key.cache_clear()
        pii._hmac_states.cache_clear()
