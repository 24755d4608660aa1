"""Citizen notifications: one delivery record per step a citizen hears about; applicants' opt-in.

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-23 14:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "citizen_notification",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("service_request_event_id", sa.Integer(), nullable=True),
        sa.Column("application_event_id", sa.Integer(), nullable=True),
        sa.Column("channel", sa.String(length=16), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("asks_for_rating", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column("rating_requested_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("attempts", sa.Integer(), server_default="0", nullable=False),
        sa.Column("next_attempt_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_error", sa.String(length=64), nullable=True),
        sa.Column("provider_reference", sa.String(length=64), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint("channel IN ('sms', 'webchat')", name=op.f("ck_citizen_notification_channel")),
        sa.CheckConstraint(
            "status IN ('pending', 'sending', 'sent', 'failed', 'undeliverable', 'skipped_opted_out', 'expired')",
            name=op.f("ck_citizen_notification_status"),
        ),
        sa.CheckConstraint(
            "(service_request_event_id IS NULL) <> (application_event_id IS NULL)",
            name=op.f("ck_citizen_notification_one_step"),
        ),
        sa.ForeignKeyConstraint(
            ["application_event_id"],
            ["application_event.id"],
            name=op.f("fk_citizen_notification_application_event_id_application_event"),
        ),
        sa.ForeignKeyConstraint(
            ["service_request_event_id"],
            ["service_request_event.id"],
            name=op.f("fk_citizen_notification_service_request_event_id_service_request_event"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_citizen_notification")),
        sa.UniqueConstraint("application_event_id", name=op.f("uq_citizen_notification_application_event_id")),
        sa.UniqueConstraint("service_request_event_id", name=op.f("uq_citizen_notification_service_request_event_id")),
    )
    op.create_index(op.f("ix_citizen_notification_status"), "citizen_notification", ["status"], unique=False)
    with op.batch_alter_table("application") as batch_op:
        batch_op.add_column(sa.Column("wants_updates", sa.Boolean(), server_default=sa.false(), nullable=False))


def downgrade() -> None:
    with op.batch_alter_table("application") as batch_op:
        batch_op.drop_column("wants_updates")
    op.drop_index(op.f("ix_citizen_notification_status"), table_name="citizen_notification")
    op.drop_table("citizen_notification")
