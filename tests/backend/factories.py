"""Small factories for backend tests: each makes one valid record with random identifiers."""

import random
import uuid
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from app import crud
from app.core.security import hash_pin
from app.models import (
    Application,
    ApplicationEvent,
    Citizen,
    Department,
    Service,
    ServiceRequest,
    ServiceRequestEvent,
)
from app.statuses import ApplicationStatus, ServiceKind, ServiceRequestStatus, WorkOrderAction


def random_suffix() -> str:
    return uuid.uuid4().hex[:8]


def create_department(session: Session) -> Department:
    department = Department(code=f"dept_{random_suffix()}", name=f"Department {random_suffix()}")
    session.add(department)
    session.flush()
    return department


def create_service(session: Session, *, kind: ServiceKind = ServiceKind.SERVICE_REQUEST, level: int = 3) -> Service:
    service = Service(
        code=f"svc_{random_suffix()}",
        name=f"Service {random_suffix()}",
        kind=kind.value,
        department=create_department(session),
        service_level_days=level if kind == ServiceKind.SERVICE_REQUEST else None,
        description="A test service.",
    )
    session.add(service)
    session.flush()
    return service


def _unused_number(session: Session, model: type, column: str, prefix: str) -> str:
    # 8xxxxx: inside the generated range, rarely used by the demo data.
    while True:
        number = f"{prefix}-{random.randint(800_000, 899_999)}"
        if session.scalar(select(model).where(getattr(model, column) == number)) is None:
            return number


def create_application(
    session: Session,
    *,
    statuses: list[ApplicationStatus] | None = None,
    pin: str = "123456",
    date_of_birth: date = date(1970, 1, 1),
    phone: str | None = None,
) -> Application:
    """An application whose history walks through `statuses`, one day apart."""
    statuses = statuses or [ApplicationStatus.SUBMITTED]
    start = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)
    service = session.scalar(select(Service).where(Service.kind == ServiceKind.APPLICATION.value))
    application = Application(
        application_number=_unused_number(session, Application, "application_number", "APP"),
        citizen=Citizen(full_name="Test Person", date_of_birth=date_of_birth, phone=phone),
        service=service or create_service(session, kind=ServiceKind.APPLICATION),
        status=statuses[-1].value,
        submitted_at=start,
        pin_hash=hash_pin(pin),
        events=[
            ApplicationEvent(
                status=status.value,
                step_text=f"Step {index}: {status.value}",
                actor="tester",
                internal_note="internal only",
                occurred_at=start + timedelta(days=index),
            )
            for index, status in enumerate(statuses)
        ],
    )
    session.add(application)
    session.commit()
    return application


def create_service_request(
    session: Session, *, number: str | None = None, status: ServiceRequestStatus = ServiceRequestStatus.RECEIVED
) -> ServiceRequest:
    category = session.scalar(select(Service).where(Service.kind == ServiceKind.SERVICE_REQUEST.value))
    category = category or create_service(session)
    now = datetime.now(UTC)
    request = ServiceRequest(
        request_number=number or _unused_number(session, ServiceRequest, "request_number", "SR"),
        category=category,
        department_id=category.department_id,
        location="Test Street 1",
        description="Something to fix.",
        status=status.value,
        channel="webchat",
        created_at=now,
        updated_at=now,
        target_date=now.date(),
        events=[
            ServiceRequestEvent(
                action=WorkOrderAction.FILED.value,
                status=status.value,
                step_text="Test step",
                actor="tester",
                occurred_at=now,
                department_id=category.department_id,
            )
        ],
    )
    session.add(request)
    session.commit()
    return request


def file_request(
    session: Session, *, category_code: str = "streetlight", now: datetime, channel: str = "webchat"
) -> ServiceRequest:
    """A request filed as the assistant files one, at the moment `now`."""
    category = session.scalar(select(Service).where(Service.code == category_code))
    assert category is not None
    request = ServiceRequest(
        category=category, location="Elm Grove outside no. 3", description="The lamp is out.", channel=channel
    )
    return crud.file_service_request(session=session, request=request, actor="assistant", now=now)
