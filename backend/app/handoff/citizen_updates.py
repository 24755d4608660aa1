"""Telling a handed-off citizen what happens: agent replies, who has them, their place in the queue."""

import logging
from dataclasses import dataclass

from sqlalchemy.orm import Session

from app.handoff import service
from app.handoff.citizen_texts import citizen_text
from app.handoff.delivery import DeliveryFailed, get_delivery
from app.handoff.models import Handoff, HandoffMessage
from app.handoff.routing import estimated_wait_minutes, waiting_in_team

logger = logging.getLogger(__name__)

# A caller waits in the telephone queue and talks to the agent there; nothing is sent as text.
SPOKEN_CHANNELS = {"voice"}
# Channels whose screen shows a live queue status; on SMS each update would be a text message.
LIVE_STATUS_CHANNELS = {"webchat"}


def deliver(*, session: Session, handoff: Handoff, message: HandoffMessage) -> bool:
    """Send a stored agent or hotline message to the citizen; records whether it arrived."""
    if handoff.channel in SPOKEN_CHANNELS:
        service.mark_delivery(session=session, handoff=handoff, message=message, delivered=False)
        return False
    try:
        get_delivery().send_to_citizen(handoff.conversation_id, message.text, author_name=message.author_name)
    except DeliveryFailed:
        service.mark_delivery(session=session, handoff=handoff, message=message, delivered=False)
        return False
    service.mark_delivery(session=session, handoff=handoff, message=message, delivered=True)
    return True


def tell_citizen(*, session: Session, handoff: Handoff, key: str, **values: object) -> bool:
    """Say one of the hotline's own handoff texts (citizen_texts) in the citizen's language."""
    if handoff.channel in SPOKEN_CHANNELS:
        return False
    text = citizen_text(handoff.language, key, **values)
    message = service.add_system_message(session=session, handoff=handoff, text=text)
    return deliver(session=session, handoff=handoff, message=message)


@dataclass(frozen=True)
class QueueStatus:
    conversation_id: str
    reference: str
    position: int
    minutes: int


def queue_statuses(*, session: Session, team_id: int) -> list[QueueStatus]:
    """Where each waiting web chat citizen of a team now stands (computed in the request's session)."""
    statuses = []
    for position, handoff in enumerate(waiting_in_team(session=session, team_id=team_id), start=1):
        if handoff.channel in LIVE_STATUS_CHANNELS:
            minutes = estimated_wait_minutes(session=session, team_id=team_id, position=position)
            statuses.append(QueueStatus(handoff.conversation_id, handoff.reference, position, minutes))
    return statuses


def send_queue_statuses(statuses: list[QueueStatus]) -> None:
    """Background task: update each waiting citizen's screen; a failure only costs that one update."""
    delivery = get_delivery()
    for status in statuses:
        try:
            delivery.send_status(
                status.conversation_id,
                {
                    "handoff": {
                        "reference": status.reference,
                        "status": "queued",
                        "queue_position": status.position,
                        "estimated_wait_minutes": status.minutes,
                    }
                },
            )
        except DeliveryFailed:
            logger.info("queue status for %s not delivered", status.reference)
