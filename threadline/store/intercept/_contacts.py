"""Contacts: buyers' numbers (encrypted, hashed for joins), promotion to a subject,
retention and its purge, the paid lookup, and the numbers also seen in stored ads."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Connection, Row, bindparam, delete, func, insert, select, update

from threadline.errors import InputError, NotFoundError
from threadline.store.audit import AuditEvent, append_audit
from threadline.store.tables import ad_identifiers, identifiers
from threadline.store.tables_intercept import (
    intercept_contacts,
    intercept_conversations,
    intercept_facts,
    intercept_messages,
    intercept_outbox,
)

SUBJECT_REVIEW = timedelta(days=5 * 365)
MIN_REASON_CHARS = 20


@dataclass(frozen=True, slots=True)
class ContactRow:
    """A buyer's number as stored: encrypted, hashed for joins, with its retention."""

    id: int
    phone_hash: str
    phone_enc: str
    opted_out_at: datetime | None
    promoted_at: datetime | None


# Statements built once: the hot path only binds parameters (SQLAlchemy's cache then skips
# rebuilding and re-keying a statement per call).
_cont = intercept_contacts.c
_TOUCH_CONTACT = (
    update(intercept_contacts)
    .where(_cont.id == bindparam("_id"))
    .values(
        last_seen=bindparam("last_seen"),
        opted_out_at=func.coalesce(_cont.opted_out_at, bindparam("opted_out_at")),
    )
)
_ADS_WITH_PHONE = (
    select(ad_identifiers.c.ad_id)
    .join(identifiers, identifiers.c.id == ad_identifiers.c.identifier_id)
    .where(identifiers.c.kind == "phone", identifiers.c.value == bindparam("e164"))
    .distinct()
    .order_by(ad_identifiers.c.ad_id)
)


def contacts_by_hash(connection: Connection, hashes: Sequence[str]) -> dict[str, ContactRow]:
    """Stored contacts by keyed phone hash."""
    if not hashes:
        return {}
    c = intercept_contacts.c
    query = select(c.id, c.phone_hash, c.phone_enc, c.opted_out_at, c.promoted_at).where(
        c.phone_hash.in_(sorted(set(hashes)))
    )
    return {str(row.phone_hash): ContactRow(*row) for row in connection.execute(query)}


def create_contacts(connection: Connection, rows: Sequence[dict[str, Any]]) -> list[ContactRow]:
    """Insert new contacts; the rows as stored, in the order given."""
    if not rows:
        return []
    statement = insert(intercept_contacts).returning(_cont.id, sort_by_parameter_order=True)
    ids = connection.execute(statement, [{"labels": [], **r} for r in rows]).scalars().all()
    return [
        ContactRow(int(i), r["phone_hash"], r["phone_enc"], None, None)
        for i, r in zip(ids, rows, strict=True)
    ]


def touch_contacts(connection: Connection, rows: Sequence[dict[str, Any]]) -> None:
    """Record many contacts' latest message (`_id`, `last_seen`, `opted_out_at`)."""
    if rows:
        connection.execute(_TOUCH_CONTACT, list(rows))


def contact_record(connection: Connection, contact_id: int) -> Row[Any]:
    """The whole contact row; NotFoundError when there is none."""
    row = connection.execute(
        select(intercept_contacts).where(intercept_contacts.c.id == contact_id)
    ).first()
    if row is None:
        raise NotFoundError(f"no contact {contact_id}")
    return row


def ads_with_phone(connection: Connection, e164: str) -> list[int]:
    """Row ids of stored ads that carry this phone number (the buyer also advertises)."""
    return [int(ad_id) for ad_id in connection.execute(_ADS_WITH_PHONE, {"e164": e164}).scalars()]


def phones_in_ads(connection: Connection, phones: Sequence[str]) -> set[str]:
    """Which of these E.164 numbers appear as phone identifiers of stored ads."""
    if not phones:
        return set()
    query = (
        select(identifiers.c.value)
        .join(ad_identifiers, ad_identifiers.c.identifier_id == identifiers.c.id)
        .where(identifiers.c.kind == "phone", identifiers.c.value.in_(sorted(set(phones))))
        .distinct()
    )
    return {str(v) for v in connection.execute(query).scalars()}


def contacts_without_lookup(connection: Connection, limit: int) -> list[tuple[int, str]]:
    """(id, encrypted phone) of contacts not yet run through the paid lookup."""
    c = intercept_contacts.c
    query = select(c.id, c.phone_enc).where(c.paid_lookup.is_(None)).order_by(c.id).limit(limit)
    return [(int(i), str(p)) for i, p in connection.execute(query)]


def set_paid_lookup(connection: Connection, contact_id: int, found: dict[str, Any]) -> None:
    """Store what the paid lookup said about a contact."""
    connection.execute(
        update(intercept_contacts)
        .where(intercept_contacts.c.id == contact_id)
        .values(paid_lookup=found)
    )


def promote_contact(
    connection: Connection,
    contact_id: int,
    reason: str,
    labels: Iterable[str],
    actor: str,
    now: datetime,
) -> None:
    """Turn raw intake into a subject: a written reason, labels, review in 5 years (audited)."""
    if len(reason.strip()) < MIN_REASON_CHARS:
        raise InputError(f"a promotion needs a written reason of {MIN_REASON_CHARS}+ characters")
    result = connection.execute(
        update(intercept_contacts)
        .where(intercept_contacts.c.id == contact_id)
        .values(
            promoted_at=now,
            promoted_by=actor,
            promotion_reason=reason.strip(),
            labels=sorted(set(labels)),
            expires_at=now + SUBJECT_REVIEW,
        )
    )
    if not result.rowcount:
        raise NotFoundError(f"no contact {contact_id}")
    event = AuditEvent(
        actor,
        "intercept.contact.promote",
        "intercept_contact",
        str(contact_id),
        detail={"reason": reason.strip(), "labels": sorted(set(labels))},
    )
    append_audit(connection, event, now)


def purge_expired(connection: Connection, now: datetime, actor: str = "system:retention") -> int:
    """Delete contacts past their retention with everything said to them; audited; the count."""
    ids = [
        int(i)
        for i in connection.execute(
            select(intercept_contacts.c.id).where(intercept_contacts.c.expires_at <= now)
        ).scalars()
    ]
    for chunk in (ids[i : i + 500] for i in range(0, len(ids), 500)):
        _delete_contacts(connection, chunk)
    if ids:
        append_audit(
            connection,
            AuditEvent(
                actor,
                "intercept.contact.purge",
                "intercept_contact",
                "",
                detail={"count": len(ids)},
            ),
            now,
        )
    return len(ids)


def _delete_contacts(connection: Connection, contact_ids: list[int]) -> None:
    conversations = select(intercept_conversations.c.id).where(
        intercept_conversations.c.contact_id.in_(contact_ids)
    )
    for table in (intercept_outbox, intercept_facts, intercept_messages):
        connection.execute(delete(table).where(table.c.conversation_id.in_(conversations)))
    connection.execute(
        delete(intercept_conversations).where(intercept_conversations.c.contact_id.in_(contact_ids))
    )
    connection.execute(delete(intercept_contacts).where(intercept_contacts.c.id.in_(contact_ids)))
