"""Conversations (state per buyer and campaign) and the reads that statistics and reports
make of conversations, messages and facts."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import JSON, Connection, Row, bindparam, func, insert, select, update

from threadline.store.tables import UTCDateTime, ads
from threadline.store.tables_intercept import (
    intercept_ads,
    intercept_campaigns,
    intercept_conversations,
    intercept_facts,
    intercept_messages,
)


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


# Statements built once: the hot path only binds parameters (SQLAlchemy's cache then skips
# rebuilding and re-keying a statement per call).
_conv = intercept_conversations.c
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


def update_conversations(connection: Connection, rows: Sequence[dict[str, Any]]) -> None:
    """Save many conversations at once (each row as for `update_conversation`, with `_id`)."""
    if rows:
        connection.execute(
            _UPDATE_CONVERSATION, [{"disclosed_at": None, "deterred_at": None, **r} for r in rows]
        )


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
