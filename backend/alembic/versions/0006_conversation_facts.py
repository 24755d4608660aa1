"""Conversation facts for the supervisor dashboard; ratings of resolved service requests.

Revision ID: 0006
Revises: 0005 (written on 0003; chained after the SMS consent and guessing-limit migrations when main was merged in)
Create Date: 2026-11-23 12:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "conversation_session",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("conversation_id", sa.String(length=128), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("channel", sa.String(length=32), nullable=True),
        sa.Column("language", sa.String(length=8), nullable=True),
        sa.Column("last_activity_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("handoff_reference", sa.String(length=9), nullable=True),
        sa.Column("callback_reference", sa.String(length=9), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_conversation_session")),
        sa.UniqueConstraint("conversation_id", "started_at", name=op.f("uq_conversation_session_conversation_id")),
    )
    op.create_index(
        op.f("ix_conversation_session_conversation_id"), "conversation_session", ["conversation_id"], unique=False
    )
    op.create_index(op.f("ix_conversation_session_started_at"), "conversation_session", ["started_at"], unique=False)
    op.create_index(
        op.f("ix_conversation_session_handoff_reference"), "conversation_session", ["handoff_reference"], unique=False
    )
    op.create_table(
        "conversation_turn",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("session_id", sa.Integer(), nullable=False),
        sa.Column("occurred_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("intent", sa.String(length=64), nullable=True),
        sa.Column("confidence", sa.Float(), nullable=True),
        sa.ForeignKeyConstraint(
            ["session_id"],
            ["conversation_session.id"],
            name=op.f("fk_conversation_turn_session_id_conversation_session"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_conversation_turn")),
        sa.UniqueConstraint("session_id", "occurred_at", name=op.f("uq_conversation_turn_session_id")),
    )
    op.create_index(op.f("ix_conversation_turn_session_id"), "conversation_turn", ["session_id"], unique=False)

    with op.batch_alter_table("satisfaction_rating") as batch_op:
        batch_op.add_column(sa.Column("service_request_id", sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f("ix_satisfaction_rating_service_request_id"), ["service_request_id"])
        batch_op.create_foreign_key(
            batch_op.f("fk_satisfaction_rating_service_request_id_service_request"),
            "service_request",
            ["service_request_id"],
            ["id"],
        )


def downgrade() -> None:
    with op.batch_alter_table("satisfaction_rating") as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_satisfaction_rating_service_request_id_service_request"), type_="foreignkey"
        )
        batch_op.drop_index(batch_op.f("ix_satisfaction_rating_service_request_id"))
        batch_op.drop_column("service_request_id")
    op.drop_index(op.f("ix_conversation_turn_session_id"), table_name="conversation_turn")
    op.drop_table("conversation_turn")
    op.drop_index(op.f("ix_conversation_session_handoff_reference"), table_name="conversation_session")
    op.drop_index(op.f("ix_conversation_session_started_at"), table_name="conversation_session")
    op.drop_index(op.f("ix_conversation_session_conversation_id"), table_name="conversation_session")
    op.drop_table("conversation_session")
