"""Database tables of the back office, as SQLAlchemy 2 typed models."""

from datetime import UTC, date, datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Date,
    DateTime,
    ForeignKey,
    Integer,
    MetaData,
    String,
    Text,
    TypeDecorator,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from app.statuses import ApplicationStatus, ServiceKind, ServiceRequestStatus

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
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    kind: Mapped[str] = mapped_column(String(20))
    department_id: Mapped[int] = mapped_column(ForeignKey("department.id"), index=True)
    service_level_days: Mapped[int | None] = mapped_column(Integer)
    description: Mapped[str] = mapped_column(String(500))

    department: Mapped[Department] = relationship()


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
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utc_now)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utc_now, onupdate=utc_now)
    target_date: Mapped[date] = mapped_column(Date)

    category: Mapped[Service] = relationship()
    department: Mapped[Department] = relationship()
    events: Mapped[list["ServiceRequestEvent"]] = relationship(
        back_populates="service_request",
        order_by=lambda: [ServiceRequestEvent.occurred_at, ServiceRequestEvent.id],
        cascade="all, delete-orphan",
    )


class ServiceRequestEvent(Base):
    __tablename__ = "service_request_event"
    __table_args__ = (CheckConstraint(one_of("status", ServiceRequestStatus), name="status"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    service_request_id: Mapped[int] = mapped_column(ForeignKey("service_request.id"), index=True)
    status: Mapped[str] = mapped_column(String(32))
    step_text: Mapped[str] = mapped_column(String(500))
    internal_note: Mapped[str | None] = mapped_column(Text)
    actor: Mapped[str] = mapped_column(String(120))
    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime())

    service_request: Mapped[ServiceRequest] = relationship(back_populates="events")


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
