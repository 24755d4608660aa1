"""Tables of handed-off conversations: the handoff, its messages and events, canned replies, ratings."""

from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, Boolean, CheckConstraint, Float, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.models import Base, ServiceRequest, UTCDateTime, one_of, utc_now
from app.staff.models import StaffUser, Team
from app.statuses import HandoffStatus, WrapUpCode


class MessageSender(StrEnum):
    CITIZEN = "citizen"
    ASSISTANT = "assistant"
    AGENT = "agent"
    SYSTEM = "system"  # what the hotline told the citizen on its own (queue position...)


class Delivery(StrEnum):
    """Whether an agent's message reached the citizen's channel."""

    DELIVERED = "delivered"
    FAILED = "failed"
    NOT_SENT = "not_sent"  # internal notes, and what citizens and the assistant said


class Handoff(Base):
    """One conversation passed from the assistant to the contact centre, from queueing to wrap-up."""

    __tablename__ = "handoff"
    __table_args__ = (
        CheckConstraint(one_of("status", HandoffStatus), name="status"),
        CheckConstraint(f"wrap_up_code IS NULL OR {one_of('wrap_up_code', WrapUpCode)}", name="wrap_up_code"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    reference: Mapped[str] = mapped_column(String(9), unique=True)
    conversation_id: Mapped[str] = mapped_column(String(128), index=True)
    channel: Mapped[str] = mapped_column(String(32))
    language: Mapped[str] = mapped_column(String(8), default="en")
    reason: Mapped[str] = mapped_column(String(64))
    topic: Mapped[str | None] = mapped_column(String(64))
    # The assistant's understanding of the last message before the handoff.
    intent: Mapped[str | None] = mapped_column(String(64))
    intent_confidence: Mapped[float | None] = mapped_column(Float)
    entities: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    case_numbers: Mapped[list[str]] = mapped_column(JSON, default=list)
    team_id: Mapped[int] = mapped_column(ForeignKey("team.id"), index=True)
    status: Mapped[str] = mapped_column(String(20), index=True)
    assigned_agent_id: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utc_now)
    claimed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    wrap_up_code: Mapped[str | None] = mapped_column(String(32))

    team: Mapped[Team] = relationship()
    assigned_agent: Mapped[StaffUser | None] = relationship()
    messages: Mapped[list["HandoffMessage"]] = relationship(
        back_populates="handoff",
        order_by=lambda: [HandoffMessage.sent_at, HandoffMessage.id],
        cascade="all, delete-orphan",
    )
    events: Mapped[list["HandoffEvent"]] = relationship(
        back_populates="handoff",
        order_by=lambda: [HandoffEvent.occurred_at, HandoffEvent.id],
        cascade="all, delete-orphan",
    )

    @property
    def is_open(self) -> bool:
        return self.status in (HandoffStatus.WAITING, HandoffStatus.ASSIGNED)


class HandoffMessage(Base):
    """One line of a handed-off conversation: the transcript so far, the live chat, internal notes."""

    __tablename__ = "handoff_message"
    __table_args__ = (
        CheckConstraint(one_of("sender", MessageSender), name="sender"),
        CheckConstraint(one_of("delivery", Delivery), name="delivery"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    handoff_id: Mapped[int] = mapped_column(ForeignKey("handoff.id", ondelete="CASCADE"), index=True)
    sender: Mapped[str] = mapped_column(String(16))
    staff_user_id: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id"))
    author_name: Mapped[str | None] = mapped_column(String(120))
    text: Mapped[str] = mapped_column(Text)
    # Internal notes are for staff only and never reach the citizen.
    internal: Mapped[bool] = mapped_column(Boolean, default=False)
    delivery: Mapped[str] = mapped_column(String(16), default=Delivery.NOT_SENT.value)
    sent_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utc_now)

    handoff: Mapped[Handoff] = relationship(back_populates="messages")


class HandoffEvent(Base):
    """What happened to a handoff and who did it: queued, claimed, transferred, handed back, closed."""

    __tablename__ = "handoff_event"

    id: Mapped[int] = mapped_column(primary_key=True)
    handoff_id: Mapped[int] = mapped_column(ForeignKey("handoff.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(32))
    staff_user_id: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id"))
    actor: Mapped[str] = mapped_column(String(120))
    team_id: Mapped[int | None] = mapped_column(ForeignKey("team.id"))
    note: Mapped[str | None] = mapped_column(Text)
    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utc_now)

    handoff: Mapped[Handoff] = relationship(back_populates="events")


class CannedReply(Base):
    """A ready-made answer agents insert and adapt; team-specific or for everyone (no team)."""

    __tablename__ = "canned_reply"

    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[int | None] = mapped_column(ForeignKey("team.id"), index=True)
    title: Mapped[str] = mapped_column(String(80))
    text: Mapped[str] = mapped_column(String(1000))


class SatisfactionRating(Base):
    """A citizen's 1-5 rating (and comment) after a conversation with an agent."""

    __tablename__ = "satisfaction_rating"
    __table_args__ = (CheckConstraint("rating BETWEEN 1 AND 5", name="rating"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    handoff_id: Mapped[int | None] = mapped_column(ForeignKey("handoff.id"), index=True)
    conversation_id: Mapped[str] = mapped_column(String(128), index=True)
    channel: Mapped[str] = mapped_column(String(32))
    rating: Mapped[int] = mapped_column(Integer)
    comment: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utc_now)


class CallbackRequest(Base):
    """Links a callback the citizen asked for out of hours to the service request that tracks it."""

    __tablename__ = "callback_request"

    id: Mapped[int] = mapped_column(primary_key=True)
    service_request_id: Mapped[int] = mapped_column(ForeignKey("service_request.id"), unique=True)
    conversation_id: Mapped[str] = mapped_column(String(128), index=True)
    team_id: Mapped[int] = mapped_column(ForeignKey("team.id"))
    expected_from: Mapped[datetime] = mapped_column(UTCDateTime())
    expected_until: Mapped[datetime] = mapped_column(UTCDateTime())

    service_request: Mapped[ServiceRequest] = relationship()
    team: Mapped[Team] = relationship()
