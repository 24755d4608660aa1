"""Overdue work orders: flagged for supervisors, their department notified, once each.

`escalate_overdue` is what `python -m app.manage escalate-overdue` and the
back office's periodic check run; the moment counted as "now" is passed in,
so tests set the clock instead of waiting.
"""

import asyncio
import logging
from collections.abc import Callable
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload, selectinload

from app.lifecycle.service_requests import Step, record_step
from app.models import Notification, ServiceRequest, utc_now
from app.statuses import OPEN_SERVICE_REQUEST_STATUSES, NotificationAudience, ServiceRequestStatus, WorkOrderAction

logger = logging.getLogger(__name__)

ESCALATION_ACTOR = "overdue check"
OVERDUE_NOTIFICATION = "overdue"


def _overdue_query(now: datetime):  # type: ignore[no-untyped-def]
    # The target date is the last working day the request was due on.
    return select(ServiceRequest).where(
        ServiceRequest.status.in_([status.value for status in OPEN_SERVICE_REQUEST_STATUSES]),
        ServiceRequest.target_date < now.date(),
    )


def list_overdue(*, session: Session, now: datetime, department_code: str | None = None) -> list[ServiceRequest]:
    """Open requests past their target date, the longest overdue first."""
    query = (
        _overdue_query(now)
        .options(joinedload(ServiceRequest.category), joinedload(ServiceRequest.department))
        .order_by(ServiceRequest.target_date, ServiceRequest.request_number)
    )
    if department_code is not None:
        query = query.where(ServiceRequest.department.has(code=department_code))
    return list(session.scalars(query))


def escalate_overdue(*, session: Session, now: datetime) -> list[ServiceRequest]:
    """Flag every overdue request not flagged yet, notify its department and the supervisors; commit."""
    requests = list(
        session.scalars(
            _overdue_query(now)
            .where(ServiceRequest.escalated_at.is_(None))
            .options(
                joinedload(ServiceRequest.category),
                joinedload(ServiceRequest.department),
                selectinload(ServiceRequest.events),
            )
            .order_by(ServiceRequest.target_date, ServiceRequest.request_number)
            # Several back-office replicas may run the check at once: each
            # takes the rows the others have not locked.
            .with_for_update(of=ServiceRequest, skip_locked=True)
        )
    )
    for request in requests:
        status_text = ServiceRequestStatus(request.status).value.replace("_", " ")
        due = request.target_date.isoformat()
        request.escalated_at = now
        record_step(
            request,
            Step(
                WorkOrderAction.ESCALATED,
                ServiceRequestStatus(request.status),
                "Escalated to the supervisors: past its target date.",
                ESCALATION_ACTOR,
                reason=f"Due by {due}, still {status_text}.",
                visible_to_citizen=False,
            ),
            now=now,
        )
        message = (
            f"{request.request_number} ({request.category.name}, {request.department.name}) "
            f"was due by {due} and is still {status_text}."
        )
        for audience, department_id in (
            (NotificationAudience.DEPARTMENT, request.department_id),
            (NotificationAudience.SUPERVISORS, None),
        ):
            session.add(
                Notification(
                    audience=audience.value,
                    department_id=department_id,
                    service_request=request,
                    kind=OVERDUE_NOTIFICATION,
                    message=message,
                    created_at=now,
                )
            )
    session.commit()
    if requests:
        logger.info("escalated %d overdue service requests", len(requests))
    return requests


def escalate_overdue_now(session_factory: Callable[[], Session]) -> int:
    """One run of the periodic check on a new session; returns how many were escalated."""
    with session_factory() as session:
        return len(escalate_overdue(session=session, now=utc_now()))


async def run_overdue_checks(session_factory: Callable[[], Session], interval_seconds: float) -> None:
    """Run the check now and then every `interval_seconds`, until cancelled."""
    while True:
        try:
            await asyncio.to_thread(escalate_overdue_now, session_factory)
        except Exception as error:  # noqa: BLE001 - the next run tries again
            # The type only: database errors can carry connection strings.
            logger.error("overdue check failed (%s)", type(error).__name__)
        await asyncio.sleep(interval_seconds)
