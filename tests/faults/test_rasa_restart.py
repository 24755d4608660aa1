"""The Rasa server restarted mid-conversation: each conversation resumes from the SQL tracker store.

A form half filled keeps its slots; a conversation with an agent stays with
the agent (Rasa stays silent and relays), and the agent's replies still reach it.
"""

from __future__ import annotations

import re

import pytest

from tests.e2e.hotline_process import Conversation
from tests.faults.helpers import ConsoleSession, citizen_texts, hand_off, tracker
from tests.faults.processes import HotlineProcesses, wait_until

pytestmark = pytest.mark.e2e


def test_conversations_resume_after_a_restart(hotline: HotlineProcesses) -> None:
    checking = Conversation(hotline.rasa_url)
    checking.say_text("where is my application?")
    asked = checking.say_text("APP-204817")
    assert "date of birth" in asked.lower() or "pin" in asked.lower(), asked

    waiting = Conversation(hotline.rasa_url)
    reference = hand_off(waiting)
    alice = ConsoleSession(hotline, "alice")
    try:
        alice.put("/me/presence", {"presence": "available"}).raise_for_status()
        assert alice.post(f"/conversations/{reference}/claim").status_code == 200

        hotline.stop("rasa")
        hotline.start("rasa")

        # The form goes on where it was: the application number is still known.
        slots = tracker(hotline, checking.sender)["slots"]
        assert slots.get("application_number") == "APP-204817", slots
        answer = checking.say_text("14 March 1985")
        assert "APP-204817" in answer or re.search(r"under review|approved|submitted", answer, re.I), answer

        # The handed-off conversation is still the agent's: no reply from the assistant, the agent gets it.
        assert tracker(hotline, waiting.sender)["paused"] is True
        assert waiting.say("are you still there?") == []
        wait_until(
            lambda: alice.get(f"/conversations/{reference}").json()["messages"][-1]["text"] == "are you still there?",
            15,
            "the message relayed to the agent",
        )
        sent = alice.post(f"/conversations/{reference}/messages", {"text": "Yes, I'm here."})
        assert sent.json()["delivery"] == "delivered", sent.text
        said = [event for event in tracker(hotline, waiting.sender)["events"] if event["event"] == "bot"]
        assert said[-1]["text"] == "Yes, I'm here."
        assert citizen_texts(hotline, waiting.sender)[-1] == "are you still there?"
    finally:
        alice.close()
