"""The database: one engine per process, SQLite pragmas, migrations, transactions."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import orjson
from alembic import command
from alembic.config import Config
from sqlalchemy import Connection, Engine, create_engine, event, func, select
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, NoSuchModuleError, OperationalError, SQLAlchemyError

from threadline.errors import ConfigError, StorageError
from threadline.settings import Settings
from threadline.store.tables import ads, audit_head

MIGRATIONS = Path(__file__).parent / "migrations"
GENESIS_HASH = "0" * 64
PAGE_SIZE = 8192  # bytes, for SQLite files this creates
CACHE_KIB = 16 * 1024  # SQLite page cache per connection


class Database:
    """A SQLAlchemy engine with Threadline's conventions (WAL and full sync on SQLite)."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.engine = _make_engine(url)

    @classmethod
    def from_settings(cls, settings: Settings) -> Database:
        """The database the settings name; the data folder is created for SQLite."""
        url = settings.resolved_database_url()
        if url.startswith("sqlite:///"):
            settings.data_dir.mkdir(parents=True, exist_ok=True)
        return cls(url)

    @property
    def dialect(self) -> str:
        """`sqlite` or `postgresql`."""
        return self.engine.dialect.name

    def migrate(self) -> None:
        """Bring the schema to the newest migration (idempotent)."""
        try:
            with self.engine.begin() as connection:
                config = Config()
                config.set_main_option("script_location", str(MIGRATIONS))
                config.attributes["connection"] = connection
                command.upgrade(config, "heads")
        except OperationalError as exc:
            raise StorageError(f"cannot open the database: {_short(exc)}") from exc

    @contextmanager
    def transaction(self) -> Iterator[Connection]:
        """A connection inside one transaction: committed on success, rolled back on error."""
        try:
            with self.engine.begin() as connection:
                yield connection
        except OperationalError as exc:
            raise StorageError(f"database error: {_short(exc)}") from exc

    def ad_count(self) -> int:
        """How many ads are stored."""
        with self.engine.connect() as connection:
            return int(connection.execute(select(func.count()).select_from(ads)).scalar_one())

    def check(self) -> bool:
        """True when the database answers and holds the schema."""
        try:
            with self.engine.connect() as connection:
                connection.execute(select(audit_head.c.seq).limit(1)).all()
        except SQLAlchemyError:
            return False
        return True

    def dispose(self) -> None:
        """Close every pooled connection."""
        self.engine.dispose()


def _make_engine(url: str) -> Engine:
    # orjson serializes JSON columns several times faster than the standard library.
    json_options: dict[str, Any] = {
        "json_serializer": _json_dumps,
        "json_deserializer": orjson.loads,
    }
    try:
        parsed = make_url(url)
        if parsed.get_backend_name() == "sqlite":
            engine = create_engine(parsed, connect_args={"timeout": 30}, **json_options)
            event.listen(engine, "connect", _sqlite_pragmas)
            return engine
        return create_engine(parsed, pool_pre_ping=True, **json_options)
    except (ArgumentError, NoSuchModuleError, ValueError) as exc:
        raise ConfigError(f"unreadable database URL: {url!r}") from exc


def _sqlite_pragmas(dbapi_connection: Any, _record: object) -> None:
    # WAL lets readers go on while one writer commits; FULL sync makes a commit durable.
    # 8 KiB pages hold three stored ads where 4 KiB ones held one (a row is about 2 KiB),
    # so an ingest writes and checkpoints a quarter less; this takes effect only when the
    # file is created, so it comes before the journal mode, whose switch writes the header.
    # A 16 MiB page cache (per connection, filled only as pages are read) holds a whole
    # 2,000-ad batch: with the default 2 MiB the insert spilled pages to the WAL that the
    # full-text and counts fills then read back.
    cursor = dbapi_connection.cursor()
    for pragma in (
        f"page_size={PAGE_SIZE}",
        "journal_mode=WAL",
        "synchronous=FULL",
        f"cache_size=-{CACHE_KIB}",
        "foreign_keys=ON",
        "busy_timeout=30000",
    ):
        cursor.execute(f"PRAGMA {pragma}")
    cursor.close()


def _json_dumps(value: object) -> str:
    return orjson.dumps(value, option=orjson.OPT_NON_STR_KEYS).decode()


def _short(exc: SQLAlchemyError) -> str:
    return str(exc.orig if hasattr(exc, "orig") else exc).splitlines()[0][:200]
