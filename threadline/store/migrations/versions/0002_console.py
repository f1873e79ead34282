"""console: saved searches and the ads they flagged

Revision ID: 0002_console
Revises: 0001
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002_console"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "saved_searches",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("owner", sa.String(length=100), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("params", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_run_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("watermark", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_saved_searches")),
    )
    op.create_index(op.f("ix_saved_searches_owner"), "saved_searches", ["owner"], unique=False)
    op.create_table(
        "saved_search_hits",
        sa.Column("search_id", sa.Integer(), nullable=False),
        sa.Column("ad_id", sa.Integer(), nullable=False),
        sa.Column("found_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("seen", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(["ad_id"], ["ads.id"], name=op.f("fk_saved_search_hits_ad_id_ads")),
        sa.ForeignKeyConstraint(
            ["search_id"],
            ["saved_searches.id"],
            name=op.f("fk_saved_search_hits_search_id_saved_searches"),
        ),
        sa.PrimaryKeyConstraint("search_id", "ad_id", name=op.f("pk_saved_search_hits")),
    )
    op.create_index(op.f("ix_saved_search_hits_seen"), "saved_search_hits", ["seen"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_saved_search_hits_seen"), table_name="saved_search_hits")
    op.drop_table("saved_search_hits")
    op.drop_index(op.f("ix_saved_searches_owner"), table_name="saved_searches")
    op.drop_table("saved_searches")
