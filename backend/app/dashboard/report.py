"""The whole dashboard for one period: the headline figures and every chart's table."""

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from app.dashboard import conversations, handoffs, satisfaction, service_requests
from app.dashboard.figures import Cell, Figure, ratio
from app.dashboard.period import Period


@dataclass(frozen=True)
class Dashboard:
    period: Period
    generated_at: datetime
    # The tiles at the top: each one also appears in a figure's last ("all") row.
    summary: dict[str, Cell]
    figures: list[Figure]

    def figure(self, key: str) -> Figure:
        return next(figure for figure in self.figures if figure.key == key)


def _totals(figure: Figure) -> dict[str, Cell]:
    """The figure's last row ("all channels", "all teams"...) by column."""
    return dict(zip(figure.columns, figure.rows[-1], strict=True))


def build_dashboard(*, session: Session, period: Period, now: datetime) -> Dashboard:
    """Every KPI of the period, computed from the stored records; `now` decides what is overdue or not yet judged."""
    talks = conversations.load_conversations(session=session, period=period)
    outcomes = conversations.outcomes(talks)
    fcr = conversations.first_contact_resolution(talks, now)
    waits = handoffs.waiting_times(session=session, period=period)
    by_category = service_requests.by_category(session=session, period=period)
    on_time = service_requests.on_time_completion(session=session, period=period, now=now)
    overdue = service_requests.overdue_now(session=session, now=now)
    csat_by_channel, ratings = satisfaction.by_channel(session=session, period=period)

    outcome_totals, fcr_totals, csat_totals = _totals(outcomes), _totals(fcr), _totals(csat_by_channel)
    summary: dict[str, Cell] = {
        "conversations": outcome_totals["conversations"],
        "containment_rate": outcome_totals["containment_rate"],
        "handoff_rate": outcome_totals["handoff_rate"],
        "callback_rate": ratio(int(outcome_totals["callbacks"] or 0), int(outcome_totals["conversations"] or 0)),
        "fcr_rate": fcr_totals["fcr_rate"],
        "fcr_not_yet_judged": fcr_totals["not_yet_judged"],
        "handoffs": waits.handoffs,
        "wait_p50_seconds": waits.p50_seconds,
        "wait_p90_seconds": waits.p90_seconds,
        "requests": sum(int(row[1] or 0) for row in by_category.rows),
        "on_time_rate": _totals(on_time)["on_time_rate"],
        "overdue_now": len(overdue.rows),
        "ratings": len(ratings),
        "csat": csat_totals["csat"],
    }
    return Dashboard(
        period=period,
        generated_at=now,
        summary=summary,
        figures=[
            conversations.by_hour(talks, period),
            outcomes,
            handoffs.reasons(session=session, period=period),
            waits.figure,
            fcr,
            by_category,
            service_requests.by_department(session=session, period=period),
            on_time,
            overdue,
            csat_by_channel,
            satisfaction.by_agent(session=session, period=period),
            satisfaction.by_department(session=session, period=period),
            service_requests.escalations(session=session, period=period),
        ],
    )
