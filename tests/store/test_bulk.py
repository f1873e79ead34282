"""Multi-row inserts: the SQLite shortcut stores exactly what SQLAlchemy's insert stores."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import insert, select, text

from threadline.store import Database, ensure_source
from threadline.store._bulk import insert_rows
from threadline.store.tables import ads

SEEN = datetime(2026, 10, 1, 12, 0, 5, 250, tzinfo=UTC)


def _row(source_id: int, ext_id: str) -> dict[str, Any]:
    return {
        "source_id": source_id,
        "ext_id": ext_id,
        "site": None,
        "title": "Sweet company",
        "body": "Text 702-555-0142 — née ✨",
        "posted_at": datetime(2026, 9, 30, 23, 59, tzinfo=UTC),
        "city": "Las Vegas",
        "extra": {"_truth": {"network": "N0001", "ages": [19]}, "é": None},
        "content_hash": "ab" * 32,
        "version": 1,
        "first_seen": SEEN,
        "last_seen": SEEN,
    }


def test_insert_rows_stores_the_same_values_as_core_insert_shared_or_not(
    database: Database,
) -> None:
    columns = "site, title, body, posted_at, city, extra, first_seen, last_seen"
    with database.transaction() as connection:
        source = ensure_source(connection, "corpus")
        connection.execute(insert(ads), [_row(source, "core")])
        insert_rows(connection, ads, [_row(source, "bulk")])
        shared = {"source_id": source, "version": 1, "first_seen": SEEN, "last_seen": SEEN}
        own = {k: v for k, v in _row(source, "shared").items() if k not in shared}
        insert_rows(connection, ads, [own], shared)
        raw = connection.execute(text(f"SELECT {columns} FROM ads ORDER BY id")).all()
        extras = connection.execute(select(ads.c.extra).order_by(ads.c.id)).scalars().all()
    assert raw[0] == raw[1] == raw[2]
    assert extras == [_row(source, "x")["extra"]] * 3
    if database.dialect == "sqlite":
        assert tuple(raw[1]) == (
            None,
            "Sweet company",
            "Text 702-555-0142 — née ✨",
            "2026-09-30 23:59:00.000000",
            "Las Vegas",
            '{"_truth":{"network":"N0001","ages":[19]},"é":null}',
            "2026-10-01 12:00:05.000250",
            "2026-10-01 12:00:05.000250",
        )


def test_insert_rows_keeps_row_order_and_ignores_an_empty_list(database: Database) -> None:
    with database.transaction() as connection:
        source = ensure_source(connection, "corpus")
        insert_rows(connection, ads, [])
        insert_rows(connection, ads, [_row(source, f"ad-{i}") for i in (3, 1, 2)])
        stored = connection.execute(select(ads.c.id, ads.c.ext_id).order_by(ads.c.id)).all()
    assert [tuple(row) for row in stored] == [(1, "ad-3"), (2, "ad-1"), (3, "ad-2")]


def test_insert_rows_stores_every_row_of_a_list_longer_than_one_slice(database: Database) -> None:
    with database.transaction() as connection:
        source = ensure_source(connection, "corpus")
        insert_rows(connection, ads, [_row(source, f"ad-{i:04d}") for i in range(1201)])
        stored = connection.execute(select(ads.c.id, ads.c.ext_id).order_by(ads.c.id)).all()
    assert [tuple(row) for row in stored] == [(i + 1, f"ad-{i:04d}") for i in range(1201)]
