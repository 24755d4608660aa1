"""Fixtures for handoff and console tests: a recording Rasa endpoint, live updates, signed-in staff."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient

from app.handoff.delivery import RasaDelivery, set_delivery
from app.live.updates import LiveUpdates, set_live_updates
from app.staff.demo import DEMO_PASSWORD


@dataclass
class RasaCalls:
    """What the back office asked of the Rasa server's HTTP API; `failing` makes every call a 503."""

    requests: list[httpx.Request] = field(default_factory=list)
    failing: bool = False

    def handle(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        if self.failing:
            return httpx.Response(503, json={"status": "failure"})
        return httpx.Response(200, json={"sender_id": "x", "events": []})

    def bodies(self, path_end: str) -> list[Any]:
        return [json.loads(r.content) for r in self.requests if r.url.path.endswith(path_end)]


@pytest.fixture
def rasa() -> Iterator[RasaCalls]:
    """The Rasa HTTP API as the back office sees it; the real server is exercised in tests/e2e."""
    calls = RasaCalls()
    set_delivery(RasaDelivery("http://rasa.test", "rasa-token", 2.0, transport=httpx.MockTransport(calls.handle)))
    yield calls
    set_delivery(None)


@pytest.fixture
def live() -> Iterator[LiveUpdates]:
    updates = LiveUpdates("")
    set_live_updates(updates)
    yield updates
    set_live_updates(None)


def sign_in(client: TestClient, username: str, password: str = DEMO_PASSWORD) -> dict[str, str]:
    """Sign `username` in on this client (cookie kept by the client); returns the CSRF header for writes."""
    reply = client.post("/console/api/login", json={"username": username, "password": password})
    assert reply.status_code == 200, reply.text
    return {"X-CSRF-Token": reply.json()["csrf_token"]}


def handoff_packet(**changes: Any) -> dict[str, Any]:
    packet: dict[str, Any] = {
        "conversation_id": "conv-" + changes.pop("suffix", "1"),
        "channel": "webchat",
        "language": "en",
        "reason": "citizen_asked_for_human",
        "topic": "check_application_status",
        "intent": "request_human",
        "intent_confidence": 0.93,
        "entities": [{"entity": "application_number", "value": "APP-204817"}],
        "case_numbers": ["APP-204817"],
        "transcript": [
            {"sender": "citizen", "text": "where is my licence", "sent_at": "2026-03-16T09:14:03Z"},
            {"sender": "assistant", "text": "What is the application number?", "sent_at": "2026-03-16T09:14:04Z"},
            {"sender": "citizen", "text": "I want to talk to a person", "sent_at": "2026-03-16T09:15:00Z"},
        ],
    }
    packet.update(changes)
    return packet
