"""Field-level encryption of personal data (AES-256-GCM) with a rotatable key ring.

A token reads `tl1.<key id>.<base64url(nonce + ciphertext)>`. The key id says which key sealed
it, so old tokens stay readable after a new primary key is added, and `needs_rotation` finds
the ones to re-encrypt. The context (e.g. "contacts.phone") is bound as associated data, so a
value copied into another column does not decrypt.
"""

from __future__ import annotations

import base64
import os
from collections.abc import Mapping

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from threadline.errors import ConfigError, ThreadlineError

PREFIX = "tl1"
NONCE_BYTES = 12


class DecryptionError(ThreadlineError):
    """A token that is malformed, sealed by an unknown key, or tampered with."""

    status = 500


class FieldCipher:
    """Encrypts with the primary key; decrypts with whichever key sealed the token."""

    def __init__(self, keys: Mapping[str, bytes], primary: str) -> None:
        if primary not in keys:
            raise ConfigError(f"primary field key {primary!r} is not in the key ring")
        for key_id, key in keys.items():
            if len(key) != 32 or not key_id.isalnum():
                raise ConfigError(f"field key {key_id!r} must be 32 bytes with an alphanumeric id")
        self._keys = {key_id: AESGCM(key) for key_id, key in keys.items()}
        self.primary = primary

    @classmethod
    def from_spec(cls, spec: str | None, secret_key: bytes) -> FieldCipher:
        """From `id:base64key,...` (first is primary), or one key derived from the secret key."""
        if not spec:
            return cls({"k0": derive_key(secret_key, b"threadline field encryption")}, "k0")
        keys: dict[str, bytes] = {}
        for part in spec.split(","):
            key_id, _, encoded = part.strip().partition(":")
            try:
                keys[key_id] = base64.b64decode(encoded, validate=True)
            except ValueError as exc:
                raise ConfigError(f"field key {key_id!r} is not base64") from exc
        return cls(keys, spec.split(",")[0].strip().partition(":")[0])

    def encrypt(self, plaintext: str, context: str) -> str:
        """A token sealing the text under the primary key, bound to the context."""
        nonce = os.urandom(NONCE_BYTES)
        sealed = self._keys[self.primary].encrypt(nonce, plaintext.encode(), context.encode())
        body = base64.urlsafe_b64encode(nonce + sealed).decode().rstrip("=")
        return f"{PREFIX}.{self.primary}.{body}"

    def decrypt(self, token: str, context: str) -> str:
        """The text a token seals; DecryptionError when it cannot be opened."""
        key_id, blob = _split(token)
        cipher = self._keys.get(key_id)
        if cipher is None:
            raise DecryptionError(f"token sealed by unknown key {key_id!r}")
        try:
            plain = cipher.decrypt(blob[:NONCE_BYTES], blob[NONCE_BYTES:], context.encode())
        except InvalidTag as exc:
            raise DecryptionError("token does not open: tampered or wrong context") from exc
        return plain.decode()

    def needs_rotation(self, token: str) -> bool:
        """True when the token was sealed by a key other than the primary."""
        return _split(token)[0] != self.primary

    def rotate(self, token: str, context: str) -> str:
        """The same text sealed under the primary key."""
        return self.encrypt(self.decrypt(token, context), context)


def derive_key(secret: bytes, purpose: bytes) -> bytes:
    """A 32-byte key for one purpose from the installation's secret (HKDF-SHA256)."""
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=purpose).derive(secret)


def _split(token: str) -> tuple[str, bytes]:
    parts = token.split(".")
    if len(parts) != 3 or parts[0] != PREFIX:
        raise DecryptionError("not an encrypted field token")
    try:
        blob = base64.urlsafe_b64decode(parts[2] + "=" * (-len(parts[2]) % 4))
    except ValueError as exc:
        raise DecryptionError("token body is not base64") from exc
    if len(blob) < NONCE_BYTES + 16:
        raise DecryptionError("token is too short")
    return parts[1], blob
