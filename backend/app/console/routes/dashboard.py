"""The supervisor dashboard: the hotline's KPIs over a period, as JSON for the page and as CSV."""

from datetime import date, timedelta
from typing import Annotated

from fastapi import APIRouter, HTTPException, Query, status
from fastapi.responses import Response

from app.api.deps import SessionDep
from app.console.access import Supervisor
from app.console.schemas import DashboardFigurePublic, DashboardPeriodPublic, DashboardPublic
from app.core.config import settings
from app.dashboard.figures import figures_csv
from app.dashboard.period import DEFAULT_DAYS, BadPeriod, Period, default_period, make_period
from app.dashboard.report import Dashboard, build_dashboard
from app.models import utc_now

router = APIRouter(tags=["console: dashboard"])

FirstDay = Annotated[date | None, Query(alias="from", description="First day (YYYY-MM-DD); default: 6 days ago.")]
LastDay = Annotated[date | None, Query(alias="to", description="Last day, included; default: today.")]
FigureKey = Annotated[str | None, Query(pattern=r"^[a-z_]{1,40}$", description="One figure; default: all of them.")]


def _period(first_day: date | None, last_day: date | None) -> Period:
    """The days asked for; without a last day up to today, without a first day the week up to the last."""
    timezone = settings.CALL_CENTRE_TIMEZONE
    last_day = last_day or default_period(utc_now(), timezone).last_day
    first_day = first_day or last_day - timedelta(days=DEFAULT_DAYS - 1)
    try:
        return make_period(first_day, last_day, timezone)
    except BadPeriod as error:
        raise HTTPException(status.HTTP_422_UNPROCESSABLE_CONTENT, str(error)) from None


def _dashboard(session: SessionDep, first_day: date | None, last_day: date | None) -> Dashboard:
    return build_dashboard(session=session, period=_period(first_day, last_day), now=utc_now())


@router.get(
    "/dashboard",
    summary="The hotline's KPIs over a period (supervisors and admins)",
    description="Conversations by channel and hour, containment, handoff rate and reasons, waiting time to an "
    "agent, first-contact resolution, requests by category and department, on-time completion, the overdue "
    "list, satisfaction by channel, agent and department, and escalations. Days are the contact centre's "
    "(CALL_CENTRE_TIMEZONE).",
    response_model=DashboardPublic,
)
def dashboard(
    user: Supervisor, session: SessionDep, first_day: FirstDay = None, last_day: LastDay = None
) -> DashboardPublic:
    report = _dashboard(session, first_day, last_day)
    return DashboardPublic(
        period=DashboardPeriodPublic(
            first_day=report.period.first_day,
            last_day=report.period.last_day,
            timezone=report.period.timezone.key,
        ),
        generated_at=report.generated_at,
        summary=report.summary,
        figures=[DashboardFigurePublic(**vars(figure)) for figure in report.figures],
    )


@router.get(
    "/dashboard.csv",
    summary="The dashboard's figures as CSV (supervisors and admins)",
    description="One figure (`figure=waiting_time`) as a table, or every figure one after another, each under "
    "its title.",
    response_class=Response,
    responses={200: {"content": {"text/csv": {}}}},
)
def dashboard_csv(
    user: Supervisor,
    session: SessionDep,
    first_day: FirstDay = None,
    last_day: LastDay = None,
    figure: FigureKey = None,
) -> Response:
    report = _dashboard(session, first_day, last_day)
    figures = report.figures
    if figure is not None:
        figures = [f for f in report.figures if f.key == figure]
        if not figures:
            raise HTTPException(status.HTTP_404_NOT_FOUND, "No such figure.")
    name = f"northbridge-12345-{figure or 'kpis'}-{report.period.first_day}-to-{report.period.last_day}.csv"
    return Response(
        content=figures_csv(figures),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{name}"', "Cache-Control": "no-store"},
    )
