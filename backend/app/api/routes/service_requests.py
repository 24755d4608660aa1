"""Filing and tracking problems reported in public space."""

from typing import Annotated

from fastapi import APIRouter, HTTPException, Path, Query, status

from app import crud
from app.api.deps import ServiceClient, SessionDep
from app.identifiers import normalise_request_number
from app.lifecycle.service_requests import last_citizen_step
from app.models import ServiceRequest, utc_now
from app.schemas import (
    E164_PATTERN,
    ErrorMessage,
    ServiceRequestCreate,
    ServiceRequestCreated,
    ServiceRequestPublic,
)
from app.security.throttle import UNKNOWN_REQUEST_NUMBERS, get_throttle
from app.statuses import SERVICE_REQUEST_STATUS_TEXT, ServiceKind, ServiceRequestStatus

router = APIRouter(prefix="/service-requests", tags=["service requests"])


def _status_text(request: ServiceRequest) -> str:
    return SERVICE_REQUEST_STATUS_TEXT[ServiceRequestStatus(request.status)]


@router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    summary="File a service request",
    description="Files the request and dispatches it to the category's department, with a "
    "target date counted in working days from today.",
    response_model=ServiceRequestCreated,
)
def file_service_request(
    request_in: ServiceRequestCreate, session: SessionDep, client: ServiceClient
) -> ServiceRequestCreated:
    category = crud.get_service_by_code(
        session=session, code=request_in.category.strip().lower(), kind=ServiceKind.SERVICE_REQUEST
    )
    if category is None:
        # Same shape as pydantic's own 422s, so clients parse one format.
        raise HTTPException(
            status_code=status.HTTP_422_UNPROCESSABLE_CONTENT,
            detail=[
                {
                    "loc": ["body", "category"],
                    "msg": "unknown category; GET /api/v1/services?kind=service_request lists them",
                    "type": "unknown_category",
                }
            ],
        )
    request = crud.create_service_request(
        session=session, request_in=request_in, category=category, actor=client, now=utc_now()
    )
    return ServiceRequestCreated(
        request_number=request.request_number,
        category=category.code,
        category_name=category.name,
        status=request.status,
        status_text=_status_text(request),
        department_name=category.department.name,
        target_date=request.target_date,
        created_at=request.created_at,
    )


@router.get(
    "/{request_number}",
    summary="Get a service request's status",
    description="Accepts the number as citizens type it (`sr 100231`, `SR100231`). "
    "Returns no reporter data and no internal notes.",
    response_model=ServiceRequestPublic,
    responses={
        404: {"model": ErrorMessage, "description": "No request has that number."},
        429: {"model": ErrorMessage, "description": "Too many unknown numbers asked for in this conversation."},
    },
)
def get_service_request(
    request_number: Annotated[str, Path(max_length=32, examples=["SR-100231"])],
    session: SessionDep,
    conversation_id: Annotated[
        str | None, Query(max_length=128, description="The asking conversation, for the limit on guessing.")
    ] = None,
    caller_phone: Annotated[str | None, Query(pattern=E164_PATTERN)] = None,
) -> ServiceRequestPublic:
    keys = [f"{kind}:{value}" for kind, value in (("conversation", conversation_id), ("phone", caller_phone)) if value]
    throttle, now = get_throttle(), utc_now()
    if keys and throttle.blocked(session=session, limit=UNKNOWN_REQUEST_NUMBERS, keys=keys, now=now):
        raise HTTPException(
            status_code=status.HTTP_429_TOO_MANY_REQUESTS, detail="Too many unknown numbers. Try again in 15 minutes."
        )
    number = normalise_request_number(request_number)
    if number is None:
        raise HTTPException(
            status_code=status.HTTP_422_UNPROCESSABLE_CONTENT,
            detail=[
                {
                    "loc": ["path", "request_number"],
                    "msg": "must be a service request number like SR-100231",
                    "type": "value_error",
                }
            ],
        )
    request = crud.get_service_request(session=session, request_number=number)
    if request is None:
        if keys:
            throttle.record_failure(session=session, limit=UNKNOWN_REQUEST_NUMBERS, keys=keys, now=now)
        raise HTTPException(status_code=status.HTTP_404_NOT_FOUND, detail="No service request has that number.")
    last_event = last_citizen_step(request)
    return ServiceRequestPublic(
        request_number=request.request_number,
        category=request.category.code,
        category_name=request.category.name,
        status=request.status,
        status_text=_status_text(request),
        last_step=last_event.step_text,
        last_step_at=last_event.occurred_at,
        department_name=request.department.name,
    )
