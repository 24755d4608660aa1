"""Liveness and database reachability, for load balancers and docker-compose."""

import logging

from fastapi import APIRouter
from fastapi.responses import JSONResponse
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from app.api.deps import SessionDep
from app.schemas import HealthStatus

router = APIRouter(tags=["health"])
logger = logging.getLogger(__name__)


@router.get(
    "/health",
    summary="Check the service and its database",
    response_model=HealthStatus,
    responses={503: {"model": HealthStatus, "description": "The database cannot be reached."}},
)
def health(session: SessionDep) -> HealthStatus | JSONResponse:
    try:
        session.execute(text("SELECT 1"))
    except SQLAlchemyError as error:
        # The error type only: messages can carry connection strings.
        logger.error("health check: database unavailable (%s)", type(error).__name__)
        return JSONResponse(status_code=503, content={"status": "error", "database": "unavailable"})
    return HealthStatus(status="ok", database="ok")


@router.get(
    "/health/live",
    summary="Check that the process answers",
    description="Touches nothing else: for liveness probes, and the baseline the benchmarks compare against.",
)
def live() -> dict[str, str]:
    return {"status": "ok"}
