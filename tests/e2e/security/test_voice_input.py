"""Voice webhooks: what a caller's speech may carry is spoken back only as escaped text inside <Say>.

Forged, unsigned, replayed and malformed webhooks are covered in
tests/e2e/test_voice_channel.py; this module is about the content of genuine ones.
"""

from __future__ import annotations

import random
import xml.etree.ElementTree as ElementTree

import pytest

from simulator.twilio_client import VOICE_WEBHOOK, Caller, TwilioWebhookClient
from tests.e2e.hotline_process import Hotline

pytestmark = pytest.mark.e2e

ALLOWED_VERBS = {"Response", "Gather", "Say", "Enqueue", "Redirect", "Hangup", "Pause"}


def caller(twilio: TwilioWebhookClient) -> Caller:
    return Caller(twilio, f"+4477008{random.randint(0, 99999):05d}")


def test_twiml_in_speech_is_spoken_as_text_not_run(hotline: Hotline, twilio: TwilioWebhookClient) -> None:
    call = caller(twilio)
    call.dial()
    call.say("I want to report a pothole")
    call.say("</Say><Dial>+19005550100</Dial> Mill Lane")
    summary = call.say("deep hole <Hangup/> {{7*7}}")
    root = ElementTree.fromstring(summary.response.text)
    tags = {element.tag for element in root.iter()}
    assert tags <= ALLOWED_VERBS and "Dial" not in tags and not summary.hangup, summary.response.text
    assert summary.redirect is None and summary.gather is not None  # still listening, not sent anywhere
    assert "Mill Lane" in summary.text and "49" not in summary.text


@pytest.mark.parametrize("speech", ["\x00\x07\x1b", "\u200b\ufeff", "'; DROP TABLE events; --", "x" * 5000])
def test_strange_speech_results_are_answered_or_refused_never_a_server_error(
    hotline: Hotline, twilio: TwilioWebhookClient, speech: str
) -> None:
    call = caller(twilio)
    call.dial()
    assert call.last is not None and call.last.gather is not None
    reply = twilio.post(call.last.gather["action"], call.params(SpeechResult=speech, Confidence="0.90"))
    assert reply.status_code < 500, reply.text
    if reply.status_code == 200:
        assert {element.tag for element in ElementTree.fromstring(reply.text).iter()} <= ALLOWED_VERBS


def test_an_oversized_voice_webhook_is_refused(hotline: Hotline, twilio: TwilioWebhookClient) -> None:
    call = caller(twilio)
    reply = twilio.post(VOICE_WEBHOOK, call.params(SpeechResult="x" * 100_000))
    assert reply.status_code == 413
