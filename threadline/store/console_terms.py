"""Terms and emoji of the whole corpus with the number of ads using each, kept by analyze."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, delete, func, insert, select
from sqlalchemy.dialects import postgresql, sqlite

from threadline.store.console_ads import aware
from threadline.store.tables import ads
from threadline.store.tables_console import corpus_terms, corpus_terms_state

TERM_LENGTH = 200  # longer runs of letters are not words anyone searches for
CHUNK = 5_000


@dataclass(frozen=True, slots=True)
class TermsState:
    """How far the counts reach: ads up to row `watermark`, `ads` of them, when."""

    watermark: int
    ads: int
    refreshed_at: datetime | None


def terms_state(connection: Connection) -> TermsState:
    """The counts' reach; nothing counted yet gives watermark 0."""
    row = connection.execute(select(corpus_terms_state).where(corpus_terms_state.c.id == 1))
    found = row.first()
    if found is None:
        return TermsState(0, 0, None)
    return TermsState(int(found.watermark), int(found.ads), aware(found.refreshed_at))


def ads_above(connection: Connection, watermark: int) -> int:
    """How many stored ads have a row id above `watermark`."""
    query = select(func.count()).select_from(ads).where(ads.c.id > watermark)
    return int(connection.execute(query).scalar_one())


def replace_corpus_terms(
    connection: Connection,
    counts: Mapping[str, Mapping[str, int]],
    state: TermsState,
) -> None:
    """Store counts of the whole corpus (`counts[kind][term]`) in place of the old ones."""
    connection.execute(delete(corpus_terms))
    rows = _rows(counts)
    for start in range(0, len(rows), CHUNK):
        connection.execute(insert(corpus_terms), rows[start : start + CHUNK])
    _save_state(connection, state)


def add_corpus_terms(
    connection: Connection,
    counts: Mapping[str, Mapping[str, int]],
    state: TermsState,
) -> None:
    """Add the counts of newly stored ads to the stored ones."""
    dialect: Any = postgresql if connection.dialect.name == "postgresql" else sqlite
    rows = _rows(counts)
    for start in range(0, len(rows), CHUNK):
        statement = dialect.insert(corpus_terms)
        statement = statement.on_conflict_do_update(
            index_elements=[corpus_terms.c.kind, corpus_terms.c.term],
            set_={"ads": corpus_terms.c.ads + statement.excluded.ads},
        )
        connection.execute(statement, rows[start : start + CHUNK])
    _save_state(connection, state)


def top_corpus_terms(connection: Connection, kind: str, top: int) -> list[tuple[str, int]]:
    """The `top` terms (or emoji) used by the most ads, most first."""
    query = (
        select(corpus_terms.c.term, corpus_terms.c.ads)
        .where(corpus_terms.c.kind == kind)
        .order_by(corpus_terms.c.ads.desc(), corpus_terms.c.term)
        .limit(top)
    )
    return [(str(term), int(n)) for term, n in connection.execute(query)]


def _rows(counts: Mapping[str, Mapping[str, int]]) -> list[dict[str, Any]]:
    # Sorted, so concurrent upserts take row locks in the same order.
    return [
        {"kind": kind, "term": term, "ads": n}
        for kind, found in sorted(counts.items())
        for term, n in sorted(found.items())
        if len(term) <= TERM_LENGTH
    ]


def _save_state(connection: Connection, state: TermsState) -> None:
    connection.execute(delete(corpus_terms_state))
    values = {"watermark": state.watermark, "ads": state.ads, "refreshed_at": state.refreshed_at}
    connection.execute(insert(corpus_terms_state).values(id=1, **values))
