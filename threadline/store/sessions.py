"""Server-side sessions: a random token in the cookie, its SHA-256 in the database.

A session ends when it has been idle too long, when it is older than the absolute limit, at
logout, or when an admin disables, demotes or resets the account.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import StrEnum

from sqlalchemy import Connection, insert, select, update

from threadline.store.accounts import Role, User
from threadline.store.tables_security import sessions, users

TOUCH_EVERY = timedelta(seconds=60)  # one write a minute per session is enough for idle time


class Stage(StrEnum):
    """How far a login has come; only OK admits to the application."""

    PASSWORD = "password"  # noqa: S105 - a login step: must choose a new password
    ENROL = "enrol"  # must set up TOTP
    MFA = "mfa"  # must enter a TOTP code
    OK = "ok"


@dataclass(frozen=True, slots=True)
class Limits:
    """How long a session may sit idle, and live at all."""

    idle: timedelta
    absolute: timedelta


@dataclass(frozen=True, slots=True)
class ActiveSession:
    """A live session and whose it is."""

    token_hash: str
    user: User
    stage: Stage
    created_at: datetime


@dataclass(frozen=True, slots=True)
class Lookup:
    """What a cookie led to: a live session, or why there is none."""

    session: ActiveSession | None
    ended: str = ""  # "idle", "absolute", "revoked", "unknown" or "account"
    user: User | None = None  # whose session just ended, for the audit row


def token_hash(token: str) -> str:
    """The stored form of a session token."""
    return hashlib.sha256(token.encode()).hexdigest()


def create_session(
    connection: Connection, user_id: int, stage: Stage, now: datetime, source_ip: str
) -> str:
    """A new session; returns the token for the cookie (stored only as a hash)."""
    token = secrets.token_urlsafe(32)
    connection.execute(
        insert(sessions).values(
            token_hash=token_hash(token),
            user_id=user_id,
            stage=stage.value,
            created_at=now,
            last_seen_at=now,
            source_ip=source_ip[:64],
        )
    )
    return token


def load_session(connection: Connection, token: str, now: datetime, limits: Limits) -> Lookup:
    """The live session for a cookie token; an expired one is revoked on the way."""
    hashed = token_hash(token)
    row = connection.execute(
        select(sessions, users.c.name, users.c.role, users.c.disabled, users.c.locked_at)
        .join(users, users.c.id == sessions.c.user_id)
        .where(sessions.c.token_hash == hashed)
    ).first()
    if row is None:
        return Lookup(None, "unknown")
    if row.revoked_at is not None:
        return Lookup(None, "revoked")
    user = User(int(row.user_id), str(row.name), Role(row.role))
    ended = _ended(row.created_at, row.last_seen_at, now, limits)
    if not ended and (row.disabled or row.locked_at is not None):
        ended = "account"
    if ended:
        revoke(connection, hashed, now)
        return Lookup(None, ended, user)
    if now - _aware(row.last_seen_at) >= TOUCH_EVERY:
        connection.execute(
            update(sessions).where(sessions.c.token_hash == hashed).values(last_seen_at=now)
        )
    return Lookup(ActiveSession(hashed, user, Stage(row.stage), _aware(row.created_at)))


def set_stage(connection: Connection, hashed: str, stage: Stage) -> None:
    """Move a session on to the next step of login."""
    connection.execute(
        update(sessions).where(sessions.c.token_hash == hashed).values(stage=stage.value)
    )


def session_stage(connection: Connection, hashed: str) -> Stage:
    """The login step a session is at now."""
    stage = connection.execute(
        select(sessions.c.stage).where(sessions.c.token_hash == hashed)
    ).scalar_one()
    return Stage(stage)


def revoke(connection: Connection, hashed: str, now: datetime) -> None:
    """End one session (logout or expiry)."""
    connection.execute(
        update(sessions)
        .where(sessions.c.token_hash == hashed, sessions.c.revoked_at.is_(None))
        .values(revoked_at=now)
    )


def revoke_user_sessions(
    connection: Connection, user_id: int, now: datetime, keep: str = ""
) -> int:
    """End every live session of a user but `keep` (role change, disable, new password)."""
    result = connection.execute(
        update(sessions)
        .where(
            sessions.c.user_id == user_id,
            sessions.c.revoked_at.is_(None),
            sessions.c.token_hash != keep,
        )
        .values(revoked_at=now)
    )
    return int(result.rowcount)


def _ended(created: datetime, last_seen: datetime, now: datetime, limits: Limits) -> str:
    if now - _aware(created) >= limits.absolute:
        return "absolute"
    if now - _aware(last_seen) >= limits.idle:
        return "idle"
    return ""


def _aware(moment: datetime) -> datetime:
    # SQLite hands back naive datetimes; every stored time is UTC.
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment
