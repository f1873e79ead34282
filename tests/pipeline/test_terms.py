"""Corpus term counts: analyze adds new ads' terms, and counts afresh when a counted ad changed."""

from __future__ import annotations

from pathlib import Path

from tests.builders import an_ad
from tests.console_corpus import store_and_analyze
from threadline.pipeline import AnalyzeOptions, analyze
from threadline.store import BlobStore, Database, ensure_source, save_ads
from threadline.store.console_terms import terms_state, top_corpus_terms


def _terms(database: Database) -> tuple[dict[str, int], dict[str, int], tuple[int, int]]:
    with database.transaction() as connection:
        terms = dict(top_corpus_terms(connection, "term", 1000))
        emoji = dict(top_corpus_terms(connection, "emoji", 1000))
        state = terms_state(connection)
    return terms, emoji, (state.watermark, state.ads)


def _save_and_analyze(database: Database, tmp_path: Path, *batch: object) -> bool:
    with database.transaction() as connection:
        save_ads(connection, ensure_source(connection, "corpus"), list(batch))  # type: ignore[arg-type]
    options = AnalyzeOptions(
        state_path=tmp_path / "link-state.pkl",
        blobs=BlobStore(tmp_path / "blobs"),
        secret_key=b"test-key",
    )
    return analyze(database, options).terms_recounted


def test_terms_cover_every_ad_analyzed(database: Database, tmp_path: Path) -> None:
    store_and_analyze(database, tmp_path)
    terms, emoji, reach = _terms(database)
    assert reach == (3, 3)
    assert (terms["fresh"], terms["visiting"], terms["evenings"], emoji) == (1, 1, 1, {})
    assert "and" not in terms  # a stop word


def test_new_ads_are_added_to_the_counts(database: Database, tmp_path: Path) -> None:
    store_and_analyze(database, tmp_path)
    new = an_ad("d", title="Fresh again", body="fresh roses 🌹 tonight", images=())
    assert _save_and_analyze(database, tmp_path, new) is False
    terms, emoji, reach = _terms(database)
    assert (reach, terms["fresh"], terms["tonight"], emoji) == ((4, 4), 2, 2, {"🌹": 1})


def test_a_changed_ad_makes_a_full_recount(database: Database, tmp_path: Path) -> None:
    store_and_analyze(database, tmp_path)
    edited = an_ad("a", title="Ana here", body="Call 702-555-0142 🌹", images=())
    assert _save_and_analyze(database, tmp_path, edited) is True
    terms, emoji, reach = _terms(database)
    assert (reach, "fresh" in terms, terms["ana"], emoji) == ((3, 3), False, 1, {"🌹": 1})
