"""A citizen's rating of how a resolved request was handled, asked for by its notification."""

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.handoff.models import SatisfactionRating
from app.models import CitizenNotification, ServiceRequest, ServiceRequestEvent


class RatingNotAsked(Exception):
    """Nobody asked this conversation to rate that request; the text is safe to return."""


class AlreadyRated(Exception):
    pass


def record_request_rating(
    *,
    session: Session,
    conversation_id: str,
    channel: str,
    request_number: str,
    rating: int,
    comment: str | None,
    now: datetime,
) -> SatisfactionRating:
    """Store the rating, linked to the request (so to its department); commit.

    Only the conversation the request was filed in may rate it, only after its
    notification put the question, and only once: a citizen cannot rate other
    people's requests by naming them.
    """
    request = session.scalar(
        select(ServiceRequest)
        .join(ServiceRequestEvent, ServiceRequestEvent.service_request_id == ServiceRequest.id)
        .join(CitizenNotification, CitizenNotification.service_request_event_id == ServiceRequestEvent.id)
        .where(
            ServiceRequest.request_number == request_number,
            ServiceRequest.conversation_id == conversation_id,
            CitizenNotification.rating_requested_at.is_not(None),
        )
        .with_for_update(of=ServiceRequest)
    )
    if request is None:
        raise RatingNotAsked("No rating was asked for that request in this conversation.")
    if session.scalar(select(SatisfactionRating.id).where(SatisfactionRating.service_request_id == request.id)):
        raise AlreadyRated("That request has been rated already.")
    record = SatisfactionRating(
        service_request_id=request.id,
        conversation_id=conversation_id,
        channel=channel,
        rating=rating,
        comment=comment,
        created_at=now,
    )
    session.add(record)
    session.commit()
    return record
