"""Which team takes a conversation, the citizen's place in its queue and the expected wait."""

import math
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.core.config import settings
from app.handoff.models import Handoff
from app.staff.models import Presence, StaffUser, Team, TopicRoute, staff_team
from app.staff.service import DEFAULT_TEAM_CODE
from app.statuses import HandoffStatus

# How many recent conversations of a team the handle-time estimate averages.
HANDLE_TIME_SAMPLE = 20


class NoTeam(RuntimeError):
    """Routing found no team, not even the default one: the staff setup is missing."""


def language_route_key(language: str | None) -> str | None:
    """The topic-route key that sends a language's conversations to a team: `language:zh`."""
    return f"language:{language.split('-')[0].lower()}" if language else None


def team_for(*, session: Session, reason: str, topic: str | None, language: str | None = None) -> Team:
    """The reason routes first (an emergency goes to its team whatever the topic), then the citizen's
    language when a team is routed for it (agents who speak it), then the topic."""
    for key in (reason, language_route_key(language), topic):
        if key:
            route = session.scalar(select(TopicRoute).where(TopicRoute.topic == key))
            if route is not None:
                return route.team
    team = session.scalar(select(Team).where(Team.code == DEFAULT_TEAM_CODE))
    if team is None:
        raise NoTeam(f"no topic route and no {DEFAULT_TEAM_CODE!r} team")
    return team


def queue_position(*, session: Session, handoff: Handoff) -> int | None:
    """1 for the next in line of its team; None once it is no longer waiting."""
    if handoff.status != HandoffStatus.WAITING:
        return None
    ahead = session.scalar(
        select(func.count(Handoff.id)).where(
            Handoff.team_id == handoff.team_id,
            Handoff.status == HandoffStatus.WAITING.value,
            (Handoff.created_at < handoff.created_at)
            | ((Handoff.created_at == handoff.created_at) & (Handoff.id < handoff.id)),
        )
    )
    return (ahead or 0) + 1


def average_handle_minutes(*, session: Session, team_id: int) -> float:
    recent = session.execute(
        select(Handoff.claimed_at, Handoff.ended_at)
        .where(Handoff.team_id == team_id, Handoff.claimed_at.is_not(None), Handoff.ended_at.is_not(None))
        .order_by(Handoff.ended_at.desc())
        .limit(HANDLE_TIME_SAMPLE)
    ).all()
    if not recent:
        return settings.DEFAULT_HANDLE_MINUTES
    return sum((ended - claimed).total_seconds() for claimed, ended in recent) / 60 / len(recent)


def on_duty_capacity(*, session: Session, team_id: int) -> int:
    """How many conversations the team's signed-in agents (available or busy) take at once."""
    total = session.scalar(
        select(func.coalesce(func.sum(StaffUser.capacity), 0))
        .join(staff_team, staff_team.c.staff_user_id == StaffUser.id)
        .where(
            staff_team.c.team_id == team_id,
            StaffUser.active.is_(True),
            StaffUser.presence != Presence.AWAY.value,
        )
    )
    return int(total or 0)


def estimated_wait_minutes(*, session: Session, team_id: int, position: int) -> int:
    """Position times the average handle time, shared by the team's parallel capacity; at least 1."""
    capacity = max(1, on_duty_capacity(session=session, team_id=team_id))
    minutes = position * average_handle_minutes(session=session, team_id=team_id) / capacity
    return max(1, math.ceil(minutes))


def waiting_in_team(*, session: Session, team_id: int) -> list[Handoff]:
    return list(
        session.scalars(
            select(Handoff)
            .where(Handoff.team_id == team_id, Handoff.status == HandoffStatus.WAITING.value)
            .order_by(Handoff.created_at, Handoff.id)
        )
    )


def is_open(now: datetime) -> bool:
    return settings.opening_hours.is_open(now)
