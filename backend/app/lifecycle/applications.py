"""The status flow of applications (permits, licences, benefits): allowed changes, who/when/why, citizen text."""

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload, selectinload

from app.models import Application, ApplicationEvent
from app.statuses import ApplicationStatus as A


class ApplicationChangeError(Exception):
    """A change that cannot be made; the message is safe to show to staff."""


class ApplicationNotFound(ApplicationChangeError):
    pass


class ApplicationTransitionNotAllowed(ApplicationChangeError):
    pass


class ReasonRequired(ApplicationChangeError):
    pass


ALLOWED_NEXT: dict[A, frozenset[A]] = {
    A.SUBMITTED: frozenset({A.UNDER_REVIEW, A.REJECTED, A.WITHDRAWN}),
    A.UNDER_REVIEW: frozenset({A.AWAITING_DOCUMENTS, A.APPROVED, A.REJECTED, A.WITHDRAWN}),
    A.AWAITING_DOCUMENTS: frozenset({A.UNDER_REVIEW, A.REJECTED, A.WITHDRAWN}),
    A.APPROVED: frozenset({A.ISSUED}),
    A.REJECTED: frozenset(),
    A.ISSUED: frozenset(),
    A.WITHDRAWN: frozenset(),
}

# A decision against the applicant, or a request for more, always says why.
REASON_REQUIRED = frozenset({A.REJECTED, A.WITHDRAWN, A.AWAITING_DOCUMENTS})

# What the citizen reads when staff give no wording of their own.
DEFAULT_STEP_TEXT: dict[A, str] = {
    A.UNDER_REVIEW: "A caseworker started reviewing your application.",
    A.AWAITING_DOCUMENTS: "We asked you for more documents. Our letter lists them.",
    A.APPROVED: "Your application was approved.",
    A.REJECTED: "Your application was not approved. The decision letter explains why.",
    A.ISSUED: "Your document was issued.",
    A.WITHDRAWN: "You withdrew your application.",
}
DOCUMENTS_RECEIVED_TEXT = "We received your documents and the review continues."


def default_step_text(from_status: A, to_status: A) -> str:
    if from_status == A.AWAITING_DOCUMENTS and to_status == A.UNDER_REVIEW:
        return DOCUMENTS_RECEIVED_TEXT
    return DEFAULT_STEP_TEXT[to_status]


def change_application_status(
    *,
    session: Session,
    application_number: str,
    to_status: A,
    actor: str,
    now: datetime,
    citizen_message: str | None = None,
    reason: str | None = None,
    internal_note: str | None = None,
) -> Application:
    """Move an application to `to_status`, record who/when/why, and mark the step for the citizen to hear."""
    application = session.scalar(
        select(Application)
        .options(joinedload(Application.service), selectinload(Application.events))
        .where(Application.application_number == application_number)
        .with_for_update(of=Application)
    )
    if application is None:
        raise ApplicationNotFound(f"No application has the number {application_number}.")
    from_status = A(application.status)
    if to_status not in ALLOWED_NEXT[from_status]:
        raise ApplicationTransitionNotAllowed(
            f"{application_number} is {from_status.value}; it cannot become {to_status.value}."
        )
    if to_status in REASON_REQUIRED and not reason:
        raise ReasonRequired(f"Changing an application to {to_status.value} needs a reason.")
    application.events.append(
        ApplicationEvent(
            status=to_status.value,
            step_text=citizen_message or default_step_text(from_status, to_status),
            internal_note=internal_note,
            reason=reason,
            actor=actor,
            occurred_at=now,
            notify_citizen=True,
        )
    )
    application.status = to_status.value
    session.commit()
    return application
