"""screen: perceptual hashes of watchlisted images (sealed); lead assignment and decisions

Revision ID: 0006_screen_phash
Revises: 0002_screen
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006_screen_phash"
down_revision: str | None = "0002_screen"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "watchlist_images",
        sa.Column("watch_id", sa.Integer(), nullable=False),
        sa.Column("hashes_enc", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["watch_id"], ["watchlist.id"], name=op.f("fk_watchlist_images_watch_id_watchlist")
        ),
        sa.PrimaryKeyConstraint("watch_id", name=op.f("pk_watchlist_images")),
    )
    with op.batch_alter_table("leads") as batch_op:
        batch_op.add_column(sa.Column("assigned_to", sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column("decided_by", sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("decision_reason", sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("leads") as batch_op:
        batch_op.drop_column("decision_reason")
        batch_op.drop_column("decided_at")
        batch_op.drop_column("decided_by")
        batch_op.drop_column("assigned_to")
    op.drop_table("watchlist_images")
