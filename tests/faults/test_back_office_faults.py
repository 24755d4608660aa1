"""The back office down or hung while citizens talk to the assistant.

The citizen hears within a few seconds that it cannot check now and is
offered a person; nothing they wrote is lost (the handoff's transcript, built
from Rasa's tracker, holds it); once the back office is back the next turn works.
"""

from __future__ import annotations

import re

import pytest

from simulator.twilio_client import TextingCitizen, TwilioWebhookClient
from tests.e2e.hotline_process import Conversation
from tests.faults.helpers import BACK_OFFICE_DOWN, ConsoleSession, timed
from tests.faults.processes import HotlineProcesses

pytestmark = pytest.mark.e2e

# BACKEND_TIMEOUT_SECONDS is 3: the actions give up then; the rest is the turn itself on a busy machine.
PROMPT_SECONDS = 8


def check_until_back_office_fails(citizen: Conversation, hotline: HotlineProcesses) -> tuple[str, float]:
    citizen.say_text("where is my application?")
    citizen.say_text("APP-204817")
    return timed(citizen, "14 March 1985")


def after_recovery_a_person_takes_it(hotline: HotlineProcesses, citizen: Conversation, said_while_down: str) -> None:
    """The offer of a person works now, and the agent sees every message, including the one of the outage."""
    queued = citizen.say_text("/request_human")
    assert "HO-" in queued, queued
    reference = queued[queued.index("HO-") : queued.index("HO-") + 9]
    supervisor = ConsoleSession(hotline, "sam")
    try:
        detail = supervisor.get(f"/conversations/{reference}")
        assert detail.status_code == 200, detail.text
        texts = [message["text"] for message in detail.json()["messages"] if message["sender"] == "citizen"]
        assert "where is my application?" in texts and "APP-204817" in texts
        assert said_while_down in texts or any("withheld" in text for text in texts), texts
    finally:
        supervisor.close()


def test_back_office_down(hotline: HotlineProcesses) -> None:
    citizen = Conversation(hotline.rasa_url)
    other = Conversation(hotline.rasa_url)
    other.say_text("I want to report a pothole")
    hotline.kill("backend")

    reply, waited = check_until_back_office_fails(citizen, hotline)
    assert BACK_OFFICE_DOWN in reply and "Talk to a person" in reply, reply
    assert waited < PROMPT_SECONDS, f"the citizen waited {waited:.1f} s"
    # A conversation that does not need the back office goes on meanwhile.
    assert other.say_text("Mill Lane outside number 14"), "silence"

    hotline.start("backend")
    after_recovery_a_person_takes_it(hotline, citizen, "14 March 1985")


def test_back_office_hung(hotline: HotlineProcesses) -> None:
    citizen = Conversation(hotline.rasa_url)
    hotline.pause("backend")
    try:
        reply, waited = check_until_back_office_fails(citizen, hotline)
    finally:
        hotline.resume("backend")
    assert BACK_OFFICE_DOWN in reply and "Talk to a person" in reply, reply
    assert waited < PROMPT_SECONDS, f"the citizen waited {waited:.1f} s"
    after_recovery_a_person_takes_it(hotline, citizen, "14 March 1985")


def test_texts_are_answered_while_the_back_office_is_down(
    hotline: HotlineProcesses, twilio: TwilioWebhookClient
) -> None:
    texting = TextingCitizen(twilio, "+447700800654")
    hotline.kill("backend")
    # The consent record cannot be checked: the citizen is answered all the same.
    hours = texting.text("when is the citizen service centre open?")
    assert re.search(r"\d{1,2}[:.]\d{2}", hours.text), hours.text
    texting.text("where is my application?")
    texting.text("APP-204817")
    reply = texting.text("14 March 1985")
    assert BACK_OFFICE_DOWN in reply.text, reply.text
    hotline.start("backend")
    texting.text("where is my application?")
    texting.text("APP-204817")
    assert "APP-204817" in texting.text("14 March 1985").text
