"""Fixtures for the notification tests: a Twilio stand-in, the assistant's HTTP API, settings, a filed request."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.core.config import Settings
from app.handoff.delivery import RasaDelivery, set_delivery
from app.models import CitizenNotification, ServiceRequest, ServiceRequestEvent
from app.notifications.runner import run_notifications
from tests.twilio_standin import TwilioStandIn

ACCOUNT_SID = "AC" + "5" * 32
AUTH_TOKEN = "notification-tests-auth-token"
SMS_FROM = "+447700900000"
RATING_QUESTION = "How happy are you with how we handled {number}, from 1 (not at all) to 5 (very)?"


@pytest.fixture
def twilio() -> Iterator[TwilioStandIn]:
    standin = TwilioStandIn(ACCOUNT_SID, AUTH_TOKEN).start()
    yield standin
    standin.stop()


@dataclass
class Assistant:
    """Rasa's HTTP API as the back office uses it to put the rating question (the real one: tests/e2e)."""

    triggers: list[dict[str, Any]] = field(default_factory=list)
    away: bool = False

    def handle(self, request: httpx.Request) -> httpx.Response:
        if self.away:
            return httpx.Response(503, json={"status": "failure"})
        body = json.loads(request.content)
        if request.url.path.endswith("/trigger_intent"):
            self.triggers.append(
                {
                    "conversation_id": request.url.path.split("/")[2],
                    "output_channel": request.url.params.get("output_channel"),
                    **body,
                }
            )
            if request.url.params.get("output_channel"):
                return httpx.Response(200, json={"tracker": {}})
            number = body["entities"]["rated_request"]
            return httpx.Response(
                200, json={"tracker": {}, "messages": [{"text": RATING_QUESTION.format(number=number)}]}
            )
        return httpx.Response(200, json={})


@pytest.fixture
def assistant() -> Iterator[Assistant]:
    calls = Assistant()
    set_delivery(RasaDelivery("http://rasa.test", "", 2.0, transport=httpx.MockTransport(calls.handle)))
    yield calls
    set_delivery(None)


def notification_settings(twilio: TwilioStandIn | None, **changes: Any) -> Settings:
    values: dict[str, Any] = {"NOTIFICATION_MAX_AGE_HOURS": 72, "NOTIFICATION_MAX_ATTEMPTS": 3}
    if twilio is not None:
        values |= {
            "TWILIO_ACCOUNT_SID": ACCOUNT_SID,
            "TWILIO_AUTH_TOKEN": AUTH_TOKEN,
            "TWILIO_SMS_FROM": SMS_FROM,
            "TWILIO_API_BASE_URL": twilio.url,
        }
    return Settings(**(values | changes))


def run(db: Session, now: datetime, settings: Settings) -> dict[str, int]:
    """One run of the notification job at `now`; what it did, by status."""
    return run_notifications(session=db, now=now, settings=settings)[1].counts


def file_request(client: TestClient, headers: dict[str, str], **changes: Any) -> str:
    report = {
        "category": "streetlight",
        "location": "Elm Grove outside no. 3",
        "description": "The lamp has been out for three nights.",
        "channel": "sms",
        "conversation_id": "sms-3b6f1c0e9a7d4e2f",
        "contact_phone": "07700 900123",
        "wants_updates": True,
        **changes,
    }
    reply = client.post("/api/v1/service-requests", json=report, headers=headers)
    assert reply.status_code == 201, reply.text
    return reply.json()["request_number"]


def notifications_of(db: Session, number: str) -> list[CitizenNotification]:
    return list(
        db.scalars(
            select(CitizenNotification)
            .join(ServiceRequestEvent, ServiceRequestEvent.id == CitizenNotification.service_request_event_id)
            .join(ServiceRequest, ServiceRequest.id == ServiceRequestEvent.service_request_id)
            .where(ServiceRequest.request_number == number)
            .order_by(CitizenNotification.id)
        )
    )
