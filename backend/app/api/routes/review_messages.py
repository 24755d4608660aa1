"""Citizen messages the assistant was unsure of, posted by the Rasa server for trainers to review."""

from fastapi import APIRouter, status

from app.api.deps import SessionDep
from app.review.schemas import ReviewMessagesCreate, ReviewMessagesRecorded
from app.review.service import record_review_messages

router = APIRouter(prefix="/review-messages", tags=["review messages"])


@router.post(
    "",
    summary="Record citizen messages for trainers to review",
    description="Sent by the Rasa server (channels/review_messages.py): messages understood with low confidence "
    "or not at all, and those of conversations handed to a person or rated badly, with the intent, confidence and "
    "entities the assistant gave them. The text is kept in the back office's database only. Idempotent per "
    "conversation and moment; a message posted again adds its reasons.",
    status_code=status.HTTP_202_ACCEPTED,
    response_model=ReviewMessagesRecorded,
)
def record(batch: ReviewMessagesCreate, session: SessionDep) -> ReviewMessagesRecorded:
    return ReviewMessagesRecorded(recorded=record_review_messages(session=session, messages=batch.messages))
