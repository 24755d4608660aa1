"""The review table: citizen messages the assistant was unsure of, with what it understood and a trainer's verdict.

The message text is kept here and nowhere else: the Rasa server posts it
(channels/review_messages.py), the trainer's page shows it, and it leaves
the database only pseudonymised (app/review/export.py).
"""

from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, CheckConstraint, Float, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.models import Base, UTCDateTime, one_of, utc_now
from app.staff.models import StaffUser


class ReviewReason(StrEnum):
    """Why a message is worth a trainer's look."""

    LOW_CONFIDENCE = "low_confidence"  # the top intent's confidence was below the review threshold
    FALLBACK = "fallback"  # nothing was understood (nlu_fallback, or the assistant fell back)
    HANDED_OFF = "handed_off"  # the conversation went to a person soon after
    RATED_BADLY = "rated_badly"  # the citizen rated the conversation 1 or 2
    OUT_OF_SCOPE = "out_of_scope"  # taken as something the hotline does not do: a new topic, or a mistake


class ReviewStatus(StrEnum):
    PENDING = "pending"
    ANNOTATED = "annotated"


class ReviewMessage(Base):
    __tablename__ = "review_message"
    # The broker may post a message twice (a lost answer, or a second reason): one row per message.
    __table_args__ = (
        UniqueConstraint("conversation_id", "sent_at"),
        CheckConstraint(one_of("status", ReviewStatus), name="status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    conversation_id: Mapped[str] = mapped_column(String(128), index=True)
    sent_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    channel: Mapped[str] = mapped_column(String(32))
    language: Mapped[str | None] = mapped_column(String(8))
    text: Mapped[str] = mapped_column(Text)
    predicted_intent: Mapped[str | None] = mapped_column(String(64))
    confidence: Mapped[float | None] = mapped_column(Float)
    # [{"entity": ..., "value": ..., "start": ..., "end": ...}] as the assistant extracted them.
    predicted_entities: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    reasons: Mapped[list[str]] = mapped_column(JSON, default=list)
    received_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utc_now)
    status: Mapped[str] = mapped_column(String(16), default=ReviewStatus.PENDING, index=True)
    # The trainer's verdict: the right intent (out_of_scope for questions the hotline does not answer)
    # and the entities, in the same shape as the predicted ones.
    annotated_intent: Mapped[str | None] = mapped_column(String(64))
    annotated_entities: Mapped[list[dict[str, Any]] | None] = mapped_column(JSON)
    annotated_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id"))
    annotated_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    annotated_by: Mapped[StaffUser | None] = relationship()
