"""Service requests as work orders: what was reported, where it went, whether it was done on time, what is late.

- By category and department: requests filed in the period (the hotline's
  own callback requests are left out), by the department they are with now.
- On-time completion: of the requests due in the period (target date within
  it), not rejected, and either resolved or already past their target date,
  the share whose first `resolved` step came on or before the target date.
  Dates are UTC dates, as the overdue check counts them; a request due today
  or later that is not resolved yet is not judged.
- Overdue now: open requests past their target date (lifecycle.escalation).
- Escalations: the notifications raised for supervisors in the period.
"""

from collections import defaultdict
from datetime import date, datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session, joinedload

from app.dashboard.figures import Cell, Figure, ratio
from app.dashboard.period import Period
from app.lifecycle.escalation import list_overdue
from app.models import Department, Notification, Service, ServiceRequest, ServiceRequestEvent
from app.statuses import (
    INTERNAL_CATEGORIES,
    SERVICE_REQUEST_STATUS_TEXT,
    NotificationAudience,
    ServiceRequestStatus,
    WorkOrderAction,
)

ALL_DEPARTMENTS = "all departments"


def _filed_in(period: Period):  # type: ignore[no-untyped-def]
    return (
        ServiceRequest.created_at >= period.start,
        ServiceRequest.created_at < period.end,
        Service.code.not_in(INTERNAL_CATEGORIES),
    )


def by_category(*, session: Session, period: Period) -> Figure:
    rows = session.execute(
        select(Service.name, func.count())
        .select_from(ServiceRequest)
        .join(Service, Service.id == ServiceRequest.category_id)
        .where(*_filed_in(period))
        .group_by(Service.name)
    ).all()
    return Figure(
        key="requests_by_category",
        title="Requests by category",
        columns=["category", "requests"],
        rows=[[name, count] for name, count in sorted(rows, key=lambda r: (-r[1], r[0]))],
        note="Service requests filed in the period, through every channel (callbacks left out).",
    )


def by_department(*, session: Session, period: Period) -> Figure:
    rows = session.execute(
        select(Department.name, func.count())
        .select_from(ServiceRequest)
        .join(Service, Service.id == ServiceRequest.category_id)
        .join(Department, Department.id == ServiceRequest.department_id)
        .where(*_filed_in(period))
        .group_by(Department.name)
    ).all()
    return Figure(
        key="requests_by_department",
        title="Requests by department",
        columns=["department", "requests"],
        rows=[[name, count] for name, count in sorted(rows, key=lambda r: (-r[1], r[0]))],
        note="Service requests filed in the period, by the department they are with now.",
    )


def _on_time_row(label: str, verdicts: list[bool]) -> list[Cell]:
    on_time = sum(verdicts)
    return [label, len(verdicts), on_time, len(verdicts) - on_time, ratio(on_time, len(verdicts))]


def on_time_completion(*, session: Session, period: Period, now: datetime) -> Figure:
    first_resolved = (
        select(ServiceRequestEvent.service_request_id, func.min(ServiceRequestEvent.occurred_at).label("resolved_at"))
        .where(ServiceRequestEvent.action == WorkOrderAction.RESOLVED.value)
        .group_by(ServiceRequestEvent.service_request_id)
        .subquery()
    )
    rows = session.execute(
        select(Department.name, ServiceRequest.target_date, first_resolved.c.resolved_at)
        .select_from(ServiceRequest)
        .join(Service, Service.id == ServiceRequest.category_id)
        .join(Department, Department.id == ServiceRequest.department_id)
        .outerjoin(first_resolved, first_resolved.c.service_request_id == ServiceRequest.id)
        .where(
            ServiceRequest.target_date >= period.first_day,
            ServiceRequest.target_date <= period.last_day,
            ServiceRequest.status != ServiceRequestStatus.REJECTED.value,
            Service.code.not_in(INTERNAL_CATEGORIES),
        )
    ).all()
    today = now.date()
    verdicts: dict[str, list[bool]] = defaultdict(list)
    for department, target_date, resolved_at in rows:
        verdict = _on_time(target_date, resolved_at, today)
        if verdict is not None:
            verdicts[department].append(verdict)
    every = [verdict for department_verdicts in verdicts.values() for verdict in department_verdicts]
    return Figure(
        key="on_time_completion",
        title="On-time completion by department",
        columns=["department", "due", "on_time", "late", "on_time_rate"],
        rows=[*(_on_time_row(name, verdicts[name]) for name in sorted(verdicts)), _on_time_row(ALL_DEPARTMENTS, every)],
        note="Requests due in the period: resolved on or before the target date, or late (resolved later or "
        "still open after it). Rejected requests and those not yet due are left out.",
    )


def _on_time(target_date: date, resolved_at: datetime | None, today: date) -> bool | None:
    if resolved_at is not None:
        return resolved_at.date() <= target_date
    return False if today > target_date else None


def overdue_now(*, session: Session, now: datetime) -> Figure:
    today = now.date()
    return Figure(
        key="overdue",
        title="Overdue now",
        columns=["request", "category", "department", "status", "target_date", "days_late", "escalated_at"],
        rows=[
            [
                request.request_number,
                request.category.name,
                request.department.name,
                SERVICE_REQUEST_STATUS_TEXT[ServiceRequestStatus(request.status)],
                request.target_date.isoformat(),
                (today - request.target_date).days,
                request.escalated_at.isoformat() if request.escalated_at else None,
            ]
            for request in list_overdue(session=session, now=now)
        ],
        note="Open requests past their target date at this moment, whatever the period; the longest overdue first.",
    )


def escalations(*, session: Session, period: Period) -> Figure:
    notifications = session.scalars(
        select(Notification)
        .options(joinedload(Notification.service_request))
        .where(
            Notification.audience == NotificationAudience.SUPERVISORS.value,
            Notification.created_at >= period.start,
            Notification.created_at < period.end,
        )
        .order_by(Notification.created_at.desc(), Notification.id.desc())
    ).all()
    return Figure(
        key="escalations",
        title="Escalations to supervisors",
        columns=["raised_at", "request", "kind", "message"],
        rows=[
            [
                period.local(n.created_at).strftime("%Y-%m-%d %H:%M"),
                n.service_request.request_number,
                n.kind,
                n.message,
            ]
            for n in notifications
        ],
        note="Staff notifications for supervisors raised in the period (overdue work orders), newest first.",
    )
