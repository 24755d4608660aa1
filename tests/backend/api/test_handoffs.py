"""Tests of the handoff calls the assistant and the channels make (/api/v1/handoffs, ...)."""

from datetime import UTC, datetime

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Connection, event, select
from sqlalchemy.orm import Session

from app.core.config import settings
from app.handoff.models import CallbackRequest, Handoff, SatisfactionRating
from app.models import ServiceRequest
from tests.backend.handoff_fixtures import handoff_packet

URL = "/api/v1/handoffs"


def test_handoff_is_queued_for_the_team_its_topic_routes_to(
    client: TestClient, db: Session, auth_headers: dict[str, str], live
) -> None:
    first = client.post(URL, json=handoff_packet(suffix="a"), headers=auth_headers)
    second = client.post(URL, json=handoff_packet(suffix="b"), headers=auth_headers)

    assert first.status_code == second.status_code == 201
    assert first.json()["status"] == "queued"
    assert first.json()["team"] == "permits" and first.json()["team_name"] == "Permits and benefits"
    assert (first.json()["queue_position"], second.json()["queue_position"]) == (1, 2)
    assert second.json()["estimated_wait_minutes"] >= first.json()["estimated_wait_minutes"] >= 1
    stored = db.scalar(select(Handoff).where(Handoff.reference == first.json()["reference"]))
    assert stored is not None
    assert [m.sender for m in stored.messages] == ["citizen", "assistant", "citizen"]
    assert stored.case_numbers == ["APP-204817"] and stored.intent_confidence == pytest.approx(0.93)
    assert stored.entities == [{"entity": "application_number", "value": "APP-204817"}]


def test_an_emergency_goes_to_its_team_whatever_the_topic(client: TestClient, auth_headers: dict[str, str]) -> None:
    reply = client.post(URL, json=handoff_packet(reason="emergency", topic="report_issue"), headers=auth_headers)
    assert reply.json()["team"] == "urgent"


def test_a_chinese_conversation_goes_to_the_chinese_speaking_team_unless_it_is_an_emergency(
    client: TestClient, auth_headers: dict[str, str]
) -> None:
    chinese = client.post(URL, json={**handoff_packet(suffix="zh"), "language": "zh"}, headers=auth_headers)
    emergency = client.post(
        URL, json={**handoff_packet(suffix="zh-urgent", reason="emergency"), "language": "zh"}, headers=auth_headers
    )
    english = client.post(URL, json={**handoff_packet(suffix="en"), "language": "en"}, headers=auth_headers)
    assert chinese.json()["team"] == "chinese"
    assert emergency.json()["team"] == "urgent"
    assert english.json()["team"] == "permits"


def test_unrouted_topic_goes_to_the_general_team(client: TestClient, auth_headers: dict[str, str]) -> None:
    reply = client.post(URL, json=handoff_packet(topic="ask_capabilities"), headers=auth_headers)
    assert reply.json()["team"] == "general"


def test_asking_again_returns_the_same_handoff(client: TestClient, auth_headers: dict[str, str]) -> None:
    first = client.post(URL, json=handoff_packet(), headers=auth_headers)
    again = client.post(URL, json=handoff_packet(), headers=auth_headers)
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json()["reference"] == first.json()["reference"]


def test_out_of_hours_nothing_is_queued_and_the_opening_time_is_given(
    client: TestClient, db: Session, auth_headers: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    # Open one hour a week, at a time that is not now.
    now = datetime.now(UTC).astimezone(settings.opening_hours.zone)
    other_day = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"][(now.weekday() + 3) % 7]
    monkeypatch.setattr(settings, "CALL_CENTRE_HOURS", f"{other_day} 10:00-11:00")

    reply = client.post(URL, json=handoff_packet(suffix="night"), headers=auth_headers)

    assert reply.status_code == 200
    assert reply.json()["status"] == "closed" and reply.json()["team"] == "permits"
    opens_at = datetime.fromisoformat(reply.json()["opens_at"]).astimezone(settings.opening_hours.zone)
    assert opens_at.strftime("%a %H:%M") == f"{other_day} 10:00"
    assert db.scalar(select(Handoff).where(Handoff.conversation_id == "conv-night")) is None


def test_open_handoff_of_a_conversation(client: TestClient, auth_headers: dict[str, str]) -> None:
    assert client.get("/api/v1/conversations/conv-1/handoff", headers=auth_headers).status_code == 404
    reference = client.post(URL, json=handoff_packet(), headers=auth_headers).json()["reference"]
    reply = client.get("/api/v1/conversations/conv-1/handoff", headers=auth_headers)
    assert reply.json() == {"reference": reference, "status": "waiting", "team": "permits"}


def test_citizen_messages_are_relayed_to_the_open_handoff(
    client: TestClient, db: Session, auth_headers: dict[str, str], live
) -> None:
    url = "/api/v1/conversations/conv-1/citizen-messages"
    assert client.post(url, json={"text": "hello?"}, headers=auth_headers).status_code == 404
    reference = client.post(URL, json=handoff_packet(), headers=auth_headers).json()["reference"]

    reply = client.post(
        url, json={"text": "still there? 🙂 我在等", "intent": "greet", "intent_confidence": 0.8}, headers=auth_headers
    )

    assert reply.status_code == 202 and reply.json() == {"reference": reference}
    handoff = db.scalar(select(Handoff).where(Handoff.reference == reference))
    assert handoff is not None
    assert handoff.messages[-1].text == "still there? 🙂 我在等" and handoff.messages[-1].sender == "citizen"
    assert handoff.intent == "greet"


def test_relaying_a_message_does_not_read_the_transcript(
    client: TestClient, connection: Connection, auth_headers: dict[str, str], live
) -> None:
    # Every citizen message of a handed-off conversation goes through here; reading the whole
    # transcript first made each relay slower as the conversation grew, inside a transaction that
    # on SQLite holds the write lock every other relay and reply waits for.
    url = "/api/v1/conversations/conv-1/citizen-messages"
    client.post(URL, json=handoff_packet(), headers=auth_headers).raise_for_status()
    statements: list[str] = []

    def note(_conn, _cursor, statement, _parameters, _context, _executemany) -> None:  # type: ignore[no-untyped-def]
        statements.append(statement)

    event.listen(connection, "before_cursor_execute", note)
    try:
        assert client.post(url, json={"text": "are you there?"}, headers=auth_headers).status_code == 202
    finally:
        event.remove(connection, "before_cursor_execute", note)
    read = [s for s in statements if s.lstrip().upper().startswith("SELECT")]
    assert read and not [s for s in read if "handoff_message" in s or "handoff_event" in s], read


def test_callback_is_filed_as_a_service_request_after_the_next_opening(
    client: TestClient, db: Session, auth_headers: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(settings, "CALL_CENTRE_HOURS", "Mon-Fri 08:00-18:00")
    body = {"conversation_id": "conv-cb", "channel": "sms", "phone": "+44 7700 900123", "topic": "report_issue"}

    reply = client.post("/api/v1/callbacks", json=body, headers=auth_headers)

    assert reply.status_code == 201, reply.text
    filed = reply.json()
    request = db.scalar(select(ServiceRequest).where(ServiceRequest.request_number == filed["request_number"]))
    assert request is not None and request.category.code == "callback"
    assert request.contact_phone == "+44 7700 900123" and request.department.code == "contact_centre"
    expected_from = datetime.fromisoformat(filed["expected_from"]).astimezone(settings.opening_hours.zone)
    assert expected_from.weekday() < 5 and "08:00" <= expected_from.strftime("%H:%M") < "18:00"
    callback = db.scalar(select(CallbackRequest).where(CallbackRequest.service_request_id == request.id))
    assert callback is not None and callback.team.code == "streets"


def test_rating_is_linked_to_the_ended_handoff(
    client: TestClient, db: Session, auth_headers: dict[str, str], live
) -> None:
    reference = client.post(URL, json=handoff_packet(suffix="r"), headers=auth_headers).json()["reference"]
    handoff = db.scalar(select(Handoff).where(Handoff.reference == reference))
    assert handoff is not None
    handoff.status, handoff.ended_at = "closed", datetime.now(UTC)
    db.commit()

    body = {"conversation_id": "conv-r", "channel": "webchat", "rating": 4, "comment": "Quick and kind"}
    reply = client.post("/api/v1/satisfaction-ratings", json=body, headers=auth_headers)

    assert reply.status_code == 201
    assert reply.json() == {"rating": 4, "handoff_reference": reference, "request_number": None}
    rating = db.scalar(select(SatisfactionRating).where(SatisfactionRating.conversation_id == "conv-r"))
    assert rating is not None and rating.handoff_id == handoff.id and rating.comment == "Quick and kind"


@pytest.mark.parametrize(
    "changes",
    [
        {"transcript": [{"sender": "robot", "text": "hi", "sent_at": "2026-03-16T09:14:03Z"}]},
        {"transcript": [{"sender": "citizen", "text": "\u200b \x00", "sent_at": "2026-03-16T09:14:03Z"}]},
        {"transcript": [{"sender": "citizen", "text": "hi"}]},
        {"transcript": [{"sender": "citizen", "text": "hi", "sent_at": "2026-03-16T09:14:03Z"}] * 501},
        {"conversation_id": ""},
        {"conversation_id": "\u200b"},
        {"reason": "two words"},
        {"intent": "two words"},
        {"channel": "SMS!"},
        {"language": "english"},
        {"case_numbers": ["APP-1"]},
        {"intent_confidence": 1.5},
        {"surprise": True},
    ],
    ids=[
        "unknown-sender",
        "empty-text",
        "no-time",
        "too-long",
        "empty-id",
        "invisible-id",
        "bad-reason",
        "bad-intent",
        "bad-channel",
        "bad-language",
        "bad-case-number",
        "bad-confidence",
        "unknown-field",
    ],
)
def test_bad_handoffs_are_rejected(
    client: TestClient, auth_headers: dict[str, str], changes: dict[str, object]
) -> None:
    reply = client.post(URL, json=handoff_packet(**changes), headers=auth_headers)
    assert reply.status_code == 422
    assert "\u200b" not in reply.text and "two words" not in reply.text  # the input is not echoed


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("post", URL),
        ("get", "/api/v1/conversations/conv-1/handoff"),
        ("post", "/api/v1/conversations/conv-1/citizen-messages"),
        ("post", "/api/v1/callbacks"),
        ("post", "/api/v1/satisfaction-ratings"),
    ],
)
def test_service_token_required(client: TestClient, method: str, path: str) -> None:
    assert client.request(method, path, json={}).status_code == 401
