"""What a notification says: built from the step the citizen may see, never from staff notes."""

from dataclasses import dataclass
from datetime import datetime

from app.models import ApplicationEvent, ServiceRequestEvent
from app.statuses import (
    APPLICATION_STATUS_TEXT,
    SERVICE_REQUEST_STATUS_TEXT,
    ApplicationStatus,
    ServiceRequestStatus,
)

SMS_SIGNATURE = "Northbridge 12345"
SMS_OPT_OUT = "Reply STOP to stop these texts."


@dataclass(frozen=True)
class Update:
    """One change as the citizen sees it: the web chat page's "Updates on your requests" shows these."""

    reference: str
    subject: str
    status_text: str
    text: str
    occurred_at: datetime


def request_update(event: ServiceRequestEvent) -> Update:
    request = event.service_request
    return Update(
        reference=request.request_number,
        subject=request.category.name,
        status_text=SERVICE_REQUEST_STATUS_TEXT[ServiceRequestStatus(event.status)],
        text=event.step_text,
        occurred_at=event.occurred_at,
    )


def application_update(event: ApplicationEvent) -> Update:
    application = event.application
    return Update(
        reference=application.application_number,
        subject=application.service.name,
        status_text=APPLICATION_STATUS_TEXT[ApplicationStatus(event.status)],
        text=event.step_text,
        occurred_at=event.occurred_at,
    )


def sms_body(update: Update, *, rating_question: str | None = None) -> str:
    noun = "application" if update.reference.startswith("APP-") else "report"
    headline = f"{SMS_SIGNATURE}: your {noun} {update.reference} ({update.subject}) - {update.status_text}."
    lines = [f"{headline} {update.text}"]
    if rating_question:
        lines.append(rating_question)
    lines.append(SMS_OPT_OUT)
    return "\n".join(lines)
