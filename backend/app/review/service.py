"""Recording messages for review, listing them for trainers, and recording trainers' annotations."""

from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from app.handoff.delivery import RasaDelivery
from app.models import utc_now
from app.review.models import ReviewMessage, ReviewStatus
from app.review.schemas import AnnotationIn, EntitySpan, ReviewMessageCreate, ReviewVocabularyPublic
from app.staff import audit
from app.staff.models import StaffUser

OUT_OF_SCOPE_INTENT = "out_of_scope"
# Intents and entities trainers do not mark: the back office's own triggers (hand-back, the
# survey), what the classifier answers when it understood nothing, and the detected language
# (bot/components/language_detector.py), which is the whole message's, not words in it.
_NOT_FOR_CITIZENS = {"nlu_fallback", "handback_note", "handoff_reference", "rated_request", "language"}


class AnnotationRefused(ValueError):
    """The annotation does not fit the message or the assistant's model; nothing was changed."""


def record_review_messages(*, session: Session, messages: list[ReviewMessageCreate]) -> int:
    """Store the messages and commit; one posted again only adds its reasons. Returns how many were new."""
    new = 0
    for message in messages:
        existing = _message_at(session, message.conversation_id, message.at)
        if existing is not None:
            existing.reasons = sorted(set(existing.reasons) | {reason.value for reason in message.reasons})
            continue
        try:
            with session.begin_nested():
                session.add(
                    ReviewMessage(
                        conversation_id=message.conversation_id,
                        sent_at=message.at,
                        channel=message.channel,
                        language=message.language,
                        text=message.text,
                        predicted_intent=message.intent,
                        confidence=message.confidence,
                        predicted_entities=[entity.model_dump() for entity in message.entities],
                        reasons=sorted({reason.value for reason in message.reasons}),
                        received_at=utc_now(),
                        status=ReviewStatus.PENDING,
                    )
                )
            new += 1
        except IntegrityError:
            pass  # another replica recorded it at the same moment
    session.commit()
    return new


def _message_at(session: Session, conversation_id: str, at: datetime) -> ReviewMessage | None:
    return session.scalar(
        select(ReviewMessage).where(ReviewMessage.conversation_id == conversation_id, ReviewMessage.sent_at == at)
    )


def review_messages(*, session: Session, status: ReviewStatus, limit: int = 200) -> list[ReviewMessage]:
    """Pending ones oldest first (a queue); annotated ones latest first."""
    order = ReviewMessage.sent_at.asc() if status == ReviewStatus.PENDING else ReviewMessage.annotated_at.desc()
    query = select(ReviewMessage).where(ReviewMessage.status == status).order_by(order, ReviewMessage.id)
    return list(session.scalars(query.limit(limit)))


def vocabulary(rasa: RasaDelivery) -> ReviewVocabularyPublic:
    """The intents and entities a trainer may choose from: those of the model the Rasa server runs."""
    domain = rasa.domain()
    intents = [_name(intent) for intent in domain.get("intents", [])]
    entities = [_name(entity) for entity in domain.get("entities", [])]
    return ReviewVocabularyPublic(
        intents=sorted(i for i in intents if i and not i.startswith("EXTERNAL_") and i not in _NOT_FOR_CITIZENS),
        entities=sorted(e for e in entities if e and e not in _NOT_FOR_CITIZENS),
    )


def _name(item: Any) -> str | None:
    # Rasa lists an intent either by name or as {name: {its properties}}.
    if isinstance(item, str):
        return item
    if isinstance(item, dict) and len(item) == 1:
        return next(iter(item))
    return None


def annotate(
    *,
    session: Session,
    message: ReviewMessage,
    annotation: AnnotationIn,
    known: ReviewVocabularyPublic,
    trainer: StaffUser,
) -> ReviewMessage:
    """Record the trainer's verdict (replacing an earlier one) and audit it; AnnotationRefused when it does not fit."""
    intent = OUT_OF_SCOPE_INTENT if annotation.out_of_scope else annotation.intent
    if intent not in known.intents:
        raise AnnotationRefused(f"'{intent}' is not an intent of the assistant's model")
    for entity in annotation.entities:
        _check_entity(message.text, entity, known)
    previous = message.annotated_intent
    message.annotated_intent = intent
    message.annotated_entities = [entity.model_dump() for entity in sorted(annotation.entities, key=lambda e: e.start)]
    message.annotated_by_id = trainer.id
    message.annotated_at = utc_now()
    message.status = ReviewStatus.ANNOTATED
    # The audit entry says what was decided, never the citizen's words.
    audit.record(
        session=session,
        staff_user=trainer,
        action="review.annotate",
        object_type="review_message",
        object_ref=f"RV-{message.id}",
        detail={
            "intent": intent,
            "previous_intent": previous,
            "predicted_intent": message.predicted_intent,
            "entities": [entity.entity for entity in annotation.entities],
        },
    )
    session.commit()
    return message


def _check_entity(text: str, entity: EntitySpan, known: ReviewVocabularyPublic) -> None:
    if entity.entity not in known.entities:
        raise AnnotationRefused(f"'{entity.entity}' is not an entity of the assistant's model")
    if text[entity.start : entity.end] != entity.value:
        raise AnnotationRefused(f"the {entity.entity} entity's value is not at {entity.start}-{entity.end} of the text")
