"""Tests of an agent's work on a handed-off conversation, through the console API."""

from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Connection, event, select
from sqlalchemy.orm import Session

from app.handoff.models import Handoff
from app.staff.models import StaffUser
from tests.backend.handoff_fixtures import RasaCalls, handoff_packet, sign_in

API = "/console/api"


def queue_handoff(client: TestClient, auth_headers: dict[str, str], **changes: Any) -> str:
    reply = client.post("/api/v1/handoffs", json=handoff_packet(**changes), headers=auth_headers)
    assert reply.status_code == 201, reply.text
    return reply.json()["reference"]


def available(client: TestClient, username: str) -> dict[str, str]:
    csrf = sign_in(client, username)
    assert client.put(f"{API}/me/presence", json={"presence": "available"}, headers=csrf).status_code == 200
    return csrf


def test_queue_row_shows_what_the_agent_needs(client: TestClient, auth_headers: dict[str, str], live) -> None:
    reference = queue_handoff(client, auth_headers)
    sign_in(client, "alice")

    (row,) = [r for r in client.get(f"{API}/conversations").json() if r["reference"] == reference]

    assert row["channel"] == "webchat" and row["language"] == "en" and row["status"] == "waiting"
    assert row["reason"] == "citizen_asked_for_human" and row["team"] == "permits"
    assert row["intent"] == "request_human" and row["intent_confidence"] == pytest.approx(0.93)
    assert row["case_numbers"] == ["APP-204817"] and row["queue_position"] >= 1
    assert row["last_citizen_message"] == "I want to talk to a person"
    assert row["waiting_seconds"] >= 0


def test_claim_then_chat_reaches_the_citizen_through_rasa(
    client: TestClient, db: Session, auth_headers: dict[str, str], live, rasa: RasaCalls
) -> None:
    reference = queue_handoff(client, auth_headers)
    csrf = available(client, "alice")

    claimed = client.post(f"{API}/conversations/{reference}/claim", headers=csrf)
    assert claimed.status_code == 200 and claimed.json()["assigned_agent"] == "alice"
    assert [m["text"] for m in claimed.json()["messages"]][-1] == (
        "You're now chatting with Alice Morgan from the Northbridge contact centre."
    )

    reply = client.post(f"{API}/conversations/{reference}/messages", json={"text": "Hello, I'm Alice."}, headers=csrf)

    assert reply.status_code == 201 and reply.json()["delivery"] == "delivered"
    sent = rasa.bodies("/tracker/events")
    assert sent[-1] == [
        {"event": "bot", "text": "Hello, I'm Alice.", "metadata": {"sender": "agent", "author_name": "Alice Morgan"}}
    ]
    request = rasa.requests[-1]
    assert request.url.path == "/conversations/conv-1/tracker/events"
    assert dict(request.url.params) == {
        "token": "rasa-token",
        "execute_side_effects": "true",
        "output_channel": "latest",
        "include_events": "NONE",  # Rasa need not serialise the whole conversation back
    }


def test_a_reply_does_not_read_the_transcript_and_is_in_it_afterwards(
    client: TestClient, connection: Connection, auth_headers: dict[str, str], live, rasa: RasaCalls
) -> None:
    # Agents' replies are the other hot path of a live chat (see the relay's test in api/test_handoffs.py).
    reference = queue_handoff(client, auth_headers)
    csrf = available(client, "alice")
    client.post(f"{API}/conversations/{reference}/claim", headers=csrf).raise_for_status()
    statements: list[str] = []

    def note(_conn, _cursor, statement, _parameters, _context, _executemany) -> None:  # type: ignore[no-untyped-def]
        statements.append(statement)

    event.listen(connection, "before_cursor_execute", note)
    try:
        reply = client.post(f"{API}/conversations/{reference}/messages", json={"text": "One moment."}, headers=csrf)
    finally:
        event.remove(connection, "before_cursor_execute", note)
    assert reply.status_code == 201 and reply.json()["delivery"] == "delivered"
    read = [s for s in statements if s.lstrip().upper().startswith("SELECT")]
    assert read and not [s for s in read if "handoff_message" in s or "handoff_event" in s], read
    transcript = client.get(f"{API}/conversations/{reference}").json()["messages"]
    assert (transcript[-1]["text"], transcript[-1]["delivery"]) == ("One moment.", "delivered")


def test_reply_is_kept_and_marked_failed_when_rasa_is_down(
    client: TestClient, auth_headers: dict[str, str], live, rasa: RasaCalls
) -> None:
    reference = queue_handoff(client, auth_headers)
    csrf = available(client, "alice")
    client.post(f"{API}/conversations/{reference}/claim", headers=csrf)
    rasa.failing = True

    reply = client.post(f"{API}/conversations/{reference}/messages", json={"text": "Are you there?"}, headers=csrf)

    assert reply.status_code == 201 and reply.json()["delivery"] == "failed"
    messages = client.get(f"{API}/conversations/{reference}").json()["messages"]
    assert messages[-1]["text"] == "Are you there?" and messages[-1]["delivery"] == "failed"


def test_only_the_assignee_replies_and_only_one_agent_claims(
    client: TestClient, auth_headers: dict[str, str], live, rasa
) -> None:
    reference = queue_handoff(client, auth_headers)
    chen = available(client, "chen")
    assert client.post(f"{API}/conversations/{reference}/claim", headers=chen).status_code == 200

    alice = available(client, "alice")
    second = client.post(f"{API}/conversations/{reference}/claim", headers=alice)
    assert second.status_code == 409 and "no longer waiting" in second.json()["detail"]
    assert (
        client.post(f"{API}/conversations/{reference}/messages", json={"text": "hi"}, headers=alice).status_code == 409
    )


def test_away_or_full_agents_are_offered_nothing(
    client: TestClient, db: Session, auth_headers: dict[str, str], live, rasa
) -> None:
    first, second, third = (queue_handoff(client, auth_headers, suffix=s) for s in "xyz")
    csrf = sign_in(client, "chen")  # capacity 2, signs in away
    away = client.post(f"{API}/conversations/{first}/claim", headers=csrf)
    assert away.status_code == 409 and "available" in away.json()["detail"]

    csrf = available(client, "chen")
    assert client.post(f"{API}/conversations/{first}/claim", headers=csrf).status_code == 200
    assert client.post(f"{API}/conversations/{second}/claim", headers=csrf).status_code == 200
    chen = db.scalar(select(StaffUser).where(StaffUser.username == "chen"))
    assert chen is not None
    db.refresh(chen)
    assert chen.presence == "busy"  # at capacity
    full = client.post(f"{API}/conversations/{third}/claim", headers=csrf)
    assert full.status_code == 409 and "capacity" in full.json()["detail"]


def test_notes_stay_internal(client: TestClient, auth_headers: dict[str, str], live, rasa: RasaCalls) -> None:
    reference = queue_handoff(client, auth_headers)
    csrf = available(client, "alice")
    client.post(f"{API}/conversations/{reference}/claim", headers=csrf)
    calls_before = len(rasa.requests)

    note = client.post(
        f"{API}/conversations/{reference}/notes", json={"text": "Sounds upset; be gentle."}, headers=csrf
    )

    assert note.status_code == 201 and note.json()["internal"] is True
    assert len(rasa.requests) == calls_before  # nothing went to the citizen


def test_transfer_to_a_team_requeues_and_tells_the_citizen(
    client: TestClient, db: Session, auth_headers: dict[str, str], live, rasa: RasaCalls
) -> None:
    reference = queue_handoff(client, auth_headers)
    csrf = available(client, "alice")
    client.post(f"{API}/conversations/{reference}/claim", headers=csrf)

    moved = client.post(
        f"{API}/conversations/{reference}/transfer",
        json={"team": "streets", "note": "About the pothole, not the licence."},
        headers=csrf,
    )

    assert moved.status_code == 200
    assert (moved.json()["team"], moved.json()["status"], moved.json()["assigned_agent"]) == (
        "streets",
        "waiting",
        None,
    )
    assert moved.json()["events"][-1]["kind"] == "transferred"
    told = [body[0]["text"] for body in rasa.bodies("/tracker/events") if body[0].get("text")]
    assert "Streets and environment" in told[-1]
    # Waiting web chat citizens of the team see their new place in the queue.
    statuses = [body[0]["data"]["custom"]["handoff"] for body in rasa.bodies("/tracker/events") if "data" in body[0]]
    assert statuses[-1]["reference"] == reference and statuses[-1]["queue_position"] >= 1
    # Alice (general, permits) no longer sees it; Bilal (streets) does.
    assert client.get(f"{API}/conversations/{reference}").status_code == 404
    sign_in(client, "bilal")
    assert client.get(f"{API}/conversations/{reference}").status_code == 200


def test_transfer_to_an_agent_assigns_directly(client: TestClient, auth_headers: dict[str, str], live, rasa) -> None:
    reference = queue_handoff(client, auth_headers)
    csrf = available(client, "alice")
    client.post(f"{API}/conversations/{reference}/claim", headers=csrf)

    moved = client.post(
        f"{API}/conversations/{reference}/transfer", json={"agent": "chen", "note": "Speaks Mandarin."}, headers=csrf
    )

    assert moved.json()["assigned_agent"] == "chen" and moved.json()["status"] == "assigned"
    bad = client.post(f"{API}/conversations/{reference}/transfer", json={"team": "nope", "note": "x"}, headers=csrf)
    assert bad.status_code in (404, 409, 422)


def test_hand_back_resumes_the_assistant_with_the_note(
    client: TestClient, auth_headers: dict[str, str], live, rasa: RasaCalls
) -> None:
    reference = queue_handoff(client, auth_headers)
    csrf = available(client, "alice")
    client.post(f"{API}/conversations/{reference}/claim", headers=csrf)

    back = client.post(
        f"{API}/conversations/{reference}/hand-back", json={"note": "Explained the review takes 5 days."}, headers=csrf
    )

    assert back.status_code == 200 and back.json()["status"] == "returned"
    assert rasa.requests[-2].url.path.endswith("/tracker/events")
    assert rasa.bodies("/tracker/events")[-1] == [{"event": "resume"}, {"event": "action", "name": "action_listen"}]
    assert rasa.bodies("/trigger_intent")[-1] == {
        "name": "EXTERNAL_handed_back",
        "entities": {"handback_note": "Explained the review takes 5 days."},
    }
    again = client.post(f"{API}/conversations/{reference}/close", json={"wrap_up_code": "resolved"}, headers=csrf)
    assert again.status_code == 409


def test_close_records_the_wrap_up_and_asks_for_a_rating(
    client: TestClient, db: Session, auth_headers: dict[str, str], live, rasa: RasaCalls
) -> None:
    reference = queue_handoff(client, auth_headers)
    csrf = available(client, "alice")
    client.post(f"{API}/conversations/{reference}/claim", headers=csrf)

    closed = client.post(
        f"{API}/conversations/{reference}/close",
        json={"wrap_up_code": "information_given", "note": "Told them about the fee."},
        headers=csrf,
    )

    assert closed.status_code == 200 and closed.json()["wrap_up_code"] == "information_given"
    assert rasa.bodies("/trigger_intent")[-1] == {
        "name": "EXTERNAL_handoff_closed",
        "entities": {"handoff_reference": reference},
    }
    handoff = db.scalar(select(Handoff).where(Handoff.reference == reference))
    assert handoff is not None and handoff.ended_at is not None
    alice = db.scalar(select(StaffUser).where(StaffUser.username == "alice"))
    assert alice is not None and alice.presence == "available"
    bad = client.post(f"{API}/conversations/{reference}/close", json={"wrap_up_code": "bored"}, headers=csrf)
    assert bad.status_code == 422


def test_voice_conversations_are_answered_on_the_phone_not_by_text(
    client: TestClient, auth_headers: dict[str, str], live, rasa: RasaCalls
) -> None:
    reference = queue_handoff(client, auth_headers, channel="voice", suffix="call")
    csrf = available(client, "alice")
    claimed = client.post(f"{API}/conversations/{reference}/claim", headers=csrf)
    assert claimed.status_code == 200 and rasa.requests == []
    reply = client.post(f"{API}/conversations/{reference}/messages", json={"text": "hello"}, headers=csrf)
    assert reply.status_code == 409 and "phone" in reply.json()["detail"]


def test_agent_text_is_validated(client: TestClient, auth_headers: dict[str, str], live, rasa) -> None:
    reference = queue_handoff(client, auth_headers)
    csrf = available(client, "alice")
    client.post(f"{API}/conversations/{reference}/claim", headers=csrf)
    for text in ["", "\u200b", "x" * 2401]:
        reply = client.post(f"{API}/conversations/{reference}/messages", json={"text": text}, headers=csrf)
        assert reply.status_code == 422


def test_canned_replies_follow_the_agents_teams(client: TestClient) -> None:
    sign_in(client, "bilal")
    titles = {reply["title"] for reply in client.get(f"{API}/canned-replies").json()}
    assert {"Greeting", "Crew timing"} <= titles and "Documents checklist" not in titles
