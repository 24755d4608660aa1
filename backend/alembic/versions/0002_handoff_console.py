"""Human handoff and the agent console: teams, staff, sessions, audit log, handoffs with messages.

The handoff_request queue of 0001 becomes handoff + handoff_message: each old
request moves to the default team with its transcript as messages. The
default team and the callback category the handoff flow needs are created
here, so a database without the demo data still works.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23 10:52:15.706451
"""

from collections.abc import Sequence
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

_team = sa.table("team", sa.column("id", sa.Integer), sa.column("code", sa.String), sa.column("name", sa.String))

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "login_attempt",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("username", sa.String(length=64), nullable=False),
        sa.Column("attempted_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_login_attempt")),
    )
    op.create_index(op.f("ix_login_attempt_attempted_at"), "login_attempt", ["attempted_at"], unique=False)
    op.create_index(op.f("ix_login_attempt_username"), "login_attempt", ["username"], unique=False)

    op.create_table(
        "staff_user",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("username", sa.String(length=64), nullable=False),
        sa.Column("display_name", sa.String(length=120), nullable=False),
        sa.Column("role", sa.String(length=20), nullable=False),
        sa.Column("password_hash", sa.String(length=200), nullable=False),
        sa.Column("presence", sa.String(length=20), nullable=False),
        sa.Column("capacity", sa.Integer(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("presence IN ('available', 'busy', 'away')", name=op.f("ck_staff_user_presence")),
        sa.CheckConstraint("role IN ('agent', 'supervisor', 'trainer', 'admin')", name=op.f("ck_staff_user_role")),
        sa.CheckConstraint("capacity BETWEEN 1 AND 10", name=op.f("ck_staff_user_capacity")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_staff_user")),
        sa.UniqueConstraint("username", name=op.f("uq_staff_user_username")),
    )
    op.create_table(
        "team",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=40), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_team")),
        sa.UniqueConstraint("code", name=op.f("uq_team_code")),
    )
    op.create_table(
        "audit_log",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("occurred_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("staff_user_id", sa.Integer(), nullable=True),
        sa.Column("actor", sa.String(length=120), nullable=False),
        sa.Column("action", sa.String(length=64), nullable=False),
        sa.Column("object_type", sa.String(length=40), nullable=False),
        sa.Column("object_ref", sa.String(length=64), nullable=False),
        sa.Column("detail", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["staff_user_id"], ["staff_user.id"], name=op.f("fk_audit_log_staff_user_id_staff_user")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_log")),
    )
    op.create_index(op.f("ix_audit_log_object_ref"), "audit_log", ["object_ref"], unique=False)
    op.create_index(op.f("ix_audit_log_occurred_at"), "audit_log", ["occurred_at"], unique=False)
    op.create_index(op.f("ix_audit_log_staff_user_id"), "audit_log", ["staff_user_id"], unique=False)

    op.create_table(
        "canned_reply",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("team_id", sa.Integer(), nullable=True),
        sa.Column("title", sa.String(length=80), nullable=False),
        sa.Column("text", sa.String(length=1000), nullable=False),
        sa.ForeignKeyConstraint(["team_id"], ["team.id"], name=op.f("fk_canned_reply_team_id_team")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_canned_reply")),
    )
    op.create_index(op.f("ix_canned_reply_team_id"), "canned_reply", ["team_id"], unique=False)

    op.create_table(
        "handoff",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("reference", sa.String(length=9), nullable=False),
        sa.Column("conversation_id", sa.String(length=128), nullable=False),
        sa.Column("channel", sa.String(length=32), nullable=False),
        sa.Column("language", sa.String(length=8), nullable=False),
        sa.Column("reason", sa.String(length=64), nullable=False),
        sa.Column("topic", sa.String(length=64), nullable=True),
        sa.Column("intent", sa.String(length=64), nullable=True),
        sa.Column("intent_confidence", sa.Float(), nullable=True),
        sa.Column("entities", sa.JSON(), nullable=False),
        sa.Column("case_numbers", sa.JSON(), nullable=False),
        sa.Column("team_id", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("assigned_agent_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("claimed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("ended_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("wrap_up_code", sa.String(length=32), nullable=True),
        sa.CheckConstraint("status IN ('waiting', 'assigned', 'returned', 'closed')", name=op.f("ck_handoff_status")),
        sa.CheckConstraint(
            "wrap_up_code IS NULL OR wrap_up_code IN ('resolved', 'information_given', 'request_filed', 'referred_elsewhere', 'citizen_left', 'abusive')",  # noqa: E501
            name=op.f("ck_handoff_wrap_up_code"),
        ),
        sa.ForeignKeyConstraint(
            ["assigned_agent_id"], ["staff_user.id"], name=op.f("fk_handoff_assigned_agent_id_staff_user")
        ),
        sa.ForeignKeyConstraint(["team_id"], ["team.id"], name=op.f("fk_handoff_team_id_team")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_handoff")),
        sa.UniqueConstraint("reference", name=op.f("uq_handoff_reference")),
    )
    op.create_index(op.f("ix_handoff_assigned_agent_id"), "handoff", ["assigned_agent_id"], unique=False)
    op.create_index(op.f("ix_handoff_conversation_id"), "handoff", ["conversation_id"], unique=False)
    op.create_index(op.f("ix_handoff_status"), "handoff", ["status"], unique=False)
    op.create_index(op.f("ix_handoff_team_id"), "handoff", ["team_id"], unique=False)

    op.create_table(
        "staff_session",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("staff_user_id", sa.Integer(), nullable=False),
        sa.Column("csrf_token", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["staff_user_id"],
            ["staff_user.id"],
            name=op.f("fk_staff_session_staff_user_id_staff_user"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_staff_session")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_staff_session_token_hash")),
    )
    op.create_index(op.f("ix_staff_session_staff_user_id"), "staff_session", ["staff_user_id"], unique=False)

    op.create_table(
        "staff_team",
        sa.Column("staff_user_id", sa.Integer(), nullable=False),
        sa.Column("team_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["staff_user_id"],
            ["staff_user.id"],
            name=op.f("fk_staff_team_staff_user_id_staff_user"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(["team_id"], ["team.id"], name=op.f("fk_staff_team_team_id_team"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("staff_user_id", "team_id", name=op.f("pk_staff_team")),
    )
    op.create_table(
        "topic_route",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("topic", sa.String(length=64), nullable=False),
        sa.Column("team_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["team_id"], ["team.id"], name=op.f("fk_topic_route_team_id_team")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_topic_route")),
        sa.UniqueConstraint("topic", name=op.f("uq_topic_route_topic")),
    )
    op.create_index(op.f("ix_topic_route_team_id"), "topic_route", ["team_id"], unique=False)

    op.create_table(
        "handoff_event",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("handoff_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("staff_user_id", sa.Integer(), nullable=True),
        sa.Column("actor", sa.String(length=120), nullable=False),
        sa.Column("team_id", sa.Integer(), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("occurred_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["handoff_id"], ["handoff.id"], name=op.f("fk_handoff_event_handoff_id_handoff"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["staff_user_id"], ["staff_user.id"], name=op.f("fk_handoff_event_staff_user_id_staff_user")
        ),
        sa.ForeignKeyConstraint(["team_id"], ["team.id"], name=op.f("fk_handoff_event_team_id_team")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_handoff_event")),
    )
    op.create_index(op.f("ix_handoff_event_handoff_id"), "handoff_event", ["handoff_id"], unique=False)

    op.create_table(
        "handoff_message",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("handoff_id", sa.Integer(), nullable=False),
        sa.Column("sender", sa.String(length=16), nullable=False),
        sa.Column("staff_user_id", sa.Integer(), nullable=True),
        sa.Column("author_name", sa.String(length=120), nullable=True),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("internal", sa.Boolean(), nullable=False),
        sa.Column("delivery", sa.String(length=16), nullable=False),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("delivery IN ('delivered', 'failed', 'not_sent')", name=op.f("ck_handoff_message_delivery")),
        sa.CheckConstraint(
            "sender IN ('citizen', 'assistant', 'agent', 'system')", name=op.f("ck_handoff_message_sender")
        ),
        sa.ForeignKeyConstraint(
            ["handoff_id"], ["handoff.id"], name=op.f("fk_handoff_message_handoff_id_handoff"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["staff_user_id"], ["staff_user.id"], name=op.f("fk_handoff_message_staff_user_id_staff_user")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_handoff_message")),
    )
    op.create_index(op.f("ix_handoff_message_handoff_id"), "handoff_message", ["handoff_id"], unique=False)

    op.create_table(
        "satisfaction_rating",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("handoff_id", sa.Integer(), nullable=True),
        sa.Column("conversation_id", sa.String(length=128), nullable=False),
        sa.Column("channel", sa.String(length=32), nullable=False),
        sa.Column("rating", sa.Integer(), nullable=False),
        sa.Column("comment", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("rating BETWEEN 1 AND 5", name=op.f("ck_satisfaction_rating_rating")),
        sa.ForeignKeyConstraint(["handoff_id"], ["handoff.id"], name=op.f("fk_satisfaction_rating_handoff_id_handoff")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_satisfaction_rating")),
    )
    op.create_index(
        op.f("ix_satisfaction_rating_conversation_id"), "satisfaction_rating", ["conversation_id"], unique=False
    )
    op.create_index(op.f("ix_satisfaction_rating_handoff_id"), "satisfaction_rating", ["handoff_id"], unique=False)

    op.create_table(
        "callback_request",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("service_request_id", sa.Integer(), nullable=False),
        sa.Column("conversation_id", sa.String(length=128), nullable=False),
        sa.Column("team_id", sa.Integer(), nullable=False),
        sa.Column("expected_from", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expected_until", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["service_request_id"],
            ["service_request.id"],
            name=op.f("fk_callback_request_service_request_id_service_request"),
        ),
        sa.ForeignKeyConstraint(["team_id"], ["team.id"], name=op.f("fk_callback_request_team_id_team")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_callback_request")),
        sa.UniqueConstraint("service_request_id", name=op.f("uq_callback_request_service_request_id")),
    )
    op.create_index(op.f("ix_callback_request_conversation_id"), "callback_request", ["conversation_id"], unique=False)

    _create_required_records()
    _move_handoff_requests()
    op.drop_index(op.f("ix_handoff_request_conversation_id"), table_name="handoff_request")
    op.drop_table("handoff_request")


def downgrade() -> None:
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

    op.drop_index(op.f("ix_callback_request_conversation_id"), table_name="callback_request")

    op.drop_table("callback_request")
    op.drop_index(op.f("ix_satisfaction_rating_handoff_id"), table_name="satisfaction_rating")
    op.drop_index(op.f("ix_satisfaction_rating_conversation_id"), table_name="satisfaction_rating")

    op.drop_table("satisfaction_rating")
    op.drop_index(op.f("ix_handoff_message_handoff_id"), table_name="handoff_message")

    op.drop_table("handoff_message")
    op.drop_index(op.f("ix_handoff_event_handoff_id"), table_name="handoff_event")

    op.drop_table("handoff_event")
    op.drop_index(op.f("ix_topic_route_team_id"), table_name="topic_route")

    op.drop_table("topic_route")
    op.drop_table("staff_team")
    op.drop_index(op.f("ix_staff_session_staff_user_id"), table_name="staff_session")

    op.drop_table("staff_session")
    op.drop_index(op.f("ix_handoff_team_id"), table_name="handoff")
    op.drop_index(op.f("ix_handoff_status"), table_name="handoff")
    op.drop_index(op.f("ix_handoff_conversation_id"), table_name="handoff")
    op.drop_index(op.f("ix_handoff_assigned_agent_id"), table_name="handoff")

    op.drop_table("handoff")
    op.drop_index(op.f("ix_canned_reply_team_id"), table_name="canned_reply")

    op.drop_table("canned_reply")
    op.drop_index(op.f("ix_audit_log_staff_user_id"), table_name="audit_log")
    op.drop_index(op.f("ix_audit_log_occurred_at"), table_name="audit_log")
    op.drop_index(op.f("ix_audit_log_object_ref"), table_name="audit_log")

    op.drop_table("audit_log")
    op.drop_table("team")
    op.drop_table("staff_user")
    op.drop_index(op.f("ix_login_attempt_username"), table_name="login_attempt")
    op.drop_index(op.f("ix_login_attempt_attempted_at"), table_name="login_attempt")

    op.drop_table("login_attempt")


_department = sa.table(
    "department", sa.column("id", sa.Integer), sa.column("code", sa.String), sa.column("name", sa.String)
)
_service = sa.table(
    "service",
    sa.column("id", sa.Integer),
    sa.column("code", sa.String),
    sa.column("name", sa.String),
    sa.column("kind", sa.String),
    sa.column("department_id", sa.Integer),
    sa.column("service_level_days", sa.Integer),
    sa.column("description", sa.String),
)
_old_requests = sa.table(
    "handoff_request",
    sa.column("id", sa.Integer),
    sa.column("reference", sa.String),
    sa.column("conversation_id", sa.String),
    sa.column("channel", sa.String),
    sa.column("reason", sa.String),
    sa.column("intent", sa.String),
    sa.column("transcript", sa.JSON),
    sa.column("status", sa.String),
    sa.column("created_at", sa.DateTime(timezone=True)),
)
_handoff = sa.table(
    "handoff",
    sa.column("id", sa.Integer),
    sa.column("reference", sa.String),
    sa.column("conversation_id", sa.String),
    sa.column("channel", sa.String),
    sa.column("language", sa.String),
    sa.column("reason", sa.String),
    sa.column("intent", sa.String),
    sa.column("entities", sa.JSON),
    sa.column("case_numbers", sa.JSON),
    sa.column("team_id", sa.Integer),
    sa.column("status", sa.String),
    sa.column("created_at", sa.DateTime(timezone=True)),
)
_message = sa.table(
    "handoff_message",
    sa.column("handoff_id", sa.Integer),
    sa.column("sender", sa.String),
    sa.column("text", sa.Text),
    sa.column("internal", sa.Boolean),
    sa.column("delivery", sa.String),
    sa.column("sent_at", sa.DateTime(timezone=True)),
)


def _moment(text: str | None) -> datetime | None:
    if not text:
        return None
    moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _id_of(table: sa.TableClause, code: str) -> int | None:
    return op.get_bind().scalar(sa.select(table.c.id).where(table.c.code == code))


def _create_required_records() -> None:
    """The default team (handoffs no route matches) and the callback category (out-of-hours callbacks)."""
    if _id_of(_team, "general") is None:
        op.execute(_team.insert().values(code="general", name="General enquiries"))
    if _id_of(_department, "contact_centre") is None:
        op.execute(_department.insert().values(code="contact_centre", name="Contact centre"))
    if _id_of(_service, "callback") is None:
        op.execute(
            _service.insert().values(
                code="callback",
                name="Callback from the contact centre",
                kind="service_request",
                department_id=_id_of(_department, "contact_centre"),
                service_level_days=1,
                description="A citizen asked to be called back when the contact centre was closed.",
            )
        )


def _move_handoff_requests() -> None:
    bind = op.get_bind()
    team_id = _id_of(_team, "general")
    for old in bind.execute(sa.select(_old_requests).order_by(_old_requests.c.id)).mappings():
        # Old requests were never claimed by a named agent, so they wait in the queue again.
        status = "closed" if old["status"] == "closed" else "waiting"
        handoff_id = bind.execute(
            _handoff.insert()
            .values(
                reference=old["reference"],
                conversation_id=old["conversation_id"],
                channel=old["channel"],
                language="en",
                reason=(old["reason"] or "unknown")[:64],
                intent=old["intent"],
                entities=[],
                case_numbers=[],
                team_id=team_id,
                status=status,
                created_at=old["created_at"],
            )
            .returning(_handoff.c.id)
        ).scalar_one()
        for line in old["transcript"] or []:
            bind.execute(
                _message.insert().values(
                    handoff_id=handoff_id,
                    sender=line.get("sender", "citizen"),
                    text=line.get("text", ""),
                    internal=False,
                    delivery="not_sent",
                    sent_at=_moment(line.get("sent_at")) or old["created_at"],
                )
            )
