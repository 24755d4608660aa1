"""Work orders and Open311: event who/why/visibility, accepted status, escalation, attributes, API keys.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-23 10:49:55.729120
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

OLD_REQUEST_STATUSES = "'received', 'dispatched', 'in_progress', 'resolved', 'closed', 'rejected'"
NEW_REQUEST_STATUSES = "'received', 'dispatched', 'accepted', 'in_progress', 'resolved', 'closed', 'rejected'"
ACTIONS = "'filed', 'dispatched', 'accepted', 'reassigned', 'progress', 'resolved', 'rejected', 'closed', 'escalated'"
# The action each existing step stands for, from the status it left the request in.
ACTION_OF_STATUS = {
    "received": "filed",
    "dispatched": "dispatched",
    "in_progress": "progress",
    "resolved": "resolved",
    "closed": "closed",
    "rejected": "rejected",
}


def upgrade() -> None:
    op.create_table(
        "open311_client",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("key_prefix", sa.String(length=12), nullable=False),
        sa.Column("key_hash", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.String(length=120), nullable=False),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("revoked_by", sa.String(length=120), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_open311_client")),
        sa.UniqueConstraint("key_hash", name=op.f("uq_open311_client_key_hash")),
    )
    op.create_table(
        "service_attribute",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("service_id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=40), nullable=False),
        sa.Column("datatype", sa.String(length=20), nullable=False),
        sa.Column("required", sa.Boolean(), nullable=False),
        sa.Column("variable", sa.Boolean(), nullable=False),
        sa.Column("description", sa.String(length=500), nullable=False),
        sa.Column("datatype_description", sa.String(length=300), nullable=True),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("values", sa.JSON(), nullable=True),
        sa.CheckConstraint(
            "datatype IN ('string', 'number', 'datetime', 'text', 'singlevaluelist', 'multivaluelist')",
            name=op.f("ck_service_attribute_datatype"),
        ),
        sa.ForeignKeyConstraint(["service_id"], ["service.id"], name=op.f("fk_service_attribute_service_id_service")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_service_attribute")),
        sa.UniqueConstraint("service_id", "code", name=op.f("uq_service_attribute_service_id")),
    )
    op.create_index(op.f("ix_service_attribute_service_id"), "service_attribute", ["service_id"], unique=False)

    with op.batch_alter_table("service") as batch_op:
        batch_op.add_column(sa.Column("keywords", sa.String(length=300), server_default="", nullable=False))
        batch_op.add_column(sa.Column("open311_type", sa.String(length=16), server_default="realtime", nullable=False))
        batch_op.create_check_constraint(op.f("ck_service_open311_type"), "open311_type IN ('realtime', 'batch')")

    with op.batch_alter_table("application_event") as batch_op:
        batch_op.add_column(sa.Column("reason", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("notify_citizen", sa.Boolean(), server_default=sa.false(), nullable=False))

    with op.batch_alter_table("service_request") as batch_op:
        batch_op.add_column(sa.Column("escalated_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("wants_updates", sa.Boolean(), server_default=sa.false(), nullable=False))
        batch_op.add_column(sa.Column("latitude", sa.Float(), nullable=True))
        batch_op.add_column(sa.Column("longitude", sa.Float(), nullable=True))
        batch_op.add_column(sa.Column("address_id", sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column("media_url", sa.String(length=500), nullable=True))
        batch_op.add_column(sa.Column("attributes", sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column("contact_first_name", sa.String(length=100), nullable=True))
        batch_op.add_column(sa.Column("contact_last_name", sa.String(length=100), nullable=True))
        batch_op.add_column(sa.Column("contact_email", sa.String(length=254), nullable=True))
        batch_op.add_column(sa.Column("reporter_account_id", sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column("reporter_device_id", sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column("open311_client_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("open311_token", sa.String(length=64), nullable=True))
        batch_op.create_index(op.f("ix_service_request_open311_client_id"), ["open311_client_id"], unique=False)
        batch_op.create_index(op.f("ix_service_request_target_date"), ["target_date"], unique=False)
        batch_op.create_index(op.f("ix_service_request_created_at"), ["created_at"], unique=False)
        batch_op.create_unique_constraint(op.f("uq_service_request_open311_token"), ["open311_token"])
        batch_op.create_foreign_key(
            op.f("fk_service_request_open311_client_id_open311_client"), "open311_client", ["open311_client_id"], ["id"]
        )
        batch_op.drop_constraint(op.f("ck_service_request_status"), type_="check")
        batch_op.create_check_constraint(op.f("ck_service_request_status"), f"status IN ({NEW_REQUEST_STATUSES})")

    with op.batch_alter_table("service_request_event") as batch_op:
        batch_op.add_column(sa.Column("action", sa.String(length=20), nullable=True))
        batch_op.add_column(sa.Column("reason", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("department_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("visible_to_citizen", sa.Boolean(), server_default=sa.true(), nullable=False))
        batch_op.add_column(sa.Column("notify_citizen", sa.Boolean(), server_default=sa.false(), nullable=False))
        batch_op.create_index(op.f("ix_service_request_event_department_id"), ["department_id"], unique=False)
        batch_op.create_foreign_key(
            op.f("fk_service_request_event_department_id_department"), "department", ["department_id"], ["id"]
        )
        batch_op.drop_constraint(op.f("ck_service_request_event_status"), type_="check")
        batch_op.create_check_constraint(op.f("ck_service_request_event_status"), f"status IN ({NEW_REQUEST_STATUSES})")
    # Existing steps: the action their status stands for, the department of their request.
    events = sa.table("service_request_event", sa.column("action"), sa.column("status"), sa.column("department_id"))
    op.execute(events.update().values(action=sa.case(ACTION_OF_STATUS, value=events.c.status, else_="filed")))
    op.execute(
        sa.text(
            "UPDATE service_request_event SET department_id = (SELECT department_id FROM service_request "
            "WHERE service_request.id = service_request_event.service_request_id)"
        )
    )
    with op.batch_alter_table("service_request_event") as batch_op:
        batch_op.alter_column("action", existing_type=sa.String(length=20), nullable=False)
        batch_op.create_check_constraint(op.f("ck_service_request_event_action"), f"action IN ({ACTIONS})")

    op.create_table(
        "notification",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("audience", sa.String(length=20), nullable=False),
        sa.Column("department_id", sa.Integer(), nullable=True),
        sa.Column("service_request_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("message", sa.String(length=500), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("delivered_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint("audience IN ('department', 'supervisors')", name=op.f("ck_notification_audience")),
        sa.ForeignKeyConstraint(
            ["department_id"], ["department.id"], name=op.f("fk_notification_department_id_department")
        ),
        sa.ForeignKeyConstraint(
            ["service_request_id"],
            ["service_request.id"],
            name=op.f("fk_notification_service_request_id_service_request"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_notification")),
    )
    op.create_index(op.f("ix_notification_department_id"), "notification", ["department_id"], unique=False)
    op.create_index(op.f("ix_notification_service_request_id"), "notification", ["service_request_id"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_notification_service_request_id"), table_name="notification")
    op.drop_index(op.f("ix_notification_department_id"), table_name="notification")
    op.drop_table("notification")

    # Accepted requests go back to the nearest status the old schema knows.
    op.execute(sa.text("UPDATE service_request SET status = 'dispatched' WHERE status = 'accepted'"))
    op.execute(sa.text("UPDATE service_request_event SET status = 'dispatched' WHERE status = 'accepted'"))
    with op.batch_alter_table("service_request_event") as batch_op:
        batch_op.drop_constraint(op.f("ck_service_request_event_action"), type_="check")
        batch_op.drop_constraint(op.f("ck_service_request_event_status"), type_="check")
        batch_op.create_check_constraint(op.f("ck_service_request_event_status"), f"status IN ({OLD_REQUEST_STATUSES})")
        batch_op.drop_constraint(op.f("fk_service_request_event_department_id_department"), type_="foreignkey")
        batch_op.drop_index(op.f("ix_service_request_event_department_id"))
        batch_op.drop_column("notify_citizen")
        batch_op.drop_column("visible_to_citizen")
        batch_op.drop_column("department_id")
        batch_op.drop_column("reason")
        batch_op.drop_column("action")

    with op.batch_alter_table("service_request") as batch_op:
        batch_op.drop_constraint(op.f("ck_service_request_status"), type_="check")
        batch_op.create_check_constraint(op.f("ck_service_request_status"), f"status IN ({OLD_REQUEST_STATUSES})")
        batch_op.drop_constraint(op.f("fk_service_request_open311_client_id_open311_client"), type_="foreignkey")
        batch_op.drop_constraint(op.f("uq_service_request_open311_token"), type_="unique")
        batch_op.drop_index(op.f("ix_service_request_target_date"))
        batch_op.drop_index(op.f("ix_service_request_created_at"))
        batch_op.drop_index(op.f("ix_service_request_open311_client_id"))
        for column in (
            "open311_token",
            "open311_client_id",
            "reporter_device_id",
            "reporter_account_id",
            "contact_email",
            "contact_last_name",
            "contact_first_name",
            "attributes",
            "media_url",
            "address_id",
            "longitude",
            "latitude",
            "wants_updates",
            "escalated_at",
        ):
            batch_op.drop_column(column)

    with op.batch_alter_table("application_event") as batch_op:
        batch_op.drop_column("notify_citizen")
        batch_op.drop_column("reason")

    with op.batch_alter_table("service") as batch_op:
        batch_op.drop_constraint(op.f("ck_service_open311_type"), type_="check")
        batch_op.drop_column("open311_type")
        batch_op.drop_column("keywords")

    op.drop_index(op.f("ix_service_attribute_service_id"), table_name="service_attribute")
    op.drop_table("service_attribute")
    op.drop_table("open311_client")
