"""Tables of bot script management: every script version activated for a campaign, and why."""

from __future__ import annotations

from sqlalchemy import Column, ForeignKey, Index, Integer, String, Table, Text

from threadline.store.tables import UTCDateTime, metadata

intercept_script_activations = Table(
    "intercept_script_activations",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("campaign_id", Integer, ForeignKey("intercept_campaigns.id"), nullable=False),
    Column("script_id", String(100), nullable=False),
    Column("script_version", Integer, nullable=False),
    Column("script_sha256", String(64), nullable=False),
    Column("script_yaml", Text, nullable=False),
    Column("previous_version", Integer, nullable=False),  # the version it replaced
    Column("activated_by", String(200), nullable=False),
    Column("activated_at", UTCDateTime, nullable=False),
    Column("reason", Text, nullable=False),
    Index("ix_intercept_script_activations_campaign_id", "campaign_id"),
)
