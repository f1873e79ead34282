"""Storing ads idempotently (a content hash decides new, changed or unchanged) and reading them."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import orjson
from sqlalchemy import Connection, Row, func, insert, select, text, update

from threadline.model import Ad, ImageRef, ad_to_record
from threadline.store._bulk import insert_rows
from threadline.store._upsert import insert_ignoring_conflicts
from threadline.store.tables import ad_images, ad_versions, ads, images, sources


@dataclass(frozen=True, slots=True)
class SaveCounts:
    """What one batch did to the database."""

    added: int = 0
    updated: int = 0
    unchanged: int = 0

    def __add__(self, other: SaveCounts) -> SaveCounts:
        return SaveCounts(
            self.added + other.added,
            self.updated + other.updated,
            self.unchanged + other.unchanged,
        )


@dataclass(frozen=True, slots=True)
class StoredAd:
    """An ad with its database id and version."""

    row_id: int
    source: str
    version: int
    content_hash: str
    ad: Ad


def content_hash(ad: Ad) -> str:
    """SHA-256 of the ad's record in canonical JSON (keys sorted at every level): equal
    records, equal hashes."""
    return _canonical(ad)[0]


def _canonical(ad: Ad) -> tuple[str, orjson.Fragment]:
    """The content hash, and the unknown fields as JSON, serializing those only once.

    Each unknown field is serialized, keys sorted, into a fragment that the record's own
    sorted serialization embeds as it is: the same bytes as serializing the whole record
    sorted. The stored unknown fields are those fragments, so the ingest of a corpus with
    large unknown fields (a synthetic one's ground truth) serializes them once, not twice.
    """
    extra = {
        key: orjson.Fragment(orjson.dumps(value, option=orjson.OPT_SORT_KEYS))
        for key, value in ad.extra.items()
    }
    record = ad_to_record(ad)
    record.update(extra)  # same keys, so the same places in the record
    digest = hashlib.sha256(orjson.dumps(record, option=orjson.OPT_SORT_KEYS)).hexdigest()
    return digest, orjson.Fragment(orjson.dumps(extra))


def ensure_source(connection: Connection, name: str) -> int:
    """The id of the named source, created on first use."""
    found = connection.execute(select(sources.c.id).where(sources.c.name == name)).scalar()
    if found is not None:
        return int(found)
    created = connection.execute(
        insert(sources).values(name=name, created_at=datetime.now(UTC)).returning(sources.c.id)
    )
    return int(created.scalar_one())


@dataclass(frozen=True, slots=True)
class InsertedAds:
    """A batch saved but not yet indexed: what it did, and the row ids its new ads took."""

    counts: SaveCounts
    new_rows: tuple[int, int] | None  # first and last row id of the new ads, to index


def save_ads(connection: Connection, source_id: int, batch: Sequence[Ad]) -> SaveCounts:
    """Insert new ads, version changed ones, skip unchanged ones; one batch, one transaction."""
    inserted = insert_ads(connection, source_id, batch)
    if inserted.new_rows:
        index_new_ads(connection, *inserted.new_rows)
    return inserted.counts


def insert_ads(connection: Connection, source_id: int, batch: Sequence[Ad]) -> InsertedAds:
    """`save_ads` but for the search index and counts of the new ads, which the caller fills
    with `index_new_ads` in the same transaction (a bulk ingest does it on another thread)."""
    now = datetime.now(UTC)
    latest = _dedupe_batch(batch)
    existing = _existing(connection, source_id, list(latest))
    new = [ad for ext_id, ad in latest.items() if ext_id not in existing]
    changed = [
        (existing[ext_id], ad)
        for ext_id, ad in latest.items()
        if ext_id in existing and existing[ext_id][1] != content_hash(ad)
    ]
    new_rows = _insert_new(connection, source_id, new, now)
    for (row_id, _old_hash, version), ad in changed:
        _replace(connection, row_id, version, ad, now)
    unchanged = len(batch) - len(new) - len(changed)
    counts = SaveCounts(added=len(new), updated=len(changed), unchanged=unchanged)
    return InsertedAds(counts, new_rows)


def register_images(connection: Connection, sizes: dict[str, int]) -> None:
    """Record stored image blobs (SHA-256 and size); known ones are left as they are."""
    rows = [{"sha256": digest, "size": size} for digest, size in sorted(sizes.items())]
    insert_ignoring_conflicts(connection, images, rows)


def count_ads(connection: Connection) -> int:
    """How many ads are stored."""
    return int(connection.execute(select(func.count()).select_from(ads)).scalar_one())


def iter_ads(connection: Connection, after_row_id: int = 0) -> Iterator[StoredAd]:
    """Every stored ad in row order, streamed; images attached."""
    query = (
        select(ads, sources.c.name.label("source_name"))
        .join(sources, sources.c.id == ads.c.source_id)
        .where(ads.c.id > after_row_id)
        .order_by(ads.c.id)
        .execution_options(yield_per=2000)
    )
    for chunk in connection.execute(query).partitions():
        images = _images_for(connection, [row.id for row in chunk])
        for row in chunk:
            yield _stored(row, images.get(int(row.id), ()))


def get_ad(connection: Connection, row_id: int) -> StoredAd | None:
    """One ad by its database id."""
    found = get_ads(connection, [row_id])
    return found[0] if found else None


def get_ads(connection: Connection, row_ids: Sequence[int]) -> list[StoredAd]:
    """The ads with these database ids, in row order; unknown ids are skipped."""
    rows = connection.execute(
        select(ads, sources.c.name.label("source_name"))
        .join(sources, sources.c.id == ads.c.source_id)
        .where(ads.c.id.in_(list(row_ids)))
        .order_by(ads.c.id)
    ).all()
    images = _images_for(connection, [int(row.id) for row in rows])
    return [_stored(row, images.get(int(row.id), ())) for row in rows]


def _dedupe_batch(batch: Sequence[Ad]) -> dict[str, Ad]:
    # Within one batch the last record for an id wins, as it would across batches.
    return {ad.id: ad for ad in batch}


def _existing(
    connection: Connection, source_id: int, ext_ids: list[str]
) -> dict[str, tuple[int, str, int]]:
    rows = connection.execute(
        select(ads.c.ext_id, ads.c.id, ads.c.content_hash, ads.c.version).where(
            ads.c.source_id == source_id, ads.c.ext_id.in_(ext_ids)
        )
    )
    return {row.ext_id: (int(row.id), row.content_hash, int(row.version)) for row in rows}


def _insert_new(
    connection: Connection, source_id: int, new: list[Ad], now: datetime
) -> tuple[int, int] | None:
    if not new:
        return None
    shared = {"source_id": source_id, "version": 1, "first_seen": now, "last_seen": now}
    insert_rows(connection, ads, [_ad_values(ad) for ad in new], shared)
    query = select(ads.c.ext_id, ads.c.id).where(
        ads.c.source_id == source_id, ads.c.ext_id.in_([ad.id for ad in new])
    )
    ids = {ext_id: int(row_id) for ext_id, row_id in connection.execute(query)}
    _insert_images(connection, [(ids[ad.id], ad) for ad in new])
    return min(ids.values()), max(ids.values())


# SQLite gives each new row the largest id so far plus one, and the transaction holds the
# write lock: the ads of one insert are exactly the rows between its smallest and largest id.
_FTS_FILL = text(
    "INSERT INTO ads_fts(rowid, title, body) "
    "SELECT id, title, body FROM ads WHERE id BETWEEN :first AND :last"
)
_COUNTS_FILL = text(
    "INSERT INTO ad_counts (facet, value, ads) SELECT facet, value, sum(n) FROM ("
    "SELECT 'day' AS facet, coalesce(date(posted_at), '') AS value, 1 AS n FROM ads "
    "WHERE id BETWEEN :first AND :last UNION ALL "
    "SELECT 'city', coalesce(city, ''), 1 FROM ads WHERE id BETWEEN :first AND :last"
    ") GROUP BY facet, value ORDER BY facet, value "
    "ON CONFLICT (facet, value) DO UPDATE SET ads = ad_counts.ads + excluded.ads"
)


def index_new_ads(connection: Connection, first: int, last: int) -> None:
    """Put ads just inserted (ids `first`..`last`) into SQLite's full-text index and the
    day/city counts, one statement each (migration 0007 dropped the per-row triggers).
    PostgreSQL needs nothing: its counts trigger runs per statement already."""
    if connection.dialect.name == "sqlite":
        bounds = {"first": first, "last": last}
        connection.execute(_FTS_FILL, bounds)
        connection.execute(_COUNTS_FILL, bounds)


def _replace(connection: Connection, row_id: int, version: int, ad: Ad, now: datetime) -> None:
    old = get_ad(connection, row_id)
    assert old is not None
    connection.execute(
        insert(ad_versions).values(
            ad_id=row_id,
            version=version,
            content_hash=old.content_hash,
            record=ad_to_record(old.ad),
            superseded_at=now,
        )
    )
    values = _ad_values(ad) | {"version": version + 1, "last_seen": now, "removed_at": None}
    connection.execute(update(ads).where(ads.c.id == row_id).values(**values))
    connection.execute(ad_images.delete().where(ad_images.c.ad_id == row_id))
    _insert_images(connection, [(row_id, ad)])


def _ad_values(ad: Ad) -> dict[str, Any]:
    digest, extra = _canonical(ad)
    return {
        "ext_id": ad.id,
        "site": ad.site,
        "url": ad.url,
        "title": ad.title,
        "body": ad.body,
        "posted_at": ad.posted_at,
        "city": ad.city,
        "region": ad.region,
        "country": ad.country,
        "extra": extra,
        "content_hash": digest,
    }


def _insert_images(connection: Connection, owners: list[tuple[int, Ad]]) -> None:
    rows = [
        {"ad_id": row_id, "position": i, "url": im.url, "path": im.path, "sha256": im.sha256}
        for row_id, ad in owners
        for i, im in enumerate(ad.images)
    ]
    insert_rows(connection, ad_images, rows)


def _images_for(connection: Connection, row_ids: list[int]) -> dict[int, tuple[ImageRef, ...]]:
    found: dict[int, list[ImageRef]] = {}
    query = select(ad_images).where(ad_images.c.ad_id.in_(row_ids)).order_by(ad_images.c.position)
    for row in connection.execute(query):
        ref = ImageRef(url=row.url, path=row.path, sha256=row.sha256)
        found.setdefault(int(row.ad_id), []).append(ref)
    return {key: tuple(value) for key, value in found.items()}


def _stored(row: Row[Any], images: tuple[ImageRef, ...]) -> StoredAd:
    posted = row.posted_at
    if posted is not None and posted.tzinfo is None:
        posted = posted.replace(tzinfo=UTC)
    ad = Ad(
        id=row.ext_id,
        title=row.title,
        body=row.body,
        site=row.site,
        url=row.url,
        posted_at=posted,
        city=row.city,
        region=row.region,
        country=row.country,
        images=images,
        extra=dict(row.extra),
    )
    return StoredAd(int(row.id), row.source_name, int(row.version), row.content_hash, ad)
