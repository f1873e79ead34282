"""Tables of the security capability: accounts, sessions, login attempts, signed audit heads."""

from __future__ import annotations

from sqlalchemy import (
    Boolean,
    Column,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    Text,
)

from threadline.store.tables import UTCDateTime, metadata

users = Table(
    "users",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("name", String(100), nullable=False, unique=True),
    Column("role", String(20), nullable=False),
    # argon2id or PBKDF2 encoded hash; the scheme is in the string itself.
    Column("password_hash", Text, nullable=False),
    Column("must_change_password", Boolean, nullable=False),
    # The TOTP secret is sealed with FieldCipher (context "users.totp_secret").
    Column("totp_secret", Text),
    Column("mfa_enrolled", Boolean, nullable=False),
    # Highest TOTP time step accepted: a code at or below it is a replay.
    Column("totp_last_step", Integer, nullable=False),
    Column("locked_at", UTCDateTime),
    # Failures before this moment no longer count towards a lockout (set by unlock and login).
    Column("attempts_reset_at", UTCDateTime),
    Column("disabled", Boolean, nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    Column("password_changed_at", UTCDateTime),
)

sessions = Table(
    "sessions",
    metadata,
    # SHA-256 of the cookie's token: a copy of this table opens no session.
    Column("token_hash", String(64), primary_key=True),
    Column("user_id", Integer, ForeignKey("users.id"), nullable=False, index=True),
    # "password" (must change it), "enrol" (must set up MFA), "mfa" (must enter a code), "ok".
    Column("stage", String(20), nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    Column("last_seen_at", UTCDateTime, nullable=False),
    Column("revoked_at", UTCDateTime),
    Column("source_ip", String(64), nullable=False),
)

login_attempts = Table(
    "login_attempts",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("user_id", Integer, ForeignKey("users.id"), nullable=False),
    Column("at", UTCDateTime, nullable=False),
    Column("success", Boolean, nullable=False),
    Column("source_ip", String(64), nullable=False),
    Index("ix_login_attempts_user_id_at", "user_id", "at"),
)

audit_signed_heads = Table(
    "audit_signed_heads",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("seq", Integer, nullable=False),
    Column("hash", String(64), nullable=False),
    Column("signed_at", UTCDateTime, nullable=False),
    Column("public_key", String(64), nullable=False),
    Column("signature", String(128), nullable=False),
)
