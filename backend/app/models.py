"""Database tables of the back office, as SQLAlchemy 2 typed models."""

from datetime import UTC, date, datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Integer,
    MetaData,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
    false,
    true,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from app.statuses import (
    ApplicationStatus,
    AttributeDatatype,
    NotificationAudience,
    NotificationChannel,
    NotificationStatus,
    Open311ServiceType,
    ServiceKind,
    ServiceRequestStatus,
    WorkOrderAction,
)

# Stable constraint names, so that migrations can name what they alter or drop.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class UTCDateTime(TypeDecorator[datetime]):
    """A timezone-aware UTC datetime on every database.

    SQLite keeps no offset and hands back naive values; they were written as
    UTC, so they are read back as UTC.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given where a timezone-aware one is required")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


def utc_now() -> datetime:
    return datetime.now(UTC)


def one_of(column: str, values: type[StrEnum]) -> str:
    return f"{column} IN ({', '.join(repr(v.value) for v in values)})"


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class Department(Base):
    __tablename__ = "department"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(120))


class Service(Base):
    """One entry of the catalogue: an application type or a request category."""

    __tablename__ = "service"
    __table_args__ = (
        CheckConstraint(one_of("kind", ServiceKind), name="kind"),
        # Request categories carry a service level; applications do not.
        CheckConstraint(
            "(kind = 'service_request') = (service_level_days IS NOT NULL)",
            name="service_level_days",
        ),
        CheckConstraint(one_of("open311_type", Open311ServiceType), name="open311_type"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    kind: Mapped[str] = mapped_column(String(20))
    department_id: Mapped[int] = mapped_column(ForeignKey("department.id"), index=True)
    service_level_days: Mapped[int | None] = mapped_column(Integer)
    description: Mapped[str] = mapped_column(String(500))
    # Open311: synonyms that help people find the category, and whether a new
    # request gets its number at once (realtime) or a token first (batch).
    keywords: Mapped[str] = mapped_column(String(300), server_default="")
    open311_type: Mapped[str] = mapped_column(String(16), server_default=Open311ServiceType.REALTIME.value)

    department: Mapped[Department] = relationship()
    attributes: Mapped[list["ServiceAttribute"]] = relationship(
        back_populates="service",
        order_by=lambda: [ServiceAttribute.position, ServiceAttribute.id],
        cascade="all, delete-orphan",
    )


class Citizen(Base):
    __tablename__ = "citizen"

    id: Mapped[int] = mapped_column(primary_key=True)
    full_name: Mapped[str] = mapped_column(String(200))
    date_of_birth: Mapped[date] = mapped_column(Date)
    phone: Mapped[str | None] = mapped_column(String(32))
    email: Mapped[str | None] = mapped_column(String(254))


class Application(Base):
    __tablename__ = "application"
    __table_args__ = (CheckConstraint(one_of("status", ApplicationStatus), name="status"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    application_number: Mapped[str] = mapped_column(String(10), unique=True)
    citizen_id: Mapped[int] = mapped_column(ForeignKey("citizen.id"), index=True)
    service_id: Mapped[int] = mapped_column(ForeignKey("service.id"), index=True)
    status: Mapped[str] = mapped_column(String(32))
    submitted_at: Mapped[datetime] = mapped_column(UTCDateTime())
    # Only a salted scrypt hash of the receipt PIN is kept (see core.security).
    pin_hash: Mapped[str] = mapped_column(String(200))
    # The applicant asked to be texted about progress (on the application form) at the phone on record.
    wants_updates: Mapped[bool] = mapped_column(Boolean, server_default=false())

    citizen: Mapped[Citizen] = relationship()
    service: Mapped[Service] = relationship()
    events: Mapped[list["ApplicationEvent"]] = relationship(
        back_populates="application",
        order_by=lambda: [ApplicationEvent.occurred_at, ApplicationEvent.id],
        cascade="all, delete-orphan",
    )


class ApplicationEvent(Base):
    """One step of an application's history, as the citizen and as staff see it."""

    __tablename__ = "application_event"
    __table_args__ = (CheckConstraint(one_of("status", ApplicationStatus), name="status"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("application.id"), index=True)
    status: Mapped[str] = mapped_column(String(32))
    step_text: Mapped[str] = mapped_column(String(500))
    internal_note: Mapped[str | None] = mapped_column(Text)
    actor: Mapped[str] = mapped_column(String(120))
    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime())
    # Why the status changed, for staff (a rejection's grounds, a withdrawal's cause).
    reason: Mapped[str | None] = mapped_column(Text)
    # The citizen should hear about this step (read by the notification sender).
    notify_citizen: Mapped[bool] = mapped_column(Boolean, server_default=false())

    application: Mapped[Application] = relationship(back_populates="events")


class ServiceRequest(Base):
    """A problem reported in public space, routed to a department."""

    __tablename__ = "service_request"
    __table_args__ = (CheckConstraint(one_of("status", ServiceRequestStatus), name="status"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    request_number: Mapped[str] = mapped_column(String(9), unique=True)
    category_id: Mapped[int] = mapped_column(ForeignKey("service.id"), index=True)
    department_id: Mapped[int] = mapped_column(ForeignKey("department.id"), index=True)
    location: Mapped[str] = mapped_column(String(300))
    description: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(32))
    channel: Mapped[str] = mapped_column(String(32))
    conversation_id: Mapped[str | None] = mapped_column(String(128), index=True)
    contact_phone: Mapped[str | None] = mapped_column(String(32))
    # Indexed: Open311 clients list requests by filing time.
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utc_now, index=True)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utc_now, onupdate=utc_now)
    target_date: Mapped[date] = mapped_column(Date, index=True)
    # Set once, when the request was first found past its target date unresolved.
    escalated_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # The reporter asked to hear about changes on the channel they used.
    wants_updates: Mapped[bool] = mapped_column(Boolean, server_default=false())
    # What an Open311 client may send besides the location text. The contact
    # and reporter fields are personal data: stored, never shown in public views.
    latitude: Mapped[float | None] = mapped_column(Float)
    longitude: Mapped[float | None] = mapped_column(Float)
    address_id: Mapped[str | None] = mapped_column(String(64))
    media_url: Mapped[str | None] = mapped_column(String(500))
    attributes: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    contact_first_name: Mapped[str | None] = mapped_column(String(100))
    contact_last_name: Mapped[str | None] = mapped_column(String(100))
    contact_email: Mapped[str | None] = mapped_column(String(254))
    reporter_account_id: Mapped[str | None] = mapped_column(String(64))
    reporter_device_id: Mapped[str | None] = mapped_column(String(64))
    open311_client_id: Mapped[int | None] = mapped_column(ForeignKey("open311_client.id"), index=True)
    open311_token: Mapped[str | None] = mapped_column(String(64), unique=True)

    category: Mapped[Service] = relationship()
    department: Mapped[Department] = relationship()
    events: Mapped[list["ServiceRequestEvent"]] = relationship(
        back_populates="service_request",
        order_by=lambda: [ServiceRequestEvent.occurred_at, ServiceRequestEvent.id],
        cascade="all, delete-orphan",
    )


class ServiceRequestEvent(Base):
    """One recorded step of a request: who did what, when and why, and what the citizen sees of it."""

    __tablename__ = "service_request_event"
    __table_args__ = (
        CheckConstraint(one_of("status", ServiceRequestStatus), name="status"),
        CheckConstraint(one_of("action", WorkOrderAction), name="action"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    service_request_id: Mapped[int] = mapped_column(ForeignKey("service_request.id"), index=True)
    action: Mapped[str] = mapped_column(String(20))
    # The request's status after this step.
    status: Mapped[str] = mapped_column(String(32))
    step_text: Mapped[str] = mapped_column(String(500))
    internal_note: Mapped[str | None] = mapped_column(Text)
    reason: Mapped[str | None] = mapped_column(Text)
    actor: Mapped[str] = mapped_column(String(120))
    # The department responsible after this step (reassignments move it).
    department_id: Mapped[int | None] = mapped_column(ForeignKey("department.id"), index=True)
    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime())
    # Escalations and other staff-only steps are never shown to the citizen.
    visible_to_citizen: Mapped[bool] = mapped_column(Boolean, server_default=true())
    # The citizen should hear about this step (read by the notification sender).
    notify_citizen: Mapped[bool] = mapped_column(Boolean, server_default=false())

    service_request: Mapped[ServiceRequest] = relationship(back_populates="events")
    department: Mapped[Department | None] = relationship()


# --- Open311, attributes of request categories, back-office notifications ---


class ServiceAttribute(Base):
    """One extra question of a request category (a GeoReport v2 service definition attribute)."""

    __tablename__ = "service_attribute"
    __table_args__ = (
        CheckConstraint(one_of("datatype", AttributeDatatype), name="datatype"),
        UniqueConstraint("service_id", "code"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    service_id: Mapped[int] = mapped_column(ForeignKey("service.id"), index=True)
    code: Mapped[str] = mapped_column(String(40))
    datatype: Mapped[str] = mapped_column(String(20))
    required: Mapped[bool] = mapped_column(Boolean)
    # False: the attribute only informs (shown as text), it takes no input.
    variable: Mapped[bool] = mapped_column(Boolean)
    description: Mapped[str] = mapped_column(String(500))
    datatype_description: Mapped[str | None] = mapped_column(String(300))
    # Open311's `order` (a reserved word in SQL).
    position: Mapped[int] = mapped_column(Integer)
    # For list datatypes: [{"key": ..., "name": ...}, ...].
    values: Mapped[list[dict[str, str]] | None] = mapped_column(JSON)

    service: Mapped[Service] = relationship(back_populates="attributes")


class Open311Client(Base):
    """Civic software allowed to file requests through Open311; only a hash of its key is kept."""

    __tablename__ = "open311_client"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    # The first characters of the key, so admins can tell keys apart.
    key_prefix: Mapped[str] = mapped_column(String(12))
    key_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    created_by: Mapped[str] = mapped_column(String(120))
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    revoked_by: Mapped[str | None] = mapped_column(String(120))


class Notification(Base):
    """A message for staff (a department, the supervisors), waiting for a delivery channel."""

    __tablename__ = "notification"
    __table_args__ = (CheckConstraint(one_of("audience", NotificationAudience), name="audience"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    audience: Mapped[str] = mapped_column(String(20))
    department_id: Mapped[int | None] = mapped_column(ForeignKey("department.id"), index=True)
    service_request_id: Mapped[int] = mapped_column(ForeignKey("service_request.id"), index=True)
    kind: Mapped[str] = mapped_column(String(32))
    # No personal data: numbers, categories, dates and places only.
    message: Mapped[str] = mapped_column(String(500))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    delivered_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    department: Mapped[Department | None] = relationship()
    service_request: Mapped[ServiceRequest] = relationship()


class SmsConsent(Base):
    """Whether a phone number accepts text messages from the hotline (STOP / START keywords).

    The SMS channel records every keyword here; anything that texts citizens
    (agent replies, status notifications) asks first. A number with no row
    has never opted out.
    """

    __tablename__ = "sms_consent"

    id: Mapped[int] = mapped_column(primary_key=True)
    # E.164, as Twilio gives it: +447700900010.
    phone: Mapped[str] = mapped_column(String(16), unique=True)
    opted_out: Mapped[bool] = mapped_column(Boolean)
    # The keyword that made the last change (STOP, START, UNSUBSCRIBE...).
    keyword: Mapped[str] = mapped_column(String(16))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utc_now, onupdate=utc_now)


# --- How conversations with the assistant go (facts from the Rasa server's broker; no message text) ---


class ConversationSession(Base):
    """One session of a conversation with the assistant, as the Rasa server reported it.

    Facts only: when it started, the channel and language, and whether the
    assistant passed it to a person. The conversation id is the channel's own
    (a random id per web chat browser, a keyed hash of the phone number on SMS
    and voice); no message text or metadata reaches this table.
    """

    __tablename__ = "conversation_session"
    __table_args__ = (UniqueConstraint("conversation_id", "started_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    conversation_id: Mapped[str] = mapped_column(String(128), index=True)
    started_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    # Of the session's first citizen message; None until the citizen writes.
    channel: Mapped[str | None] = mapped_column(String(32))
    language: Mapped[str | None] = mapped_column(String(8))
    last_activity_at: Mapped[datetime] = mapped_column(UTCDateTime())
    # Set when the assistant queued the conversation for an agent (HO-…) or filed a callback (SR-…).
    handoff_reference: Mapped[str | None] = mapped_column(String(9), index=True)
    callback_reference: Mapped[str | None] = mapped_column(String(9))

    turns: Mapped[list["ConversationTurn"]] = relationship(
        back_populates="session",
        order_by=lambda: [ConversationTurn.occurred_at, ConversationTurn.id],
        cascade="all, delete-orphan",
    )


class ConversationTurn(Base):
    """One citizen message in a session: when, and what the assistant understood it to mean (no text)."""

    __tablename__ = "conversation_turn"
    # A batch the broker sends twice (a lost answer) adds nothing the second time.
    __table_args__ = (UniqueConstraint("session_id", "occurred_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("conversation_session.id", ondelete="CASCADE"), index=True)
    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime())
    intent: Mapped[str | None] = mapped_column(String(64))
    confidence: Mapped[float | None] = mapped_column(Float)

    session: Mapped[ConversationSession] = relationship(back_populates="turns")


class CitizenNotification(Base):
    """One message to a citizen about a step of their request or application, and whether it reached them.

    At most one per step (the unique keys), so a step is never announced twice;
    the text is built from the step when it is sent, so no message text or
    phone number is kept here.
    """

    __tablename__ = "citizen_notification"
    __table_args__ = (
        CheckConstraint(one_of("channel", NotificationChannel), name="channel"),
        CheckConstraint(one_of("status", NotificationStatus), name="status"),
        CheckConstraint("(service_request_event_id IS NULL) <> (application_event_id IS NULL)", name="one_step"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    service_request_event_id: Mapped[int | None] = mapped_column(ForeignKey("service_request_event.id"), unique=True)
    application_event_id: Mapped[int | None] = mapped_column(ForeignKey("application_event.id"), unique=True)
    channel: Mapped[str] = mapped_column(String(16))
    status: Mapped[str] = mapped_column(String(20), index=True)
    # A resolved request: the citizen is also asked for a 1-5 rating of how it was handled.
    asks_for_rating: Mapped[bool] = mapped_column(Boolean, server_default=false())
    # When the assistant put the rating question to the citizen's conversation (done once).
    rating_requested_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    attempts: Mapped[int] = mapped_column(Integer, server_default="0")
    next_attempt_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # An error code (Twilio's, or the exception's type); never a number or message text.
    last_error: Mapped[str | None] = mapped_column(String(64))
    # Twilio's message SID, for tracing a text with Twilio's support.
    provider_reference: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    service_request_event: Mapped[ServiceRequestEvent | None] = relationship()
    application_event: Mapped[ApplicationEvent | None] = relationship()
