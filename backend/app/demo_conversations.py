"""The demo contact centre's last two weeks, for the supervisor dashboard: conversations, handoffs, ratings.

Deterministic from the reference time (one seeded random generator, like
demo_data), and inserted only once (keyed by the `demo-conv-` conversation
ids). Every handoff has ended, so no demo conversation waits in a queue;
agents are the demo staff of their team. Ratings follow some handoffs and
some resolved demo requests.
"""

import random
from datetime import datetime, timedelta
from typing import TypeVar

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.crud import next_number_insert
from app.handoff.models import Handoff, HandoffEvent, SatisfactionRating
from app.identifiers import format_handoff_reference
from app.models import ConversationSession, ConversationTurn, ServiceRequest
from app.staff.models import Role, StaffUser, Team
from app.statuses import HandoffStatus, ServiceRequestStatus, WrapUpCode

RANDOM_SEED = 4711
DAYS = 14
PREFIX = "demo-conv-"
CHANNELS = {"webchat": 0.62, "sms": 0.28, "voice": 0.10}
# When citizens write: quiet at night, busy mid-morning and early evening.
HOUR_WEIGHTS = [1, 1, 1, 1, 1, 2, 4, 8, 12, 14, 13, 11, 10, 11, 12, 11, 10, 11, 12, 10, 7, 5, 3, 2]
INTENTS = [
    "check_application_status",
    "report_issue",
    "check_request_status",
    "ask_opening_hours",
    "ask_required_documents",
    "ask_fees",
    "inform",
    "affirm",
    "greet",
    "thank",
]
# (reason, team): weight
HANDOFF_REASONS = {
    ("citizen_asked_for_human", "general"): 0.55,
    ("citizen_asked_for_human", "permits"): 0.2,
    ("repeated_fallback", "general"): 0.15,
    ("emergency", "urgent"): 0.05,
    ("staff_complaint", "urgent"): 0.05,
}
WRAP_UPS = {
    WrapUpCode.RESOLVED: 0.45,
    WrapUpCode.INFORMATION_GIVEN: 0.25,
    WrapUpCode.REQUEST_FILED: 0.1,
    WrapUpCode.REFERRED_ELSEWHERE: 0.08,
    WrapUpCode.CITIZEN_LEFT: 0.12,
}
RATINGS = {1: 0.05, 2: 0.07, 3: 0.15, 4: 0.38, 5: 0.35}


T = TypeVar("T")


def _pick(rng: random.Random, weights: dict[T, float]) -> T:
    return rng.choices(list(weights), list(weights.values()))[0]


def seed_demo_conversations(session: Session, *, reference: datetime) -> int:
    """Insert two weeks of demo conversations before `reference` unless they are there; returns how many."""
    if session.scalar(select(ConversationSession.id).where(ConversationSession.conversation_id.like(f"{PREFIX}%"))):
        return 0
    rng = random.Random(RANDOM_SEED)
    teams = {team.code: team for team in session.scalars(select(Team))}
    agents = list(
        session.scalars(select(StaffUser).where(StaffUser.role == Role.AGENT.value).order_by(StaffUser.username))
    )
    midnight = reference.replace(hour=0, minute=0, second=0, microsecond=0)
    returning: list[str] = []
    count = 0
    for days_back in range(DAYS, 0, -1):
        day = midnight - timedelta(days=days_back)
        per_day = rng.randint(22, 36) if day.weekday() < 5 else rng.randint(8, 14)
        for index in range(per_day):
            start = day + timedelta(hours=rng.choices(range(24), HOUR_WEIGHTS)[0], minutes=rng.randint(0, 59))
            # Some citizens come back within the week: their browser or phone keeps its conversation id.
            conversation_id = (
                rng.choice(returning) if returning and rng.random() < 0.12 else f"{PREFIX}{days_back:02d}-{index:03d}"
            )
            returning.append(conversation_id)
            channel = _pick(rng, CHANNELS)
            turns = [start + timedelta(seconds=20 + 40 * n + rng.randint(0, 30)) for n in range(rng.randint(2, 7))]
            conversation = ConversationSession(
                conversation_id=conversation_id,
                started_at=start,
                channel=channel,
                language="en",
                last_activity_at=turns[-1],
                turns=[
                    ConversationTurn(occurred_at=moment, intent=rng.choice(INTENTS), confidence=rng.uniform(0.55, 0.99))
                    for moment in turns
                ],
            )
            if rng.random() < 0.24 and agents:
                conversation.handoff_reference = _demo_handoff(session, rng, conversation, teams, agents)
            session.add(conversation)
            count += 1
    _rate_resolved_requests(session, rng, reference)
    session.commit()
    return count


def _demo_handoff(
    session: Session,
    rng: random.Random,
    conversation: ConversationSession,
    teams: dict[str, Team],
    agents: list[StaffUser],
) -> str:
    reason, team_code = _pick(rng, HANDOFF_REASONS)
    team = teams[team_code]
    candidates = [agent for agent in agents if team.id in agent.team_ids] or agents
    agent = rng.choice(candidates)
    created = conversation.last_activity_at + timedelta(seconds=5)
    claimed = created + timedelta(seconds=min(900, int(rng.expovariate(1 / 110)) + 10))
    ended = claimed + timedelta(minutes=rng.uniform(3, 12))
    returned = rng.random() < 0.2
    handoff = Handoff(
        conversation_id=conversation.conversation_id,
        channel=conversation.channel or "webchat",
        language="en",
        reason=reason,
        topic=None,
        intent="request_human",
        team=team,
        assigned_agent=agent,
        status=(HandoffStatus.RETURNED if returned else HandoffStatus.CLOSED).value,
        created_at=created,
        claimed_at=claimed,
        ended_at=ended,
        wrap_up_code=None if returned else _pick(rng, WRAP_UPS).value,
        events=[
            HandoffEvent(kind="queued", actor="assistant", team_id=team.id, occurred_at=created),
            HandoffEvent(kind="claimed", actor=agent.display_name, staff_user_id=agent.id, occurred_at=claimed),
            HandoffEvent(
                kind="handed_back" if returned else "closed",
                actor=agent.display_name,
                staff_user_id=agent.id,
                occurred_at=ended,
            ),
        ],
    )
    next_number_insert(session, handoff, Handoff.reference, "HO", 1, format_handoff_reference)
    conversation.last_activity_at = ended
    if rng.random() < 0.55:
        session.add(
            SatisfactionRating(
                handoff_id=handoff.id,
                conversation_id=conversation.conversation_id,
                channel=handoff.channel,
                rating=_pick(rng, RATINGS),
                created_at=ended + timedelta(minutes=1),
            )
        )
    return handoff.reference


def _rate_resolved_requests(session: Session, rng: random.Random, reference: datetime) -> None:
    """Some citizens rated how their resolved request was handled (the survey after its notification)."""
    finished = (ServiceRequestStatus.RESOLVED.value, ServiceRequestStatus.CLOSED.value)
    for request in session.scalars(
        select(ServiceRequest)
        .where(ServiceRequest.status.in_(finished), ServiceRequest.channel.in_(["webchat", "sms"]))
        .order_by(ServiceRequest.request_number)
    ):
        rated_at = request.updated_at + timedelta(hours=rng.randint(1, 30))
        if rng.random() < 0.7 and rated_at < reference:
            session.add(
                SatisfactionRating(
                    service_request_id=request.id,
                    conversation_id=request.conversation_id or f"demo-{request.request_number.lower()}",
                    channel=request.channel,
                    rating=_pick(rng, RATINGS),
                    created_at=rated_at,
                )
            )
