"""Initial schema: catalogue, citizens, applications, service requests, handoff queue.

Revision ID: 0001
Revises:
Create Date: 2026-11-22 12:10:06.562412
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "citizen",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("full_name", sa.String(length=200), nullable=False),
        sa.Column("date_of_birth", sa.Date(), nullable=False),
        sa.Column("phone", sa.String(length=32), nullable=True),
        sa.Column("email", sa.String(length=254), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_citizen")),
    )
    op.create_table(
        "department",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=40), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_department")),
        sa.UniqueConstraint("code", name=op.f("uq_department_code")),
    )
    op.create_table(
        "handoff_request",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("reference", sa.String(length=9), nullable=False),
        sa.Column("conversation_id", sa.String(length=128), nullable=False),
        sa.Column("channel", sa.String(length=32), nullable=False),
        sa.Column("reason", sa.String(length=200), nullable=False),
        sa.Column("intent", sa.String(length=64), nullable=True),
        sa.Column("transcript", sa.JSON(), nullable=False),
        sa.Column("status", sa.String(length=32), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("status IN ('waiting', 'assigned', 'closed')", name=op.f("ck_handoff_request_status")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_handoff_request")),
        sa.UniqueConstraint("reference", name=op.f("uq_handoff_request_reference")),
    )
    op.create_index(op.f("ix_handoff_request_conversation_id"), "handoff_request", ["conversation_id"], unique=False)
    op.create_table(
        "service",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=40), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("department_id", sa.Integer(), nullable=False),
        sa.Column("service_level_days", sa.Integer(), nullable=True),
        sa.Column("description", sa.String(length=500), nullable=False),
        sa.CheckConstraint(
            "(kind = 'service_request') = (service_level_days IS NOT NULL)", name=op.f("ck_service_service_level_days")
        ),
        sa.CheckConstraint("kind IN ('application', 'service_request')", name=op.f("ck_service_kind")),
        sa.ForeignKeyConstraint(["department_id"], ["department.id"], name=op.f("fk_service_department_id_department")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_service")),
        sa.UniqueConstraint("code", name=op.f("uq_service_code")),
    )
    op.create_index(op.f("ix_service_department_id"), "service", ["department_id"], unique=False)
    op.create_table(
        "application",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("application_number", sa.String(length=10), nullable=False),
        sa.Column("citizen_id", sa.Integer(), nullable=False),
        sa.Column("service_id", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=32), nullable=False),
        sa.Column("submitted_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("pin_hash", sa.String(length=200), nullable=False),
        sa.CheckConstraint(
            "status IN ('submitted', 'under_review', 'awaiting_documents', 'approved', "
            "'rejected', 'issued', 'withdrawn')",
            name=op.f("ck_application_status"),
        ),
        sa.ForeignKeyConstraint(["citizen_id"], ["citizen.id"], name=op.f("fk_application_citizen_id_citizen")),
        sa.ForeignKeyConstraint(["service_id"], ["service.id"], name=op.f("fk_application_service_id_service")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_application")),
        sa.UniqueConstraint("application_number", name=op.f("uq_application_application_number")),
    )
    op.create_index(op.f("ix_application_citizen_id"), "application", ["citizen_id"], unique=False)
    op.create_index(op.f("ix_application_service_id"), "application", ["service_id"], unique=False)
    op.create_table(
        "service_request",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("request_number", sa.String(length=9), nullable=False),
        sa.Column("category_id", sa.Integer(), nullable=False),
        sa.Column("department_id", sa.Integer(), nullable=False),
        sa.Column("location", sa.String(length=300), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=32), nullable=False),
        sa.Column("channel", sa.String(length=32), nullable=False),
        sa.Column("conversation_id", sa.String(length=128), nullable=True),
        sa.Column("contact_phone", sa.String(length=32), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("target_date", sa.Date(), nullable=False),
        sa.CheckConstraint(
            "status IN ('received', 'dispatched', 'in_progress', 'resolved', 'closed', 'rejected')",
            name=op.f("ck_service_request_status"),
        ),
        sa.ForeignKeyConstraint(["category_id"], ["service.id"], name=op.f("fk_service_request_category_id_service")),
        sa.ForeignKeyConstraint(
            ["department_id"], ["department.id"], name=op.f("fk_service_request_department_id_department")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_service_request")),
        sa.UniqueConstraint("request_number", name=op.f("uq_service_request_request_number")),
    )
    op.create_index(op.f("ix_service_request_category_id"), "service_request", ["category_id"], unique=False)
    op.create_index(op.f("ix_service_request_conversation_id"), "service_request", ["conversation_id"], unique=False)
    op.create_index(op.f("ix_service_request_department_id"), "service_request", ["department_id"], unique=False)
    op.create_table(
        "application_event",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("application_id", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=32), nullable=False),
        sa.Column("step_text", sa.String(length=500), nullable=False),
        sa.Column("internal_note", sa.Text(), nullable=True),
        sa.Column("actor", sa.String(length=120), nullable=False),
        sa.Column("occurred_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "status IN ('submitted', 'under_review', 'awaiting_documents', 'approved', "
            "'rejected', 'issued', 'withdrawn')",
            name=op.f("ck_application_event_status"),
        ),
        sa.ForeignKeyConstraint(
            ["application_id"], ["application.id"], name=op.f("fk_application_event_application_id_application")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_application_event")),
    )
    op.create_index(op.f("ix_application_event_application_id"), "application_event", ["application_id"], unique=False)
    op.create_table(
        "service_request_event",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("service_request_id", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=32), nullable=False),
        sa.Column("step_text", sa.String(length=500), nullable=False),
        sa.Column("internal_note", sa.Text(), nullable=True),
        sa.Column("actor", sa.String(length=120), nullable=False),
        sa.Column("occurred_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "status IN ('received', 'dispatched', 'in_progress', 'resolved', 'closed', 'rejected')",
            name=op.f("ck_service_request_event_status"),
        ),
        sa.ForeignKeyConstraint(
            ["service_request_id"],
            ["service_request.id"],
            name=op.f("fk_service_request_event_service_request_id_service_request"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_service_request_event")),
    )
    op.create_index(
        op.f("ix_service_request_event_service_request_id"),
        "service_request_event",
        ["service_request_id"],
        unique=False,
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_service_request_event_service_request_id"), table_name="service_request_event")
    op.drop_table("service_request_event")
    op.drop_index(op.f("ix_application_event_application_id"), table_name="application_event")
    op.drop_table("application_event")
    op.drop_index(op.f("ix_service_request_department_id"), table_name="service_request")
    op.drop_index(op.f("ix_service_request_conversation_id"), table_name="service_request")
    op.drop_index(op.f("ix_service_request_category_id"), table_name="service_request")
    op.drop_table("service_request")
    op.drop_index(op.f("ix_application_service_id"), table_name="application")
    op.drop_index(op.f("ix_application_citizen_id"), table_name="application")
    op.drop_table("application")
    op.drop_index(op.f("ix_service_department_id"), table_name="service")
    op.drop_table("service")
    op.drop_index(op.f("ix_handoff_request_conversation_id"), table_name="handoff_request")
    op.drop_table("handoff_request")
    op.drop_table("department")
    op.drop_table("citizen")
