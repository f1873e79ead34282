"""Tables of cases: an investigator's folder of ads, networks, contacts, notes, face reviews."""

from __future__ import annotations

from sqlalchemy import Column, ForeignKey, Integer, String, Table, Text

from threadline.store.tables import UTCDateTime, metadata

cases = Table(
    "cases",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("title", String(300), nullable=False),
    # A user name, not a foreign key: accounts belong to the security capability.
    Column("owner", String(100), nullable=False, index=True),
    Column("created_at", UTCDateTime, nullable=False),
    Column("status", String(20), nullable=False),
)

case_items = Table(
    "case_items",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("case_id", Integer, ForeignKey("cases.id"), nullable=False, index=True),
    Column("kind", String(20), nullable=False),  # ad | network | contact | note | face_review
    Column("ref", String(200), nullable=False),
    Column("note", Text, nullable=False),
    Column("added_by", String(100), nullable=False),
    Column("added_at", UTCDateTime, nullable=False),
)

case_shares = Table(
    "case_shares",
    metadata,
    Column("case_id", Integer, ForeignKey("cases.id"), primary_key=True),
    Column("user_name", String(100), primary_key=True),
)
