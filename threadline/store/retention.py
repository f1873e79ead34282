"""Retention: a registry of purge jobs that `threadline retention run` executes.

Each job deletes what has outlived its period and returns the ids it removed; the runner writes
one audit row per job in the same transaction, holding the fact (job, table, count, ids) and
never the data.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import Connection, delete, or_, select

from threadline.settings import Settings
from threadline.store.audit import AuditEvent, append_audit
from threadline.store.db import Database
from threadline.store.tables_security import login_attempts, sessions

ENDED_SESSION_KEEP = timedelta(days=30)
LOGIN_ATTEMPT_KEEP = timedelta(days=90)
AUDIT_ID_LIMIT = 1000  # ids listed in one audit row; the count is always exact


@dataclass(frozen=True, slots=True)
class Purged:
    """What one job removed: which kind of record, and the ids (never the content)."""

    job: str
    object_type: str
    ids: list[str] = field(default_factory=list)


RetentionJob = Callable[[Connection, datetime, Settings], Purged]


def purge_ended_sessions(connection: Connection, now: datetime, _settings: Settings) -> Purged:
    """Sessions revoked or idle for more than 30 days (they can no longer be used)."""
    cutoff = now - ENDED_SESSION_KEEP
    old = or_(sessions.c.revoked_at < cutoff, sessions.c.last_seen_at < cutoff)
    ids = [str(r[0]) for r in connection.execute(select(sessions.c.token_hash).where(old))]
    connection.execute(delete(sessions).where(old))
    return Purged("sessions", "session", [i[:12] for i in ids])


def purge_login_attempts(connection: Connection, now: datetime, _settings: Settings) -> Purged:
    """Login attempts older than 90 days (the audit log keeps each one)."""
    old = login_attempts.c.at < now - LOGIN_ATTEMPT_KEEP
    ids = [str(r[0]) for r in connection.execute(select(login_attempts.c.id).where(old))]
    connection.execute(delete(login_attempts).where(old))
    return Purged("login-attempts", "login_attempt", ids)


# Capabilities append their jobs here (bot intake expiry, subject review); order is run order.
RETENTION_JOBS: list[RetentionJob] = [purge_ended_sessions, purge_login_attempts]


def run_retention(
    database: Database,
    settings: Settings,
    now: datetime,
    actor: str,
    jobs: list[RetentionJob] | None = None,
) -> list[Purged]:
    """Run every job, each in its own transaction with its audit row (fail closed)."""
    results = []
    for job in RETENTION_JOBS if jobs is None else jobs:
        with database.transaction() as connection:
            purged = job(connection, now, settings)
            append_audit(connection, _event(purged, actor), at=now)
        results.append(purged)
    return results


def _event(purged: Purged, actor: str) -> AuditEvent:
    return AuditEvent(
        actor=actor,
        action="retention.purge",
        object_type=purged.object_type,
        object_id=purged.job,
        detail={"count": len(purged.ids), "ids": purged.ids[:AUDIT_ID_LIMIT]},
    )
