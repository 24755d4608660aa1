"""Trainers' review: citizen messages the assistant was unsure of, and trainers' annotations.

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-23 15:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "review_message",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("conversation_id", sa.String(length=128), nullable=False),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("channel", sa.String(length=32), nullable=False),
        sa.Column("language", sa.String(length=8), nullable=True),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("predicted_intent", sa.String(length=64), nullable=True),
        sa.Column("confidence", sa.Float(), nullable=True),
        sa.Column("predicted_entities", sa.JSON(), nullable=False),
        sa.Column("reasons", sa.JSON(), nullable=False),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("annotated_intent", sa.String(length=64), nullable=True),
        sa.Column("annotated_entities", sa.JSON(), nullable=True),
        sa.Column("annotated_by_id", sa.Integer(), nullable=True),
        sa.Column("annotated_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint("status IN ('pending', 'annotated')", name=op.f("ck_review_message_status")),
        sa.ForeignKeyConstraint(
            ["annotated_by_id"], ["staff_user.id"], name=op.f("fk_review_message_annotated_by_id_staff_user")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_review_message")),
        sa.UniqueConstraint("conversation_id", "sent_at", name=op.f("uq_review_message_conversation_id")),
    )
    op.create_index(op.f("ix_review_message_conversation_id"), "review_message", ["conversation_id"], unique=False)
    op.create_index(op.f("ix_review_message_sent_at"), "review_message", ["sent_at"], unique=False)
    op.create_index(op.f("ix_review_message_status"), "review_message", ["status"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_review_message_status"), table_name="review_message")
    op.drop_index(op.f("ix_review_message_sent_at"), table_name="review_message")
    op.drop_index(op.f("ix_review_message_conversation_id"), table_name="review_message")
    op.drop_table("review_message")
