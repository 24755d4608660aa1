"""Citizens' satisfaction (CSAT) by channel, agent and department.

Counts the 1-5 ratings given in the period: after a conversation with an
agent (linked to the handoff, so to the agent who had it) and after a
service request was resolved (linked to the request, so to its department).
CSAT is the share of ratings of 4 or 5; the average is shown beside it.
"""

from collections import defaultdict
from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.dashboard.conversations import channels_in_order
from app.dashboard.figures import Cell, Figure, ratio
from app.dashboard.period import Period
from app.handoff.models import Handoff, SatisfactionRating
from app.models import Department, ServiceRequest
from app.staff.models import StaffUser

SATISFIED = 4  # and above
COLUMNS = ["ratings", "satisfied", "csat", "average"]


def _row(label: str, ratings: list[int]) -> list[Cell]:
    satisfied = sum(rating >= SATISFIED for rating in ratings)
    average = round(sum(ratings) / len(ratings), 2) if ratings else None
    return [label, len(ratings), satisfied, ratio(satisfied, len(ratings)), average]


def _grouped(pairs: Iterable[tuple[str, int]]) -> dict[str, list[int]]:
    groups: dict[str, list[int]] = defaultdict(list)
    for label, rating in pairs:
        groups[label].append(rating)
    return groups


def _in(period: Period):  # type: ignore[no-untyped-def]
    return SatisfactionRating.created_at >= period.start, SatisfactionRating.created_at < period.end


def by_channel(*, session: Session, period: Period) -> tuple[Figure, list[int]]:
    groups = _grouped(
        session.execute(select(SatisfactionRating.channel, SatisfactionRating.rating).where(*_in(period)))
    )
    every = [rating for ratings in groups.values() for rating in ratings]
    figure = Figure(
        key="csat_by_channel",
        title="Satisfaction by channel",
        columns=["channel", *COLUMNS],
        rows=[*(_row(channel, groups[channel]) for channel in channels_in_order(set(groups))), _row("all", every)],
        note="Ratings given in the period, after a chat with an agent or a resolved request; CSAT: share of 4 and 5.",
    )
    return figure, every


def by_agent(*, session: Session, period: Period) -> Figure:
    groups = _grouped(
        session.execute(
            select(StaffUser.display_name, SatisfactionRating.rating)
            .join(Handoff, Handoff.id == SatisfactionRating.handoff_id)
            .join(StaffUser, StaffUser.id == Handoff.assigned_agent_id)
            .where(*_in(period))
        )
    )
    return Figure(
        key="csat_by_agent",
        title="Satisfaction by agent",
        columns=["agent", *COLUMNS],
        rows=[_row(agent, groups[agent]) for agent in sorted(groups)],
        note="Ratings after a conversation, by the agent who had it last.",
    )


def by_department(*, session: Session, period: Period) -> Figure:
    groups = _grouped(
        session.execute(
            select(Department.name, SatisfactionRating.rating)
            .join(ServiceRequest, ServiceRequest.id == SatisfactionRating.service_request_id)
            .join(Department, Department.id == ServiceRequest.department_id)
            .where(*_in(period))
        )
    )
    return Figure(
        key="csat_by_department",
        title="Satisfaction by department",
        columns=["department", *COLUMNS],
        rows=[_row(department, groups[department]) for department in sorted(groups)],
        note="Ratings of resolved service requests, by the department that resolved them.",
    )
