"""Web chat citizens who opted in see their requests' updates on their next visit, and are asked for a rating."""

from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from app.handoff.delivery import get_delivery
from app.lifecycle.service_requests import accept_work_order, add_progress_note, resolve_work_order
from tests.backend.handoff_fixtures import sign_in
from tests.backend.notifications.conftest import Assistant, file_request, notification_settings, notifications_of, run
from tests.twilio_standin import TwilioStandIn

CONVERSATION = "0f8fad5b-d9cb-469f-a165-70867728950e"
MINUTE = timedelta(minutes=1)


def collect(client: TestClient, headers: dict[str, str], conversation: str = CONVERSATION) -> list[dict]:
    reply = client.post(f"/api/v1/conversations/{conversation}/citizen-updates/collect", headers=headers)
    assert reply.status_code == 200, reply.text
    return reply.json()["updates"]


def test_updates_wait_for_the_next_visit_and_are_shown_once(
    client: TestClient, db: Session, auth_headers: dict[str, str], twilio: TwilioStandIn, assistant: Assistant
) -> None:
    settings = notification_settings(twilio)
    number = file_request(client, auth_headers, channel="webchat", conversation_id=CONVERSATION, contact_phone=None)
    start = datetime.now(UTC)
    accept_work_order(session=db, request_number=number, actor="Dana Reid", now=start)
    add_progress_note(session=db, request_number=number, actor="Dana Reid", now=start + MINUTE, internal_note="Ladder")
    resolve_work_order(
        session=db, request_number=number, resolution="The lamp was replaced.", actor="Dana", now=start + 2 * MINUTE
    )
    assert run(db, start + 3 * MINUTE, settings) == {"rating_asked": 1}
    assert twilio.messages() == []  # web chat citizens are not texted
    # The assistant puts the rating question in the conversation: live if the page is open, else on the next visit.
    (trigger,) = assistant.triggers
    assert (trigger["conversation_id"], trigger["output_channel"]) == (CONVERSATION, "latest")
    assert trigger["entities"] == {"rated_request": number}

    assert collect(client, auth_headers, "another-conversation-0000") == []
    updates = collect(client, auth_headers)
    assert [(u["reference"], u["status_text"]) for u in updates] == [
        (number, "Accepted by the department"),
        (number, "Work in progress"),
        (number, "Resolved"),
    ]
    assert updates[2]["text"] == "The lamp was replaced." and updates[0]["subject"] == "Street light not working"
    assert "Ladder" not in str(updates)
    assert collect(client, auth_headers) == []
    assert [n.status for n in notifications_of(db, number)] == ["sent", "sent", "sent"]
    assert run(db, start + 10 * MINUTE, settings) == {}
    assert len(assistant.triggers) == 1


def test_the_rating_counts_once_and_only_from_its_own_conversation(
    client: TestClient, db: Session, auth_headers: dict[str, str], twilio: TwilioStandIn, assistant: Assistant
) -> None:
    number = file_request(client, auth_headers, channel="webchat", conversation_id=CONVERSATION, contact_phone=None)
    other = file_request(client, auth_headers, channel="webchat", conversation_id=CONVERSATION, contact_phone=None)
    start = datetime.now(UTC)
    for request in (number, other):
        accept_work_order(session=db, request_number=request, actor="Dana Reid", now=start)
    resolve_work_order(session=db, request_number=number, resolution="The lamp was replaced.", actor="Dana", now=start)

    def rate(conversation: str, request: str, rating: int = 4):
        body = {"conversation_id": conversation, "channel": "webchat", "rating": rating, "request_number": request}
        return client.post("/api/v1/satisfaction-ratings", json=body, headers=auth_headers)

    assert rate(CONVERSATION, number).status_code == 404  # not asked yet
    run(db, start + MINUTE, notification_settings(twilio))
    assert rate("someone-else-0000000000", number).status_code == 404
    assert rate(CONVERSATION, other).status_code == 404  # accepted, not resolved: nobody asked
    assert rate(CONVERSATION, "SR-999999").status_code == 404
    recorded = rate(CONVERSATION, number, 5)
    assert recorded.status_code == 201, recorded.text
    assert recorded.json() == {"rating": 5, "handoff_reference": None, "request_number": number}
    assert rate(CONVERSATION, number, 1).status_code == 409

    # The supervisor's dashboard counts it for the department that resolved it.
    sign_in(client, "sam")
    today = datetime.now(ZoneInfo("Europe/London")).date().isoformat()
    figures = client.get("/console/api/dashboard", params={"from": today, "to": today}).json()["figures"]
    by_department = next(f for f in figures if f["key"] == "csat_by_department")
    assert ["Street Lighting", 1, 1, 1.0, 5.0] in by_department["rows"]


def test_the_rating_question_is_put_outside_any_transaction(
    client: TestClient,
    db: Session,
    auth_headers: dict[str, str],
    twilio: TwilioStandIn,
    assistant: Assistant,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Putting the question waits for the Rasa server (seconds when it is busy); a transaction open
    # meanwhile held SQLite's write lock, so relayed messages and agents' replies stalled behind it.
    number = file_request(client, auth_headers, channel="webchat", conversation_id=CONVERSATION, contact_phone=None)
    start = datetime.now(UTC)
    accept_work_order(session=db, request_number=number, actor="Dana Reid", now=start)
    resolve_work_order(session=db, request_number=number, resolution="Fixed.", actor="Dana", now=start + MINUTE)
    delivery = get_delivery()
    asked_in_transaction: list[bool] = []
    real_ask = delivery.ask_for_rating

    def watched_ask(*args: Any, **kwargs: Any) -> list[str]:
        asked_in_transaction.append(db.in_transaction())
        return real_ask(*args, **kwargs)

    monkeypatch.setattr(delivery, "ask_for_rating", watched_ask)
    assistant.away = True
    assert run(db, start + 2 * MINUTE, notification_settings(twilio)) == {}
    assistant.away = False
    assert run(db, start + 3 * MINUTE, notification_settings(twilio)) == {"rating_asked": 1}
    assert asked_in_transaction == [False, False]
    assert len(assistant.triggers) == 1  # asked once: the failed call took its mark back, the next one kept it
    assert run(db, start + 4 * MINUTE, notification_settings(twilio)) == {}
