"""Trainers' review page: messages the assistant was unsure of, and the trainer's verdict on each."""

from typing import Annotated

from fastapi import APIRouter, HTTPException, Path, Query, status

from app.api.deps import SessionDep
from app.console.access import Trainer
from app.handoff.delivery import DeliveryFailed, get_delivery
from app.review.models import ReviewMessage, ReviewStatus
from app.review.schemas import AnnotationIn, ReviewMessagePublic, ReviewVocabularyPublic
from app.review.service import AnnotationRefused, annotate, review_messages, vocabulary

router = APIRouter(prefix="/review", tags=["console: review"])

MessageId = Annotated[int, Path(ge=1, le=2**31 - 1)]


def _public(message: ReviewMessage) -> ReviewMessagePublic:
    return ReviewMessagePublic(
        id=message.id,
        conversation_id=message.conversation_id,
        sent_at=message.sent_at,
        channel=message.channel,
        language=message.language,
        text=message.text,
        predicted_intent=message.predicted_intent,
        confidence=message.confidence,
        predicted_entities=message.predicted_entities,
        reasons=message.reasons,
        status=message.status,
        annotated_intent=message.annotated_intent,
        annotated_entities=message.annotated_entities,
        annotated_by=message.annotated_by.display_name if message.annotated_by else None,
        annotated_at=message.annotated_at,
    )


def _vocabulary() -> ReviewVocabularyPublic:
    try:
        return vocabulary(get_delivery())
    except DeliveryFailed:
        raise HTTPException(
            status.HTTP_503_SERVICE_UNAVAILABLE, "The assistant's model cannot be read now; try again shortly."
        ) from None


@router.get("/messages", summary="Messages to review (pending) or reviewed (annotated)")
def list_messages(
    session: SessionDep, _trainer: Trainer, state: Annotated[ReviewStatus, Query(alias="status")] = ReviewStatus.PENDING
) -> list[ReviewMessagePublic]:
    return [_public(message) for message in review_messages(session=session, status=state)]


@router.get("/vocabulary", summary="The intents and entities of the model the assistant runs")
def list_vocabulary(_trainer: Trainer) -> ReviewVocabularyPublic:
    return _vocabulary()


@router.put("/messages/{message_id}/annotation", summary="Record the right intent and entities, or out of scope")
def put_annotation(
    message_id: MessageId, body: AnnotationIn, session: SessionDep, trainer: Trainer
) -> ReviewMessagePublic:
    message = session.get(ReviewMessage, message_id)
    if message is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "No such message.")
    try:
        annotated = annotate(session=session, message=message, annotation=body, known=_vocabulary(), trainer=trainer)
    except AnnotationRefused as error:
        raise HTTPException(status.HTTP_422_UNPROCESSABLE_CONTENT, str(error)) from None
    return _public(annotated)
