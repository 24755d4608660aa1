"""Open311 on the back office's records: services and their definitions, filing and searching requests.

Requests filed here are the same service_request records the assistant and
agents file; what is returned to Open311 clients is what anyone may see:
no contact details, no reporter identifiers, no internal notes, and not the
reporter's own words (the description), which are theirs alone.
"""

import logging
import secrets
from datetime import datetime, time
from decimal import Decimal, InvalidOperation
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload, selectinload

from app import crud
from app.free_text import clean_free_text
from app.lifecycle.service_requests import last_citizen_step
from app.models import Open311Client, Service, ServiceAttribute, ServiceRequest
from app.open311.formats import w3_datetime
from app.open311.schemas import CLOSED, OPEN, Open311RequestCreate, RequestSearch
from app.statuses import (
    CLOSED_SERVICE_REQUEST_STATUSES,
    INTERNAL_CATEGORIES,
    OPEN_SERVICE_REQUEST_STATUSES,
    AttributeDatatype,
    Open311ServiceType,
    ServiceKind,
    ServiceRequestStatus,
)

logger = logging.getLogger(__name__)

CHANNEL = "open311"
MAX_RESULTS = 1000
_ATTRIBUTE_TEXT_LIMIT = {AttributeDatatype.STRING: 500, AttributeDatatype.TEXT: 4000}
_STATUSES_OF = {
    OPEN: [status.value for status in OPEN_SERVICE_REQUEST_STATUSES],
    CLOSED: [status.value for status in CLOSED_SERVICE_REQUEST_STATUSES],
}


def list_services(*, session: Session) -> list[Service]:
    """The request categories (applications are not Open311 services)."""
    return list(
        session.scalars(
            select(Service)
            .options(joinedload(Service.department), selectinload(Service.attributes))
            .where(Service.kind == ServiceKind.SERVICE_REQUEST.value, Service.code.not_in(INTERNAL_CATEGORIES))
            .order_by(Service.code)
        )
    )


def get_service(*, session: Session, code: str) -> Service | None:
    return session.scalar(
        select(Service)
        .options(joinedload(Service.department), selectinload(Service.attributes))
        .where(
            Service.code == code,
            Service.kind == ServiceKind.SERVICE_REQUEST.value,
            Service.code.not_in(INTERNAL_CATEGORIES),
        )
    )


def service_notice(service: Service) -> str:
    return (
        f"{service.department.name} aims to deal with this within "
        f"{service.service_level_days} working day{'s' if service.service_level_days != 1 else ''}."
    )


def service_entry(service: Service) -> dict[str, Any]:
    return {
        "service_code": service.code,
        "service_name": service.name,
        "description": service.description,
        "metadata": bool(service.attributes),
        "type": service.open311_type,
        "keywords": service.keywords,
        "group": service.department.name,
    }


def _attribute_entry(attribute: ServiceAttribute) -> dict[str, Any]:
    return {
        "variable": attribute.variable,
        "code": attribute.code,
        "datatype": attribute.datatype,
        "required": attribute.required,
        "datatype_description": attribute.datatype_description,
        "order": attribute.position,
        "description": attribute.description,
        "values": [{"key": value["key"], "name": value["name"]} for value in attribute.values or []],
    }


def service_definition(service: Service) -> dict[str, Any]:
    return {"service_code": service.code, "attributes": [_attribute_entry(a) for a in service.attributes]}


def _attribute_value(attribute: ServiceAttribute, values: list[str]) -> tuple[Any, str | None]:
    """The stored value of one attribute's answer, or the problem with it."""
    datatype = AttributeDatatype(attribute.datatype)
    name = f"attribute[{attribute.code}]"
    keys = {value["key"] for value in attribute.values or []}
    if datatype == AttributeDatatype.MULTIVALUELIST:
        chosen = list(dict.fromkeys(values))
        if any(value not in keys for value in chosen):
            return None, f"{name}: choose from the keys in the service definition"
        return chosen, None
    if len(values) != 1:
        return None, f"{name}: give one value"
    value = values[0]
    if datatype == AttributeDatatype.SINGLEVALUELIST:
        return (value, None) if value in keys else (None, f"{name}: choose one of the keys in the service definition")
    if datatype == AttributeDatatype.NUMBER:
        try:
            number = Decimal(value.strip())
        except InvalidOperation:
            number = None
        if number is None or not number.is_finite() or len(value) > 40:
            return None, f"{name}: must be a number"
        return str(number), None
    if datatype == AttributeDatatype.DATETIME:
        try:
            moment = datetime.fromisoformat(value.strip())
        except ValueError:
            moment = None
        if moment is None or moment.tzinfo is None:
            return None, f"{name}: must be a date and time with a time zone, like 2010-01-01T00:00:00Z"
        return w3_datetime(moment), None
    text = clean_free_text(value, multiline=datatype == AttributeDatatype.TEXT)
    limit = _ATTRIBUTE_TEXT_LIMIT[datatype]
    if not text or len(text) > limit:
        return None, f"{name}: must be between 1 and {limit} characters"
    return text, None


def validate_attributes(service: Service, given: dict[str, list[str]]) -> tuple[dict[str, Any], list[str]]:
    """The answers to the service definition's attributes, and every problem with them."""
    by_code = {attribute.code: attribute for attribute in service.attributes if attribute.variable}
    problems = [f"attribute[{code}]: not an attribute of {service.code}" for code in given if code not in by_code]
    answers: dict[str, Any] = {}
    for code, attribute in by_code.items():
        values = [value for value in given.get(code, []) if value.strip()]
        if not values:
            if attribute.required:
                problems.append(f"attribute[{code}]: required for {service.code}")
            continue
        value, problem = _attribute_value(attribute, values)
        if problem:
            problems.append(problem)
        else:
            answers[code] = value
    return answers, problems


def file_request(
    *,
    session: Session,
    client: Open311Client,
    service: Service,
    form: Open311RequestCreate,
    attributes: dict[str, Any],
    now: datetime,
) -> ServiceRequest:
    """File the request in the back office, exactly as the assistant's are filed."""
    location = form.address_string or (
        f"{form.lat:.6f}, {form.long:.6f}" if form.lat is not None and form.long is not None else ""
    )
    request = ServiceRequest(
        category=service,
        location=location or f"Address {form.address_id}",
        description=form.description or "",
        channel=CHANNEL,
        latitude=form.lat,
        longitude=form.long,
        address_id=form.address_id,
        media_url=form.media_url,
        attributes=attributes or None,
        contact_first_name=form.first_name,
        contact_last_name=form.last_name,
        contact_email=form.email,
        contact_phone=form.phone,
        reporter_account_id=form.account_id,
        reporter_device_id=form.device_id,
        open311_client_id=client.id,
        open311_token=(secrets.token_urlsafe(16) if service.open311_type == Open311ServiceType.BATCH.value else None),
    )
    crud.file_service_request(session=session, request=request, actor=f"open311 client {client.id}", now=now)
    logger.info("open311 client %d filed %s", client.id, request.request_number)
    return request


def _with_history(query):  # type: ignore[no-untyped-def]
    return query.options(
        joinedload(ServiceRequest.category).joinedload(Service.department),
        joinedload(ServiceRequest.department),
        selectinload(ServiceRequest.events),
    )


def _public(query):  # type: ignore[no-untyped-def]
    internal = select(Service.id).where(Service.code.in_(INTERNAL_CATEGORIES))
    return query.where(ServiceRequest.category_id.not_in(internal))


def search_requests(*, session: Session, search: RequestSearch) -> list[ServiceRequest]:
    query = _public(_with_history(select(ServiceRequest)))
    if search.request_numbers:
        query = query.where(ServiceRequest.request_number.in_(search.request_numbers))
    else:
        assert search.start is not None and search.end is not None
        query = query.where(ServiceRequest.created_at >= search.start, ServiceRequest.created_at <= search.end)
        if search.service_codes:
            query = query.join(ServiceRequest.category).where(Service.code.in_(search.service_codes))
        if search.statuses:
            query = query.where(
                ServiceRequest.status.in_([status for name in search.statuses for status in _STATUSES_OF[name]])
            )
    query = query.order_by(ServiceRequest.created_at.desc(), ServiceRequest.id.desc()).limit(MAX_RESULTS)
    return list(session.scalars(query).unique())


def get_request(*, session: Session, request_number: str) -> ServiceRequest | None:
    return session.scalar(
        _public(_with_history(select(ServiceRequest))).where(ServiceRequest.request_number == request_number)
    )


def get_request_by_token(*, session: Session, token: str) -> ServiceRequest | None:
    return session.scalar(select(ServiceRequest).where(ServiceRequest.open311_token == token))


def unknown_service_codes(*, session: Session, codes: tuple[str, ...]) -> list[str]:
    known = set(
        session.scalars(
            select(Service.code).where(
                Service.code.in_(codes),
                Service.kind == ServiceKind.SERVICE_REQUEST.value,
                Service.code.not_in(INTERNAL_CATEGORIES),
            )
        )
    )
    return [code for code in codes if code not in known]


def request_entry(request: ServiceRequest) -> dict[str, Any]:
    """One request as the public sees it (GET requests, GET requests/{id})."""
    status = ServiceRequestStatus(request.status)
    return {
        "service_request_id": request.request_number,
        "status": OPEN if status in OPEN_SERVICE_REQUEST_STATUSES else CLOSED,
        "status_notes": last_citizen_step(request).step_text,
        "service_name": request.category.name,
        "service_code": request.category.code,
        # The reporter's own words are theirs: not published.
        "description": None,
        "agency_responsible": request.department.name,
        "service_notice": service_notice(request.category),
        "requested_datetime": w3_datetime(request.created_at),
        "updated_datetime": w3_datetime(request.updated_at),
        "expected_datetime": w3_datetime(
            datetime.combine(request.target_date, time(23, 59, 59), request.created_at.tzinfo)
        ),
        "address": request.location,
        "address_id": request.address_id,
        "zipcode": None,
        "lat": request.latitude,
        "long": request.longitude,
        "media_url": request.media_url,
    }
