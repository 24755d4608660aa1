"""The agent's work: the queue, a conversation's transcript, replies, notes, transfer, hand-back, close."""

from typing import Annotated

from fastapi import APIRouter, BackgroundTasks, HTTPException, Path, status
from sqlalchemy import or_, select
from sqlalchemy.orm import Session, selectinload

from app.api.deps import SessionDep
from app.console.access import (
    ConversationHandler,
    can_see_conversation,
    sees_all_conversations,
)
from app.console.routes.sign_in import staff_public
from app.console.schemas import StaffPublic
from app.handoff import service
from app.handoff.citizen_updates import deliver, queue_statuses, send_queue_statuses, tell_citizen
from app.handoff.delivery import CLOSED_INTENT, HANDED_BACK_INTENT, DeliveryFailed, get_delivery
from app.handoff.models import CannedReply, Handoff, MessageSender
from app.handoff.routing import queue_position
from app.handoff.schemas import (
    AgentMessageIn,
    CannedReplyPublic,
    CloseIn,
    EventPublic,
    HandBackIn,
    HandoffDetail,
    HandoffSummary,
    MessagePublic,
    NoteIn,
    TransferIn,
)
from app.models import utc_now
from app.staff import audit
from app.staff.models import Role, StaffUser, Team
from app.staff.service import get_staff_user, get_team, list_staff, list_teams
from app.statuses import HandoffStatus

router = APIRouter(tags=["console: conversations"])

Reference = Annotated[str, Path(pattern=r"^HO-[0-9]{6}$")]


def summary(session: Session, handoff: Handoff) -> HandoffSummary:
    citizen_lines = [m for m in handoff.messages if m.sender == MessageSender.CITIZEN]
    agent = handoff.assigned_agent
    return HandoffSummary(
        reference=handoff.reference,
        conversation_id=handoff.conversation_id,
        channel=handoff.channel,
        language=handoff.language,
        reason=handoff.reason,
        topic=handoff.topic,
        intent=handoff.intent,
        intent_confidence=handoff.intent_confidence,
        entities=handoff.entities or [],
        case_numbers=handoff.case_numbers or [],
        team=handoff.team.code,
        team_name=handoff.team.name,
        status=handoff.status,
        assigned_agent=agent.username if agent else None,
        assigned_agent_name=agent.display_name if agent else None,
        created_at=handoff.created_at,
        claimed_at=handoff.claimed_at,
        waiting_seconds=int(((handoff.claimed_at or utc_now()) - handoff.created_at).total_seconds()),
        queue_position=queue_position(session=session, handoff=handoff),
        last_citizen_message=citizen_lines[-1].text[:200] if citizen_lines else None,
    )


def detail(session: Session, handoff: Handoff) -> HandoffDetail:
    teams = {team.id: team.code for team in list_teams(session=session)}
    return HandoffDetail(
        **summary(session, handoff).model_dump(),
        wrap_up_code=handoff.wrap_up_code,
        messages=[
            MessagePublic(
                id=m.id,
                sender=m.sender,
                author_name=m.author_name,
                text=m.text,
                internal=m.internal,
                delivery=m.delivery,
                sent_at=m.sent_at,
            )
            for m in handoff.messages
        ],
        events=[
            EventPublic(
                kind=e.kind, actor=e.actor, team=teams.get(e.team_id or -1), note=e.note, occurred_at=e.occurred_at
            )
            for e in handoff.events
        ],
    )


def visible_handoff(session: Session, user: StaffUser, reference: str, *, transcript: bool = True) -> Handoff:
    """The handoff if this user may see it; 404 otherwise, so references cannot be probed."""
    get = service.get_handoff if transcript else service.get_handoff_row
    handoff = get(session=session, reference=reference)
    if handoff is None or not can_see_conversation(user, team_id=handoff.team_id, agent_id=handoff.assigned_agent_id):
        raise HTTPException(status.HTTP_404_NOT_FOUND, "No such conversation in your queues.")
    return handoff


def _conflict(error: service.HandoffConflict) -> HTTPException:
    return HTTPException(status.HTTP_409_CONFLICT, str(error))


def _refresh_queue(session: Session, team_ids: set[int], background: BackgroundTasks) -> None:
    for team_id in team_ids:
        background.add_task(send_queue_statuses, queue_statuses(session=session, team_id=team_id))


@router.get(
    "/conversations",
    summary="The queue and my conversations",
    description="Waiting conversations of the agent's teams (all teams for supervisors), oldest first, "
    "and the conversations assigned to the agent.",
    response_model=list[HandoffSummary],
)
def list_conversations(user: ConversationHandler, session: SessionDep) -> list[HandoffSummary]:
    open_statuses = [HandoffStatus.WAITING.value, HandoffStatus.ASSIGNED.value]
    query = (
        select(Handoff)
        .options(selectinload(Handoff.team), selectinload(Handoff.assigned_agent), selectinload(Handoff.messages))
        .where(Handoff.status.in_(open_statuses))
        .order_by(Handoff.created_at, Handoff.id)
    )
    if not sees_all_conversations(user):
        query = query.where(or_(Handoff.team_id.in_(user.team_ids or {-1}), Handoff.assigned_agent_id == user.id))
    return [summary(session, handoff) for handoff in session.scalars(query)]


@router.get("/conversations/{reference}", summary="A conversation with its transcript", response_model=HandoffDetail)
def get_conversation(reference: Reference, user: ConversationHandler, session: SessionDep) -> HandoffDetail:
    handoff = visible_handoff(session, user, reference)
    audit.record(
        session=session, staff_user=user, action="view_conversation", object_type="handoff", object_ref=reference
    )
    session.commit()
    return detail(session, handoff)


@router.post("/conversations/{reference}/claim", summary="Take a waiting conversation", response_model=HandoffDetail)
def claim(
    reference: Reference, user: ConversationHandler, session: SessionDep, background: BackgroundTasks
) -> HandoffDetail:
    handoff = visible_handoff(session, user, reference)
    try:
        service.claim(session=session, handoff=handoff, agent=user)
    except service.HandoffConflict as error:
        raise _conflict(error) from None
    tell_citizen(session=session, handoff=handoff, key="claimed", agent=user.display_name)
    _refresh_queue(session, {handoff.team_id}, background)
    return detail(session, handoff)


@router.post(
    "/conversations/{reference}/messages",
    summary="Reply to the citizen",
    description="Stored first, then delivered on the citizen's channel; `delivery` says whether it arrived.",
    status_code=status.HTTP_201_CREATED,
    response_model=MessagePublic,
)
def reply(reference: Reference, body: AgentMessageIn, user: ConversationHandler, session: SessionDep) -> MessagePublic:
    # The hot path of a live chat: the transcript is not read to add a line to it.
    handoff = visible_handoff(session, user, reference, transcript=False)
    if handoff.channel == "voice":
        raise HTTPException(status.HTTP_409_CONFLICT, "This citizen is on the phone: answer the call from the queue.")
    try:
        message = service.add_agent_message(session=session, handoff=handoff, agent=user, text=body.text)
    except service.HandoffConflict as error:
        raise _conflict(error) from None
    deliver(session=session, handoff=handoff, message=message)
    return MessagePublic(
        id=message.id,
        sender=message.sender,
        author_name=message.author_name,
        text=message.text,
        internal=message.internal,
        delivery=message.delivery,
        sent_at=message.sent_at,
    )


@router.post(
    "/conversations/{reference}/notes",
    summary="Add an internal note",
    description="Seen by staff only; never sent to the citizen.",
    status_code=status.HTTP_201_CREATED,
    response_model=MessagePublic,
)
def add_note(reference: Reference, body: NoteIn, user: ConversationHandler, session: SessionDep) -> MessagePublic:
    handoff = visible_handoff(session, user, reference)
    note = service.add_note(session=session, handoff=handoff, agent=user, text=body.text)
    return MessagePublic(
        id=note.id,
        sender=note.sender,
        author_name=note.author_name,
        text=note.text,
        internal=True,
        delivery=note.delivery,
        sent_at=note.sent_at,
    )


@router.post(
    "/conversations/{reference}/transfer",
    summary="Transfer to another team or agent",
    description="To a team: the conversation waits in that team's queue, keeping its place. To an agent: "
    "it is assigned to them directly. The note is kept internally.",
    response_model=HandoffDetail,
)
def transfer(
    reference: Reference,
    body: TransferIn,
    user: ConversationHandler,
    session: SessionDep,
    background: BackgroundTasks,
) -> HandoffDetail:
    handoff = visible_handoff(session, user, reference)
    if user.role == Role.AGENT and handoff.assigned_agent_id not in (None, user.id):
        raise HTTPException(status.HTTP_409_CONFLICT, "Another agent has this conversation.")
    to_team: Team | None = get_team(session=session, code=body.team) if body.team else None
    to_agent: StaffUser | None = get_staff_user(session=session, username=body.agent) if body.agent else None
    if (body.team and to_team is None) or (body.agent and to_agent is None):
        raise HTTPException(status.HTTP_422_UNPROCESSABLE_CONTENT, "No such team or agent.")
    old_team = handoff.team_id
    try:
        service.transfer(
            session=session, handoff=handoff, actor=user, note=body.note, to_team=to_team, to_agent=to_agent
        )
    except service.HandoffConflict as error:
        raise _conflict(error) from None
    if to_team is not None:
        tell_citizen(
            session=session, handoff=handoff, key="transferred_team", agent=user.display_name, team=to_team.name
        )
    else:
        tell_citizen(session=session, handoff=handoff, key="transferred_agent", agent=user.display_name)
    _refresh_queue(session, {old_team, handoff.team_id}, background)
    return detail(session, handoff)


@router.post(
    "/conversations/{reference}/hand-back",
    summary="Hand the conversation back to the assistant",
    description="The assistant resumes, tells the citizen it is back and what the agent noted.",
    response_model=HandoffDetail,
)
def hand_back(
    reference: Reference, body: HandBackIn, user: ConversationHandler, session: SessionDep, background: BackgroundTasks
) -> HandoffDetail:
    handoff = visible_handoff(session, user, reference)
    was_waiting = handoff.status == HandoffStatus.WAITING
    try:
        service.hand_back(session=session, handoff=handoff, actor=user, note=body.note)
    except service.HandoffConflict as error:
        raise _conflict(error) from None
    _resume(session, handoff, user, HANDED_BACK_INTENT, {"handback_note": body.note})
    if was_waiting:
        _refresh_queue(session, {handoff.team_id}, background)
    return detail(session, handoff)


@router.post(
    "/conversations/{reference}/close",
    summary="Close with a wrap-up code",
    description="Ends the conversation; the citizen is asked to rate it (1-5) on their channel.",
    response_model=HandoffDetail,
)
def close(
    reference: Reference, body: CloseIn, user: ConversationHandler, session: SessionDep, background: BackgroundTasks
) -> HandoffDetail:
    handoff = visible_handoff(session, user, reference)
    was_waiting = handoff.status == HandoffStatus.WAITING
    try:
        service.close(session=session, handoff=handoff, actor=user, wrap_up_code=body.wrap_up_code, note=body.note)
    except service.HandoffConflict as error:
        raise _conflict(error) from None
    if handoff.channel != "voice":
        tell_citizen(session=session, handoff=handoff, key="agent_left", agent=user.display_name)
    _resume(session, handoff, user, CLOSED_INTENT, {"handoff_reference": handoff.reference})
    if was_waiting:
        _refresh_queue(session, {handoff.team_id}, background)
    return detail(session, handoff)


def _resume(session: Session, handoff: Handoff, user: StaffUser, intent: str, entities: dict[str, str]) -> None:
    """Give the conversation back to the assistant; a Rasa outage is noted for the agent, not fatal."""
    try:
        get_delivery().resume_assistant(handoff.conversation_id, intent=intent, entities=entities)
    except DeliveryFailed:
        service.add_note(
            session=session,
            handoff=handoff,
            agent=user,
            text="The assistant could not be reached to take the conversation back; the citizen was not told.",
        )


@router.get("/canned-replies", summary="Canned replies for my teams", response_model=list[CannedReplyPublic])
def canned_replies(user: ConversationHandler, session: SessionDep) -> list[CannedReplyPublic]:
    teams = {team.id: team.code for team in list_teams(session=session)}
    query = select(CannedReply).order_by(CannedReply.title)
    if not sees_all_conversations(user):
        query = query.where(or_(CannedReply.team_id.is_(None), CannedReply.team_id.in_(user.team_ids or {-1})))
    return [
        CannedReplyPublic(id=r.id, title=r.title, text=r.text, team=teams.get(r.team_id or -1))
        for r in session.scalars(query)
    ]


@router.get("/teams", summary="Teams to transfer to", response_model=list[dict[str, str]])
def teams(user: ConversationHandler, session: SessionDep) -> list[dict[str, str]]:
    return [{"code": team.code, "name": team.name} for team in list_teams(session=session)]


@router.get("/agents", summary="Agents and their presence", response_model=list[StaffPublic])
def agents(user: ConversationHandler, session: SessionDep) -> list[StaffPublic]:
    return [staff_public(agent) for agent in list_staff(session=session, role=Role.AGENT) if agent.active]
