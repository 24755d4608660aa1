"""Reads and writes of the back-office records; routes call these, never the ORM directly."""

import hmac
import logging
from collections.abc import Callable
from datetime import date, datetime
from typing import Any

from sqlalchemy import func, select, text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import InstrumentedAttribute, Session, joinedload, selectinload

from app.core.config import settings
from app.core.security import dummy_pin_hash, verify_pin
from app.identifiers import FIRST_RESERVED_NUMBER, format_request_number, sequence_of
from app.lifecycle.service_requests import Step, dispatch_step, record_step
from app.models import (
    Application,
    Department,
    Service,
    ServiceRequest,
    SmsConsent,
    utc_now,
)
from app.phones import normalise_phone
from app.schemas import ServiceRequestCreate, SmsConsentUpdate
from app.statuses import ServiceKind, ServiceRequestStatus, WorkOrderAction
from app.working_days import add_working_days

logger = logging.getLogger(__name__)

FIRST_REQUEST_SEQUENCE = 100_001
# Concurrent filings may read the same highest number; the unique constraint
# rejects all but one and the others try again with a fresh read.
_ALLOCATION_ATTEMPTS = 10
# Arbitrary but fixed keys for pg_advisory_xact_lock, one per number series.
_ADVISORY_LOCK_KEYS = {"SR": 12345_001, "HO": 12345_002}


class NumberAllocationError(RuntimeError):
    """No free number after several attempts, or the number range is used up."""


def list_services(*, session: Session, kind: ServiceKind | None = None) -> list[Service]:
    query = select(Service).options(joinedload(Service.department)).order_by(Service.kind, Service.code)
    if kind is not None:
        query = query.where(Service.kind == kind.value)
    return list(session.scalars(query))


def get_service_by_code(*, session: Session, code: str, kind: ServiceKind) -> Service | None:
    return session.scalar(
        select(Service).options(joinedload(Service.department)).where(Service.code == code, Service.kind == kind.value)
    )


def find_application_for_proof(
    *,
    session: Session,
    application_number: str,
    date_of_birth: date | None = None,
    pin: str | None = None,
    phone: str | None = None,
) -> Application | None:
    """The application if the proof of identity matches, else None.

    An unknown number and a wrong proof are indistinguishable to the caller:
    both return None, and both run the same query and the same hash check.
    """
    application = session.scalar(
        select(Application)
        .options(joinedload(Application.citizen), joinedload(Application.service))
        .where(Application.application_number == application_number)
    )
    if pin is not None:
        proof_matches = verify_pin(pin, application.pin_hash if application else dummy_pin_hash())
    elif date_of_birth is not None:
        expected = application.citizen.date_of_birth.isoformat() if application else "----------"
        proof_matches = hmac.compare_digest(expected, date_of_birth.isoformat())
    elif phone is not None:
        # A citizen without a phone on record, or with one that cannot be read, never matches.
        on_record = application.citizen.phone if application else None
        expected = normalise_phone(on_record, default_region=settings.PHONE_DEFAULT_REGION) or "-"
        proof_matches = hmac.compare_digest(expected, phone)
    else:
        proof_matches = False
    if application is None or not proof_matches:
        return None
    return application


def get_application(*, session: Session, application_number: str) -> Application | None:
    return session.scalar(
        select(Application)
        .options(joinedload(Application.citizen))
        .where(Application.application_number == application_number)
    )


def get_service_request(*, session: Session, request_number: str) -> ServiceRequest | None:
    return session.scalar(
        select(ServiceRequest)
        .options(
            joinedload(ServiceRequest.category),
            joinedload(ServiceRequest.department),
            selectinload(ServiceRequest.events),
        )
        .where(ServiceRequest.request_number == request_number)
    )


def get_department_by_code(*, session: Session, code: str) -> Department | None:
    return session.scalar(select(Department).where(Department.code == code))


def _next_number(
    session: Session, column: InstrumentedAttribute[str], prefix: str, first: int, format_number: Callable[[int], str]
) -> str:
    if session.get_bind().dialect.name == "postgresql":
        # Serialise allocation per prefix until commit, so simultaneous
        # filings queue here instead of colliding and retrying in a herd.
        session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _ADVISORY_LOCK_KEYS[prefix]})
    # Only numbers below the reserved range count, so a stray SR-9xxxxx can
    # never push new numbers into the range kept for "does not exist".
    highest = session.scalar(
        select(func.max(column)).where(column.like(f"{prefix}-%"), column < f"{prefix}-{FIRST_RESERVED_NUMBER}")
    )
    sequence = max(first, sequence_of(highest) + 1) if highest else first
    if sequence >= FIRST_RESERVED_NUMBER:
        raise NumberAllocationError(f"{prefix} numbers are used up")
    return format_number(sequence)


def next_number_insert(
    session: Session,
    record: Any,
    column: InstrumentedAttribute[str],
    prefix: str,
    first: int,
    format_number: Callable[[int], str],
) -> None:
    """Give `record` the next free number of its series (`column`) and insert it, retrying on a collision."""
    for attempt in range(1, _ALLOCATION_ATTEMPTS + 1):
        setattr(record, column.key, _next_number(session, column, prefix, first, format_number))
        try:
            with session.begin_nested():
                session.add(record)
        except IntegrityError:
            logger.warning("number collision on %s, retrying (attempt %d)", type(record).__name__, attempt)
            continue
        session.commit()
        return
    raise NumberAllocationError("could not allocate a unique number")


def file_service_request(*, session: Session, request: ServiceRequest, actor: str, now: datetime) -> ServiceRequest:
    """File a new request and dispatch it to its category's department, with a working-day target date.

    `request` carries what the reporter gave (category, location, description,
    channel, contact); this gives it its number, its target date and the
    two first steps of its history (received, dispatched), and commits.
    """
    category = request.category
    assert category.service_level_days is not None
    department = category.department
    request.department = department
    request.department_id = department.id
    request.created_at = now
    request.target_date = add_working_days(now.date(), category.service_level_days)
    record_step(
        request,
        Step(
            WorkOrderAction.FILED,
            ServiceRequestStatus.RECEIVED,
            "We received your report.",
            actor,
            internal_note=f"Filed through the {request.channel} channel.",
        ),
        now=now,
    )
    record_step(request, dispatch_step(request, department, actor=actor), now=now)

    next_number_insert(
        session, request, ServiceRequest.request_number, "SR", FIRST_REQUEST_SEQUENCE, format_request_number
    )
    logger.info("service request %s filed in category %s", request.request_number, category.code)
    return request


def create_service_request(
    *, session: Session, request_in: ServiceRequestCreate, category: Service, actor: str, now: datetime
) -> ServiceRequest:
    """File a request the assistant took down (see file_service_request)."""
    request = ServiceRequest(
        category=category,
        location=request_in.location,
        description=request_in.description,
        channel=request_in.channel,
        conversation_id=request_in.conversation_id,
        contact_phone=request_in.contact_phone,
        wants_updates=request_in.wants_updates,
    )
    return file_service_request(session=session, request=request, actor=actor, now=now)


def get_sms_consent(*, session: Session, phone: str) -> SmsConsent | None:
    """The number's last STOP/START choice; None if it never sent one (it may be texted)."""
    return session.scalar(select(SmsConsent).where(SmsConsent.phone == phone))


def record_sms_consent(*, session: Session, consent_in: SmsConsentUpdate) -> SmsConsent:
    """Store the number's latest choice; a repeated or simultaneous keyword updates the same row."""
    now = utc_now()
    for _attempt in range(2):
        consent = get_sms_consent(session=session, phone=consent_in.phone)
        if consent is None:
            consent = SmsConsent(phone=consent_in.phone)
        consent.opted_out = consent_in.opted_out
        consent.keyword = consent_in.keyword
        consent.updated_at = now
        try:
            with session.begin_nested():
                session.add(consent)
        except IntegrityError:
            # Two keywords from one number at once: the other insert won; update its row.
            continue
        session.commit()
        logger.info("sms consent recorded: opted_out=%s by %s", consent.opted_out, consent.keyword)
        return consent
    raise RuntimeError("could not record the SMS consent")
