"""intercept: script versions activated for a campaign, with who, when and why

Revision ID: 0004_intercept_scripts
Revises: 0002_intercept
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004_intercept_scripts"
down_revision: str | None = "0002_intercept"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "intercept_script_activations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("campaign_id", sa.Integer(), nullable=False),
        sa.Column("script_id", sa.String(length=100), nullable=False),
        sa.Column("script_version", sa.Integer(), nullable=False),
        sa.Column("script_sha256", sa.String(length=64), nullable=False),
        sa.Column("script_yaml", sa.Text(), nullable=False),
        sa.Column("previous_version", sa.Integer(), nullable=False),
        sa.Column("activated_by", sa.String(length=200), nullable=False),
        sa.Column("activated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["campaign_id"],
            ["intercept_campaigns.id"],
            name=op.f("fk_intercept_script_activations_campaign_id_intercept_campaigns"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_intercept_script_activations")),
    )
    op.create_index(
        "ix_intercept_script_activations_campaign_id",
        "intercept_script_activations",
        ["campaign_id"],
        unique=False,
    )


def downgrade() -> None:
    op.drop_index(
        "ix_intercept_script_activations_campaign_id", table_name="intercept_script_activations"
    )
    op.drop_table("intercept_script_activations")
