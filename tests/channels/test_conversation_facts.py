"""The conversation-facts broker: which facts it keeps from Rasa's events, and how it sends them."""

from __future__ import annotations

import asyncio
import json
from typing import Any, Dict, List

import httpx
import pytest
from rasa.shared.core.events import (
    ActionExecuted,
    BotUttered,
    ConversationPaused,
    SessionStarted,
    SlotSet,
    UserUttered,
)

from channels.back_office import BackOfficeClient
from channels.conversation_facts import MAX_BATCH, ConversationFactsBroker, fact_from_event

SENDER = "0f8fad5b-d9cb-469f-a165-70867728950e"


def published(event: Any, sender: str = SENDER) -> Dict[str, Any]:
    """The body Rasa's tracker store hands to a broker (TrackerStore._stream_new_events)."""
    return {"sender_id": sender, **event.as_dict()}


def test_a_citizen_message_becomes_a_turn_without_its_text() -> None:
    event = UserUttered(
        "My date of birth is 14 March 1985 and my phone is 07700 900123",
        intent={"name": "inform", "confidence": 0.87654321},
        entities=[{"entity": "application_number", "value": "APP-204817"}],
        input_channel="webchat",
        metadata={"language": "en", "phone": "+447700900123", "display_text": "14 March 1985"},
        timestamp=1717405803.25,
    )
    fact = fact_from_event(published(event))
    assert fact == {
        "kind": "citizen_turn",
        "conversation_id": SENDER,
        "at": "2024-06-03T09:10:03.250000+00:00",
        "channel": "webchat",
        "language": "en",
        "intent": "inform",
        "confidence": 0.8765,
    }
    flat = json.dumps(fact)
    for private in ("1985", "07700", "+44", "APP-204817", "display_text", "phone"):
        assert private not in flat


def test_the_language_the_nlu_detected_is_the_turns_language() -> None:
    event = UserUttered(
        "我的申请APP-204817到哪一步了",
        intent={"name": "check_application_status", "confidence": 0.99},
        entities=[
            {"entity": "application_number", "value": "APP-204817"},
            {"entity": "language", "value": "zh", "extractor": "LanguageDetector"},
        ],
        input_channel="webchat",
        timestamp=1717405803.25,
    )
    fact = fact_from_event(published(event))
    assert fact["language"] == "zh"
    assert "APP-204817" not in json.dumps(fact) and "申请" not in json.dumps(fact, ensure_ascii=False)


def test_session_starts_handoffs_and_callbacks_are_kept() -> None:
    started = fact_from_event(published(SessionStarted(timestamp=1717405800.0)))
    assert started == {"kind": "session_started", "conversation_id": SENDER, "at": "2024-06-03T09:10:00+00:00"}
    queued = BotUttered(
        None, data={"custom": {"handoff": {"reference": "HO-000042", "status": "queued", "queue": "permits"}}}
    )
    assert fact_from_event(published(queued))["kind"] == "handed_off"
    assert fact_from_event(published(queued))["reference"] == "HO-000042"
    callback = BotUttered(None, data={"custom": {"handoff": {"reference": "SR-100300", "status": "callback"}}})
    assert fact_from_event(published(callback))["reference"] == "SR-100300"


@pytest.mark.parametrize(
    "event",
    [
        BotUttered("Hello! How can I help?"),
        BotUttered("Hi, I'm Alice.", metadata={"sender": "agent", "author_name": "Alice Morgan"}),
        BotUttered(None, data={"custom": {"handoff": {"reference": "HO-000042", "status": "claimed"}}}),
        BotUttered(None, data={"custom": {"handoff": {"reference": "<script>", "status": "queued"}}}),
        ActionExecuted("action_listen"),
        SlotSet("identity_proof", "dob:1985-03-14"),
        ConversationPaused(),
        UserUttered("EXTERNAL: EXTERNAL_handed_back", intent={"name": "EXTERNAL_handed_back", "confidence": 1.0}),
    ],
)
def test_everything_else_is_dropped(event: Any) -> None:
    assert fact_from_event(published(event)) is None


def test_odd_values_are_dropped_or_blanked() -> None:
    assert fact_from_event(published(SessionStarted(), sender="has spaces and ünïcode")) is None
    assert fact_from_event(published(SessionStarted(), sender="x" * 129)) is None
    odd = UserUttered(
        "hi",
        intent={"name": "greet; DROP TABLE x", "confidence": "high"},
        input_channel="Web Chat",
        metadata={"language": "english"},
    )
    assert fact_from_event(published(odd)) == {
        "kind": "citizen_turn",
        "conversation_id": SENDER,
        "at": fact_from_event(published(odd))["at"],
        "channel": "unknown",
        "language": None,
        "intent": None,
        "confidence": None,
    }
    # Messages posted through Rasa's HTTP API have no input channel.
    assert fact_from_event(published(UserUttered("hi")))["channel"] == "api"


class BackOffice:
    """A stand-in for the back office's /api/v1/conversation-facts that records each batch."""

    def __init__(self) -> None:
        self.batches: List[List[Dict[str, Any]]] = []
        self.answers: List[int] = []  # status codes to give, in turn; 202 once they run out

    def handle(self, request: httpx.Request) -> httpx.Response:
        assert request.url.path == "/api/v1/conversation-facts"
        assert request.headers["Authorization"] == "Bearer facts-token"
        status = self.answers.pop(0) if self.answers else 202
        if status == 202:
            self.batches.append(json.loads(request.content)["facts"])
        return httpx.Response(status, json={"recorded": 0})

    def broker(self, flush_seconds: float = 0.05) -> ConversationFactsBroker:
        client = BackOfficeClient(
            "http://back-office.test", "facts-token", 2.0, transport=httpx.MockTransport(self.handle)
        )
        return ConversationFactsBroker(client, flush_seconds=flush_seconds)


def turn(i: int) -> Dict[str, Any]:
    return published(
        UserUttered(
            f"message {i}", intent={"name": "greet", "confidence": 0.9}, input_channel="rest", timestamp=1e9 + i
        )
    )


@pytest.mark.asyncio
async def test_publish_returns_at_once_and_facts_follow_in_batches() -> None:
    back_office = BackOffice()
    broker = back_office.broker()
    for i in range(MAX_BATCH + 5):
        broker.publish(turn(i))
    broker.publish(published(BotUttered("not a fact")))
    assert broker.queued == MAX_BATCH + 5 and back_office.batches == []  # nothing sent during the "turn"
    for _ in range(100):
        if not broker.queued:
            break
        await asyncio.sleep(0.02)
    assert [len(batch) for batch in back_office.batches] == [MAX_BATCH, 5]
    assert [fact["at"] for batch in back_office.batches for fact in batch] == [
        fact_from_event(turn(i))["at"] for i in range(MAX_BATCH + 5)
    ]
    await broker.close()


@pytest.mark.asyncio
async def test_facts_wait_while_the_back_office_is_away_and_are_sent_later() -> None:
    back_office = BackOffice()
    back_office.answers = [503, 503]
    broker = back_office.broker(flush_seconds=0.01)
    broker.publish(turn(1))
    assert await broker.flush() is False
    assert broker.queued == 1
    broker.publish(turn(2))
    for _ in range(200):
        if not broker.queued:
            break
        await asyncio.sleep(0.02)
    assert [[f["at"] for f in batch] for batch in back_office.batches] == [
        [fact_from_event(turn(1))["at"], fact_from_event(turn(2))["at"]]
    ]
    await broker.close()


@pytest.mark.asyncio
async def test_a_refused_batch_is_dropped_not_retried_forever() -> None:
    back_office = BackOffice()
    back_office.answers = [422]
    broker = back_office.broker(flush_seconds=60)
    broker.publish(turn(1))
    assert await broker.flush() is True
    assert broker.queued == 0 and back_office.batches == []
    await broker.close()


@pytest.mark.asyncio
async def test_close_sends_what_is_queued() -> None:
    back_office = BackOffice()
    broker = back_office.broker(flush_seconds=60)
    broker.publish(turn(1))
    broker.publish(turn(2))
    await broker.close()
    assert len(back_office.batches) == 1 and len(back_office.batches[0]) == 2


@pytest.mark.asyncio
async def test_an_unreachable_back_office_costs_the_turn_nothing() -> None:
    # Nobody listens on port 9 (discard); the broker keeps the facts and the caller never waits.
    broker = ConversationFactsBroker(BackOfficeClient("http://127.0.0.1:9", "t", 0.5), flush_seconds=60)
    loop = asyncio.get_running_loop()
    started = loop.time()
    for i in range(1000):
        broker.publish(turn(i))
    assert loop.time() - started < 0.5
    assert await broker.flush() is False and broker.queued == 1000
    await broker.close()
