"""The work-order lifecycle of a service request: dispatch, accept, reassign, progress, resolve, reject, close.

Every change is one recorded step (ServiceRequestEvent): who acted, when, why,
the status it left, the department responsible after it, the text the citizen
sees, and whether the citizen should hear about it. Time is always passed in.
Each public function loads the request under a row lock, checks the
transition, records the step and commits, so the routes, the console and
departments' systems all change requests the same way.
"""

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload, selectinload

from app.models import Department, ServiceRequest, ServiceRequestEvent
from app.statuses import ServiceRequestStatus as S
from app.statuses import WorkOrderAction as A


class WorkOrderError(Exception):
    """A change that cannot be made; the message is safe to show to staff."""


class WorkOrderNotFound(WorkOrderError):
    pass


class UnknownDepartment(WorkOrderError):
    pass


class WrongDepartment(WorkOrderError):
    """The acting department is not the one the work order is with."""


class TransitionNotAllowed(WorkOrderError):
    pass


# The statuses each action may start from; anything else is refused.
ALLOWED_FROM: dict[A, frozenset[S]] = {
    A.DISPATCHED: frozenset({S.RECEIVED}),
    A.ACCEPTED: frozenset({S.DISPATCHED}),
    A.REASSIGNED: frozenset({S.RECEIVED, S.DISPATCHED, S.ACCEPTED, S.IN_PROGRESS}),
    A.PROGRESS: frozenset({S.ACCEPTED, S.IN_PROGRESS}),
    A.RESOLVED: frozenset({S.ACCEPTED, S.IN_PROGRESS}),
    A.REJECTED: frozenset({S.RECEIVED, S.DISPATCHED, S.ACCEPTED, S.IN_PROGRESS}),
    A.CLOSED: frozenset({S.RESOLVED}),
}

WORK_STARTED_TEXT = "Work on your request has started."
CLOSED_TEXT = "The request was closed after the work was checked."


@dataclass(frozen=True)
class Step:
    """One step to record; see the module docstring."""

    action: A
    status: S
    step_text: str
    actor: str
    internal_note: str | None = None
    reason: str | None = None
    visible_to_citizen: bool = True
    notify_citizen: bool = False


def record_step(request: ServiceRequest, step: Step, *, now: datetime) -> ServiceRequestEvent:
    """Append `step` to the request's history and move the request to its status."""
    event = ServiceRequestEvent(
        action=step.action.value,
        status=step.status.value,
        step_text=step.step_text,
        internal_note=step.internal_note,
        reason=step.reason,
        actor=step.actor,
        department_id=request.department_id,
        occurred_at=now,
        visible_to_citizen=step.visible_to_citizen,
        notify_citizen=step.notify_citizen,
    )
    request.events.append(event)
    request.status = step.status.value
    request.updated_at = now
    return event


def last_citizen_step(request: ServiceRequest) -> ServiceRequestEvent:
    """The latest step the citizen may see (escalations and staff notes are skipped)."""
    return next(event for event in reversed(request.events) if event.visible_to_citizen)


def is_open(request: ServiceRequest) -> bool:
    return S(request.status) in {S.RECEIVED, S.DISPATCHED, S.ACCEPTED, S.IN_PROGRESS}


def is_overdue(request: ServiceRequest, *, today: date) -> bool:
    """Past its target date (the last working day it was due) and not finished."""
    return is_open(request) and today > request.target_date


def dispatch_step(request: ServiceRequest, department: Department, *, actor: str) -> Step:
    """The step that hands a new request to its category's department."""
    return Step(
        action=A.DISPATCHED,
        status=S.DISPATCHED,
        step_text=f"We passed your report to {department.name}.",
        internal_note=f"Dispatched by category {request.category.code}; due by {request.target_date.isoformat()}.",
        actor=actor,
    )


def _check_transition(request: ServiceRequest, action: A) -> None:
    if S(request.status) not in ALLOWED_FROM[action]:
        raise TransitionNotAllowed(
            f"{request.request_number} is {request.status}; it cannot be {action.value} from that status."
        )


def _load_for_change(session: Session, request_number: str, acting_department: str | None) -> ServiceRequest:
    request = session.scalar(
        select(ServiceRequest)
        .options(
            joinedload(ServiceRequest.category),
            joinedload(ServiceRequest.department),
            selectinload(ServiceRequest.events),
        )
        .where(ServiceRequest.request_number == request_number)
        # Two departments' systems acting at once must not both pass the check.
        .with_for_update(of=ServiceRequest)
    )
    if request is None:
        raise WorkOrderNotFound(f"No work order has the number {request_number}.")
    if acting_department is not None and request.department.code != acting_department:
        raise WrongDepartment(f"{request_number} is with {request.department.name}, not with {acting_department}.")
    return request


def _department(session: Session, code: str) -> Department:
    department = session.scalar(select(Department).where(Department.code == code))
    if department is None:
        raise UnknownDepartment(f"No department has the code {code}.")
    return department


def _commit(session: Session, request: ServiceRequest) -> ServiceRequest:
    session.commit()
    return request


def accept_work_order(
    *,
    session: Session,
    request_number: str,
    actor: str,
    now: datetime,
    acting_department: str | None = None,
    internal_note: str | None = None,
) -> ServiceRequest:
    """The department takes the work order on; the citizen hears that it was accepted."""
    request = _load_for_change(session, request_number, acting_department)
    _check_transition(request, A.ACCEPTED)
    step_text = (
        f"{request.department.name} accepted your request and plans to deal with it "
        f"by {request.target_date.strftime('%d %B %Y').lstrip('0')}."
    )
    record_step(
        request,
        Step(A.ACCEPTED, S.ACCEPTED, step_text, actor, internal_note=internal_note, notify_citizen=True),
        now=now,
    )
    return _commit(session, request)


def reassign_work_order(
    *,
    session: Session,
    request_number: str,
    to_department: str,
    reason: str,
    actor: str,
    now: datetime,
    acting_department: str | None = None,
    internal_note: str | None = None,
) -> ServiceRequest:
    """Pass the work order to another department, which must accept it anew; the target date stands."""
    request = _load_for_change(session, request_number, acting_department)
    _check_transition(request, A.REASSIGNED)
    department = _department(session, to_department)
    if department.id == request.department_id:
        raise TransitionNotAllowed(f"{request_number} is already with {department.name}.")
    request.department = department
    request.department_id = department.id
    record_step(
        request,
        # Routing inside the city is not news for the citizen; the new step
        # text is there when they ask.
        Step(
            A.REASSIGNED,
            S.DISPATCHED,
            f"We passed your report to {department.name}.",
            actor,
            internal_note=internal_note,
            reason=reason,
        ),
        now=now,
    )
    return _commit(session, request)


def add_progress_note(
    *,
    session: Session,
    request_number: str,
    actor: str,
    now: datetime,
    internal_note: str | None = None,
    citizen_message: str | None = None,
    acting_department: str | None = None,
) -> ServiceRequest:
    """Record progress. The first note starts the work; a citizen message is shown and sent to the citizen."""
    if internal_note is None and citizen_message is None:
        raise WorkOrderError("A progress note needs an internal note, a message for the citizen, or both.")
    request = _load_for_change(session, request_number, acting_department)
    _check_transition(request, A.PROGRESS)
    starts_work = S(request.status) == S.ACCEPTED
    if citizen_message is not None or starts_work:
        step = Step(
            A.PROGRESS,
            S.IN_PROGRESS,
            citizen_message or WORK_STARTED_TEXT,
            actor,
            internal_note=internal_note,
            notify_citizen=True,
        )
    else:
        step = Step(
            A.PROGRESS,
            S.IN_PROGRESS,
            "Progress note for staff.",
            actor,
            internal_note=internal_note,
            visible_to_citizen=False,
        )
    record_step(request, step, now=now)
    return _commit(session, request)


def resolve_work_order(
    *,
    session: Session,
    request_number: str,
    resolution: str,
    actor: str,
    now: datetime,
    acting_department: str | None = None,
    internal_note: str | None = None,
) -> ServiceRequest:
    """The work is done; `resolution` is what the citizen is told."""
    request = _load_for_change(session, request_number, acting_department)
    _check_transition(request, A.RESOLVED)
    record_step(
        request,
        Step(A.RESOLVED, S.RESOLVED, resolution, actor, internal_note=internal_note, notify_citizen=True),
        now=now,
    )
    return _commit(session, request)


def reject_work_order(
    *,
    session: Session,
    request_number: str,
    reason: str,
    actor: str,
    now: datetime,
    acting_department: str | None = None,
    internal_note: str | None = None,
) -> ServiceRequest:
    """The request will not be taken forward; `reason` is what the citizen is told."""
    request = _load_for_change(session, request_number, acting_department)
    _check_transition(request, A.REJECTED)
    record_step(
        request,
        Step(A.REJECTED, S.REJECTED, reason, actor, internal_note=internal_note, reason=reason, notify_citizen=True),
        now=now,
    )
    return _commit(session, request)


def close_work_order(
    *, session: Session, request_number: str, actor: str, now: datetime, internal_note: str | None = None
) -> ServiceRequest:
    """The hotline closes a resolved request after checking it (the citizen heard at resolution)."""
    request = _load_for_change(session, request_number, None)
    _check_transition(request, A.CLOSED)
    record_step(request, Step(A.CLOSED, S.CLOSED, CLOSED_TEXT, actor, internal_note=internal_note), now=now)
    return _commit(session, request)
