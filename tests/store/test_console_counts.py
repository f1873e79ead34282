"""The per-day and per-city ad counters stay in step with ads on insert, new version, delete."""

from __future__ import annotations

from datetime import UTC, datetime

from alembic import command
from alembic.config import Config
from sqlalchemy import delete, inspect

from tests.builders import an_ad
from threadline.store import Database, ensure_source, save_ads
from threadline.store.console import facet_counts, weekly_counts
from threadline.store.db import MIGRATIONS
from threadline.store.tables import ads

LATE_NIGHT = datetime(2026, 10, 1, 23, 59, tzinfo=UTC)
NEXT_WEEK = datetime(2026, 10, 8, 9, 0, tzinfo=UTC)


def _save(database: Database, *batch: object) -> None:
    with database.transaction() as connection:
        save_ads(connection, ensure_source(connection, "counts"), list(batch))  # type: ignore[arg-type]


def _counts(database: Database) -> tuple[dict[str, int], dict[str, int]]:
    with database.transaction() as connection:
        return facet_counts(connection, "day"), facet_counts(connection, "city")


def test_counts_follow_inserts(database: Database) -> None:
    _save(
        database,
        an_ad("a", posted_at=LATE_NIGHT, images=()),
        an_ad("b", posted_at=LATE_NIGHT, city="Phoenix", images=()),
        an_ad("c", posted_at=None, city=None, images=()),
    )
    days, cities = _counts(database)
    assert days == {"2026-10-01": 2, "": 1}
    assert cities == {"Las Vegas": 1, "Phoenix": 1, "": 1}


def test_counts_follow_a_new_version_that_moves_the_ad(database: Database) -> None:
    _save(database, an_ad("a", posted_at=LATE_NIGHT, images=()))
    _save(database, an_ad("a", body="moved", posted_at=NEXT_WEEK, city="Reno", images=()))
    days, cities = _counts(database)
    assert (days, cities) == ({"2026-10-08": 1}, {"Reno": 1})
    with database.transaction() as connection:
        assert weekly_counts(connection) == [("2026-W41", 1)]


def test_counts_follow_deletes(database: Database) -> None:
    _save(database, an_ad("a", images=()), an_ad("b", city="Phoenix", images=()))
    with database.transaction() as connection:
        connection.execute(delete(ads).where(ads.c.ext_id == "a"))
    assert _counts(database) == ({"2026-10-01": 1}, {"Phoenix": 1})


def test_migration_counts_the_ads_already_stored(database: Database) -> None:
    _save(database, an_ad("a", images=()), an_ad("b", posted_at=NEXT_WEEK, images=()))
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    with database.engine.begin() as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, "0002_console")  # drops the counters and their triggers
        assert "ad_counts" not in inspect(connection).get_table_names()
    database.migrate()
    assert _counts(database) == ({"2026-10-01": 1, "2026-10-08": 1}, {"Las Vegas": 2})
