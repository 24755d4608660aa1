"""The queue of conversations the assistant hands to human agents."""

from fastapi import APIRouter, status

from app import crud
from app.api.deps import SessionDep
from app.schemas import HandoffRequestCreate, HandoffRequestCreated

router = APIRouter(prefix="/handoff-requests", tags=["handoff"])


@router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    summary="Hand a conversation to a human agent",
    description="Records the conversation, the reason and the transcript so far, and "
    "returns the reference the assistant gives the citizen.",
    response_model=HandoffRequestCreated,
)
def request_handoff(handoff_in: HandoffRequestCreate, session: SessionDep) -> HandoffRequestCreated:
    handoff = crud.create_handoff_request(session=session, handoff_in=handoff_in)
    return HandoffRequestCreated(reference=handoff.reference, status=handoff.status, created_at=handoff.created_at)
