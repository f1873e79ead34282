"""sqlite: the full-text index gathers a whole ingest batch in memory before writing it

FTS5 flushes its pending terms to a new on-disk segment whenever they pass `hashsize`
(1 MiB by default). A 2,000-ad batch overflowed that several times, so each batch wrote
several small segments that FTS5 then had to merge again: about 28 of every 100 CPU
seconds of a 100,000-ad ingest went to the full-text fill. At 8 MiB a batch is one
segment and the fill costs about a third less. The setting is stored in the index
itself (`ads_fts_config`); search results are the same. PostgreSQL is not concerned.

Revision ID: 0008_sqlite_fts_hashsize
Revises: 0007_sqlite_batch_index
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008_sqlite_fts_hashsize"
down_revision: str | None = "0007_sqlite_batch_index"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

HASHSIZE = 8 * 1024 * 1024
DEFAULT_HASHSIZE = 1024 * 1024


def upgrade() -> None:
    _set_hashsize(HASHSIZE)


def downgrade() -> None:
    _set_hashsize(DEFAULT_HASHSIZE)


def _set_hashsize(size: int) -> None:
    if op.get_bind().dialect.name == "sqlite":
        statement = "INSERT INTO ads_fts(ads_fts, rank) VALUES ('hashsize', :size)"
        op.execute(sa.text(statement).bindparams(size=size))
