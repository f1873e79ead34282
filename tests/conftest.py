"""Shared fixtures.

`database` runs a test on a migrated SQLite file and, when THREADLINE_TEST_DATABASE_URL names
a PostgreSQL database (CI always sets it), once more on PostgreSQL with a fresh schema.
Each pytest session creates its own PostgreSQL database from that URL, so concurrent runs never
reset each other's schema. `settings` points the data folder at a temp dir so nothing touches
./var.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from threadline.settings import Settings
from threadline.store import Database

PG_URL = os.environ.get("THREADLINE_TEST_DATABASE_URL", "")


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    """Settings with a private data folder and a fixed secret key."""
    return Settings(data_dir=tmp_path / "var", secret_key="test-secret-key")  # type: ignore[arg-type]


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    """A PostgreSQL database of this session's own, dropped at the end."""
    if not PG_URL:
        pytest.skip("THREADLINE_TEST_DATABASE_URL is not set")
    base = make_url(PG_URL)
    name = f"{base.database}_{os.getpid()}"
    admin = create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    yield base.set(database=name).render_as_string(hide_password=False)
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def database(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Database]:
    """A migrated, empty database on each engine the run has."""
    if request.param == "sqlite":
        db = Database(f"sqlite:///{tmp_path / 'test.db'}")
    else:
        db = Database(request.getfixturevalue("postgres_url"))
        _reset_postgres(db)
    db.migrate()
    yield db
    db.dispose()


@pytest.fixture
def sqlite_db(tmp_path: Path) -> Iterator[Database]:
    """A migrated SQLite database, for tests about SQLite itself."""
    db = Database(f"sqlite:///{tmp_path / 'test.db'}")
    db.migrate()
    yield db
    db.dispose()


def _reset_postgres(db: Database) -> None:
    with db.engine.begin() as connection:
        connection.execute(text("DROP SCHEMA public CASCADE"))
        connection.execute(text("CREATE SCHEMA public"))
