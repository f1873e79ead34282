"""collect: the WARC files whose records are ingested, so unfinished rounds are made good

Revision ID: 0004_collect_captures
Revises: 0003_collect
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004_collect_captures"
down_revision: str | None = "0003_collect"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "warc_ingests",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("path", sa.Text(), nullable=False),
        sa.Column("ingested_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_warc_ingests")),
    )
    op.create_index("ix_warc_ingests_path", "warc_ingests", ["path"], unique=True)
    # Files that already gave captures were ingested before this table existed.
    op.execute(
        "INSERT INTO warc_ingests (path, ingested_at) "
        "SELECT DISTINCT warc_path, CURRENT_TIMESTAMP FROM captures"
    )


def downgrade() -> None:
    op.drop_index("ix_warc_ingests_path", table_name="warc_ingests")
    op.drop_table("warc_ingests")
