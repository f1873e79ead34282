"""Messages and the outbox: stored deliveries found again by provider id, replies, captured
facts, and the durable queue of delayed messages (claim, send, close, release)."""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Connection, Row, and_, bindparam, func, insert, or_, select, update

from threadline.store.tables_intercept import (
    intercept_contacts,
    intercept_conversations,
    intercept_facts,
    intercept_messages,
    intercept_outbox,
)

PENDING, SENDING, SENT, CANCELLED, FAILED = "pending", "sending", "sent", "cancelled", "failed"


@dataclass(frozen=True, slots=True)
class DueMessage:
    """A claimed outbox row with what it takes to send it."""

    outbox_id: int
    conversation_id: int
    message_seq: int
    claim_token: str
    provider: str
    body: str
    from_number: str
    to_enc: str
    opted_out: bool
    attempts: int


# Statements built once: the hot path only binds parameters (SQLAlchemy's cache then skips
# rebuilding and re-keying a statement per call).
_msg, _box = intercept_messages.c, intercept_outbox.c


# One provider and a list of ids: SQLite searches the unique (provider, id) index this way,
# where a row-value IN over both columns scans the whole table on every batch.
_FIND_INBOUND_MANY = select(_msg.provider_message_id, _msg.conversation_id, _msg.seq).where(
    _msg.provider == bindparam("provider"),
    _msg.provider_message_id.in_(bindparam("ids", expanding=True)),
)

_FIND_INBOUND = select(_msg.conversation_id, _msg.seq).where(
    _msg.provider == bindparam("provider"),
    _msg.provider_message_id == bindparam("provider_message_id"),
)


def find_inbound(connection: Connection, provider: str, provider_id: str) -> tuple[int, int] | None:
    """(conversation id, seq) of an inbound message already stored, if any."""
    params = {"provider": provider, "provider_message_id": provider_id}
    row = connection.execute(_FIND_INBOUND, params).first()
    return (int(row[0]), int(row[1])) if row else None


def find_inbound_many(
    connection: Connection, keys: Sequence[tuple[str, str]]
) -> dict[tuple[str, str], tuple[int, int]]:
    """(provider, id) → (conversation id, seq) for those inbound messages already stored."""
    if not keys:
        return {}
    by_provider: dict[str, set[str]] = {}
    for provider, message_id in keys:
        by_provider.setdefault(provider, set()).add(message_id)
    found: dict[tuple[str, str], tuple[int, int]] = {}
    for provider, ids in sorted(by_provider.items()):
        rows = connection.execute(_FIND_INBOUND_MANY, {"provider": provider, "ids": sorted(ids)})
        found.update({(provider, str(r[0])): (int(r[1]), int(r[2])) for r in rows})
    return found


def replies_to(connection: Connection, conversation_id: int, seq: int) -> list[Row[Any]]:
    """The replies decided for one inbound message, in order."""
    m = intercept_messages.c
    query = (
        select(m.body, m.from_number, m.delivery)
        .where(m.conversation_id == conversation_id, m.reply_to_seq == seq)
        .order_by(m.seq)
    )
    return list(connection.execute(query))


def insert_messages(connection: Connection, rows: Sequence[dict[str, Any]]) -> None:
    """Insert messages (rows share one set of keys)."""
    if rows:
        connection.execute(insert(intercept_messages), list(rows))


def insert_facts(connection: Connection, rows: Sequence[dict[str, Any]]) -> None:
    """Insert captured facts (values already encrypted)."""
    if rows:
        connection.execute(insert(intercept_facts), list(rows))


def enqueue(connection: Connection, rows: Sequence[dict[str, Any]]) -> None:
    """Put delayed messages into the durable outbox."""
    if rows:
        connection.execute(
            insert(intercept_outbox), [{"status": PENDING, "attempts": 0, **r} for r in rows]
        )


def cancel_pending(connection: Connection, contact_id: int) -> int:
    """Cancel every unsent message to a contact (after an opt-out); returns how many."""
    conversations = select(intercept_conversations.c.id).where(
        intercept_conversations.c.contact_id == contact_id
    )
    result = connection.execute(
        update(intercept_outbox)
        .where(
            intercept_outbox.c.conversation_id.in_(conversations),
            intercept_outbox.c.status.in_((PENDING, SENDING)),
        )
        .values(status=CANCELLED, error="opted out")
    )
    return int(result.rowcount)


def claim_due(connection: Connection, now: datetime, limit: int, lease: timedelta) -> str:
    """Claim up to `limit` due rows (and stale claims) under a fresh token; returns the token.

    The UPDATE re-checks the status, and on PostgreSQL the candidate rows are locked with
    SKIP LOCKED, so two senders never claim the same row.
    """
    o = intercept_outbox.c
    claimable = or_(
        and_(o.status == PENDING, o.due_at <= now),
        and_(o.status == SENDING, o.claimed_at < now - lease),
    )
    candidates = select(o.id).where(claimable).order_by(o.due_at, o.id).limit(limit)
    if connection.dialect.name == "postgresql":
        candidates = candidates.with_for_update(skip_locked=True)
    # Ids first, then the UPDATE: a LIMIT subquery inside the UPDATE may be run again by the
    # PostgreSQL planner and claim more rows than asked.
    ids = list(connection.execute(candidates).scalars())
    token = secrets.token_hex(16)
    if ids:
        connection.execute(
            update(intercept_outbox)
            .where(o.id.in_(ids), claimable)
            .values(status=SENDING, claim_token=token, claimed_at=now, attempts=o.attempts + 1)
        )
    return token


def claimed(connection: Connection, token: str) -> list[DueMessage]:
    """The rows a claim token holds, with body, numbers and the contact's opt-out."""
    o, m = intercept_outbox.c, intercept_messages.c
    conv, contact = intercept_conversations.c, intercept_contacts.c
    query = (
        select(
            o.id,
            o.conversation_id,
            o.message_seq,
            o.claim_token,
            o.provider,
            m.body,
            m.from_number,
            contact.phone_enc,
            contact.opted_out_at.is_not(None),
            o.attempts,
        )
        .join(
            intercept_messages,
            and_(m.conversation_id == o.conversation_id, m.seq == o.message_seq),
        )
        .join(intercept_conversations, conv.id == o.conversation_id)
        .join(intercept_contacts, contact.id == conv.contact_id)
        .where(o.claim_token == token, o.status == SENDING)
        .order_by(o.due_at, o.id)
    )
    return [DueMessage(*row) for row in connection.execute(query)]


def finish(
    connection: Connection, item: DueMessage, status: str, now: datetime, error: str = ""
) -> bool:
    """Close a claimed row as sent, failed or cancelled; False when the claim was lost."""
    o = intercept_outbox.c
    result = connection.execute(
        update(intercept_outbox)
        .where(o.id == item.outbox_id, o.claim_token == item.claim_token, o.status == SENDING)
        .values(status=status, sent_at=now if status == SENT else None, error=error or None)
    )
    if status == SENT and result.rowcount:
        connection.execute(
            update(intercept_messages)
            .where(
                intercept_messages.c.conversation_id == item.conversation_id,
                intercept_messages.c.seq == item.message_seq,
            )
            .values(sent_at=now)
        )
    return bool(result.rowcount)


_FINISH = (
    update(intercept_outbox)
    .where(
        _box.id == bindparam("_outbox_id"),
        _box.claim_token == bindparam("_claim_token"),
        _box.status == SENDING,
    )
    .values(status=bindparam("status"), sent_at=bindparam("sent_at"), error=bindparam("error"))
)


# Only a row this claim closed as sent marks its message: a lost claim left another token.
_MARK_SENT = (
    update(intercept_messages)
    .where(
        _msg.conversation_id == bindparam("_conversation_id"),
        _msg.seq == bindparam("_seq"),
        select(_box.id)
        .where(
            _box.id == bindparam("_outbox_id"),
            _box.claim_token == bindparam("_claim_token"),
            _box.status == SENT,
        )
        .exists(),
    )
    .values(sent_at=bindparam("sent_at"))
)


def finish_many(
    connection: Connection, closed: Sequence[tuple[DueMessage, str, str]], now: datetime
) -> None:
    """Close claimed rows, each (item, status, error), as sent, failed or cancelled, in two
    statements; a row whose claim was lost is left alone, as `finish` leaves it."""
    rows = [
        {
            "_outbox_id": item.outbox_id,
            "_claim_token": item.claim_token,
            "status": status,
            "sent_at": now if status == SENT else None,
            "error": error or None,
        }
        for item, status, error in closed
    ]
    if not rows:
        return
    connection.execute(_FINISH, rows)
    sent = [
        {
            "_conversation_id": item.conversation_id,
            "_seq": item.message_seq,
            "_outbox_id": item.outbox_id,
            "_claim_token": item.claim_token,
            "sent_at": now,
        }
        for item, status, _ in closed
        if status == SENT
    ]
    if sent:
        connection.execute(_MARK_SENT, sent)


def release(connection: Connection, item: DueMessage, retry_at: datetime, error: str) -> None:
    """Give a claimed row back to the queue after a transient failure."""
    o = intercept_outbox.c
    connection.execute(
        update(intercept_outbox)
        .where(o.id == item.outbox_id, o.claim_token == item.claim_token)
        .values(status=PENDING, due_at=retry_at, claim_token=None, error=error)
    )


def outbox_counts(connection: Connection) -> dict[str, int]:
    """Outbox rows by status."""
    o = intercept_outbox.c
    rows = connection.execute(select(o.status, func.count()).group_by(o.status))
    return {str(status): int(count) for status, count in rows}
