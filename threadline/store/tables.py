"""The schema as SQLAlchemy Core tables; Alembic migrations create exactly this."""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
)

metadata = MetaData(
    naming_convention={
        "ix": "ix_%(table_name)s_%(column_0_N_name)s",
        "uq": "uq_%(table_name)s_%(column_0_N_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    }
)

UTCDateTime = DateTime(timezone=True)

sources = Table(
    "sources",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("name", String(200), nullable=False, unique=True),
    Column("created_at", UTCDateTime, nullable=False),
)

ads = Table(
    "ads",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("source_id", Integer, ForeignKey("sources.id"), nullable=False),
    Column("ext_id", String(512), nullable=False),
    Column("site", String(200)),
    Column("url", Text),
    Column("title", Text, nullable=False),
    Column("body", Text, nullable=False),
    Column("posted_at", UTCDateTime),
    Column("city", String(200)),
    Column("region", String(100)),
    Column("country", String(2)),
    Column("extra", JSON, nullable=False),
    Column("content_hash", String(64), nullable=False),
    Column("version", Integer, nullable=False),
    Column("first_seen", UTCDateTime, nullable=False),
    Column("last_seen", UTCDateTime, nullable=False),
    Column("removed_at", UTCDateTime),
    UniqueConstraint("source_id", "ext_id"),
    Index("ix_ads_posted_at", "posted_at"),
    Index("ix_ads_city", "city"),
)

ad_versions = Table(
    "ad_versions",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("ad_id", Integer, ForeignKey("ads.id"), nullable=False, index=True),
    Column("version", Integer, nullable=False),
    Column("content_hash", String(64), nullable=False),
    Column("record", JSON, nullable=False),
    Column("superseded_at", UTCDateTime, nullable=False),
)

images = Table(
    "images",
    metadata,
    Column("sha256", String(64), primary_key=True),
    Column("size", Integer, nullable=False),
    Column("width", Integer),
    Column("height", Integer),
    Column("phash", Text),
)

ad_images = Table(
    "ad_images",
    metadata,
    Column("ad_id", Integer, ForeignKey("ads.id"), primary_key=True),
    Column("position", Integer, primary_key=True),
    Column("url", Text),
    Column("path", Text),
    Column("sha256", String(64), index=True),
)

identifiers = Table(
    "identifiers",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("kind", String(20), nullable=False),
    Column("value", String(512), nullable=False),
    Column("keyed_hash", String(64), nullable=False, index=True),
    UniqueConstraint("kind", "value"),
)

ad_identifiers = Table(
    "ad_identifiers",
    metadata,
    Column("ad_id", Integer, ForeignKey("ads.id"), primary_key=True),
    Column("identifier_id", Integer, ForeignKey("identifiers.id"), primary_key=True),
    Column("start", Integer, primary_key=True),
    Column("end", Integer, nullable=False),
    Column("text", Text, nullable=False),
    Column("source", String(50), nullable=False),
    Index("ix_ad_identifiers_identifier_id", "identifier_id"),
)

findings = Table(
    "findings",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("ad_id", Integer, ForeignKey("ads.id"), nullable=False, index=True),
    Column("kind", String(50), nullable=False),
    Column("value", String(512), nullable=False),
    Column("start", Integer, nullable=False),
    Column("end", Integer, nullable=False),
    Column("text", Text, nullable=False),
    Column("source", String(50), nullable=False),
    Column("attrs", JSON, nullable=False),
    Index("ix_findings_kind_value", "kind", "value"),
)

ad_risk = Table(
    "ad_risk",
    metadata,
    Column("ad_id", Integer, ForeignKey("ads.id"), primary_key=True),
    Column("score", Float, nullable=False),
    Column("level", String(10), nullable=False),
    Column("juvenile", Boolean, nullable=False),
    Column("reasons", JSON, nullable=False),
    Column("content_hash", String(64), nullable=False),
    Column("analyzed_at", UTCDateTime, nullable=False),
    Index("ix_ad_risk_score", "score"),
)

networks = Table(
    "networks",
    metadata,
    Column("id", String(64), primary_key=True),
    Column("size", Integer, nullable=False),
    Column("first_seen", UTCDateTime),
    Column("last_seen", UTCDateTime),
    Column("risk_max", Float, nullable=False),
    Column("juvenile", Boolean, nullable=False),
    Column("summary", JSON, nullable=False),
    Column("updated_at", UTCDateTime, nullable=False),
    Index("ix_networks_risk_max", "risk_max"),
)

memberships = Table(
    "memberships",
    metadata,
    Column("ad_id", Integer, ForeignKey("ads.id"), primary_key=True),
    Column("network_id", String(64), nullable=False, index=True),
    Column("via", JSON, nullable=False),
)

audit_log = Table(
    "audit_log",
    metadata,
    Column("seq", Integer, primary_key=True, autoincrement=False),
    Column("at", UTCDateTime, nullable=False),
    Column("actor", String(200), nullable=False),
    Column("action", String(100), nullable=False),
    Column("object_type", String(100), nullable=False),
    Column("object_id", String(200), nullable=False),
    Column("source_ip", String(64), nullable=False),
    Column("outcome", String(20), nullable=False),
    Column("detail", Text, nullable=False),
    Column("prev_hash", String(64), nullable=False),
    Column("hash", String(64), nullable=False),
)

audit_head = Table(
    "audit_head",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=False),
    Column("seq", Integer, nullable=False),
    Column("hash", String(64), nullable=False),
)
