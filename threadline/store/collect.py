"""Collection's repository: ad states before a save, WARC captures, takedowns."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, insert, select, update

from threadline.store._upsert import insert_ignoring_conflicts
from threadline.store.tables import ads, sources
from threadline.store.tables_collect import captures, takedowns, warc_ingests

__all__ = [
    "CaptureRow",
    "KnownAd",
    "active_ads",
    "ad_states",
    "captures_for",
    "ingested_warcs",
    "mark_taken_down",
    "mark_warc_ingested",
    "restore_seen",
    "save_captures",
    "taken_down",
]

_CHUNK = 500  # ids per IN (...) list: well under every engine's bound-parameter limit


@dataclass(frozen=True, slots=True)
class CaptureRow:
    """One ad version's place in the archive."""

    ad_id: int
    version: int
    url: str
    warc_path: str
    warc_record_id: str
    record_offset: int
    sha256: str
    fetched_at: datetime | None


@dataclass(frozen=True, slots=True)
class KnownAd:
    """A stored ad of a source that is not taken down."""

    row_id: int
    ext_id: str
    url: str | None


def ad_states(
    connection: Connection, source_id: int, ext_ids: Sequence[str]
) -> dict[str, tuple[int, int, str]]:
    """External id → (row id, version, content hash) of the stored ads among `ext_ids`."""
    found: dict[str, tuple[int, int, str]] = {}
    for start in range(0, len(ext_ids), _CHUNK):
        query = select(ads.c.ext_id, ads.c.id, ads.c.version, ads.c.content_hash).where(
            ads.c.source_id == source_id, ads.c.ext_id.in_(list(ext_ids[start : start + _CHUNK]))
        )
        for row in connection.execute(query):
            found[row.ext_id] = (int(row.id), int(row.version), row.content_hash)
    return found


def save_captures(connection: Connection, rows: Iterable[CaptureRow], now: datetime) -> None:
    """Record captures; a version already captured keeps its first capture."""
    values = [_capture_values(row, now) for row in rows]
    insert_ignoring_conflicts(connection, captures, values)


def _capture_values(row: CaptureRow, now: datetime) -> dict[str, Any]:
    return {
        "ad_id": row.ad_id,
        "version": row.version,
        "url": row.url,
        "warc_path": row.warc_path,
        "warc_record_id": row.warc_record_id,
        "record_offset": row.record_offset,
        "sha256": row.sha256,
        "fetched_at": row.fetched_at,
        "stored_at": now,
    }


def captures_for(connection: Connection, ad_id: int) -> list[CaptureRow]:
    """Every capture of an ad, oldest version first."""
    query = select(captures).where(captures.c.ad_id == ad_id).order_by(captures.c.version)
    return [
        CaptureRow(
            ad_id=int(row.ad_id),
            version=int(row.version),
            url=row.url,
            warc_path=row.warc_path,
            warc_record_id=row.warc_record_id,
            record_offset=int(row.record_offset),
            sha256=row.sha256,
            fetched_at=row.fetched_at,
        )
        for row in connection.execute(query)
    ]


def active_ads(connection: Connection, source: str) -> list[KnownAd]:
    """The source's stored ads that are not taken down, in row order."""
    query = (
        select(ads.c.id, ads.c.ext_id, ads.c.url)
        .join(sources, sources.c.id == ads.c.source_id)
        .where(sources.c.name == source, ads.c.removed_at.is_(None))
        .order_by(ads.c.id)
    )
    return [KnownAd(int(row.id), row.ext_id, row.url) for row in connection.execute(query)]


def mark_taken_down(
    connection: Connection, missing: Sequence[tuple[int, str, int]], at: datetime
) -> int:
    """Record (row id, URL, status) ads as taken down at `at`; returns how many were live."""
    marked = 0
    for row_id, url, status in missing:
        changed = connection.execute(
            update(ads).where(ads.c.id == row_id, ads.c.removed_at.is_(None)).values(removed_at=at)
        ).rowcount
        if changed:
            connection.execute(
                insert(takedowns).values(ad_id=row_id, seen_missing_at=at, url=url, status=status)
            )
            marked += 1
    return marked


def restore_seen(connection: Connection, source_id: int, ext_ids: Sequence[str]) -> int:
    """Clear the takedown mark of ads that are on the site again; returns how many."""
    restored = 0
    for start in range(0, len(ext_ids), _CHUNK):
        restored += connection.execute(
            update(ads)
            .where(
                ads.c.source_id == source_id,
                ads.c.ext_id.in_(list(ext_ids[start : start + _CHUNK])),
                ads.c.removed_at.is_not(None),
            )
            .values(removed_at=None)
        ).rowcount
    return restored


def taken_down(connection: Connection, source: str) -> dict[str, datetime]:
    """External id → when it was found gone, for the source's taken-down ads."""
    query = (
        select(ads.c.ext_id, ads.c.removed_at)
        .join(sources, sources.c.id == ads.c.source_id)
        .where(sources.c.name == source, ads.c.removed_at.is_not(None))
    )
    return {row.ext_id: row.removed_at for row in connection.execute(query)}


def ingested_warcs(connection: Connection, paths: Sequence[str]) -> set[str]:
    """Those of `paths` whose records were all stored."""
    found: set[str] = set()
    for start in range(0, len(paths), _CHUNK):
        chunk = list(paths[start : start + _CHUNK])
        query = select(warc_ingests.c.path).where(warc_ingests.c.path.in_(chunk))
        found.update(connection.execute(query).scalars())
    return found


def mark_warc_ingested(connection: Connection, path: str, now: datetime) -> None:
    """Record that every record of this WARC file is stored (once; again is a no-op)."""
    insert_ignoring_conflicts(connection, warc_ingests, [{"path": path, "ingested_at": now}])
