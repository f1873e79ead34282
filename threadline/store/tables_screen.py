"""Tables of the screening capability: platforms and keys, watchlists, tips and leads, requests."""

from __future__ import annotations

from sqlalchemy import (
    Boolean,
    Column,
    Date,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    Text,
    UniqueConstraint,
)

from threadline.store.tables import UTCDateTime, metadata

screen_platforms = Table(
    "screen_platforms",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("name", String(100), nullable=False, unique=True),
    # SHA-256 of the API key: a copy of this table opens nothing. The key is shown once.
    Column("key_hash", String(64), nullable=False, unique=True),
    Column("key_prefix", String(16), nullable=False),
    # Random salt from which the platform's watchlist HMAC key is derived (secret key + salt).
    Column("hash_salt", String(64), nullable=False),
    Column("daily_quota", Integer),
    Column("created_at", UTCDateTime, nullable=False),
    Column("created_by", String(200), nullable=False),
    Column("revoked_at", UTCDateTime),
)

screen_usage = Table(
    "screen_usage",
    metadata,
    Column("platform_id", Integer, ForeignKey("screen_platforms.id"), primary_key=True),
    Column("day", Date, primary_key=True),
    Column("ads", Integer, nullable=False),
)

screen_requests = Table(
    "screen_requests",
    metadata,
    Column("id", String(32), primary_key=True),
    Column("platform_id", Integer, ForeignKey("screen_platforms.id"), nullable=False),
    Column("at", UTCDateTime, nullable=False),
    # Keyed hash of the platform's ad id: requests can be joined later, the ad is not kept.
    Column("ad_hash", String(64), nullable=False),
    Column("decision", String(10), nullable=False),
    Column("score", Float, nullable=False),
    Column("rules_version", String(50), nullable=False),
    Column("watchlist_hit", Boolean, nullable=False),
    Index("ix_screen_requests_platform_id_at", "platform_id", "at"),
)

watchlist = Table(
    "watchlist",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("kind", String(20), nullable=False),
    # Keyed hash under the server key, for matching; the plain value is sealed (FieldCipher).
    Column("keyed_hash", String(64), nullable=False),
    Column("value_enc", Text, nullable=False),
    Column("note", Text, nullable=False),
    Column("added_by", String(200), nullable=False),
    Column("added_at", UTCDateTime, nullable=False),
    Column("removed_at", UTCDateTime),
    UniqueConstraint("kind", "keyed_hash"),
)

watchlist_images = Table(
    "watchlist_images",
    metadata,
    # The nine perceptual hashes of a watchlisted image, sealed (FieldCipher,
    # "watchlist.image_hashes"); see threadline/screen/_nearimages.py for why they are sealed
    # rather than stored as keyed hashes.
    Column("watch_id", Integer, ForeignKey("watchlist.id"), primary_key=True),
    Column("hashes_enc", Text, nullable=False),
)

leads = Table(
    "leads",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("status", String(20), nullable=False),
    Column("juvenile", Boolean, nullable=False),
    Column("score", Float, nullable=False),
    Column("tips", Integer, nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    Column("updated_at", UTCDateTime, nullable=False),
    # The investigator working the lead, and the last decision on it with its written reason.
    Column("assigned_to", String(200)),
    Column("decided_by", String(200)),
    Column("decided_at", UTCDateTime),
    Column("decision_reason", Text),
    Index("ix_leads_priority", "juvenile", "score"),
)

lead_keys = Table(
    "lead_keys",
    metadata,
    # Keyed hash of one identifier (phone, email, handle, account, ad); one lead per key.
    Column("keyed_hash", String(64), primary_key=True),
    Column("lead_id", Integer, ForeignKey("leads.id"), nullable=False, index=True),
)

tips = Table(
    "tips",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("lead_id", Integer, ForeignKey("leads.id"), nullable=False, index=True),
    Column("platform_id", Integer, ForeignKey("screen_platforms.id"), nullable=False),
    Column("ad_id", Integer, ForeignKey("ads.id"), nullable=False),
    Column("received_at", UTCDateTime, nullable=False),
    Column("reason", Text, nullable=False),
    # The platform's account data as JSON, sealed with FieldCipher ("tips.account").
    Column("account_enc", Text, nullable=False),
    Column("juvenile", Boolean, nullable=False),
    Column("score", Float, nullable=False),
    Column("decision", String(10), nullable=False),
)
