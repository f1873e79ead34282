"""console: ads per day and per city, kept in step with ads by triggers

Revision ID: 0004_console_counts
Revises: 0002_console
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004_console_counts"
down_revision: str | None = "0002_console"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SQLITE_DAY = "date({t}.posted_at)"  # SQLite keeps UTC times as ISO text
POSTGRESQL_DAY = "to_char({t}.posted_at AT TIME ZONE 'UTC', 'YYYY-MM-DD')"
UPSERT = "ON CONFLICT (facet, value) DO UPDATE SET ads = ad_counts.ads + excluded.ads"


def upgrade() -> None:
    op.create_table(
        "ad_counts",
        sa.Column("facet", sa.String(length=10), nullable=False),
        sa.Column("value", sa.String(length=200), nullable=False),
        sa.Column("ads", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("facet", "value", name=op.f("pk_ad_counts")),
    )
    postgresql = op.get_bind().dialect.name == "postgresql"
    day = POSTGRESQL_DAY if postgresql else SQLITE_DAY
    op.execute(f"INSERT INTO ad_counts (facet, value, ads) {_grouped(_keys('ads', '1', day))}")
    if postgresql:
        _postgresql_triggers()
    else:
        _sqlite_triggers()


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for name in ("added", "removed", "moved"):
            op.execute(f"DROP TRIGGER IF EXISTS ad_counts_{name} ON ads")
            op.execute(f"DROP FUNCTION IF EXISTS ad_counts_{name}()")
    else:
        for name in ("insert", "delete", "update"):
            op.execute(f"DROP TRIGGER IF EXISTS ad_counts_{name}")
    op.drop_table("ad_counts")


def _keys(table: str, sign: str, day: str) -> str:
    """One (facet, value, n) row per ad and facet."""
    return (
        f"SELECT 'day' AS facet, coalesce({day.format(t=table)}, '') AS value, {sign} AS n "
        f"FROM {table} UNION ALL SELECT 'city', coalesce({table}.city, ''), {sign} FROM {table}"
    )


def _grouped(keys: str) -> str:
    # Sorted, so concurrent writers take the counters' row locks in the same order.
    return (
        f"SELECT facet, value, sum(n) FROM ({keys}) AS keyed "
        "GROUP BY facet, value HAVING sum(n) <> 0 ORDER BY facet, value"
    )


def _sqlite_triggers() -> None:
    day_new, day_old = SQLITE_DAY.format(t="new"), SQLITE_DAY.format(t="old")
    add = (
        "INSERT INTO ad_counts (facet, value, ads) VALUES "
        f"('day', coalesce({day_new}, ''), 1), ('city', coalesce(new.city, ''), 1) {UPSERT};"
    )
    remove = (
        "UPDATE ad_counts SET ads = ads - 1 WHERE "
        f"(facet = 'day' AND value = coalesce({day_old}, '')) "
        "OR (facet = 'city' AND value = coalesce(old.city, ''));"
    )
    op.execute(f"CREATE TRIGGER ad_counts_insert AFTER INSERT ON ads BEGIN {add} END")
    op.execute(f"CREATE TRIGGER ad_counts_delete AFTER DELETE ON ads BEGIN {remove} END")
    op.execute(
        "CREATE TRIGGER ad_counts_update AFTER UPDATE OF posted_at, city ON ads "
        f"BEGIN {remove} {add} END"
    )


def _postgresql_triggers() -> None:
    # Statement-level triggers: one grouped upsert per INSERT, DELETE or UPDATE of ads.
    changes = {
        "added": ("INSERT", "NEW TABLE AS added", _keys("added", "1", POSTGRESQL_DAY)),
        "removed": ("DELETE", "OLD TABLE AS removed", _keys("removed", "-1", POSTGRESQL_DAY)),
        "moved": (
            "UPDATE",
            "OLD TABLE AS removed NEW TABLE AS added",
            _keys("added", "1", POSTGRESQL_DAY)
            + " UNION ALL "
            + _keys("removed", "-1", POSTGRESQL_DAY),
        ),
    }
    for name, (event, referencing, keys) in changes.items():
        op.execute(
            f"CREATE FUNCTION ad_counts_{name}() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
            f"INSERT INTO ad_counts (facet, value, ads) {_grouped(keys)} {UPSERT}; "
            "RETURN NULL; END $$"
        )
        op.execute(
            f"CREATE TRIGGER ad_counts_{name} AFTER {event} ON ads REFERENCING {referencing} "
            f"FOR EACH STATEMENT EXECUTE FUNCTION ad_counts_{name}()"
        )
