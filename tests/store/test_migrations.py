"""Alembic's migrations create exactly the tables the code declares, on both engines."""

from __future__ import annotations

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect

from threadline.store import Database
from threadline.store.schema import metadata


def _ignore_search_extras(
    obj: object, name: str | None, type_: str, reflected: bool, compare_to: object
) -> bool:
    # The full-text index lives outside the declared tables (FTS5 / a tsvector column).
    return not (name or "").startswith(("ads_fts", "search", "ix_ads_search"))


def test_migrated_schema_matches_declared_tables(database: Database) -> None:
    with database.engine.connect() as connection:
        context = MigrationContext.configure(
            connection, opts={"include_object": _ignore_search_extras}
        )
        assert compare_metadata(context, metadata) == []


def test_migrate_twice_is_harmless(database: Database) -> None:
    database.migrate()
    tables = set(inspect(database.engine).get_table_names())
    assert {"ads", "audit_log", "networks", "memberships", "identifiers"} <= tables


def test_sqlite_full_text_index_flushes_at_8_mib(database: Database) -> None:
    if database.dialect != "sqlite":
        pytest.skip("the full-text table is SQLite's")
    with database.engine.connect() as connection:
        query = "SELECT v FROM ads_fts_config WHERE k = 'hashsize'"
        assert connection.exec_driver_sql(query).scalar_one() == 8 * 1024 * 1024
