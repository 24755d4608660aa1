"""The back-office API application: `uvicorn app.main:app`."""

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator

from fastapi import FastAPI, Request, status
from fastapi.encoders import jsonable_encoder
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from sqlalchemy.exc import InterfaceError, OperationalError

from app.api.main import api_router
from app.api.routes import health, metrics
from app.console.main import console_api, console_pages, console_static
from app.core.config import settings
from app.core.db import new_session
from app.core.request_limits import BodySizeLimit
from app.core.request_timing import SlowRequestLog
from app.lifecycle.escalation import run_overdue_checks
from app.live.updates import get_live_updates
from app.notifications.runner import run_notification_checks
from app.open311.formats import Open311Error, render_error
from app.open311.router import router as open311_router
from redaction import install_log_redaction

# Before anything is served: no log line of this process may carry a citizen's personal data.
install_log_redaction()

logger = logging.getLogger(__name__)


@contextlib.asynccontextmanager
async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
    # Listen for other processes' console events, check for overdue work and send citizens'
    # notifications, as long as this one serves.
    live = get_live_updates()
    await live.start()
    jobs = []
    if settings.OVERDUE_CHECK_INTERVAL_SECONDS > 0:
        jobs.append(asyncio.create_task(run_overdue_checks(new_session, settings.OVERDUE_CHECK_INTERVAL_SECONDS)))
    if settings.NOTIFICATION_INTERVAL_SECONDS > 0:
        jobs.append(
            asyncio.create_task(run_notification_checks(new_session, settings, settings.NOTIFICATION_INTERVAL_SECONDS))
        )
    try:
        yield
    finally:
        for job in jobs:
            job.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await job
        await live.stop()


app = FastAPI(
    lifespan=lifespan,
    title="Northbridge citizen-service back office",
    version="0.1.0",
    summary="Applications, service requests, the handoff queue and the agent console behind the 12345 assistant.",
    description=(
        "`/api/v1` is called by the assistant's action server and the channels; every route needs "
        "`Authorization: Bearer <BACKEND_SERVICE_TOKEN>`. `/console/api` is the agent console's API: a "
        "session cookie from `POST /console/api/login`, and `X-CSRF-Token` on every write."
    ),
    # The schema and interactive docs are for developers; production does not
    # advertise its API to whoever can reach the port.
    docs_url="/docs" if settings.ENVIRONMENT == "development" else None,
    openapi_url="/openapi.json" if settings.ENVIRONMENT == "development" else None,
    redoc_url=None,
)


@app.exception_handler(RequestValidationError)
async def validation_error(_request: Request, error: RequestValidationError) -> JSONResponse:
    # FastAPI's default 422 echoes the rejected input back; here that can be a
    # date of birth, a PIN or a citizen's free text, which then ends up in the
    # caller's logs. Location, message and type are enough to fix a request.
    detail = [
        {"loc": list(item.get("loc", ())), "msg": item.get("msg", ""), "type": item.get("type", "")}
        for item in error.errors()
    ]
    return JSONResponse(status_code=status.HTTP_422_UNPROCESSABLE_CONTENT, content=jsonable_encoder({"detail": detail}))


@app.exception_handler(Open311Error)
async def open311_error(_request: Request, error: Open311Error) -> Response:
    # Open311 clients read errors in the specification's own format.
    return render_error(error)


@app.exception_handler(OperationalError)
@app.exception_handler(InterfaceError)
async def database_unavailable(_request: Request, error: Exception) -> JSONResponse:
    # The database restarting or unreachable: the transaction was rolled back, so the caller
    # may simply try again. The error's text can hold connection details and bound values.
    logger.error("database unavailable during a request (%s)", type(error).__name__)
    return JSONResponse(
        status_code=status.HTTP_503_SERVICE_UNAVAILABLE,
        content={"detail": "The database is unavailable just now. Please try again shortly."},
        headers={"Retry-After": "5"},
    )


app.add_middleware(SlowRequestLog, threshold_ms=settings.SLOW_REQUEST_MS)
# Outermost, so that an oversized body is refused before anything reads it.
app.add_middleware(BodySizeLimit)

app.include_router(health.router)
app.include_router(metrics.router)
app.include_router(api_router)
app.include_router(open311_router)
app.include_router(console_api)
app.include_router(console_pages)
app.mount("/console/static", console_static, name="console-static")
