"""Full-text search over ads: SQLite FTS5 or PostgreSQL tsvector, behind one function."""

from __future__ import annotations

import re

from sqlalchemy import Connection, text

_WORD = re.compile(r"\w+", re.UNICODE)
MAX_TERMS = 12


def search_ad_ids(
    connection: Connection, query: str, limit: int = 50, offset: int = 0
) -> list[int]:
    """Row ids of ads containing every word of the query, most relevant first."""
    terms = _WORD.findall(query.lower())[:MAX_TERMS]
    if not terms:
        return []
    if connection.dialect.name == "postgresql":
        return _postgresql(connection, " ".join(terms), limit, offset)
    return _sqlite(connection, terms, limit, offset)


def _sqlite(connection: Connection, terms: list[str], limit: int, offset: int) -> list[int]:
    # Each term quoted, so user input is never read as FTS5 syntax.
    match = " ".join('"' + term.replace('"', "") + '"' for term in terms)
    rows = connection.execute(
        text(
            "SELECT rowid FROM ads_fts WHERE ads_fts MATCH :match "
            "ORDER BY bm25(ads_fts), rowid LIMIT :limit OFFSET :offset"
        ),
        {"match": match, "limit": limit, "offset": offset},
    )
    return [int(row_id) for row_id in rows.scalars()]


def _postgresql(connection: Connection, words: str, limit: int, offset: int) -> list[int]:
    rows = connection.execute(
        text(
            "SELECT id FROM ads WHERE search @@ plainto_tsquery('simple', :words) "
            "ORDER BY ts_rank(search, plainto_tsquery('simple', :words)) DESC, id "
            "LIMIT :limit OFFSET :offset"
        ),
        {"words": words, "limit": limit, "offset": offset},
    )
    return [int(row_id) for row_id in rows.scalars()]
