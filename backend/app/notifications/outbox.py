"""Which steps citizens hear about: one notification record per step marked for them, made once.

A step is announced when the lifecycle marked it `notify_citizen`, the citizen
may see it, and the citizen opted in: a service request filed with
`wants_updates` on web chat (shown on their next visit) or SMS (texted to the
number they wrote from); an application whose applicant asked to be texted
about progress. Other channels (the phone, Open311 clients) get nothing here.
A step older than NOTIFICATION_MAX_AGE_HOURS when first seen is recorded as
expired rather than sent: after a long outage, or on a first start with old
records, nobody gets a flood of stale news.
"""

from datetime import datetime, timedelta

from sqlalchemy import select, true
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, joinedload

from app.models import (
    Application,
    ApplicationEvent,
    CitizenNotification,
    ServiceRequest,
    ServiceRequestEvent,
)
from app.statuses import NotificationChannel, NotificationStatus, WorkOrderAction

NOTIFIED_REQUEST_CHANNELS = (NotificationChannel.SMS.value, NotificationChannel.WEBCHAT.value)


def _request_steps_to_announce(session: Session) -> list[ServiceRequestEvent]:
    return list(
        session.scalars(
            select(ServiceRequestEvent)
            .join(ServiceRequest, ServiceRequest.id == ServiceRequestEvent.service_request_id)
            .outerjoin(CitizenNotification, CitizenNotification.service_request_event_id == ServiceRequestEvent.id)
            .options(joinedload(ServiceRequestEvent.service_request))
            .where(
                ServiceRequestEvent.notify_citizen.is_(true()),
                ServiceRequestEvent.visible_to_citizen.is_(true()),
                ServiceRequest.wants_updates.is_(true()),
                ServiceRequest.channel.in_(NOTIFIED_REQUEST_CHANNELS),
                CitizenNotification.id.is_(None),
            )
            .order_by(ServiceRequestEvent.occurred_at, ServiceRequestEvent.id)
        )
    )


def _application_steps_to_announce(session: Session) -> list[ApplicationEvent]:
    return list(
        session.scalars(
            select(ApplicationEvent)
            .join(Application, Application.id == ApplicationEvent.application_id)
            .outerjoin(CitizenNotification, CitizenNotification.application_event_id == ApplicationEvent.id)
            .options(joinedload(ApplicationEvent.application).joinedload(Application.citizen))
            .where(
                ApplicationEvent.notify_citizen.is_(true()),
                Application.wants_updates.is_(true()),
                CitizenNotification.id.is_(None),
            )
            .order_by(ApplicationEvent.occurred_at, ApplicationEvent.id)
        )
    )


def _first_status(occurred_at: datetime, reachable: bool, now: datetime, max_age: timedelta) -> tuple[str, str | None]:
    if not reachable:
        return NotificationStatus.UNDELIVERABLE.value, "no_contact"
    if now - occurred_at > max_age:
        return NotificationStatus.EXPIRED.value, None
    return NotificationStatus.PENDING.value, None


def _add(session: Session, notification: CitizenNotification) -> bool:
    try:
        # Another back-office replica may record the same step at the same moment: the unique key decides.
        with session.begin_nested():
            session.add(notification)
    except IntegrityError:
        return False
    return True


def queue_notifications(*, session: Session, now: datetime, max_age: timedelta) -> int:
    """Record a notification for every step to announce that has none yet; commit; returns how many."""
    added = 0
    for event in _request_steps_to_announce(session):
        request = event.service_request
        channel = NotificationChannel(request.channel)
        reachable = bool(request.contact_phone if channel == NotificationChannel.SMS else request.conversation_id)
        status, error = _first_status(event.occurred_at, reachable, now, max_age)
        added += _add(
            session,
            CitizenNotification(
                service_request_event_id=event.id,
                channel=channel.value,
                status=status,
                last_error=error,
                asks_for_rating=event.action == WorkOrderAction.RESOLVED.value,
                created_at=now,
            ),
        )
    for step in _application_steps_to_announce(session):
        status, error = _first_status(step.occurred_at, bool(step.application.citizen.phone), now, max_age)
        added += _add(
            session,
            CitizenNotification(
                application_event_id=step.id,
                channel=NotificationChannel.SMS.value,
                status=status,
                last_error=error,
                created_at=now,
            ),
        )
    session.commit()
    return added
