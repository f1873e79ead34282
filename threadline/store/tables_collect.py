"""Tables of collection: where each ad version lies in the WARC archive, takedowns, and the
WARC files already ingested."""

from __future__ import annotations

from sqlalchemy import BigInteger, Column, ForeignKey, Index, Integer, String, Table, Text

from threadline.store.tables import UTCDateTime, metadata

captures = Table(
    "captures",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("ad_id", Integer, ForeignKey("ads.id"), nullable=False),
    Column("version", Integer, nullable=False),  # the ad version this capture holds
    Column("url", Text, nullable=False),
    Column("warc_path", Text, nullable=False),
    Column("warc_record_id", String(100), nullable=False),
    Column("record_offset", BigInteger, nullable=False),
    Column("sha256", String(64), nullable=False),  # of the HTTP payload as archived
    Column("fetched_at", UTCDateTime),
    Column("stored_at", UTCDateTime, nullable=False),
    Index("ix_captures_ad_id_version", "ad_id", "version", unique=True),
)

takedowns = Table(
    "takedowns",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("ad_id", Integer, ForeignKey("ads.id"), nullable=False, index=True),
    Column("seen_missing_at", UTCDateTime, nullable=False),
    Column("url", Text),
    Column("status", Integer),  # what the site answered when the ad was re-checked
)

# A collection round records each WARC file once all its records are stored, so the next
# round ingests the files that a stopped or killed round left (see ingest.collect).
warc_ingests = Table(
    "warc_ingests",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("path", Text, nullable=False),
    Column("ingested_at", UTCDateTime, nullable=False),
    Index("ix_warc_ingests_path", "path", unique=True),
)
