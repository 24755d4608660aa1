"""What the Rasa server reports about conversations (no message text), for the supervisor dashboard."""

from fastapi import APIRouter, status

from app.api.deps import SessionDep
from app.conversation_facts import record_facts
from app.schemas import ConversationFactsCreate, ConversationFactsRecorded

router = APIRouter(prefix="/conversation-facts", tags=["conversation facts"])


@router.post(
    "",
    summary="Record a batch of conversation facts",
    description="Sent by the Rasa server's conversation-facts broker: session starts, citizen turns (channel, "
    "language, intent and confidence, never the text), handoffs and callbacks. Idempotent: a batch sent twice "
    "records nothing the second time.",
    status_code=status.HTTP_202_ACCEPTED,
    response_model=ConversationFactsRecorded,
)
def record_conversation_facts(batch: ConversationFactsCreate, session: SessionDep) -> ConversationFactsRecorded:
    return ConversationFactsRecorded(recorded=record_facts(session=session, facts=batch.facts))
