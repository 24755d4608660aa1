"""One run of the notification job (queue what is new, send what is due), periodically or by command."""

import asyncio
import logging
from collections.abc import Callable
from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from app.core.config import Settings
from app.handoff.delivery import get_delivery
from app.models import utc_now
from app.notifications.outbox import queue_notifications
from app.notifications.sending import Outcome, send_due_notifications
from app.notifications.sms import SmsSender

logger = logging.getLogger(__name__)


def sms_sender(settings: Settings) -> SmsSender | None:
    """The Twilio sender from settings; None without an account and a sender number."""
    if not settings.sms_configured:
        return None
    return SmsSender(
        settings.TWILIO_ACCOUNT_SID, settings.TWILIO_AUTH_TOKEN, settings.TWILIO_SMS_FROM, settings.TWILIO_API_BASE_URL
    )


def run_notifications(*, session: Session, now: datetime, settings: Settings) -> tuple[int, Outcome]:
    """Record notifications for new steps, then send what is due; returns (recorded, outcome)."""
    max_age = timedelta(hours=settings.NOTIFICATION_MAX_AGE_HOURS)
    recorded = queue_notifications(session=session, now=now, max_age=max_age)
    outcome = send_due_notifications(
        session=session,
        now=now,
        sms=sms_sender(settings),
        rasa=get_delivery(),
        max_age=max_age,
        max_attempts=settings.NOTIFICATION_MAX_ATTEMPTS,
    )
    if recorded or outcome.counts:
        logger.info("notifications: %d new, %s", recorded, outcome.counts)
    return recorded, outcome


def run_notifications_now(session_factory: Callable[[], Session], settings: Settings) -> None:
    with session_factory() as session:
        run_notifications(session=session, now=utc_now(), settings=settings)


async def run_notification_checks(
    session_factory: Callable[[], Session], settings: Settings, interval_seconds: float
) -> None:
    """Run the job now and then every `interval_seconds`, until cancelled."""
    while True:
        try:
            await asyncio.to_thread(run_notifications_now, session_factory, settings)
        except Exception as error:  # noqa: BLE001 - the next run tries again
            # The type only: errors can carry connection strings or numbers.
            logger.error("notification run failed (%s)", type(error).__name__)
        await asyncio.sleep(interval_seconds)
