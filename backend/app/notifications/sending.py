"""Sending due notifications: texts through Twilio, and the rating question after a resolved request.

Each text is sent at most once: the record is marked `sending` and committed
before Twilio is called, so a crash or a lost answer leaves it there and it
is never tried again. A failure that sent nothing is tried again later (after
1, 5, 15, 60 minutes...) up to NOTIFICATION_MAX_ATTEMPTS. Nothing goes to a
number that has opted out: the SMS channel's consent record (STOP, and not
START since) is asked first, and a number Twilio itself reports as
unsubscribed is recorded the same way. The rating question is put by the
assistant (Rasa's HTTP API), so
the citizen's answer lands in its survey form: on SMS it comes back to us and
is texted with the update; on web chat it appears in the conversation. While
an agent has the conversation, the question waits.

Time is passed in; several back-office replicas may run this at once (rows
are locked with SKIP LOCKED).
"""

import logging
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import or_, select, true, update
from sqlalchemy.orm import Session, joinedload

from app.crud import get_sms_consent
from app.handoff.delivery import DeliveryFailed, RasaDelivery
from app.handoff.service import open_handoff_for
from app.models import (
    Application,
    ApplicationEvent,
    CitizenNotification,
    ServiceRequest,
    ServiceRequestEvent,
)
from app.notifications.sms import SmsOptedOut, SmsOutcomeUnknown, SmsRefused, SmsSender, SmsTryLater, to_e164
from app.notifications.texts import Update, application_update, request_update, sms_body
from app.statuses import NotificationChannel, NotificationStatus

logger = logging.getLogger(__name__)

RETRY_MINUTES = (1, 5, 15, 60, 240)
BATCH = 200  # notifications handled per run at most; the rest on the next run
S = NotificationStatus


@dataclass
class Outcome:
    """What one run did, by final status (for logs and the command's output)."""

    counts: dict[str, int] = field(default_factory=dict)

    def add(self, status: str) -> None:
        self.counts[status] = self.counts.get(status, 0) + 1


def _next(session: Session, *conditions: object) -> CitizenNotification | None:
    """The first notification meeting `conditions`, locked until the caller commits (others skip it)."""
    return session.scalars(
        select(CitizenNotification)
        .options(
            joinedload(CitizenNotification.service_request_event)
            .joinedload(ServiceRequestEvent.service_request)
            .joinedload(ServiceRequest.category),
            joinedload(CitizenNotification.application_event)
            .joinedload(ApplicationEvent.application)
            .joinedload(Application.citizen),
            joinedload(CitizenNotification.application_event)
            .joinedload(ApplicationEvent.application)
            .joinedload(Application.service),
        )
        .where(*conditions)
        .order_by(CitizenNotification.id)
        .limit(1)
        .with_for_update(of=CitizenNotification, skip_locked=True)
    ).first()


def _due(now: datetime) -> tuple[object, ...]:
    return (
        CitizenNotification.status.in_([S.PENDING.value, S.FAILED.value]),
        or_(CitizenNotification.next_attempt_at.is_(None), CitizenNotification.next_attempt_at <= now),
    )


def _update(notification: CitizenNotification) -> Update:
    if notification.service_request_event is not None:
        return request_update(notification.service_request_event)
    assert notification.application_event is not None
    return application_update(notification.application_event)


def _phone(notification: CitizenNotification) -> str | None:
    if notification.service_request_event is not None:
        return to_e164(notification.service_request_event.service_request.contact_phone)
    assert notification.application_event is not None
    return to_e164(notification.application_event.application.citizen.phone)


def _conversation_id(notification: CitizenNotification) -> str | None:
    step = notification.service_request_event
    return step.service_request.conversation_id if step is not None else None


def _finish(notification: CitizenNotification, status: NotificationStatus, *, error: str | None = None) -> None:
    notification.status = status.value
    notification.last_error = error
    notification.next_attempt_at = None


def _try_later(notification: CitizenNotification, error: str, now: datetime, max_attempts: int) -> None:
    if notification.attempts >= max_attempts:
        _finish(notification, S.UNDELIVERABLE, error=error)
        return
    notification.status = S.FAILED.value
    notification.last_error = error
    wait = RETRY_MINUTES[min(notification.attempts, len(RETRY_MINUTES)) - 1]
    notification.next_attempt_at = now + timedelta(minutes=wait)


def _rating_question(
    session: Session, notification: CitizenNotification, rasa: RasaDelivery, now: datetime, *, on_citizen_channel: bool
) -> list[str] | None:
    """Ask the assistant to put the rating question; None when it cannot be asked now (try again later).

    The question is marked asked and committed before the assistant is called,
    and the caller's claim on the notification with it: the call can take
    seconds while the Rasa server is busy, and a transaction open meanwhile
    holds SQLite's write lock, which every relayed message and agent reply
    waits for. So the question is put at most once, as texts are sent; a call
    that fails takes the mark back (DeliveryFailed is raised as before).
    """
    conversation_id = _conversation_id(notification)
    step = notification.service_request_event
    if conversation_id is None or step is None:
        return []
    if open_handoff_for(session=session, conversation_id=conversation_id) is not None:
        return None  # an agent has the conversation: the survey would talk over them
    number = step.service_request.request_number
    notification.rating_requested_at = now
    session.commit()
    try:
        return rasa.ask_for_rating(conversation_id, number, on_citizen_channel=on_citizen_channel)
    except DeliveryFailed:
        notification.rating_requested_at = None
        raise


def _send_sms(
    session: Session,
    notification: CitizenNotification,
    *,
    sms: SmsSender,
    rasa: RasaDelivery,
    now: datetime,
    max_attempts: int,
) -> None:
    phone = _phone(notification)
    if phone is None:
        _finish(notification, S.UNDELIVERABLE, error="no_valid_number")
        return
    consent = get_sms_consent(session=session, phone=phone)
    if consent is not None and consent.opted_out:
        _finish(notification, S.SKIPPED_OPTED_OUT, error="sms_consent")
        return
    question: str | None = None
    if notification.asks_for_rating:
        # Claimed (`sending`) before the question is asked outside the transaction, so no other
        # run takes this text meanwhile; taken back below when nothing could be asked.
        status, notification.status = notification.status, S.SENDING.value
        try:
            asked = _rating_question(session, notification, rasa, now, on_citizen_channel=False)
        except DeliveryFailed:
            asked, notification.last_error = None, "assistant_unavailable"
        if asked is None:
            # Nothing sent yet; the update goes with the question once it can be asked (or expires).
            notification.status = status
            notification.next_attempt_at = now + timedelta(minutes=RETRY_MINUTES[0])
            return
        question = " ".join(asked) or None
    body = sms_body(_update(notification), rating_question=question)
    # Marked and committed before Twilio is called: whatever happens next, it is not sent twice.
    notification.status = S.SENDING.value
    notification.attempts += 1
    session.commit()
    try:
        notification.provider_reference = sms.send(phone, body)
    except SmsOptedOut as refused:
        _finish(notification, S.SKIPPED_OPTED_OUT, error=refused.code)
    except SmsRefused as refused:
        _finish(notification, S.UNDELIVERABLE, error=refused.code)
    except SmsTryLater as failure:
        _try_later(notification, failure.code, now, max_attempts)
    except SmsOutcomeUnknown as unknown:
        notification.last_error = unknown.code  # stays `sending`: never tried again
    else:
        _finish(notification, S.SENT)
        notification.sent_at = now


def send_due_notifications(
    *,
    session: Session,
    now: datetime,
    sms: SmsSender | None,
    rasa: RasaDelivery,
    max_age: timedelta,
    max_attempts: int,
) -> Outcome:
    """Expire old news, send every due text, put every due web chat rating question; one commit per notification."""
    outcome = Outcome()
    _expire(session, now, max_age, outcome)
    if sms is not None:  # without a Twilio account texts wait (and expire) rather than fail
        for _ in range(BATCH):
            notification = _next(session, CitizenNotification.channel == NotificationChannel.SMS.value, *_due(now))
            if notification is None:
                break
            _send_sms(session, notification, sms=sms, rasa=rasa, now=now, max_attempts=max_attempts)
            session.commit()
            outcome.add(notification.status)
    _ask_web_chat_ratings(session, rasa, now, outcome)
    return outcome


def _expire(session: Session, now: datetime, max_age: timedelta, outcome: Outcome) -> None:
    """Steps older than `max_age` that are still waiting are old news: they are not sent any more."""
    stale = [
        *session.scalars(
            select(CitizenNotification.id)
            .join(ServiceRequestEvent, ServiceRequestEvent.id == CitizenNotification.service_request_event_id)
            .where(CitizenNotification.status.in_([S.PENDING.value, S.FAILED.value]))
            .where(ServiceRequestEvent.occurred_at < now - max_age)
        ),
        *session.scalars(
            select(CitizenNotification.id)
            .join(ApplicationEvent, ApplicationEvent.id == CitizenNotification.application_event_id)
            .where(CitizenNotification.status.in_([S.PENDING.value, S.FAILED.value]))
            .where(ApplicationEvent.occurred_at < now - max_age)
        ),
    ]
    if stale:
        session.execute(
            update(CitizenNotification)
            .where(CitizenNotification.id.in_(stale), CitizenNotification.status.in_([S.PENDING.value, S.FAILED.value]))
            .values(status=S.EXPIRED.value, next_attempt_at=None)
        )
        outcome.counts[S.EXPIRED.value] = outcome.counts.get(S.EXPIRED.value, 0) + len(stale)
    session.commit()


def _ask_web_chat_ratings(session: Session, rasa: RasaDelivery, now: datetime, outcome: Outcome) -> None:
    """A resolved request reported on web chat: the question waits in the conversation (or shows on an open page)."""
    waiting: list[int] = []  # conversations an agent has, or an assistant away: asked on a later run
    for _ in range(BATCH):
        notification = _next(
            session,
            CitizenNotification.channel == NotificationChannel.WEBCHAT.value,
            CitizenNotification.asks_for_rating.is_(true()),
            CitizenNotification.rating_requested_at.is_(None),
            CitizenNotification.status.in_([S.PENDING.value, S.SENT.value]),
            CitizenNotification.id.not_in(waiting),
        )
        if notification is None:
            break
        try:
            asked = _rating_question(session, notification, rasa, now, on_citizen_channel=True)
        except DeliveryFailed:
            asked = None
        if asked is None:
            waiting.append(notification.id)
        else:
            outcome.add("rating_asked")
        session.commit()
