"""Handoff calls from the assistant and the channels: queue a conversation, relay messages, callbacks, ratings."""

from typing import Annotated

from fastapi import APIRouter, HTTPException, Path, Response, status

from app.api.deps import SessionDep
from app.handoff import service
from app.handoff.routing import estimated_wait_minutes
from app.handoff.schemas import (
    ActiveHandoff,
    CallbackCreate,
    CallbackFiled,
    CentreClosed,
    CitizenMessageIn,
    CitizenMessageRelayed,
    HandoffCreate,
    HandoffQueued,
    SatisfactionIn,
    SatisfactionRecorded,
)
from app.schemas import ErrorMessage

router = APIRouter(tags=["handoff"])

ConversationPath = Annotated[str, Path(max_length=128, pattern=r"^[A-Za-z0-9_.:+=@-]+$")]


@router.post(
    "/handoffs",
    summary="Hand a conversation to the contact centre",
    description="Queues the conversation for the team its reason or topic routes to and returns the "
    "citizen's place in the queue and the expected wait (201), or, when nobody is on duty, when the "
    "centre opens (200, status `closed`, nothing queued). Asking again for a conversation that is "
    "already queued or with an agent returns that handoff (200).",
    status_code=status.HTTP_201_CREATED,
    response_model=HandoffQueued | CentreClosed,
)
def start_handoff(handoff_in: HandoffCreate, session: SessionDep, response: Response) -> HandoffQueued | CentreClosed:
    result = service.start_handoff(session=session, handoff_in=handoff_in)
    if isinstance(result, service.Closed):
        response.status_code = status.HTTP_200_OK
        return CentreClosed(team=result.team.code, opens_at=result.opens_at)
    handoff = result.handoff
    if not result.created:
        response.status_code = status.HTTP_200_OK
    return HandoffQueued(
        reference=handoff.reference,
        team=handoff.team.code,
        team_name=handoff.team.name,
        queue_position=result.position,
        estimated_wait_minutes=estimated_wait_minutes(
            session=session, team_id=handoff.team_id, position=max(result.position, 1)
        ),
    )


@router.get(
    "/conversations/{conversation_id}/handoff",
    summary="The conversation's open handoff",
    description="Lets the assistant keep a conversation paused when a new session starts during a handoff.",
    response_model=ActiveHandoff,
    responses={404: {"model": ErrorMessage, "description": "The conversation has no open handoff."}},
)
def get_open_handoff(conversation_id: ConversationPath, session: SessionDep) -> ActiveHandoff:
    handoff = service.open_handoff_for(session=session, conversation_id=conversation_id)
    if handoff is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "The conversation has no open handoff.")
    return ActiveHandoff(reference=handoff.reference, status=handoff.status, team=handoff.team.code)


@router.post(
    "/conversations/{conversation_id}/citizen-messages",
    summary="Relay a citizen's message to the agent",
    description="Called by the channels for every message a citizen sends while the conversation is "
    "handed off; it appears on the agent's screen at once.",
    status_code=status.HTTP_202_ACCEPTED,
    response_model=CitizenMessageRelayed,
    responses={404: {"model": ErrorMessage, "description": "The conversation has no open handoff."}},
)
def relay_citizen_message(
    conversation_id: ConversationPath, message_in: CitizenMessageIn, session: SessionDep
) -> CitizenMessageRelayed:
    relayed = service.record_citizen_message(
        session=session,
        conversation_id=conversation_id,
        text=message_in.text,
        sent_at=message_in.sent_at,
        intent=message_in.intent,
        intent_confidence=message_in.intent_confidence,
    )
    if relayed is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "The conversation has no open handoff.")
    return CitizenMessageRelayed(reference=relayed[0].reference)


@router.post(
    "/callbacks",
    summary="File a callback request",
    description="Out of hours: files a service request in the `callback` category with the citizen's "
    "number, due within the callback window after the centre next opens.",
    status_code=status.HTTP_201_CREATED,
    response_model=CallbackFiled,
)
def file_callback(callback_in: CallbackCreate, session: SessionDep) -> CallbackFiled:
    callback = service.file_callback(session=session, callback_in=callback_in)
    return CallbackFiled(
        request_number=callback.service_request.request_number,
        expected_from=callback.expected_from,
        expected_until=callback.expected_until,
    )


@router.post(
    "/satisfaction-ratings",
    summary="Record a citizen's satisfaction rating",
    status_code=status.HTTP_201_CREATED,
    response_model=SatisfactionRecorded,
)
def record_rating(rating_in: SatisfactionIn, session: SessionDep) -> SatisfactionRecorded:
    record, handoff = service.record_rating(
        session=session,
        conversation_id=rating_in.conversation_id,
        channel=rating_in.channel,
        rating=rating_in.rating,
        comment=rating_in.comment,
    )
    return SatisfactionRecorded(rating=record.rating, handoff_reference=handoff.reference if handoff else None)
