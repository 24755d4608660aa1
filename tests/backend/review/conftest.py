"""Fixtures for the review tests: the Rasa server's domain as the back office reads it, messages to review."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
import yaml

from app.handoff.delivery import RasaDelivery, set_delivery

ROOT = Path(__file__).resolve().parents[3]
START = datetime(2026, 3, 16, 9, 0, 0, 250000, tzinfo=UTC)


def real_domain() -> dict[str, Any]:
    """The assistant's own domain (bot/domain), merged as Rasa's GET /domain returns it."""
    intents: list[Any] = []
    entities: list[str] = []
    for path in sorted((ROOT / "bot" / "domain").glob("*.yml")):
        part = yaml.safe_load(path.read_text()) or {}
        intents += part.get("intents") or []
        entities += part.get("entities") or []
    return {"intents": intents, "entities": entities, "slots": {}, "responses": {}}


class RasaDomain:
    """Rasa's GET /domain for the back office; `down` makes it unreachable. The real server is used in tests/e2e."""

    def __init__(self) -> None:
        self.down = False
        self.tokens: list[str | None] = []

    def handle(self, request: httpx.Request) -> httpx.Response:
        if self.down:
            raise httpx.ConnectError("connection refused")
        self.tokens.append(request.url.params.get("token"))
        if request.url.path == "/domain" and request.method == "GET":
            return httpx.Response(200, json=real_domain())
        return httpx.Response(404, json={"status": "failure"})


@pytest.fixture
def rasa_domain() -> Iterator[RasaDomain]:
    domain = RasaDomain()
    set_delivery(RasaDelivery("http://rasa.test", "rasa-token", 2.0, transport=httpx.MockTransport(domain.handle)))
    yield domain
    set_delivery(None)


def review_message(seconds: float = 0, **changes: Any) -> dict[str, Any]:
    message: dict[str, Any] = {
        "conversation_id": "review-conv-1",
        "at": (START + timedelta(seconds=seconds)).isoformat(),
        "channel": "webchat",
        "language": "en",
        "text": "can I get my bins emptied on a tuesday",
        "intent": "report_issue",
        "confidence": 0.41,
        "entities": [],
        "reasons": ["low_confidence"],
    }
    message.update(changes)
    return message
