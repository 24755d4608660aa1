"""The web chat channel's HTTP edge: bad requests get a clear 4xx, odd text still gets an answer."""

import uuid

import httpx
import pytest

from tests.e2e.hotline_process import Hotline

pytestmark = pytest.mark.e2e


def webhook(hotline: Hotline) -> str:
    return f"{hotline.rasa_url}/webhooks/webchat/webhook"


@pytest.mark.parametrize(
    ("body", "status", "error"),
    [
        (b"not json", 400, "must be JSON"),
        (b"[1, 2]", 400, "JSON object"),
        (b'{"message": "hello"}', 400, "conversation id"),
        (b'{"sender": "alice", "message": "hello"}', 400, "conversation id"),
        (b'{"sender": "0f8fad5b-d9cb-469f-a165-70867728950e", "message": "\\u200b "}', 400, "empty"),
        (b'{"sender": "0f8fad5b-d9cb-469f-a165-70867728950e", "message": 7}', 400, "must be text"),
        (b'{"sender": "0f8fad5b-d9cb-469f-a165-70867728950e", "message": "a\\ud800"}', 400, "invalid"),
        (b'{"sender": "0f8fad5b-d9cb-469f-a165-70867728950e", "message": "' + b"x" * 3000 + b'"}',
         400, "too long"),
        (b'{"sender": "0f8fad5b-d9cb-469f-a165-70867728950e", "message": "' + b"x" * 20000 + b'"}',
         413, "too large"),
    ],
)
def test_bad_turns_are_refused_with_a_reason(hotline: Hotline, body: bytes, status: int, error: str) -> None:
    reply = httpx.post(webhook(hotline), content=body, headers={"Content-Type": "application/json"})
    assert reply.status_code == status
    assert error in reply.json()["error"]


@pytest.mark.parametrize(
    "text",
    ["🕳️🚗💥 pothole!!", "你好", "hel\u200blo", "APP\u200b-204817", "<script>alert(1)</script>"],
)
def test_unusual_text_still_gets_an_answer(hotline: Hotline, text: str) -> None:
    reply = httpx.post(webhook(hotline), json={"sender": str(uuid.uuid4()), "message": text}, timeout=30)
    assert reply.status_code == 200
    assert reply.json(), "the assistant must never stay silent"


def test_history_needs_an_unguessable_conversation_id(hotline: Hotline) -> None:
    history = f"{hotline.rasa_url}/webhooks/webchat/history"
    assert httpx.get(history, params={"sender": "1"}).status_code == 400
    unknown = httpx.get(history, params={"sender": str(uuid.uuid4())})
    assert unknown.status_code == 200
    assert unknown.json()["messages"] == []
