"""Retention: a registry of purge jobs that `threadline retention run` executes.

Each job deletes what has outlived its period and returns the ids it removed; the runner writes
one audit row per job in the same transaction, holding the fact (job, table, count, ids) and
never the data.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from sqlalchemy import Connection, delete, or_, select, update

from threadline.errors import InputError, NotFoundError
from threadline.settings import Settings
from threadline.store.audit import AuditEvent, append_audit
from threadline.store.db import Database
from threadline.store.intercept import MIN_REASON_CHARS, SUBJECT_REVIEW, purge_expired
from threadline.store.tables_intercept import intercept_contacts
from threadline.store.tables_security import login_attempts, sessions

ENDED_SESSION_KEEP = timedelta(days=30)
LOGIN_ATTEMPT_KEEP = timedelta(days=90)
AUDIT_ID_LIMIT = 1000  # ids listed in one audit row; the count is always exact


@dataclass(frozen=True, slots=True)
class Purged:
    """What one job removed: which kind of record, how many, the ids (never the content)."""

    job: str
    object_type: str
    ids: list[str] = field(default_factory=list)
    count: int | None = None  # when a job reports a count without ids

    @property
    def total(self) -> int:
        """How many records the job removed."""
        return len(self.ids) if self.count is None else self.count


@dataclass(frozen=True, slots=True)
class DueSubject:
    """A subject whose review date is near or past: revalidate it with a reason, or it goes."""

    contact_id: int
    review_at: datetime
    promoted_by: str


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


def purge_intercept_contacts(connection: Connection, now: datetime, _settings: Settings) -> Purged:
    """Bot intake past its retention, and subjects not revalidated within 5 years."""
    return Purged("intercept-contacts", "intercept_contact", count=purge_expired(connection, now))


# Capabilities append their jobs here; order is run order.
RETENTION_JOBS: list[RetentionJob] = [
    purge_intercept_contacts,
    purge_ended_sessions,
    purge_login_attempts,
]


def subjects_due(connection: Connection, now: datetime, within: timedelta) -> list[DueSubject]:
    """Promoted contacts (subjects) whose review date falls before `now + within`."""
    c = intercept_contacts.c
    rows = connection.execute(
        select(c.id, c.expires_at, c.promoted_by)
        .where(c.promoted_at.is_not(None), c.expires_at <= now + within)
        .order_by(c.expires_at)
    )
    return [DueSubject(int(r.id), _aware(r.expires_at), str(r.promoted_by or "")) for r in rows]


def revalidate_subject(
    connection: Connection, contact_id: int, reason: str, actor: str, now: datetime
) -> datetime:
    """Keep a subject another 5 years on a written reason (28 CFR 23.20(h)); audited."""
    if len(reason.strip()) < MIN_REASON_CHARS:
        raise InputError(f"a revalidation needs a written reason of {MIN_REASON_CHARS}+ characters")
    c = intercept_contacts.c
    review_at = now + SUBJECT_REVIEW
    moved = connection.execute(
        update(intercept_contacts)
        .where(c.id == contact_id, c.promoted_at.is_not(None))
        .values(expires_at=review_at)
    )
    if not moved.rowcount:
        raise NotFoundError(f"no subject {contact_id} (only promoted contacts are subjects)")
    event = AuditEvent(
        actor,
        "subject.revalidate",
        "intercept_contact",
        str(contact_id),
        detail={"reason": reason.strip(), "review_at": review_at.isoformat()},
    )
    append_audit(connection, event, now)
    return review_at


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


def _aware(moment: datetime) -> datetime:
    # SQLite hands back naive datetimes; every stored time is UTC.
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment


def _event(purged: Purged, actor: str) -> AuditEvent:
    return AuditEvent(
        actor=actor,
        action="retention.purge",
        object_type=purged.object_type,
        object_id=purged.job,
        detail={"count": purged.total, "ids": purged.ids[:AUDIT_ID_LIMIT]},
    )
