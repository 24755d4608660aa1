"""Human handoff with the real processes: the assistant falls silent, messages flow both ways, it takes over again."""

from __future__ import annotations

import re
import time
from typing import Any, Callable

import httpx
import pytest

from tests.e2e.hotline_process import Conversation, Hotline

pytestmark = pytest.mark.e2e

DEMO_PASSWORD = "northbridge-demo"


class ConsoleSession:
    """A member of staff signed in to the console API, as the console page is."""

    def __init__(self, hotline: Hotline, username: str) -> None:
        self.client = httpx.Client(base_url=f"{hotline.backend_url}/console/api", timeout=20)
        signed_in = self.client.post("/login", json={"username": username, "password": DEMO_PASSWORD})
        signed_in.raise_for_status()
        self.csrf = {"X-CSRF-Token": signed_in.json()["csrf_token"]}

    def get(self, path: str) -> httpx.Response:
        return self.client.get(path)

    def post(self, path: str, body: Any = None) -> httpx.Response:
        return self.client.post(path, json=body, headers=self.csrf)

    def put(self, path: str, body: Any) -> httpx.Response:
        return self.client.put(path, json=body, headers=self.csrf)


def eventually(check: Callable[[], Any], timeout: float = 15.0) -> Any:
    deadline = time.monotonic() + timeout
    while True:
        result = check()
        if result:
            return result
        if time.monotonic() > deadline:
            raise AssertionError("condition not met in time")
        time.sleep(0.2)


def tracker_events(hotline: Hotline, sender: str) -> list[dict]:
    reply = httpx.get(
        f"{hotline.rasa_url}/conversations/{sender}/tracker", params={"token": hotline.rasa_token}, timeout=10
    )
    reply.raise_for_status()
    return reply.json()["events"]


def hand_off(hotline: Hotline, citizen: Conversation) -> str:
    citizen.say_text("I want to check my business licence application")
    citizen.say_text("APP-204817")
    queued = citizen.say_text("actually can I talk to a person please")
    match = re.search(r"HO-\d{6}", queued)
    assert match, queued
    assert "number 1 in the queue" in queued or "in the queue" in queued
    return match.group(0)


def test_the_assistant_is_silent_while_a_person_has_the_conversation(hotline: Hotline) -> None:
    citizen = Conversation(hotline.rasa_url)
    reference = hand_off(hotline, citizen)
    alice = ConsoleSession(hotline, "alice")
    alice.put("/me/presence", {"presence": "available"}).raise_for_status()

    assert citizen.say("hello? is anyone there") == []  # no assistant reply, nothing interleaved

    detail = alice.get(f"/conversations/{reference}").json()
    assert detail["team"] == "permits" and "APP-204817" in detail["case_numbers"]
    assert detail["messages"][-1]["text"] == "hello? is anyone there"
    assert detail["messages"][-1]["sender"] == "citizen"

    claimed = alice.post(f"/conversations/{reference}/claim")
    assert claimed.status_code == 200, claimed.text
    sent = alice.post(f"/conversations/{reference}/messages", {"text": "Hi, I'm Alice. How can I help?"})
    assert sent.json()["delivery"] == "delivered", sent.text
    told = [e for e in tracker_events(hotline, citizen.sender) if e["event"] == "bot"]
    assert told[-1]["text"] == "Hi, I'm Alice. How can I help?"
    assert told[-1]["metadata"]["author_name"] == "Alice Morgan"

    assert citizen.say("when will my licence be decided?") == []
    assert eventually(
        lambda: (
            alice.get(f"/conversations/{reference}").json()["messages"][-1]["text"]
            == "when will my licence be decided?"
        )
    )

    handed_back = alice.post(f"/conversations/{reference}/hand-back", {"note": "The review should finish by Friday."})
    assert handed_back.status_code == 200, handed_back.text
    back = [e["text"] for e in tracker_events(hotline, citizen.sender) if e["event"] == "bot" and e.get("text")]
    assert "The review should finish by Friday." in back[-2] and "anything else" in back[-1].lower()

    # The assistant answers again, and knows nothing of the old handoff.
    answer = citizen.say_text("when is the citizen service centre open?")
    assert re.search(r"\d{1,2}[:.]\d{2}", answer), answer


def test_closing_asks_the_citizen_for_a_rating(hotline: Hotline) -> None:
    citizen = Conversation(hotline.rasa_url)
    reference = hand_off(hotline, citizen)
    chen = ConsoleSession(hotline, "chen")
    chen.put("/me/presence", {"presence": "available"}).raise_for_status()
    chen.post(f"/conversations/{reference}/claim").raise_for_status()
    assert chen.get(f"/conversations/{reference}").status_code == 200  # viewed: audited

    closed = chen.post(f"/conversations/{reference}/close", {"wrap_up_code": "information_given"})
    assert closed.status_code == 200, closed.text
    asked = [e for e in tracker_events(hotline, citizen.sender) if e["event"] == "bot" and e.get("text")][-1]
    assert "from 1" in asked["text"] and len(asked["data"]["buttons"]) == 5

    comment_asked = citizen.say_text("4")
    assert "anything you'd like to tell us" in comment_asked.lower(), comment_asked
    thanked = citizen.say_text("Chen was quick and clear")
    assert "thanks for your feedback" in thanked.lower(), thanked

    sam = ConsoleSession(hotline, "sam")
    audit = sam.get("/audit-log").json()
    assert any(entry["object_ref"] == reference and entry["actor"] == "chen" for entry in audit)


def test_an_agent_outside_the_team_cannot_see_the_conversation(hotline: Hotline) -> None:
    reference = hand_off(hotline, Conversation(hotline.rasa_url))
    dana = ConsoleSession(hotline, "dana")  # urgent team only
    assert reference not in {c["reference"] for c in dana.get("/conversations").json()}
    assert dana.get(f"/conversations/{reference}").status_code == 404
    tara = ConsoleSession(hotline, "tara")  # a trainer takes no conversations
    assert tara.get("/conversations").status_code == 403


def test_an_emergency_gets_the_safety_message_and_the_urgent_team(hotline: Hotline) -> None:
    citizen = Conversation(hotline.rasa_url)
    reply = citizen.say_text("there's a strong smell of gas in the stairwell of our block")
    assert "999" in reply and re.search(r"HO-\d{6}", reply), reply
    reference = re.search(r"HO-\d{6}", reply).group(0)
    dana = ConsoleSession(hotline, "dana")
    row = next(c for c in dana.get("/conversations").json() if c["reference"] == reference)
    assert row["team"] == "urgent" and row["reason"] == "emergency"


def test_a_message_to_an_agent_skips_the_nlu_but_keeps_its_language_for_the_hand_back(hotline: Hotline) -> None:
    # Nobody answers a handed-off message with the assistant's understanding of it, so it is recorded
    # without the NLU (which would hold the Rasa server's event loop for every other conversation);
    # only the language the citizen wrote in is kept, and the assistant takes the conversation back in it.
    citizen = Conversation(hotline.rasa_url)
    reference = hand_off(hotline, citizen)
    chen = ConsoleSession(hotline, "chen")  # permits and Chinese
    chen.put("/me/presence", {"presence": "available"}).raise_for_status()
    chen.post(f"/conversations/{reference}/claim").raise_for_status()

    assert citizen.say("我想知道审批什么时候完成") == []
    assert eventually(
        lambda: chen.get(f"/conversations/{reference}").json()["messages"][-1]["text"] == "我想知道审批什么时候完成"
    )
    recorded = [e for e in tracker_events(hotline, citizen.sender) if e["event"] == "user"][-1]
    assert recorded["text"] == "我想知道审批什么时候完成"
    assert recorded["parse_data"]["intent"]["name"] is None  # the NLU did not run
    assert [(e["entity"], e["value"]) for e in recorded["parse_data"]["entities"]] == [("language", "zh")]

    chen.post(f"/conversations/{reference}/hand-back", {"note": "审批将在周五前完成。"}).raise_for_status()
    back = [e["text"] for e in tracker_events(hotline, citizen.sender) if e["event"] == "bot" and e.get("text")]
    assert back[-2] == "您已回到智能助手。我们的团队备注：审批将在周五前完成。", back[-2:]
