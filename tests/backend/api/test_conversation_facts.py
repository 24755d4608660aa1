"""Tests of POST /api/v1/conversation-facts: what the Rasa server's broker reports about conversations."""

from datetime import UTC, datetime, timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.models import ConversationSession, ConversationTurn

URL = "/api/v1/conversation-facts"
START = datetime(2025, 2, 3, 9, 0, 0, 123456, tzinfo=UTC)


def fact(kind: str, seconds: float, conversation_id: str = "facts-conv-1", **values: object) -> dict[str, object]:
    return {
        "kind": kind,
        "conversation_id": conversation_id,
        "at": (START + timedelta(seconds=seconds)).isoformat(),
        **values,
    }


def turn(seconds: float, intent: str = "greet", **values: object) -> dict[str, object]:
    return fact("citizen_turn", seconds, channel="webchat", language="en", intent=intent, confidence=0.91, **values)


def sessions(db: Session, conversation_id: str = "facts-conv-1") -> list[ConversationSession]:
    return list(
        db.scalars(
            select(ConversationSession)
            .where(ConversationSession.conversation_id == conversation_id)
            .order_by(ConversationSession.started_at)
        )
    )


def test_a_batch_records_sessions_turns_and_handoffs(
    client: TestClient, db: Session, auth_headers: dict[str, str]
) -> None:
    batch = [
        fact("session_started", 0),
        turn(1),
        turn(30, "request_human"),
        fact("handed_off", 31, reference="HO-000042"),
        # An hour later Rasa starts a new session for the same conversation id.
        fact("session_started", 4000),
        turn(4001, "check_request_status"),
        fact("callback_filed", 4002, reference="SR-100300"),
    ]
    reply = client.post(URL, json={"facts": batch}, headers=auth_headers)
    assert reply.status_code == 202, reply.text
    assert reply.json() == {"recorded": 7}
    first, second = sessions(db)
    assert (first.channel, first.language, first.handoff_reference, first.callback_reference) == (
        "webchat",
        "en",
        "HO-000042",
        None,
    )
    assert first.started_at == START and first.last_activity_at == START + timedelta(seconds=31)
    assert [(t.intent, t.confidence) for t in first.turns] == [("greet", 0.91), ("request_human", 0.91)]
    assert (second.handoff_reference, second.callback_reference) == (None, "SR-100300")
    assert [t.intent for t in second.turns] == ["check_request_status"]


def test_the_same_batch_twice_records_nothing_new(
    client: TestClient, db: Session, auth_headers: dict[str, str]
) -> None:
    batch = {"facts": [fact("session_started", 0), turn(1), turn(2), fact("handed_off", 3, reference="HO-000043")]}
    assert client.post(URL, json=batch, headers=auth_headers).json() == {"recorded": 4}
    assert client.post(URL, json=batch, headers=auth_headers).json() == {"recorded": 0}
    (only,) = sessions(db)
    assert len(only.turns) == 2


def test_facts_out_of_order_and_without_a_reported_start(
    client: TestClient, db: Session, auth_headers: dict[str, str]
) -> None:
    # The broker started mid-conversation: the first fact opens a session; later batches join it.
    client.post(URL, json={"facts": [turn(5, "inform"), turn(3, "greet")]}, headers=auth_headers)
    client.post(URL, json={"facts": [turn(9, "affirm")]}, headers=auth_headers)
    (only,) = sessions(db)
    assert only.started_at == START + timedelta(seconds=3)
    assert [t.intent for t in only.turns] == ["greet", "inform", "affirm"]
    assert only.last_activity_at == START + timedelta(seconds=9)


def test_a_session_without_citizen_messages_has_no_channel(
    client: TestClient, db: Session, auth_headers: dict[str, str]
) -> None:
    client.post(URL, json={"facts": [fact("session_started", 0, "facts-conv-silent")]}, headers=auth_headers)
    (only,) = sessions(db, "facts-conv-silent")
    assert only.channel is None and only.turns == []


@pytest.mark.parametrize(
    "bad",
    [
        {"text": "my date of birth is 14 March 1985"},  # message text is never accepted
        {"metadata": {"phone": "+447700900123"}},
        {"kind": "user_said"},
        {"at": "2025-02-03T09:00:00"},  # no offset
        {"at": "yesterday"},
        {"conversation_id": ""},
        {"conversation_id": "x" * 129},
        {"conversation_id": "a b<script>"},
        {"channel": "Web Chat"},
        {"channel": None},
        {"intent": "greet; DROP TABLE conversation_turn"},
        {"confidence": 1.5},
        {"language": "english"},
    ],
)
def test_malformed_facts_are_refused_whole(
    client: TestClient, db: Session, auth_headers: dict[str, str], bad: dict[str, object]
) -> None:
    good = turn(1)
    reply = client.post(URL, json={"facts": [fact("session_started", 0), {**good, **bad}]}, headers=auth_headers)
    assert reply.status_code == 422
    assert "14 March" not in reply.text and "+4477" not in reply.text
    assert sessions(db) == []


@pytest.mark.parametrize(
    "bad_fact",
    [
        {"reference": None},
        {"reference": "SR-100300"},  # a handoff carries a handoff reference
        {"reference": "HO-12"},
    ],
)
def test_a_handoff_fact_needs_its_reference(
    client: TestClient, auth_headers: dict[str, str], bad_fact: dict[str, object]
) -> None:
    reply = client.post(URL, json={"facts": [{**fact("handed_off", 1), **bad_fact}]}, headers=auth_headers)
    assert reply.status_code == 422


def test_batches_are_bounded_and_need_the_service_token(client: TestClient, auth_headers: dict[str, str]) -> None:
    assert client.post(URL, json={"facts": []}, headers=auth_headers).status_code == 422
    too_many = [turn(i) for i in range(501)]
    assert client.post(URL, json={"facts": too_many}, headers=auth_headers).status_code == 422
    assert client.post(URL, json={"facts": [turn(1)]}).status_code == 401
    assert client.post(URL, json={"facts": [turn(1)]}, headers={"Authorization": "Bearer wrong"}).status_code == 401


def test_turns_are_kept_per_session(db: Session, client: TestClient, auth_headers: dict[str, str]) -> None:
    client.post(
        URL,
        json={"facts": [fact("session_started", 0, "facts-a"), fact("session_started", 0, "facts-b")]},
        headers=auth_headers,
    )
    client.post(URL, json={"facts": [turn(1, conversation_id="facts-a")]}, headers=auth_headers)
    assert (
        db.scalar(
            select(ConversationTurn).join(ConversationSession).where(ConversationSession.conversation_id == "facts-b")
        )
        is None
    )
