"""SQLite files: the pragmas every connection gets, and the page size of new files."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from threadline.store import Database


def _pragmas(database: Database) -> tuple[object, ...]:
    with database.engine.connect() as connection:
        return tuple(
            connection.exec_driver_sql(f"PRAGMA {name}").scalar_one()
            for name in ("page_size", "journal_mode", "synchronous", "foreign_keys", "cache_size")
        )


def test_new_sqlite_file_has_8_kib_pages_wal_full_sync_and_16_mib_cache(tmp_path: Path) -> None:
    database = Database(f"sqlite:///{tmp_path / 'new.db'}")
    database.migrate()
    assert _pragmas(database) == (8192, "wal", 2, 1, -16384)
    database.dispose()


def test_existing_sqlite_file_keeps_its_page_size(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    with sqlite3.connect(path) as old:
        old.execute("PRAGMA page_size=4096")
        old.execute("CREATE TABLE earlier (id INTEGER PRIMARY KEY)")
    database = Database(f"sqlite:///{path}")
    database.migrate()
    assert _pragmas(database) == (4096, "wal", 2, 1, -16384)
    assert database.ad_count() == 0
    database.dispose()
