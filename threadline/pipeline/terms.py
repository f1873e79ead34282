"""Corpus-wide term and emoji counts for the statistics page, refreshed after each analysis."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from datetime import UTC, datetime

from sqlalchemy import Connection

from threadline.link import term_counts
from threadline.model import AdEvidence
from threadline.store import Database, iter_ad_evidence
from threadline.store.console_ads import ad_evidence
from threadline.store.console_terms import (
    TermsState,
    add_corpus_terms,
    ads_above,
    replace_corpus_terms,
    terms_state,
)

CHUNK = 1000


def refresh_terms(database: Database, changed: Sequence[int]) -> bool:
    """Count the terms of the ads analyzed just now; True when the corpus was recounted.

    Ads stored after the last count are added to it. When an ad already counted has changed
    (or nothing was counted yet), every ad is counted again, as the link state is rebuilt.
    """
    with database.transaction() as connection:
        state = terms_state(connection)
        fresh = sorted(i for i in changed if i > state.watermark)
        above = ads_above(connection, state.watermark)
        if len(fresh) == len(changed) and above == len(fresh):
            if fresh:
                found = _counts(_evidence_of(connection, fresh))
                reach = TermsState(fresh[-1], state.ads + len(fresh), datetime.now(UTC))
                add_corpus_terms(connection, found, reach)
            return False
    _recount(database)
    return True


def _recount(database: Database) -> None:
    seen = _Seen()
    with database.engine.connect() as connection:
        found = _counts(seen.track(iter_ad_evidence(connection)))
    with database.transaction() as connection:
        reach = TermsState(seen.top, seen.count, datetime.now(UTC))
        replace_corpus_terms(connection, found, reach)


class _Seen:
    """The highest row id and number of ads that passed through."""

    def __init__(self) -> None:
        self.top = 0
        self.count = 0

    def track(self, evidence: Iterable[AdEvidence]) -> Iterator[AdEvidence]:
        for item in evidence:
            self.top = max(self.top, int(item.ad_id))
            self.count += 1
            yield item


def _evidence_of(connection: Connection, ids: list[int]) -> Iterator[AdEvidence]:
    for start in range(0, len(ids), CHUNK):
        yield from ad_evidence(connection, ids[start : start + CHUNK])


def _counts(evidence: Iterable[AdEvidence]) -> dict[str, dict[str, int]]:
    terms, emoji = term_counts(evidence)
    return {"term": dict(terms), "emoji": dict(emoji)}
