"""Signed audit heads: the chain's newest hash signed with Ed25519, to anchor elsewhere.

Anyone holding an exported head can later prove that the log still contains that row with
that hash, so rewriting history (even with the triggers dropped) shows.
"""

from __future__ import annotations

import base64
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat
from sqlalchemy import Connection, insert, select

from threadline.errors import ConfigError, InputError
from threadline.store.crypto import derive_key
from threadline.store.tables import audit_head, audit_log
from threadline.store.tables_security import audit_signed_heads

FORMAT = "threadline-audit-head/1"


@dataclass(frozen=True, slots=True)
class SignedHead:
    """A chain head, when it was signed, and the signature over all three."""

    seq: int
    hash: str
    signed_at: str
    public_key: str
    signature: str
    format: str = FORMAT

    def as_dict(self) -> dict[str, Any]:
        """The export form (JSON-ready)."""
        return asdict(self)


def signing_key(spec: str | None, secret_key: bytes) -> Ed25519PrivateKey:
    """The key from base64 of a 32-byte seed, or one derived from the secret key."""
    if not spec:
        return Ed25519PrivateKey.from_private_bytes(derive_key(secret_key, b"threadline audit"))
    try:
        seed = base64.b64decode(spec, validate=True)
        return Ed25519PrivateKey.from_private_bytes(seed)
    except ValueError as exc:
        raise ConfigError("the audit signing key must be base64 of 32 bytes") from exc


def public_hex(key: Ed25519PrivateKey) -> str:
    """The public half as hex, for the export and for whoever anchors it."""
    return key.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw).hex()


def sign_head(connection: Connection, key: Ed25519PrivateKey, now: datetime) -> SignedHead:
    """Sign the current head, keep the signature, and return it."""
    head = connection.execute(select(audit_head).where(audit_head.c.id == 1)).one()
    signed_at = now.astimezone(UTC).isoformat(timespec="seconds")
    message = _message(int(head.seq), str(head.hash), signed_at)
    signed = SignedHead(
        seq=int(head.seq),
        hash=str(head.hash),
        signed_at=signed_at,
        public_key=public_hex(key),
        signature=key.sign(message).hex(),
    )
    values = asdict(signed) | {"signed_at": now}
    values.pop("format")
    connection.execute(insert(audit_signed_heads).values(**values))
    return signed


def latest_signed_head(connection: Connection) -> SignedHead | None:
    """The most recent signature, if any."""
    row = connection.execute(
        select(audit_signed_heads).order_by(audit_signed_heads.c.id.desc()).limit(1)
    ).first()
    if row is None:
        return None
    at = row.signed_at.replace(tzinfo=UTC) if row.signed_at.tzinfo is None else row.signed_at
    return SignedHead(
        int(row.seq), row.hash, at.isoformat(timespec="seconds"), row.public_key, row.signature
    )


def check_signed_head(
    connection: Connection, exported: dict[str, Any], trusted_key: str | None = None
) -> str:
    """Why an exported head does not hold against this log; empty when it does."""
    head = _parse(exported)
    if trusted_key is not None and head.public_key != trusted_key:
        return "signed by a different key"
    if not _signature_holds(head):
        return "signature does not verify"
    stored = connection.execute(
        select(audit_log.c.hash).where(audit_log.c.seq == head.seq)
    ).scalar_one_or_none()
    if head.seq == 0:
        return ""
    if stored is None:
        return f"row {head.seq} is missing from the log"
    return "" if stored == head.hash else f"row {head.seq} no longer has the signed hash"


def _signature_holds(head: SignedHead) -> bool:
    try:
        key = Ed25519PublicKey.from_public_bytes(bytes.fromhex(head.public_key))
        key.verify(bytes.fromhex(head.signature), _message(head.seq, head.hash, head.signed_at))
    except (ValueError, InvalidSignature):
        return False
    return True


def _parse(exported: dict[str, Any]) -> SignedHead:
    try:
        head = SignedHead(
            seq=int(exported["seq"]),
            hash=str(exported["hash"]),
            signed_at=str(exported["signed_at"]),
            public_key=str(exported["public_key"]),
            signature=str(exported["signature"]),
            format=str(exported.get("format", FORMAT)),
        )
    except (KeyError, TypeError, ValueError) as exc:
        raise InputError("not an exported audit head") from exc
    if head.format != FORMAT:
        raise InputError(f"unknown head format {head.format!r}")
    return head


def _message(seq: int, hash_: str, signed_at: str) -> bytes:
    return f"{FORMAT}:{seq}:{hash_}:{signed_at}".encode()
