"""sqlite: new ads enter the full-text index and the day/city counts once per batch

The per-row insert triggers cost more CPU than the insert itself (a 25,000-ad ingest spent
about 4 of its 8 CPU seconds in them). `save_ads` now fills both for a whole batch in two
statements (`store.ads.index_new_ads`). Deletes and updates keep their row triggers: they
are rare, and they touch rows that are already indexed. PostgreSQL is left as it is (no
full-text table; its counts trigger is statement-level already).

Revision ID: 0007_sqlite_batch_index
Revises: 0005_console_terms
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0007_sqlite_batch_index"
down_revision: str | None = "0005_console_terms"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

FTS_INSERT = (
    "CREATE TRIGGER ads_fts_insert AFTER INSERT ON ads BEGIN "
    "INSERT INTO ads_fts(rowid, title, body) VALUES (new.id, new.title, new.body); END"
)
COUNTS_INSERT = (
    "CREATE TRIGGER ad_counts_insert AFTER INSERT ON ads BEGIN "
    "INSERT INTO ad_counts (facet, value, ads) VALUES "
    "('day', coalesce(date(new.posted_at), ''), 1), ('city', coalesce(new.city, ''), 1) "
    "ON CONFLICT (facet, value) DO UPDATE SET ads = ad_counts.ads + excluded.ads; END"
)


def upgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        op.execute("DROP TRIGGER IF EXISTS ads_fts_insert")
        op.execute("DROP TRIGGER IF EXISTS ad_counts_insert")


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        op.execute(FTS_INSERT)
        op.execute(COUNTS_INSERT)
