"""Tables of the intercept SMS bot: campaigns, decoy ads, contacts, conversations, the outbox."""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    Column,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    Text,
    UniqueConstraint,
)

from threadline.store.tables import UTCDateTime, metadata

intercept_campaigns = Table(
    "intercept_campaigns",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("name", String(200), nullable=False, unique=True),
    Column("number", String(32), nullable=False, unique=True),
    Column("script_id", String(100), nullable=False),
    Column("script_version", Integer, nullable=False),
    Column("script_sha256", String(64), nullable=False),
    # The reviewed script is kept as written, so a later edit of the file cannot change
    # what a running campaign says.
    Column("script_yaml", Text, nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
)

intercept_ads = Table(
    "intercept_ads",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("campaign_id", Integer, ForeignKey("intercept_campaigns.id"), nullable=False),
    Column("site", String(200), nullable=False),
    Column("city", String(200), nullable=False),
    Column("posted_at", UTCDateTime, nullable=False),
    Column("text", Text, nullable=False),
    Column("url", Text),
    Index("ix_intercept_ads_campaign_id_posted_at", "campaign_id", "posted_at"),
)

intercept_contacts = Table(
    "intercept_contacts",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("phone_hash", String(64), nullable=False, unique=True),
    Column("phone_enc", Text, nullable=False),
    Column("first_seen", UTCDateTime, nullable=False),
    Column("last_seen", UTCDateTime, nullable=False),
    Column("expires_at", UTCDateTime),
    Column("opted_out_at", UTCDateTime),
    Column("enrichment", JSON, nullable=False),
    Column("paid_lookup", JSON),
    Column("promoted_at", UTCDateTime),
    Column("promoted_by", String(200)),
    Column("promotion_reason", Text),
    Column("labels", JSON, nullable=False),
    Index("ix_intercept_contacts_expires_at", "expires_at"),
)

intercept_conversations = Table(
    "intercept_conversations",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("campaign_id", Integer, ForeignKey("intercept_campaigns.id"), nullable=False),
    Column("contact_id", Integer, ForeignKey("intercept_contacts.id"), nullable=False),
    Column("ad_id", Integer, ForeignKey("intercept_ads.id")),
    Column("provider", String(20), nullable=False),
    Column("started_at", UTCDateTime, nullable=False),
    Column("last_message_at", UTCDateTime, nullable=False),
    Column("status", String(20), nullable=False),
    Column("script_version", Integer, nullable=False),
    Column("message_count", Integer, nullable=False),
    Column("state", JSON, nullable=False),
    Column("flags", JSON, nullable=False),
    Column("disclosed_at", UTCDateTime),
    Column("deterred_at", UTCDateTime),
    UniqueConstraint("campaign_id", "contact_id"),
    Index("ix_intercept_conversations_contact_id", "contact_id"),
)

intercept_messages = Table(
    "intercept_messages",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("conversation_id", Integer, ForeignKey("intercept_conversations.id"), nullable=False),
    Column("seq", Integer, nullable=False),
    Column("direction", String(3), nullable=False),
    Column("provider", String(20), nullable=False),
    # Unique per provider, so a retried webhook is stored once (NULL for our replies).
    Column("provider_message_id", String(128)),
    Column("body_enc", Text),
    Column("body", Text),
    Column("intent", String(30)),
    Column("script_id", String(100)),
    Column("script_version", Integer),
    Column("reply_key", String(100)),
    Column("reply_to_seq", Integer),
    Column("from_number", String(32)),
    Column("at", UTCDateTime, nullable=False),
    Column("delivery", String(10)),
    Column("sent_at", UTCDateTime),
    UniqueConstraint("provider", "provider_message_id"),
    UniqueConstraint("conversation_id", "seq"),
)

intercept_facts = Table(
    "intercept_facts",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("conversation_id", Integer, ForeignKey("intercept_conversations.id"), nullable=False),
    Column("contact_id", Integer, ForeignKey("intercept_contacts.id"), nullable=False),
    Column("message_seq", Integer, nullable=False),
    Column("kind", String(30), nullable=False),
    Column("value_enc", Text, nullable=False),
    Column("start", Integer, nullable=False),
    Column("end", Integer, nullable=False),
    Column("source", String(50), nullable=False),
    Index("ix_intercept_facts_contact_id", "contact_id"),
)

intercept_outbox = Table(
    "intercept_outbox",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("conversation_id", Integer, ForeignKey("intercept_conversations.id"), nullable=False),
    Column("message_seq", Integer, nullable=False),  # the message (conversation_id, seq)
    Column("provider", String(20), nullable=False),
    Column("due_at", UTCDateTime, nullable=False),
    Column("status", String(12), nullable=False),
    Column("claim_token", String(32)),
    Column("claimed_at", UTCDateTime),
    Column("attempts", Integer, nullable=False),
    Column("sent_at", UTCDateTime),
    Column("error", Text),
    UniqueConstraint("conversation_id", "message_seq"),
    Index("ix_intercept_outbox_status_due_at", "status", "due_at"),
)

INTERCEPT_TABLES = (
    intercept_campaigns,
    intercept_ads,
    intercept_contacts,
    intercept_conversations,
    intercept_messages,
    intercept_facts,
    intercept_outbox,
)
