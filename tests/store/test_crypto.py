"""Field encryption: round trip, context binding, tamper detection, rotation."""

from __future__ import annotations

import base64

import pytest

from threadline.errors import ConfigError
from threadline.store import DecryptionError, FieldCipher

KEY_A = base64.b64encode(b"a" * 32).decode()
KEY_B = base64.b64encode(b"b" * 32).decode()


def test_encrypt_then_decrypt_returns_the_text() -> None:
    cipher = FieldCipher.from_spec(None, b"secret")
    token = cipher.encrypt("+17025550142", "contacts.phone")
    assert token.startswith("tl1.k0.")
    assert "7025550142" not in token
    assert cipher.decrypt(token, "contacts.phone") == "+17025550142"


def test_same_text_encrypts_differently_each_time() -> None:
    cipher = FieldCipher.from_spec(None, b"secret")
    assert cipher.encrypt("x", "c") != cipher.encrypt("x", "c")


def test_token_does_not_open_in_another_column() -> None:
    cipher = FieldCipher.from_spec(None, b"secret")
    token = cipher.encrypt("Ana", "contacts.name")
    with pytest.raises(DecryptionError, match="tampered or wrong context"):
        cipher.decrypt(token, "contacts.phone")


def test_tampered_token_is_refused() -> None:
    cipher = FieldCipher.from_spec(None, b"secret")
    token = cipher.encrypt("Ana", "c")
    flipped = token[:-2] + ("A" if token[-2] != "A" else "B") + token[-1]
    with pytest.raises(DecryptionError):
        cipher.decrypt(flipped, "c")


@pytest.mark.parametrize("token", ["", "plain text", "tl1.k0.", "tl1.k0.!!!", "tl2.k0.abcd"])
def test_malformed_tokens_are_refused(token: str) -> None:
    with pytest.raises(DecryptionError):
        FieldCipher.from_spec(None, b"secret").decrypt(token, "c")


def test_rotation_moves_old_tokens_to_the_new_primary_key() -> None:
    old = FieldCipher.from_spec(f"a:{KEY_A}", b"unused")
    token = old.encrypt("Ana", "c")
    ring = FieldCipher.from_spec(f"b:{KEY_B},a:{KEY_A}", b"unused")
    assert ring.needs_rotation(token) is True
    rotated = ring.rotate(token, "c")
    assert rotated.startswith("tl1.b.")
    assert ring.needs_rotation(rotated) is False
    assert ring.decrypt(rotated, "c") == "Ana"


def test_unknown_key_is_named() -> None:
    token = FieldCipher.from_spec(f"a:{KEY_A}", b"x").encrypt("Ana", "c")
    with pytest.raises(DecryptionError, match="unknown key 'a'"):
        FieldCipher.from_spec(f"b:{KEY_B}", b"x").decrypt(token, "c")


@pytest.mark.parametrize("spec", ["a:short", "a:!!notbase64", "a-b:" + KEY_A])
def test_bad_key_specs_are_config_errors(spec: str) -> None:
    with pytest.raises(ConfigError):
        FieldCipher.from_spec(spec, b"x")
