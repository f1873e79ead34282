"""Repository of the intercept bot: campaigns, contacts, conversations, messages, the outbox."""

from __future__ import annotations

import secrets
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import (
    JSON,
    Connection,
    Row,
    and_,
    bindparam,
    delete,
    func,
    insert,
    or_,
    select,
    update,
)

from threadline.errors import InputError, NotFoundError
from threadline.store.audit import AuditEvent, append_audit
from threadline.store.tables import UTCDateTime, ad_identifiers, ads, identifiers
from threadline.store.tables_intercept import (
    intercept_ads,
    intercept_campaigns,
    intercept_contacts,
    intercept_conversations,
    intercept_facts,
    intercept_messages,
    intercept_outbox,
)

PENDING, SENDING, SENT, CANCELLED, FAILED = "pending", "sending", "sent", "cancelled", "failed"
SUBJECT_REVIEW = timedelta(days=5 * 365)
MIN_REASON_CHARS = 20


@dataclass(frozen=True, slots=True)
class Campaign:
    """A decoy number bound to a reviewed script."""

    id: int
    name: str
    number: str
    script_id: str
    script_version: int
    script_sha256: str
    script_yaml: str
    created_at: datetime


@dataclass(frozen=True, slots=True)
class ContactRow:
    """A buyer's number as stored: encrypted, hashed for joins, with its retention."""

    id: int
    phone_hash: str
    phone_enc: str
    opted_out_at: datetime | None
    promoted_at: datetime | None


@dataclass(frozen=True, slots=True)
class ConversationRow:
    """One buyer's conversation with one campaign."""

    id: int
    campaign_id: int
    contact_id: int
    status: str
    message_count: int
    state: dict[str, Any]
    flags: tuple[str, ...]


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
_camp, _ads, _cont = intercept_campaigns.c, intercept_ads.c, intercept_contacts.c
_conv, _msg, _box = intercept_conversations.c, intercept_messages.c, intercept_outbox.c
_CAMPAIGN_BY_NUMBER = select(intercept_campaigns).where(_camp.number == bindparam("number"))
_AD_BEFORE = (
    select(_ads.id)
    .where(_ads.campaign_id == bindparam("campaign_id"), _ads.posted_at <= bindparam("at"))
    .order_by(_ads.posted_at.desc(), _ads.id.desc())
    .limit(1)
)
_FIRST_AD = (
    select(_ads.id)
    .where(_ads.campaign_id == bindparam("campaign_id"))
    .order_by(_ads.posted_at, _ads.id)
    .limit(1)
)
_TOUCH_CONTACT = (
    update(intercept_contacts)
    .where(_cont.id == bindparam("_id"))
    .values(
        last_seen=bindparam("last_seen"),
        opted_out_at=func.coalesce(_cont.opted_out_at, bindparam("opted_out_at")),
    )
)
_UPDATE_CONVERSATION = (
    update(intercept_conversations)
    .where(_conv.id == bindparam("_id"))
    .values(
        state=bindparam("state", type_=JSON),
        status=bindparam("status"),
        flags=bindparam("flags", type_=JSON),
        message_count=bindparam("message_count"),
        last_message_at=bindparam("last_message_at"),
        disclosed_at=func.coalesce(
            _conv.disclosed_at, bindparam("disclosed_at", type_=UTCDateTime)
        ),
        deterred_at=func.coalesce(_conv.deterred_at, bindparam("deterred_at", type_=UTCDateTime)),
    )
)
_ADS_WITH_PHONE = (
    select(ad_identifiers.c.ad_id)
    .join(identifiers, identifiers.c.id == ad_identifiers.c.identifier_id)
    .where(identifiers.c.kind == "phone", identifiers.c.value == bindparam("e164"))
    .distinct()
    .order_by(ad_identifiers.c.ad_id)
)
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


def add_campaign(connection: Connection, values: dict[str, Any]) -> int:
    """Store a campaign; InputError when its name or number is taken."""
    c = intercept_campaigns.c
    taken = select(c.id).where(or_(c.name == values["name"], c.number == values["number"]))
    if connection.execute(taken).first() is not None:
        raise InputError(f"a campaign named {values['name']!r} or on that number exists")
    statement = insert(intercept_campaigns).values(**values).returning(c.id)
    return int(connection.execute(statement).scalar_one())


def list_campaigns(connection: Connection) -> list[Campaign]:
    """Every campaign, oldest first."""
    rows = connection.execute(select(intercept_campaigns).order_by(intercept_campaigns.c.id))
    return [Campaign(**row._mapping) for row in rows]


def campaign_by_number(connection: Connection, number: str) -> Campaign | None:
    """The campaign on a decoy number, if any."""
    row = connection.execute(_CAMPAIGN_BY_NUMBER, {"number": number}).first()
    return Campaign(**row._mapping) if row else None


def campaign_by_name(connection: Connection, name: str) -> Campaign:
    """The campaign with this name; NotFoundError otherwise."""
    row = connection.execute(
        select(intercept_campaigns).where(intercept_campaigns.c.name == name)
    ).first()
    if row is None:
        raise NotFoundError(f"no campaign named {name!r}")
    return Campaign(**row._mapping)


def add_decoy_ad(connection: Connection, values: dict[str, Any]) -> int:
    """Record a decoy ad the agency posted for a campaign."""
    statement = insert(intercept_ads).values(**values).returning(intercept_ads.c.id)
    return int(connection.execute(statement).scalar_one())


def attributed_ad(connection: Connection, campaign_id: int, at: datetime) -> int | None:
    """The campaign's ad posted most recently before `at` (else its first ad)."""
    found = connection.execute(_AD_BEFORE, {"campaign_id": campaign_id, "at": at}).scalar()
    if found is None:
        found = connection.execute(_FIRST_AD, {"campaign_id": campaign_id}).scalar()
    return int(found) if found is not None else None


def ads_with_phone(connection: Connection, e164: str) -> list[int]:
    """Row ids of stored ads that carry this phone number (the buyer also advertises)."""
    return [int(ad_id) for ad_id in connection.execute(_ADS_WITH_PHONE, {"e164": e164}).scalars()]


def find_inbound(connection: Connection, provider: str, provider_id: str) -> tuple[int, int] | None:
    """(conversation id, seq) of an inbound message already stored, if any."""
    params = {"provider": provider, "provider_message_id": provider_id}
    row = connection.execute(_FIND_INBOUND, params).first()
    return (int(row[0]), int(row[1])) if row else None


def replies_to(connection: Connection, conversation_id: int, seq: int) -> list[Row[Any]]:
    """The replies decided for one inbound message, in order."""
    m = intercept_messages.c
    query = (
        select(m.body, m.from_number, m.delivery)
        .where(m.conversation_id == conversation_id, m.reply_to_seq == seq)
        .order_by(m.seq)
    )
    return list(connection.execute(query))


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


def _conversation(row: Any) -> ConversationRow:
    return ConversationRow(
        int(row.id),
        int(row.campaign_id),
        int(row.contact_id),
        str(row.status),
        int(row.message_count),
        dict(row.state),
        tuple(row.flags),
    )


def stats_conversations(connection: Connection) -> list[Row[Any]]:
    """Per conversation: campaign name, contact, start, flags, disclosure and deterrence times."""
    conv, camp = intercept_conversations.c, intercept_campaigns.c
    query = (
        select(
            conv.id,
            camp.name.label("campaign"),
            conv.contact_id,
            conv.started_at,
            conv.flags,
            conv.disclosed_at,
            conv.deterred_at,
        )
        .join(intercept_campaigns, camp.id == conv.campaign_id)
        .order_by(conv.id)
    )
    return list(connection.execute(query))


def stats_inbound(connection: Connection) -> list[Row[Any]]:
    """Per inbound message: its conversation and time."""
    m = intercept_messages.c
    query = select(m.conversation_id, m.at).where(m.direction == "in").order_by(m.id)
    return list(connection.execute(query))


def contact_record(connection: Connection, contact_id: int) -> Row[Any]:
    """The whole contact row; NotFoundError when there is none."""
    row = connection.execute(
        select(intercept_contacts).where(intercept_contacts.c.id == contact_id)
    ).first()
    if row is None:
        raise NotFoundError(f"no contact {contact_id}")
    return row


def contact_conversations(connection: Connection, contact_id: int) -> list[Row[Any]]:
    """A contact's conversations with their campaign and attributed decoy ad."""
    conv, camp, ad = intercept_conversations.c, intercept_campaigns.c, intercept_ads.c
    query = (
        select(
            conv.id,
            conv.status,
            conv.flags,
            conv.started_at,
            conv.disclosed_at,
            conv.deterred_at,
            camp.name.label("campaign"),
            camp.number,
            camp.script_id,
            camp.script_version,
            ad.site,
            ad.city,
            ad.posted_at,
            ad.text.label("ad_text"),
        )
        .join(intercept_campaigns, camp.id == conv.campaign_id)
        .outerjoin(intercept_ads, ad.id == conv.ad_id)
        .where(conv.contact_id == contact_id)
        .order_by(conv.started_at, conv.id)
    )
    return list(connection.execute(query))


def conversation_messages(connection: Connection, conversation_id: int) -> list[Row[Any]]:
    """Every message of a conversation in order."""
    m = intercept_messages.c
    query = select(intercept_messages).where(m.conversation_id == conversation_id).order_by(m.seq)
    return list(connection.execute(query))


def conversation_facts(connection: Connection, conversation_id: int) -> list[Row[Any]]:
    """Captured facts of a conversation in order."""
    f = intercept_facts.c
    query = select(intercept_facts).where(f.conversation_id == conversation_id).order_by(f.id)
    return list(connection.execute(query))


def linked_ads(connection: Connection, ad_ids: Sequence[int]) -> list[Row[Any]]:
    """Site, city, title and time of stored ads by row id."""
    if not ad_ids:
        return []
    query = (
        select(ads.c.id, ads.c.site, ads.c.city, ads.c.title, ads.c.posted_at)
        .where(ads.c.id.in_(list(ad_ids)))
        .order_by(ads.c.id)
    )
    return list(connection.execute(query))


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


def conversations_of(connection: Connection, contact_ids: Sequence[int]) -> list[ConversationRow]:
    """Every conversation of these contacts, any campaign, locked for update (PostgreSQL)."""
    if not contact_ids:
        return []
    query = (
        select(
            _conv.id,
            _conv.campaign_id,
            _conv.contact_id,
            _conv.status,
            _conv.message_count,
            _conv.state,
            _conv.flags,
        )
        .where(_conv.contact_id.in_(sorted(set(contact_ids))))
        .order_by(_conv.id)
        .with_for_update()
    )
    return [_conversation(row) for row in connection.execute(query)]


def create_conversations(
    connection: Connection, rows: Sequence[dict[str, Any]]
) -> list[ConversationRow]:
    """Insert new conversations; the rows as stored, in the order given."""
    if not rows:
        return []
    statement = insert(intercept_conversations).returning(_conv.id, sort_by_parameter_order=True)
    ids = connection.execute(statement, list(rows)).scalars().all()
    return [
        ConversationRow(
            int(i),
            r["campaign_id"],
            r["contact_id"],
            r["status"],
            r["message_count"],
            r["state"],
            tuple(r["flags"]),
        )
        for i, r in zip(ids, rows, strict=True)
    ]


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


def insert_messages(connection: Connection, rows: Sequence[dict[str, Any]]) -> None:
    """Insert messages (rows share one set of keys)."""
    if rows:
        connection.execute(insert(intercept_messages), list(rows))


def update_conversations(connection: Connection, rows: Sequence[dict[str, Any]]) -> None:
    """Save many conversations at once (each row as for `update_conversation`, with `_id`)."""
    if rows:
        connection.execute(
            _UPDATE_CONVERSATION, [{"disclosed_at": None, "deterred_at": None, **r} for r in rows]
        )


def touch_contacts(connection: Connection, rows: Sequence[dict[str, Any]]) -> None:
    """Record many contacts' latest message (`_id`, `last_seen`, `opted_out_at`)."""
    if rows:
        connection.execute(_TOUCH_CONTACT, list(rows))
