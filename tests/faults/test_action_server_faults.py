"""The action server down or hung: the citizen gets a fallback message, never silence or a five-minute wait."""

from __future__ import annotations

import re

import pytest

from tests.e2e.hotline_process import Conversation
from tests.faults.helpers import TECHNICAL_DIFFICULTY, citizen_texts, timed
from tests.faults.processes import HotlineProcesses

pytestmark = pytest.mark.e2e

QUESTION = "when is the citizen service centre open?"  # answered by a custom action (the knowledge base)


def test_action_server_down(hotline: HotlineProcesses) -> None:
    citizen = Conversation(hotline.rasa_url)
    assert re.search(r"\d{1,2}[:.]\d{2}", citizen.say_text(QUESTION))
    hotline.kill("actions")

    reply, waited = timed(citizen, QUESTION)
    assert TECHNICAL_DIFFICULTY in reply, reply
    assert waited < 5, f"the citizen waited {waited:.1f} s for a refused connection"

    hotline.start("actions")
    assert re.search(r"\d{1,2}[:.]\d{2}", citizen.say_text(QUESTION))
    assert citizen_texts(hotline, citizen.sender).count(QUESTION) == 3


def test_action_server_hung(hotline: HotlineProcesses) -> None:
    citizen = Conversation(hotline.rasa_url)
    hotline.pause("actions")
    try:
        reply, waited = timed(citizen, QUESTION)
    finally:
        hotline.resume("actions")
    assert TECHNICAL_DIFFICULTY in reply, reply
    # ACTION_TIMEOUT_SECONDS is 5 for these tests (10 by default); Rasa's own limit is 300.
    assert 4 < waited < 15, f"the citizen waited {waited:.1f} s"
    assert re.search(r"\d{1,2}[:.]\d{2}", citizen.say_text(QUESTION))
