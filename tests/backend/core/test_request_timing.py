"""Tests of the slow-request log: which route was slow and how slow, never the path a citizen's id is in."""

import logging
import time

import pytest
from fastapi import APIRouter, FastAPI
from fastapi.testclient import TestClient

from app.core.request_timing import SlowRequestLog
from app.main import app as back_office


def timed_app(threshold_ms: float) -> FastAPI:
    app = FastAPI()
    conversations = APIRouter()

    @conversations.get("/conversations/{conversation_id}/pause")
    def pause(conversation_id: str, ms: float = 0) -> dict[str, str]:
        time.sleep(ms / 1000)
        return {"conversation": conversation_id}

    app.include_router(conversations, prefix="/api/v1")

    @app.get("/broken")
    def broken() -> None:
        raise RuntimeError("the handler failed")

    app.add_middleware(SlowRequestLog, threshold_ms=threshold_ms)
    return app


def slow_lines(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.name == "app.slow_requests"]


def test_a_slow_request_is_logged_with_its_route_template_not_its_path(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.WARNING, logger="app.slow_requests")
    with TestClient(timed_app(threshold_ms=50)) as client:
        assert client.get("/api/v1/conversations/amira-haddad-07700900123/pause", params={"ms": 80}).status_code == 200
    [line] = slow_lines(caplog)
    assert line.startswith("slow request: GET /api/v1/conversations/{conversation_id}/pause answered 200 after ")
    assert int(line.rsplit(" ", 2)[-2]) >= 80
    assert "amira" not in line and "07700900123" not in line


def test_a_quick_request_is_not_logged(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.WARNING, logger="app.slow_requests")
    with TestClient(timed_app(threshold_ms=500)) as client:
        assert client.get("/api/v1/conversations/c1/pause").status_code == 200
    assert slow_lines(caplog) == []


def test_a_request_that_fails_before_answering_is_still_timed(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.WARNING, logger="app.slow_requests")
    with TestClient(timed_app(threshold_ms=0.001), raise_server_exceptions=False) as client:
        assert client.get("/broken").status_code == 500
        assert client.get("/no/such/route").status_code == 404
    lines = slow_lines(caplog)
    assert lines[0].startswith("slow request: GET /broken failed after ")
    assert lines[1].startswith("slow request: GET (no route) answered 404 after ")


def test_the_back_office_logs_its_slow_requests() -> None:
    assert SlowRequestLog in [middleware.cls for middleware in back_office.user_middleware]
