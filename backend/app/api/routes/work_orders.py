"""Departments' work on service requests: their queues, and accept, reassign, progress, resolve, reject, close.

Departments' own work-management systems call these with the service token;
the body names the person acting and the department they act for, and every
change is recorded with who, when and why (see app.lifecycle.service_requests).
"""

from collections.abc import Callable
from typing import Annotated, Any

from fastapi import APIRouter, HTTPException, Path, Query, status
from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload

from app import crud
from app.api.deps import SessionDep
from app.identifiers import normalise_request_number
from app.lifecycle import service_requests as lifecycle
from app.lifecycle.escalation import list_overdue
from app.models import Department, ServiceRequest, utc_now
from app.schemas import (
    ErrorMessage,
    WorkOrderClose,
    WorkOrderProgress,
    WorkOrderPublic,
    WorkOrderReassign,
    WorkOrderReject,
    WorkOrderResolve,
    WorkOrderStep,
    WorkOrderSummary,
    WorkOrderUpdate,
)
from app.statuses import OPEN_SERVICE_REQUEST_STATUSES, SERVICE_REQUEST_STATUS_TEXT, ServiceRequestStatus

router = APIRouter(prefix="/work-orders", tags=["work orders"])

RequestNumber = Annotated[str, Path(max_length=32, examples=["SR-100231"])]
ERRORS: dict[int | str, dict[str, Any]] = {
    403: {"model": ErrorMessage, "description": "The work order is with another department."},
    404: {"model": ErrorMessage, "description": "No work order has that number."},
    409: {"model": ErrorMessage, "description": "The work order's status does not allow this change."},
}
_ERROR_STATUS = {
    lifecycle.WorkOrderNotFound: status.HTTP_404_NOT_FOUND,
    lifecycle.WrongDepartment: status.HTTP_403_FORBIDDEN,
    lifecycle.TransitionNotAllowed: status.HTTP_409_CONFLICT,
    lifecycle.UnknownDepartment: status.HTTP_422_UNPROCESSABLE_CONTENT,
}


def _number(request_number: str) -> str:
    number = normalise_request_number(request_number)
    if number is None:
        raise HTTPException(status_code=status.HTTP_404_NOT_FOUND, detail="No work order has that number.")
    return number


def summary_of(request: ServiceRequest, *, today: Any) -> dict[str, Any]:
    return {
        "request_number": request.request_number,
        "category": request.category.code,
        "category_name": request.category.name,
        "status": request.status,
        "status_text": SERVICE_REQUEST_STATUS_TEXT[ServiceRequestStatus(request.status)],
        "department": request.department.code,
        "department_name": request.department.name,
        "location": request.location,
        "description": request.description,
        "channel": request.channel,
        "created_at": request.created_at,
        "updated_at": request.updated_at,
        "target_date": request.target_date,
        "overdue": lifecycle.is_overdue(request, today=today),
        "escalated_at": request.escalated_at,
    }


def _public(session: Session, number: str) -> WorkOrderPublic:
    request = crud.get_service_request(session=session, request_number=number)
    if request is None:
        raise HTTPException(status_code=status.HTTP_404_NOT_FOUND, detail="No work order has that number.")
    codes = {row.id: row.code for row in session.execute(select(Department.id, Department.code))}
    history = [
        WorkOrderStep(
            action=event.action,
            status=event.status,
            step_text=event.step_text,
            internal_note=event.internal_note,
            reason=event.reason,
            actor=event.actor,
            department=codes.get(event.department_id) if event.department_id else None,
            occurred_at=event.occurred_at,
            visible_to_citizen=event.visible_to_citizen,
            notify_citizen=event.notify_citizen,
        )
        for event in request.events
    ]
    return WorkOrderPublic(**summary_of(request, today=utc_now().date()), history=history)


def _act(session: Session, number: str, change: Callable[..., ServiceRequest], **arguments: Any) -> WorkOrderPublic:
    try:
        change(session=session, request_number=number, now=utc_now(), **arguments)
    except lifecycle.WorkOrderError as error:
        session.rollback()
        raise HTTPException(status_code=_ERROR_STATUS.get(type(error), 400), detail=str(error)) from None
    return _public(session, number)


@router.get(
    "",
    summary="List work orders",
    description="A department's queue (`department=roads`), by status, or the overdue list "
    "(`overdue=true`, longest overdue first). Open work orders by default.",
    response_model=list[WorkOrderSummary],
)
def list_work_orders(
    session: SessionDep,
    department: Annotated[str | None, Query(pattern=r"^[a-z][a-z0-9_]{1,39}$")] = None,
    status_filter: Annotated[list[ServiceRequestStatus] | None, Query(alias="status")] = None,
    overdue: bool = False,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
) -> list[dict[str, Any]]:
    now = utc_now()
    if overdue:
        requests = list_overdue(session=session, now=now, department_code=department)[:limit]
    else:
        statuses = status_filter or sorted(OPEN_SERVICE_REQUEST_STATUSES)
        query = (
            select(ServiceRequest)
            .options(joinedload(ServiceRequest.category), joinedload(ServiceRequest.department))
            .where(ServiceRequest.status.in_([s.value for s in statuses]))
            .order_by(ServiceRequest.target_date, ServiceRequest.request_number)
            .limit(limit)
        )
        if department is not None:
            query = query.where(ServiceRequest.department.has(code=department))
        requests = list(session.scalars(query))
    return [summary_of(request, today=now.date()) for request in requests]


@router.get(
    "/{request_number}",
    summary="Get a work order with its whole history",
    response_model=WorkOrderPublic,
    responses={404: ERRORS[404]},
)
def get_work_order(request_number: RequestNumber, session: SessionDep) -> WorkOrderPublic:
    return _public(session, _number(request_number))


@router.post(
    "/{request_number}/accept", summary="Accept a work order", response_model=WorkOrderPublic, responses=ERRORS
)
def accept(request_number: RequestNumber, body: WorkOrderUpdate, session: SessionDep) -> WorkOrderPublic:
    return _act(
        session,
        _number(request_number),
        lifecycle.accept_work_order,
        actor=body.actor,
        acting_department=body.department,
        internal_note=body.internal_note,
    )


@router.post(
    "/{request_number}/reassign",
    summary="Pass a work order to another department",
    response_model=WorkOrderPublic,
    responses={**ERRORS, 422: {"description": "Unknown department."}},
)
def reassign(request_number: RequestNumber, body: WorkOrderReassign, session: SessionDep) -> WorkOrderPublic:
    return _act(
        session,
        _number(request_number),
        lifecycle.reassign_work_order,
        to_department=body.to_department,
        reason=body.reason,
        actor=body.actor,
        acting_department=body.department,
        internal_note=body.internal_note,
    )


@router.post(
    "/{request_number}/progress-notes",
    summary="Add a progress note (the first one starts the work)",
    response_model=WorkOrderPublic,
    responses=ERRORS,
)
def add_progress_note(request_number: RequestNumber, body: WorkOrderProgress, session: SessionDep) -> WorkOrderPublic:
    return _act(
        session,
        _number(request_number),
        lifecycle.add_progress_note,
        actor=body.actor,
        acting_department=body.department,
        internal_note=body.internal_note,
        citizen_message=body.citizen_message,
    )


@router.post(
    "/{request_number}/resolve", summary="Resolve a work order", response_model=WorkOrderPublic, responses=ERRORS
)
def resolve(request_number: RequestNumber, body: WorkOrderResolve, session: SessionDep) -> WorkOrderPublic:
    return _act(
        session,
        _number(request_number),
        lifecycle.resolve_work_order,
        resolution=body.resolution,
        actor=body.actor,
        acting_department=body.department,
        internal_note=body.internal_note,
    )


@router.post(
    "/{request_number}/reject",
    summary="Reject a work order with the reason the citizen is given",
    response_model=WorkOrderPublic,
    responses=ERRORS,
)
def reject(request_number: RequestNumber, body: WorkOrderReject, session: SessionDep) -> WorkOrderPublic:
    return _act(
        session,
        _number(request_number),
        lifecycle.reject_work_order,
        reason=body.reason,
        actor=body.actor,
        acting_department=body.department,
        internal_note=body.internal_note,
    )


@router.post(
    "/{request_number}/close",
    summary="Close a resolved work order after checking it",
    response_model=WorkOrderPublic,
    responses={404: ERRORS[404], 409: ERRORS[409]},
)
def close(request_number: RequestNumber, body: WorkOrderClose, session: SessionDep) -> WorkOrderPublic:
    return _act(
        session,
        _number(request_number),
        lifecycle.close_work_order,
        actor=body.actor,
        internal_note=body.internal_note,
    )
