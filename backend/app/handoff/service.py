"""The life of a handoff: queued by the assistant, claimed, chatted, transferred, handed back or closed.

Each function commits its own change and then announces it to open console
screens. Delivery to the citizen (through the Rasa server) is the caller's
second step, so a Rasa outage never loses what the agent did: the message is
stored first and marked failed if it could not be delivered.
"""

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import inspect, select
from sqlalchemy.orm import Session, selectinload

from app.core.config import settings
from app.crud import create_service_request, get_service_by_code, next_number_insert
from app.handoff.models import (
    CallbackRequest,
    Delivery,
    Handoff,
    HandoffEvent,
    HandoffMessage,
    MessageSender,
    SatisfactionRating,
)
from app.handoff.routing import queue_position, team_for
from app.handoff.schemas import CallbackCreate, HandoffCreate
from app.identifiers import format_handoff_reference
from app.live.updates import get_live_updates
from app.models import ServiceRequest, utc_now
from app.schemas import ServiceRequestCreate
from app.staff.models import Presence, StaffUser, Team
from app.statuses import HandoffStatus, ServiceKind, WrapUpCode

logger = logging.getLogger(__name__)

CALLBACK_CATEGORY = "callback"


class HandoffConflict(Exception):
    """The handoff is not in a state that allows this (already claimed, closed...). The text says why."""


@dataclass(frozen=True)
class Queued:
    handoff: Handoff
    position: int
    created: bool  # False when the conversation was already queued or with an agent


@dataclass(frozen=True)
class Closed:
    team: Team
    opens_at: datetime


def _load(session: Session, *conditions: Any) -> Handoff | None:
    return session.scalar(
        select(Handoff)
        .options(
            selectinload(Handoff.team),
            selectinload(Handoff.assigned_agent),
            selectinload(Handoff.messages),
            selectinload(Handoff.events),
        )
        .where(*conditions)
    )


def get_handoff(*, session: Session, reference: str) -> Handoff | None:
    return _load(session, Handoff.reference == reference)


def get_handoff_row(*, session: Session, reference: str) -> Handoff | None:
    """The handoff without its transcript, for an agent's reply (see open_handoff_row)."""
    return session.scalar(select(Handoff).where(Handoff.reference == reference))


def open_handoff_for(*, session: Session, conversation_id: str) -> Handoff | None:
    """The conversation's handoff that is waiting or with an agent, if any."""
    return _load(
        session,
        Handoff.conversation_id == conversation_id,
        Handoff.status.in_([HandoffStatus.WAITING.value, HandoffStatus.ASSIGNED.value]),
    )


def open_handoff_row(*, session: Session, conversation_id: str) -> Handoff | None:
    """The conversation's open handoff without its transcript, for appending to it on the hot path.

    Relaying a message needs the handoff's own columns only; loading every
    message and event first made each relay slower as the conversation grew,
    inside a transaction that on SQLite holds the write lock.
    """
    return session.scalar(
        select(Handoff).where(
            Handoff.conversation_id == conversation_id,
            Handoff.status.in_([HandoffStatus.WAITING.value, HandoffStatus.ASSIGNED.value]),
        )
    )


def announce(handoff: Handoff, kind: str, message: HandoffMessage | None = None) -> None:
    """Tell open console screens; each screen's stream filters what its user may see."""
    event: dict[str, Any] = {
        "type": "handoff",
        "kind": kind,
        "reference": handoff.reference,
        "team_id": handoff.team_id,
        "agent_id": handoff.assigned_agent_id,
        "status": handoff.status,
    }
    if message is not None:
        event["message"] = {
            "id": message.id,
            "sender": message.sender,
            "author_name": message.author_name,
            "text": message.text,
            "internal": message.internal,
            "delivery": message.delivery,
            "sent_at": message.sent_at.isoformat(),
        }
    get_live_updates().publish(event)


def _event(handoff: Handoff, kind: str, *, actor: StaffUser | None, now: datetime, **values: Any) -> None:
    handoff.events.append(
        HandoffEvent(
            kind=kind,
            staff_user_id=actor.id if actor else None,
            actor=actor.display_name if actor else "assistant",
            occurred_at=now,
            **values,
        )
    )


def start_handoff(*, session: Session, handoff_in: HandoffCreate, now: datetime | None = None) -> Queued | Closed:
    """Queue the conversation for its team, or report when the centre opens if nobody is on duty.

    Asking again while the conversation is already queued or with an agent
    returns that handoff instead of queueing a second one.
    """
    now = now or utc_now()
    existing = open_handoff_for(session=session, conversation_id=handoff_in.conversation_id)
    if existing is not None:
        return Queued(existing, queue_position(session=session, handoff=existing) or 0, created=False)
    team = team_for(session=session, reason=handoff_in.reason, topic=handoff_in.topic, language=handoff_in.language)
    if not settings.opening_hours.is_open(now):
        return Closed(team=team, opens_at=settings.opening_hours.next_opening(now))
    handoff = Handoff(
        conversation_id=handoff_in.conversation_id,
        channel=handoff_in.channel,
        language=handoff_in.language,
        reason=handoff_in.reason,
        topic=handoff_in.topic,
        intent=handoff_in.intent,
        intent_confidence=handoff_in.intent_confidence,
        entities=[entity.model_dump() for entity in handoff_in.entities],
        case_numbers=list(dict.fromkeys(handoff_in.case_numbers)),
        team=team,
        status=HandoffStatus.WAITING.value,
        created_at=now,
    )
    for line in handoff_in.transcript:
        handoff.messages.append(
            HandoffMessage(sender=line.sender, text=line.text, sent_at=line.sent_at, delivery=Delivery.NOT_SENT.value)
        )
    _event(handoff, "queued", actor=None, now=now, team_id=team.id, note=handoff_in.reason)
    next_number_insert(session, handoff, Handoff.reference, "HO", 1, format_handoff_reference)
    logger.info("handoff %s queued for team %s (%s)", handoff.reference, team.code, handoff.reason)
    announce(handoff, "queued")
    return Queued(handoff, queue_position(session=session, handoff=handoff) or 1, created=True)


def record_citizen_message(
    *,
    session: Session,
    conversation_id: str,
    text: str,
    sent_at: datetime | None = None,
    intent: str | None = None,
    intent_confidence: float | None = None,
) -> tuple[Handoff, HandoffMessage] | None:
    """Store a message the citizen sent while handed off; None when the conversation has no open handoff."""
    handoff = open_handoff_row(session=session, conversation_id=conversation_id)
    if handoff is None:
        return None
    message = HandoffMessage(
        handoff_id=handoff.id,
        sender=MessageSender.CITIZEN.value,
        text=text,
        sent_at=sent_at or utc_now(),
        delivery=Delivery.NOT_SENT.value,
    )
    session.add(message)
    if intent is not None:
        # The console shows the assistant's latest understanding next to the message.
        handoff.intent, handoff.intent_confidence = intent, intent_confidence
    session.commit()
    announce(handoff, "message", message)
    return handoff, message


def _active_count(session: Session, agent: StaffUser) -> int:
    return len(
        session.scalars(
            select(Handoff.id).where(
                Handoff.assigned_agent_id == agent.id, Handoff.status == HandoffStatus.ASSIGNED.value
            )
        ).all()
    )


def refresh_presence(*, session: Session, agent: StaffUser) -> None:
    """At capacity an available agent becomes busy (offered nothing new); below it, available again."""
    _update_presence_for_load(session, agent)


def announce_presence(agent: StaffUser) -> None:
    get_live_updates().publish({"type": "presence", "username": agent.username, "presence": agent.presence})


def _update_presence_for_load(session: Session, agent: StaffUser) -> None:
    """At capacity an available agent becomes busy (offered nothing new); below it, available again."""
    if agent.presence == Presence.AWAY.value:
        return
    full = _active_count(session, agent) >= agent.capacity
    agent.presence = Presence.BUSY.value if full else Presence.AVAILABLE.value


def claim(*, session: Session, handoff: Handoff, agent: StaffUser, now: datetime | None = None) -> Handoff:
    """The agent takes a waiting conversation of one of their teams, if they are available and have room."""
    now = now or utc_now()
    if handoff.status != HandoffStatus.WAITING:
        raise HandoffConflict("This conversation is no longer waiting; someone else may have taken it.")
    if agent.presence == Presence.AWAY.value:
        raise HandoffConflict("Set yourself to available to take conversations.")
    if _active_count(session, agent) >= agent.capacity:
        raise HandoffConflict(f"You already have {agent.capacity} conversations open, your capacity.")
    if agent.presence != Presence.AVAILABLE.value:
        raise HandoffConflict("You are set to busy; set yourself to available to take more conversations.")
    # Two agents clicking at once: only the first UPDATE finds the row still waiting.
    taken = session.execute(
        Handoff.__table__.update()
        .where(Handoff.id == handoff.id, Handoff.status == HandoffStatus.WAITING.value)
        .values(status=HandoffStatus.ASSIGNED.value, assigned_agent_id=agent.id)
    ).rowcount
    if taken != 1:
        session.rollback()
        raise HandoffConflict("This conversation is no longer waiting; someone else may have taken it.")
    session.refresh(handoff)
    if handoff.claimed_at is None:
        handoff.claimed_at = now
    _event(handoff, "claimed", actor=agent, now=now, team_id=handoff.team_id)
    _update_presence_for_load(session, agent)
    session.commit()
    announce(handoff, "claimed")
    return handoff


def _require_assignee(handoff: Handoff, agent: StaffUser) -> None:
    if handoff.status != HandoffStatus.ASSIGNED or handoff.assigned_agent_id != agent.id:
        raise HandoffConflict("Only the agent who has this conversation can do that; claim it first.")


def add_agent_message(*, session: Session, handoff: Handoff, agent: StaffUser, text: str) -> HandoffMessage:
    """Store the agent's reply before it is delivered (delivery is marked by mark_delivery)."""
    _require_assignee(handoff, agent)
    message = HandoffMessage(
        sender=MessageSender.AGENT.value,
        staff_user_id=agent.id,
        author_name=agent.display_name,
        text=text,
        sent_at=utc_now(),
        delivery=Delivery.NOT_SENT.value,
    )
    if "messages" in inspect(handoff).unloaded:
        message.handoff_id = handoff.id  # appended without reading the transcript (get_handoff_row)
        session.add(message)
    else:
        handoff.messages.append(message)
    session.commit()
    return message


def add_system_message(*, session: Session, handoff: Handoff, text: str) -> HandoffMessage:
    """Something the hotline itself tells the citizen (claimed, transferred...), kept in the transcript."""
    message = HandoffMessage(
        sender=MessageSender.SYSTEM.value, text=text, sent_at=utc_now(), delivery=Delivery.NOT_SENT.value
    )
    handoff.messages.append(message)
    session.commit()
    return message


def mark_delivery(*, session: Session, handoff: Handoff, message: HandoffMessage, delivered: bool) -> None:
    message.delivery = Delivery.DELIVERED.value if delivered else Delivery.FAILED.value
    session.commit()
    announce(handoff, "message", message)


def add_note(*, session: Session, handoff: Handoff, agent: StaffUser, text: str) -> HandoffMessage:
    """An internal note: visible to staff who can see the conversation, never sent to the citizen."""
    message = HandoffMessage(
        sender=MessageSender.AGENT.value,
        staff_user_id=agent.id,
        author_name=agent.display_name,
        text=text,
        internal=True,
        sent_at=utc_now(),
        delivery=Delivery.NOT_SENT.value,
    )
    handoff.messages.append(message)
    session.commit()
    announce(handoff, "note", message)
    return message


def transfer(
    *,
    session: Session,
    handoff: Handoff,
    actor: StaffUser,
    note: str,
    to_team: Team | None = None,
    to_agent: StaffUser | None = None,
) -> Handoff:
    """Pass the conversation to another team's queue, or straight to a named agent, with a note."""
    if not handoff.is_open:
        raise HandoffConflict("This conversation has ended and cannot be transferred.")
    if (to_team is None) == (to_agent is None):
        raise HandoffConflict("Choose either a team or an agent to transfer to.")
    now = utc_now()
    previous_agent = handoff.assigned_agent
    if to_team is not None:
        handoff.team = to_team
        handoff.status = HandoffStatus.WAITING.value
        handoff.assigned_agent = None
        # The citizen keeps their place: they have waited already.
    else:
        assert to_agent is not None
        if to_agent.role not in ("agent", "supervisor") or not to_agent.active:
            raise HandoffConflict("That person does not take conversations.")
        handoff.status = HandoffStatus.ASSIGNED.value
        handoff.assigned_agent = to_agent
    _event(
        handoff,
        "transferred",
        actor=actor,
        now=now,
        team_id=handoff.team.id,
        note=note if to_agent is None else f"to {to_agent.display_name}: {note}",
    )
    handoff.messages.append(
        HandoffMessage(
            sender=MessageSender.AGENT.value,
            staff_user_id=actor.id,
            author_name=actor.display_name,
            text=f"Transfer note: {note}",
            internal=True,
            sent_at=now,
            delivery=Delivery.NOT_SENT.value,
        )
    )
    session.flush()
    for agent in {previous_agent, to_agent} - {None}:
        _update_presence_for_load(session, agent)  # type: ignore[arg-type]
    session.commit()
    announce(handoff, "transferred")
    return handoff


def hand_back(*, session: Session, handoff: Handoff, actor: StaffUser, note: str) -> Handoff:
    """The assistant takes the conversation back; the note tells it (and the citizen) what was done."""
    _require_open_for(handoff, actor)
    return _end(session, handoff, actor, HandoffStatus.RETURNED, kind="handed_back", note=note, wrap_up=None)


def close(
    *, session: Session, handoff: Handoff, actor: StaffUser, wrap_up_code: WrapUpCode, note: str | None
) -> Handoff:
    _require_open_for(handoff, actor)
    return _end(session, handoff, actor, HandoffStatus.CLOSED, kind="closed", note=note, wrap_up=wrap_up_code)


def _require_open_for(handoff: Handoff, actor: StaffUser) -> None:
    if not handoff.is_open:
        raise HandoffConflict("This conversation has already ended.")
    if handoff.status == HandoffStatus.ASSIGNED and handoff.assigned_agent_id != actor.id and actor.role == "agent":
        raise HandoffConflict("Another agent has this conversation.")


def _end(
    session: Session,
    handoff: Handoff,
    actor: StaffUser,
    status: HandoffStatus,
    *,
    kind: str,
    note: str | None,
    wrap_up: WrapUpCode | None,
) -> Handoff:
    now = utc_now()
    agent = handoff.assigned_agent
    handoff.status = status.value
    handoff.ended_at = now
    handoff.wrap_up_code = wrap_up.value if wrap_up else None
    _event(handoff, kind, actor=actor, now=now, team_id=handoff.team_id, note=note)
    session.flush()
    if agent is not None:
        _update_presence_for_load(session, agent)
    session.commit()
    announce(handoff, kind)
    return handoff


def record_rating(
    *, session: Session, conversation_id: str, channel: str, rating: int, comment: str | None
) -> tuple[SatisfactionRating, Handoff | None]:
    """Store a satisfaction rating, linked to the conversation's latest ended handoff (if any)."""
    handoff = session.scalar(
        select(Handoff)
        .where(Handoff.conversation_id == conversation_id, Handoff.ended_at.is_not(None))
        .order_by(Handoff.ended_at.desc())
        .limit(1)
    )
    record = SatisfactionRating(
        handoff_id=handoff.id if handoff else None,
        conversation_id=conversation_id,
        channel=channel,
        rating=rating,
        comment=comment,
        created_at=utc_now(),
    )
    session.add(record)
    session.commit()
    return record, handoff


def file_callback(*, session: Session, callback_in: CallbackCreate, now: datetime | None = None) -> CallbackRequest:
    """Out of hours: file a callback as a service request, due within the window after the next opening."""
    now = now or utc_now()
    category = get_service_by_code(session=session, code=CALLBACK_CATEGORY, kind=ServiceKind.SERVICE_REQUEST)
    if category is None:
        raise RuntimeError("the service catalogue has no 'callback' category")
    team = team_for(session=session, reason=callback_in.reason, topic=callback_in.topic, language=callback_in.language)
    opens = settings.opening_hours.next_opening(now)
    request: ServiceRequest = create_service_request(
        session=session,
        request_in=ServiceRequestCreate(
            category=CALLBACK_CATEGORY,
            location="Contact centre callback",
            description=f"Please call the citizen back (team: {team.name}; language: {callback_in.language}).",
            channel=callback_in.channel,
            conversation_id=callback_in.conversation_id,
            contact_phone=callback_in.phone,
        ),
        category=category,
        actor="assistant",
        now=now,
    )
    callback = CallbackRequest(
        service_request_id=request.id,
        conversation_id=callback_in.conversation_id,
        team_id=team.id,
        expected_from=opens,
        expected_until=opens + timedelta(hours=settings.CALLBACK_WINDOW_HOURS),
    )
    session.add(callback)
    session.commit()
    logger.info("callback %s filed for team %s", request.request_number, team.code)
    return callback


def wrap_up_choices() -> list[WrapUpCode]:
    return list(WrapUpCode)
