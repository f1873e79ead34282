"""Keyed hashes of identifiers: joinable and shareable without revealing the value."""

from __future__ import annotations

import hashlib
import hmac


def keyed_hash(key: bytes, kind: str, value: str) -> str:
    """HMAC-SHA256 of `kind:value` under the key, as hex."""
    return hmac.new(key, f"{kind}:{value}".encode(), hashlib.sha256).hexdigest()
