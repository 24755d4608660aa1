"""`GET /metrics` for Prometheus: handoffs and the handoff queues, read from the database at each scrape.

Read from the records rather than counted in memory, so every back-office
replica reports the same figures and they survive a restart. Labels are codes
from fixed sets (team, reason, channel, status): never a conversation, a
citizen or anything anybody wrote. Not routed through the reverse proxy:
Prometheus scrapes each process on the internal network.
"""

from collections.abc import Iterator

from fastapi import APIRouter
from fastapi.responses import Response
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, generate_latest
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, Metric
from prometheus_client.registry import Collector
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.api.deps import SessionDep
from app.handoff.models import Handoff
from app.staff.models import Team
from app.statuses import HandoffStatus

router = APIRouter(tags=["health"])


class HandoffFigures(Collector):
    """The handoff counts of one scrape, from one database session."""

    def __init__(self, session: Session) -> None:
        self._session = session

    def collect(self) -> Iterator[Metric]:
        handoffs = CounterMetricFamily(
            "hotline_handoffs",
            "Conversations handed to the contact centre since the start, by team, reason and channel",
            labels=["team", "reason", "channel"],
        )
        rows = self._session.execute(
            select(Team.code, Handoff.reason, Handoff.channel, func.count())
            .join(Team, Handoff.team_id == Team.id)
            .group_by(Team.code, Handoff.reason, Handoff.channel)
        )
        for team, reason, channel, count in rows:
            handoffs.add_metric([team, reason, channel], count)
        yield handoffs

        # Every team, so an empty queue reads 0 rather than disappearing from the graphs.
        by_status = {
            (team, status): count
            for team, status, count in self._session.execute(
                select(Team.code, Handoff.status, func.count())
                .join(Team, Handoff.team_id == Team.id)
                .where(Handoff.status.in_([HandoffStatus.WAITING, HandoffStatus.ASSIGNED]))
                .group_by(Team.code, Handoff.status)
            )
        }
        teams = self._session.scalars(select(Team.code).order_by(Team.code)).all()
        queue = GaugeMetricFamily(
            "hotline_handoff_queue_length", "Conversations waiting for an agent, by team", labels=["team"]
        )
        talking = GaugeMetricFamily(
            "hotline_handoffs_with_agent", "Conversations an agent is handling now, by team", labels=["team"]
        )
        for team in teams:
            queue.add_metric([team], by_status.get((team, HandoffStatus.WAITING), 0))
            talking.add_metric([team], by_status.get((team, HandoffStatus.ASSIGNED), 0))
        yield queue
        yield talking


@router.get("/metrics", summary="Handoff figures in Prometheus' text format", response_class=Response)
def metrics(session: SessionDep) -> Response:
    registry = CollectorRegistry(auto_describe=False)
    registry.register(HandoffFigures(session))
    return Response(generate_latest(registry), media_type=CONTENT_TYPE_LATEST)
