"""Tests of POST /api/v1/handoff-requests."""

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.models import HandoffRequest

URL = "/api/v1/handoff-requests"


def valid_handoff(**changes: object) -> dict[str, object]:
    handoff: dict[str, object] = {
        "conversation_id": "conversation-7",
        "channel": "webchat",
        "reason": "citizen_asked_for_human",
        "intent": "request_human",
        "transcript": [
            {"sender": "citizen", "text": "I want to talk to a person", "sent_at": "2026-03-16T09:14:03Z"},
            {"sender": "assistant", "text": "I am passing you to a colleague.", "sent_at": 1773652444.5},
        ],
    }
    handoff.update(changes)
    return handoff


def test_handoff_gets_sequential_references(client: TestClient, auth_headers: dict[str, str]) -> None:
    first = client.post(URL, json=valid_handoff(), headers=auth_headers)
    second = client.post(URL, json=valid_handoff(conversation_id="other"), headers=auth_headers)
    assert first.status_code == second.status_code == 201
    assert set(first.json()) == {"reference", "status", "created_at"}
    assert first.json()["reference"] == "HO-000001"
    assert second.json()["reference"] == "HO-000002"
    assert first.json()["status"] == "waiting"


def test_transcript_is_stored_cleaned(client: TestClient, db: Session, auth_headers: dict[str, str]) -> None:
    transcript = [{"sender": "citizen", "text": " help\u200b me\x1b[31m ", "sent_at": "2026-03-16T09:14:03+01:00"}]
    reference = client.post(URL, json=valid_handoff(transcript=transcript), headers=auth_headers).json()["reference"]
    stored = db.scalar(select(HandoffRequest).where(HandoffRequest.reference == reference))
    assert stored is not None
    assert stored.transcript == [{"sender": "citizen", "text": "help me[31m", "sent_at": "2026-03-16T09:14:03+01:00"}]
    assert (stored.conversation_id, stored.channel, stored.intent) == ("conversation-7", "webchat", "request_human")


def test_transcript_and_intent_are_optional(client: TestClient, auth_headers: dict[str, str]) -> None:
    handoff = valid_handoff()
    del handoff["transcript"], handoff["intent"]
    assert client.post(URL, json=handoff, headers=auth_headers).status_code == 201


@pytest.mark.parametrize(
    "changes",
    [
        {"transcript": [{"sender": "agent", "text": "hi", "sent_at": "2026-03-16T09:14:03Z"}]},
        {"transcript": [{"sender": "citizen", "text": "\u200b \x00", "sent_at": "2026-03-16T09:14:03Z"}]},
        {"transcript": [{"sender": "citizen", "text": "hi"}]},
        {"transcript": [{"sender": "citizen", "text": "hi", "sent_at": "2026-03-16T09:14:03Z"}] * 501},
        {"conversation_id": ""},
        {"conversation_id": "\u200b"},
        {"reason": " "},
        {"intent": "two words"},
        {"channel": "SMS!"},
    ],
    ids=[
        "unknown-sender",
        "empty-text",
        "no-time",
        "too-long",
        "empty-id",
        "invisible-id",
        "blank-reason",
        "bad-intent",
        "bad-channel",
    ],
)
def test_bad_handoffs_are_rejected(
    client: TestClient, auth_headers: dict[str, str], changes: dict[str, object]
) -> None:
    assert client.post(URL, json=valid_handoff(**changes), headers=auth_headers).status_code == 422


def test_service_token_required(client: TestClient) -> None:
    assert client.post(URL, json=valid_handoff()).status_code == 401
