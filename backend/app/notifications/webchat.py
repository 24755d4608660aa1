"""Updates waiting for a web chat citizen: handed to their page when they next open it, once."""

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload

from app.models import CitizenNotification, ServiceRequest, ServiceRequestEvent
from app.notifications.texts import Update, request_update
from app.statuses import NotificationChannel, NotificationStatus


def collect_web_chat_updates(*, session: Session, conversation_id: str, now: datetime) -> list[Update]:
    """The conversation's pending updates, oldest first, marked sent; commit. A second call returns none."""
    notifications = session.scalars(
        select(CitizenNotification)
        .join(ServiceRequestEvent, ServiceRequestEvent.id == CitizenNotification.service_request_event_id)
        .join(ServiceRequest, ServiceRequest.id == ServiceRequestEvent.service_request_id)
        .options(
            joinedload(CitizenNotification.service_request_event)
            .joinedload(ServiceRequestEvent.service_request)
            .joinedload(ServiceRequest.category)
        )
        .where(
            CitizenNotification.channel == NotificationChannel.WEBCHAT.value,
            CitizenNotification.status == NotificationStatus.PENDING.value,
            ServiceRequest.conversation_id == conversation_id,
        )
        .order_by(ServiceRequestEvent.occurred_at, CitizenNotification.id)
        # Two pages of the same conversation opened at once: only one of them gets each update.
        .with_for_update(of=CitizenNotification, skip_locked=True)
    ).all()
    updates = []
    for notification in notifications:
        assert notification.service_request_event is not None
        updates.append(request_update(notification.service_request_event))
        notification.status = NotificationStatus.SENT.value
        notification.sent_at = now
        notification.attempts += 1
    session.commit()
    return updates
