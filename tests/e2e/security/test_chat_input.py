"""Web chat and Rasa's REST channel, and Rasa's own HTTP API: hostile input refused at the edge with a clear 4xx.

Whatever is accepted is stored as the text it is (cleaned of control and
invisible characters) and never evaluated; Rasa's HTTP API answers nobody
without the token.
"""

from __future__ import annotations

import uuid

import httpx
import pytest

from tests.e2e.hotline_process import Conversation, Hotline

pytestmark = pytest.mark.e2e

JSON = {"content-type": "application/json"}
INJECTIONS = [
    "'; DROP TABLE events; --",
    "1 OR 1=1; SELECT * FROM staff_user",
    "{{7*7}} {% raw %}${7*7}{% endraw %} #{7*7} <%= 7*7 %>",
    "{0.__class__.__mro__[1].__subclasses__()}",
    "<script>alert(1)</script><img src=x onerror=alert(1)>",
]


def rest(hotline: Hotline) -> str:
    return f"{hotline.rasa_url}/webhooks/rest/webhook"


def webchat(hotline: Hotline) -> str:
    return f"{hotline.rasa_url}/webhooks/webchat/webhook"


def tracker_texts(hotline: Hotline, sender: str) -> list[str]:
    reply = httpx.get(
        f"{hotline.rasa_url}/conversations/{sender}/tracker", params={"token": hotline.rasa_token}, timeout=10
    )
    reply.raise_for_status()
    return [event["text"] for event in reply.json()["events"] if event["event"] == "user"]


@pytest.mark.parametrize("url", [rest, webchat], ids=["rest", "webchat"])
@pytest.mark.parametrize(
    ("body", "status", "says"),
    [
        (b"x" * (17 * 1024), 413, "too large"),
        (b"not json", 400, "JSON"),
        (b"[1, 2]", 400, "JSON object"),
        (b'{"sender": "SENDER", "message": "caf\xe9"}', 400, "JSON"),
        (b'{"sender": "SENDER", "message": "\\ud800 lone surrogate"}', 400, "invalid characters"),
        (b'{"sender": "SENDER", "message": "\\u200b\\u200c\\u2060\\ufeff"}', 400, "empty"),
        (b'{"sender": "SENDER", "message": "\\u0000\\u0007\\u001b"}', 400, "empty"),
        (b'{"sender": "SENDER", "message": ["a list"]}', 400, "text"),
        (b'{"sender": "SENDER", "message": "' + b"long " * 500 + b'"}', 400, "too long"),
    ],
    ids=["oversized", "not-json", "array", "invalid-utf8", "lone-surrogate", "zero-width", "control", "list", "long"],
)
def test_bad_bodies_get_a_clear_4xx(hotline: Hotline, url, body: bytes, status: int, says: str) -> None:  # noqa: ANN001
    sender = uuid.uuid4().hex
    reply = httpx.post(url(hotline), content=body.replace(b"SENDER", sender.encode()), headers=JSON, timeout=30)
    assert reply.status_code == status, reply.text
    assert says.lower() in reply.json()["error"].lower()


@pytest.mark.parametrize("sender", ["a\u0000b", "../../model", "with space", "\u200bhidden", "x" * 129, ""], ids=repr)
def test_conversation_ids_that_are_not_plain_names_are_refused(hotline: Hotline, sender: str) -> None:
    reply = httpx.post(rest(hotline), json={"sender": sender, "message": "hello"}, timeout=30)
    assert reply.status_code == 400 and "conversation id" in reply.json()["error"]
    page = httpx.post(webchat(hotline), json={"sender": sender, "message": "hello"}, timeout=30)
    assert page.status_code == 400


def test_invisible_and_control_characters_are_removed_before_the_assistant_sees_them(hotline: Hotline) -> None:
    citizen = Conversation(hotline.rasa_url)
    assert citizen.say("when is the\u200b citizen service\x07 centre\u202e open?")
    assert tracker_texts(hotline, citizen.sender)[-1] == "when is the citizen service  centre open?"


@pytest.mark.parametrize("text", INJECTIONS)
def test_injection_strings_are_just_text(hotline: Hotline, text: str) -> None:
    citizen = Conversation(hotline.rasa_url)
    reply = citizen.say_text(text)
    assert reply and "49" not in reply and "__subclasses__" not in reply and "<script" not in reply
    assert tracker_texts(hotline, citizen.sender) == [text]
    # The conversation and the store behind it are intact: the next turn is answered as usual.
    assert "08:30" in citizen.say_text("when is the citizen service centre open?")


def test_rasas_http_api_answers_nobody_without_the_token(hotline: Hotline) -> None:
    citizen = Conversation(hotline.rasa_url)
    citizen.say("hello")
    tracker = f"{hotline.rasa_url}/conversations/{citizen.sender}/tracker"
    assert httpx.get(tracker, timeout=10).status_code == 401
    assert httpx.get(tracker, params={"token": "guess"}, timeout=10).status_code == 401
    assert httpx.post(f"{hotline.rasa_url}/model/parse", json={"text": "hi"}, timeout=10).status_code == 401
    injected = httpx.post(
        f"{hotline.rasa_url}/conversations/{citizen.sender}/tracker/events", json={"event": "restart"}, timeout=10
    )
    assert injected.status_code == 401
    assert httpx.get(tracker, params={"token": hotline.rasa_token}, timeout=10).status_code == 200
