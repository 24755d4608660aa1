"""Recording what the Rasa server reports about conversations: sessions, citizen turns, handoffs, callbacks.

Facts arrive in batches from each Rasa replica (channels/conversation_facts.py)
and may arrive twice when an answer was lost, so recording is idempotent: a
session is keyed by its conversation id and start, a turn by its session and
moment. A fact for a session whose start was never reported (a broker that
started mid-conversation) opens a session at that fact.
"""

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from app.models import ConversationSession, ConversationTurn
from app.schemas import ConversationFactCreate
from app.schemas import ConversationFactKind as Kind

# A session's start sorts before anything else reported for the same moment.
_ORDER = {Kind.SESSION_STARTED: 0, Kind.CITIZEN_TURN: 1, Kind.HANDED_OFF: 2, Kind.CALLBACK_FILED: 3}


def record_facts(*, session: Session, facts: list[ConversationFactCreate]) -> int:
    """Store the facts and commit; returns how many were new."""
    new = 0
    for fact in sorted(facts, key=lambda f: (f.conversation_id, f.at, _ORDER[f.kind])):
        if fact.kind == Kind.SESSION_STARTED:
            _, created = _session_starting(session, fact.conversation_id, fact.at)
            new += created
            continue
        conversation = _session_at(session, fact.conversation_id, fact.at)
        conversation.last_activity_at = max(conversation.last_activity_at, fact.at)
        if fact.kind == Kind.CITIZEN_TURN:
            new += _add_turn(session, conversation, fact)
        elif fact.kind == Kind.HANDED_OFF and conversation.handoff_reference is None:
            conversation.handoff_reference = fact.reference
            new += 1
        elif fact.kind == Kind.CALLBACK_FILED and conversation.callback_reference is None:
            conversation.callback_reference = fact.reference
            new += 1
    session.commit()
    return new


def _session_starting(session: Session, conversation_id: str, at: datetime) -> tuple[ConversationSession, bool]:
    existing = session.scalar(
        select(ConversationSession).where(
            ConversationSession.conversation_id == conversation_id, ConversationSession.started_at == at
        )
    )
    if existing is not None:
        return existing, False
    conversation = ConversationSession(conversation_id=conversation_id, started_at=at, last_activity_at=at)
    try:
        # Another replica may report the same start at the same time: the unique key decides.
        with session.begin_nested():
            session.add(conversation)
    except IntegrityError:
        found = session.scalar(
            select(ConversationSession).where(
                ConversationSession.conversation_id == conversation_id, ConversationSession.started_at == at
            )
        )
        assert found is not None
        return found, False
    return conversation, True


def _session_at(session: Session, conversation_id: str, at: datetime) -> ConversationSession:
    """The conversation's session going on at `at`: the latest one started by then."""
    latest = session.scalar(
        select(ConversationSession)
        .where(ConversationSession.conversation_id == conversation_id, ConversationSession.started_at <= at)
        .order_by(ConversationSession.started_at.desc())
        .limit(1)
    )
    return latest if latest is not None else _session_starting(session, conversation_id, at)[0]


def _add_turn(session: Session, conversation: ConversationSession, fact: ConversationFactCreate) -> int:
    if conversation.channel is None:
        # A session belongs to the channel the citizen first wrote on.
        conversation.channel = fact.channel
    if fact.language is not None:
        conversation.language = fact.language
    seen = session.scalar(
        select(ConversationTurn.id).where(
            ConversationTurn.session_id == conversation.id, ConversationTurn.occurred_at == fact.at
        )
    )
    if seen is not None:
        return 0
    try:
        with session.begin_nested():
            session.add(
                ConversationTurn(
                    session_id=conversation.id, occurred_at=fact.at, intent=fact.intent, confidence=fact.confidence
                )
            )
    except IntegrityError:
        return 0
    return 1
