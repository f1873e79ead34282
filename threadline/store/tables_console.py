"""Tables of the analyst console: saved searches, the ads they flagged, corpus counts."""

from __future__ import annotations

from sqlalchemy import JSON, Boolean, Column, ForeignKey, Index, Integer, String, Table

from threadline.store.tables import UTCDateTime, metadata

saved_searches = Table(
    "saved_searches",
    metadata,
    Column("id", Integer, primary_key=True),
    # A user name, not a foreign key: accounts belong to the security capability.
    Column("owner", String(100), nullable=False, index=True),
    Column("name", String(200), nullable=False),
    Column("params", JSON, nullable=False),  # the search's query-string fields
    Column("created_at", UTCDateTime, nullable=False),
    Column("last_run_at", UTCDateTime),
    Column("watermark", Integer, nullable=False),  # highest ad row id already looked at
)

saved_search_hits = Table(
    "saved_search_hits",
    metadata,
    Column("search_id", Integer, ForeignKey("saved_searches.id"), primary_key=True),
    Column("ad_id", Integer, ForeignKey("ads.id"), primary_key=True),
    Column("found_at", UTCDateTime, nullable=False),
    Column("seen", Boolean, nullable=False),
    Index("ix_saved_search_hits_seen", "seen"),
)

# Ads per posting day and per city, kept in step with `ads` by triggers (migration
# 0004_console_counts), so the dashboard reads a few thousand rows instead of every ad.
ad_counts = Table(
    "ad_counts",
    metadata,
    Column("facet", String(10), primary_key=True),  # "day" (UTC, YYYY-MM-DD) or "city"
    Column("value", String(200), primary_key=True),  # "" for ads without a date or city
    Column("ads", Integer, nullable=False),
)

# Every term and emoji of the corpus with the number of ads using it, refreshed by analyze.
corpus_terms = Table(
    "corpus_terms",
    metadata,
    Column("kind", String(10), primary_key=True),  # "term" or "emoji"
    Column("term", String(200), primary_key=True),
    Column("ads", Integer, nullable=False),
    Index("ix_corpus_terms_kind_ads", "kind", "ads"),
)

# One row: the highest ad row id counted into corpus_terms, and how many ads that covers.
corpus_terms_state = Table(
    "corpus_terms_state",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("watermark", Integer, nullable=False),
    Column("ads", Integer, nullable=False),
    Column("refreshed_at", UTCDateTime, nullable=False),
)
