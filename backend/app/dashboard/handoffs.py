"""Handoffs to the contact centre: why citizens were passed to a person, and how long they waited for one.

Both count the handoffs queued in the period. The wait is from queueing
(`created_at`) to the first claim by an agent (`claimed_at`); a handoff that
ended before anyone claimed it counts as "not claimed" and has no wait.
Percentiles are nearest-rank (see figures.percentile).
"""

from collections import Counter, defaultdict
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.dashboard.figures import Cell, Figure, percentile
from app.dashboard.period import Period
from app.handoff.models import Handoff
from app.staff.models import Team

ALL_TEAMS = "all teams"


def reasons(*, session: Session, period: Period) -> Figure:
    rows = session.execute(
        select(Handoff.reason, func.count())
        .where(Handoff.created_at >= period.start, Handoff.created_at < period.end)
        .group_by(Handoff.reason)
    ).all()
    counted = Counter({reason: count for reason, count in rows})
    return Figure(
        key="handoff_reasons",
        title="Why conversations were passed to a person",
        columns=["reason", "handoffs"],
        rows=[
            [reason.replace("_", " "), count] for reason, count in sorted(counted.items(), key=lambda i: (-i[1], i[0]))
        ],
        note="Handoffs queued in the period, by the reason the assistant gave.",
    )


@dataclass(frozen=True)
class WaitingTimes:
    figure: Figure
    p50_seconds: float | None
    p90_seconds: float | None
    handoffs: int


def _wait_row(label: str, waits: list[float], not_claimed: int) -> list[Cell]:
    return [label, len(waits), not_claimed, percentile(waits, 50), percentile(waits, 90)]


def waiting_times(*, session: Session, period: Period) -> WaitingTimes:
    rows = session.execute(
        select(Team.name, Handoff.created_at, Handoff.claimed_at)
        .join(Team, Team.id == Handoff.team_id)
        .where(Handoff.created_at >= period.start, Handoff.created_at < period.end)
    ).all()
    waits: dict[str, list[float]] = defaultdict(list)
    not_claimed: Counter[str] = Counter()
    for team, created_at, claimed_at in rows:
        if claimed_at is None:
            not_claimed[team] += 1
        else:
            waits[team].append(round((claimed_at - created_at).total_seconds(), 1))
    every_wait = [wait for team_waits in waits.values() for wait in team_waits]
    teams = sorted(set(waits) | set(not_claimed))
    return WaitingTimes(
        figure=Figure(
            key="waiting_time",
            title="Waiting time to an agent (seconds)",
            columns=["team", "claimed", "not_claimed", "p50_seconds", "p90_seconds"],
            rows=[
                *(_wait_row(team, waits[team], not_claimed[team]) for team in teams),
                _wait_row(ALL_TEAMS, every_wait, sum(not_claimed.values())),
            ],
            note="From queueing to the first claim by an agent; p50 and p90 are nearest-rank percentiles.",
        ),
        p50_seconds=percentile(every_wait, 50),
        p90_seconds=percentile(every_wait, 90),
        handoffs=len(rows),
    )
