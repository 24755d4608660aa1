"""Guessing limits: failed identity checks and unknown-number lookups, when Redis does not count them.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-23 12:47:57.998200
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "throttle_failure",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("limit_name", sa.String(length=32), nullable=False),
        sa.Column("key_digest", sa.String(length=40), nullable=False),
        sa.Column("failed_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_throttle_failure")),
    )
    op.create_index(
        "ix_throttle_failure_lookup", "throttle_failure", ["limit_name", "key_digest", "failed_at"], unique=False
    )


def downgrade() -> None:
    op.drop_index("ix_throttle_failure_lookup", table_name="throttle_failure")
    op.drop_table("throttle_failure")
