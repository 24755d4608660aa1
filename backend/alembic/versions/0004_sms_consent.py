"""SMS consent: numbers that texted STOP (or START again), for every sender of text messages.

Revision ID: 0004
Revises: 0003 (written on 0001; chained after 0002 and 0003 when main was merged in)
Create Date: 2026-11-23 11:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "sms_consent",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("phone", sa.String(length=16), nullable=False),
        sa.Column("opted_out", sa.Boolean(), nullable=False),
        sa.Column("keyword", sa.String(length=16), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sms_consent")),
        sa.UniqueConstraint("phone", name=op.f("uq_sms_consent_phone")),
    )


def downgrade() -> None:
    op.drop_table("sms_consent")
