"""console: terms and emoji of the whole corpus, refreshed by analyze

Revision ID: 0005_console_terms
Revises: 0004_console_counts
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005_console_terms"
down_revision: str | None = "0004_console_counts"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "corpus_terms",
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("term", sa.String(length=200), nullable=False),
        sa.Column("ads", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("kind", "term", name=op.f("pk_corpus_terms")),
    )
    op.create_index("ix_corpus_terms_kind_ads", "corpus_terms", ["kind", "ads"], unique=False)
    op.create_table(
        "corpus_terms_state",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("watermark", sa.Integer(), nullable=False),
        sa.Column("ads", sa.Integer(), nullable=False),
        sa.Column("refreshed_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_corpus_terms_state")),
    )


def downgrade() -> None:
    op.drop_table("corpus_terms_state")
    op.drop_index("ix_corpus_terms_kind_ads", table_name="corpus_terms")
    op.drop_table("corpus_terms")
