"""Saving ads: new, unchanged and changed records, versions kept."""

from __future__ import annotations

import hashlib
from dataclasses import replace

import orjson
from sqlalchemy import select

from tests.builders import an_ad
from threadline.model import ImageRef, ad_to_record
from threadline.store import (
    Database,
    SaveCounts,
    content_hash,
    count_ads,
    ensure_source,
    get_ad,
    iter_ad_evidence,
    iter_ads,
    partition_starts,
    save_ads,
)
from threadline.store.tables import ad_versions


def test_save_ads_adds_then_skips_identical_records(database: Database) -> None:
    batch = [an_ad("a"), an_ad("b")]
    with database.transaction() as connection:
        source = ensure_source(connection, "corpus")
        first = save_ads(connection, source, batch)
        second = save_ads(connection, source, batch)
        total = count_ads(connection)
    assert first == SaveCounts(added=2, updated=0, unchanged=0)
    assert second == SaveCounts(added=0, updated=0, unchanged=2)
    assert total == 2


def test_save_ads_versions_a_changed_record(database: Database) -> None:
    with database.transaction() as connection:
        source = ensure_source(connection, "corpus")
        save_ads(connection, source, [an_ad("a", body="first text")])
        counts = save_ads(connection, source, [an_ad("a", body="second text")])
        stored = next(iter_ads(connection))
        old = connection.execute(select(ad_versions)).one()
    assert counts == SaveCounts(added=0, updated=1, unchanged=0)
    assert (stored.version, stored.ad.body) == (2, "second text")
    assert (old.version, old.record["body"]) == (1, "first text")


def test_same_id_in_two_sources_is_two_ads(database: Database) -> None:
    with database.transaction() as connection:
        save_ads(connection, ensure_source(connection, "one"), [an_ad("a")])
        save_ads(connection, ensure_source(connection, "two"), [an_ad("a")])
        assert count_ads(connection) == 2


def test_stored_ad_round_trips_every_field(database: Database) -> None:
    ad = an_ad(
        "a",
        images=(
            ImageRef(url="https://x.example/1.jpg"),
            ImageRef(path="images/2.jpg", sha256="ab" * 32),
        ),
        extra={"_truth": {"network": "N0001"}, "price": 3},
    )
    with database.transaction() as connection:
        save_ads(connection, ensure_source(connection, "corpus"), [ad])
        stored = get_ad(connection, 1)
    assert stored is not None
    assert stored.ad == ad
    assert stored.ad.extra == {"_truth": {"network": "N0001"}, "price": 3}
    assert stored.source == "corpus"


def test_iter_ads_streams_in_row_order(database: Database) -> None:
    with database.transaction() as connection:
        source = ensure_source(connection, "corpus")
        save_ads(connection, source, [an_ad(f"ad-{i:04d}") for i in range(2500)])
        ids = [stored.ad.id for stored in iter_ads(connection)]
        after = [stored.ad.id for stored in iter_ads(connection, after_row_id=2498)]
    assert ids == [f"ad-{i:04d}" for i in range(2500)]
    assert after == ["ad-2498", "ad-2499"]


def test_partitions_of_equal_count_start_where_their_evidence_is_read(
    database: Database,
) -> None:
    with database.transaction() as connection:
        source = ensure_source(connection, "corpus")
        save_ads(connection, source, [an_ad(f"ad-{i}") for i in range(7)])
        rows = [int(e.ad_id) for e in iter_ad_evidence(connection)]
        starts = partition_starts(connection, 3)
        middle = [int(e.ad_id) for e in iter_ad_evidence(connection, 2, rows[3], rows[5])]
    assert starts == [rows[0], rows[3], rows[6]]
    assert middle == rows[4:6]  # above `after`, up to `upto`, read in chunks of 2


def test_changed_ad_replaces_its_images(database: Database) -> None:
    with database.transaction() as connection:
        source = ensure_source(connection, "corpus")
        save_ads(connection, source, [an_ad("a")])
        save_ads(
            connection, source, [replace(an_ad("a"), images=(ImageRef(url="https://x/2.jpg"),))]
        )
        stored = get_ad(connection, 1)
    assert stored is not None
    assert stored.ad.images == (ImageRef(url="https://x/2.jpg"),)


def test_content_hash_is_the_sha256_of_the_record_sorted_at_every_level() -> None:
    # The definition stored hashes were made with: a new way of computing it must not move it.
    ad = an_ad("a", extra={"zeta": {"b": [{"y": 2, "x": 1.5}], "a": None}, "Alpha": "é"})
    record = orjson.dumps(ad_to_record(ad), option=orjson.OPT_SORT_KEYS)
    assert content_hash(ad) == hashlib.sha256(record).hexdigest()
    reordered = replace(ad, extra={"Alpha": "é", "zeta": {"a": None, "b": [{"x": 1.5, "y": 2}]}})
    assert content_hash(reordered) == content_hash(ad)


def test_nested_unknown_fields_are_stored_whole(database: Database) -> None:
    extra = {"zeta": {"b": [{"y": 2, "x": 1.5}], "a": None}, "Alpha": "é", "n": 10**18}
    with database.transaction() as connection:
        save_ads(connection, ensure_source(connection, "corpus"), [an_ad("a", extra=extra)])
        stored = get_ad(connection, 1)
    assert stored is not None
    assert stored.ad.extra == extra
    assert list(stored.ad.extra) == ["zeta", "Alpha", "n"]
