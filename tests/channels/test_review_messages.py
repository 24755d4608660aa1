"""Which citizen messages the broker picks for trainers' review, from Rasa's real events, and how it posts them."""

from __future__ import annotations

import asyncio
import json
from typing import Any, Dict, List

import httpx
import pytest
from rasa.shared.core.events import (
    ActionExecuted,
    ActiveLoop,
    BotUttered,
    ConversationPaused,
    ConversationResumed,
    Restarted,
    SlotSet,
    UserUttered,
)

from channels.back_office import BackOfficeClient
from channels.conversation_facts import ConversationFactsBroker
from channels.review_messages import MAX_CONVERSATIONS, ReviewSelector

SENDER = "review-0f8fad5b"


def published(event: Any, sender: str = SENDER) -> Dict[str, Any]:
    return {"sender_id": sender, **event.as_dict()}


def said(
    text: str, intent: str, confidence: float, at: float = 1e9, sender: str = SENDER, **values: Any
) -> Dict[str, Any]:
    return published(
        UserUttered(text, intent={"name": intent, "confidence": confidence}, input_channel="webchat",
                    metadata={"language": "en", "phone": "+447700900123"}, timestamp=at, **values),
        sender=sender,
    )


def test_a_low_confidence_message_is_picked_with_what_the_assistant_understood() -> None:
    selector = ReviewSelector(confidence_below=0.7)
    entities = [{"entity": "application_number", "value": "APP-204817", "start": 10, "end": 20, "extractor": "x"},
                {"entity": "bad name!", "value": "x", "start": 0, "end": 1},
                {"entity": "service", "value": "residence_permit", "start": 99, "end": 120},  # outside the text
                {"entity": "language", "value": "en", "start": 0, "end": 24}]  # the message's language
    [message] = selector.observe(said("status of APP-204817 pls", "check_request_status", 0.523456, entities=entities))
    assert message == {
        "conversation_id": SENDER,
        "at": "2001-09-09T01:46:40+00:00",
        "channel": "webchat",
        "language": "en",
        "text": "status of APP-204817 pls",
        "intent": "check_request_status",
        "confidence": 0.5235,
        "entities": [{"entity": "application_number", "value": "APP-204817", "start": 10, "end": 20}],
        "reasons": ["low_confidence"],
    }
    assert "phone" not in json.dumps(message)  # metadata stays behind


def test_confident_messages_payloads_and_external_intents_are_not_picked() -> None:
    selector = ReviewSelector(confidence_below=0.7)
    assert selector.observe(said("where is my application", "check_application_status", 0.95)) == []
    assert selector.observe(said("/affirm", "affirm", 0.2, at=1e9 + 1)) == []
    assert selector.observe(said("hand back", "EXTERNAL_handed_back", 0.1, at=1e9 + 2)) == []
    assert selector.observe(published(BotUttered("hello"))) == []


def test_fallbacks_are_picked() -> None:
    selector = ReviewSelector()
    [understood_nothing] = selector.observe(said("flibble wotsit", "nlu_fallback", 0.6))
    assert understood_nothing["reasons"] == ["fallback"]
    selector.observe(said("and what about that then", "inform", 0.91, at=1e9 + 5))
    [fell_back] = selector.observe(published(ActionExecuted("action_default_fallback")))
    assert fell_back["text"] == "and what about that then" and fell_back["reasons"] == ["fallback"]


def test_out_of_scope_messages_are_picked_however_confident() -> None:
    # Where trainers see what citizens ask that the hotline does not do yet, and the model's mistakes.
    selector = ReviewSelector()
    [outside] = selector.observe(said("will it rain tomorrow", "out_of_scope", 0.99))
    assert outside["reasons"] == ["out_of_scope"] and outside["intent"] == "out_of_scope"


def test_a_handoff_picks_the_latest_messages_the_assistant_answered() -> None:
    selector = ReviewSelector()
    for i in range(5):
        selector.observe(said(f"message {i}", "inform", 0.95, at=1e9 + i))
    queued = BotUttered(None, data={"custom": {"handoff": {"reference": "HO-000042", "status": "queued"}}})
    picked = selector.observe(published(queued))
    assert [m["text"] for m in picked] == ["message 2", "message 3", "message 4"]
    assert {tuple(m["reasons"]) for m in picked} == {("handed_off",)}

    # While paused, the citizen talks to an agent: not the assistant's understanding.
    selector.observe(published(ConversationPaused()))
    assert selector.observe(said("hi agent, it's about my licence", "inform", 0.1, at=1e9 + 10)) == []
    selector.observe(published(ConversationResumed()))
    # The survey's answers are ratings, not questions to learn from; a bad rating picks what came before.
    selector.observe(published(ActiveLoop("satisfaction_form")))
    assert selector.observe(said("1", "inform", 0.3, at=1e9 + 20)) == []
    picked = selector.observe(published(SlotSet("satisfaction_rating", 1)))
    selector.observe(published(ActiveLoop(None)))
    assert [m["text"] for m in picked] == ["message 2", "message 3", "message 4"]
    assert {tuple(m["reasons"]) for m in picked} == {("rated_badly",)}
    assert selector.observe(published(SlotSet("satisfaction_rating", 4))) == []


def test_restarts_forget_and_memory_is_bounded() -> None:
    selector = ReviewSelector()
    selector.observe(said("message", "inform", 0.95))
    selector.observe(published(Restarted()))
    assert selector.observe(published(SlotSet("satisfaction_rating", 2))) == []
    for i in range(MAX_CONVERSATIONS + 10):
        selector.observe(said("message", "inform", 0.95, sender=f"c-{i}"))
    assert len(selector._recent) == MAX_CONVERSATIONS
    assert selector.observe(published(SlotSet("satisfaction_rating", 2), sender="c-0")) == []
    assert len(selector.observe(published(SlotSet("satisfaction_rating", 2), sender=f"c-{MAX_CONVERSATIONS}"))) == 1


class BackOffice:
    """A stand-in for the back office's two endpoints; the real one is exercised in tests/e2e."""

    def __init__(self) -> None:
        self.posted: Dict[str, List[Dict[str, Any]]] = {"conversation-facts": [], "review-messages": []}
        self.answers: List[int] = []

    def handle(self, request: httpx.Request) -> httpx.Response:
        kind = request.url.path.rsplit("/", 1)[-1]
        status = self.answers.pop(0) if self.answers else 202
        if status == 202:
            body = json.loads(request.content)
            self.posted[kind] += body.get("facts") or body.get("messages")
        return httpx.Response(status, json={"recorded": 0})


@pytest.mark.asyncio
async def test_the_broker_posts_picked_messages_beside_the_facts_and_keeps_them_while_the_back_office_is_away() -> None:
    back_office = BackOffice()
    back_office.answers = [503]
    client = BackOfficeClient("http://back-office.test", "t", 2.0, transport=httpx.MockTransport(back_office.handle))
    broker = ConversationFactsBroker(client, flush_seconds=0.01)
    broker.publish(said("what's the weather", "ask_opening_hours", 0.31))
    broker.publish(said("where is my application", "check_application_status", 0.97, at=1e9 + 1))
    for _ in range(200):
        if back_office.posted["review-messages"]:
            break
        await asyncio.sleep(0.02)
    await broker.close()
    assert [m["text"] for m in back_office.posted["review-messages"]] == ["what's the weather"]
    assert len(back_office.posted["conversation-facts"]) == 2
    assert all("text" not in fact for fact in back_office.posted["conversation-facts"])


def test_the_detected_language_wins_over_the_channels_hint_and_is_not_an_entity() -> None:
    detected = [{"entity": "language", "value": "zh", "start": 0, "end": 6}]
    [message] = ReviewSelector().observe(said("我的申请怎么样", "check_application_status", 0.4, entities=detected))
    assert message["language"] == "zh" and message["entities"] == []
