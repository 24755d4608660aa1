"""SMS webhooks: what a signed text may carry (markup, TwiML, injection strings) is echoed only as escaped text.

Forged, unsigned, replayed and malformed webhooks are covered in
tests/e2e/test_sms_channel.py; this module is about the content of genuine ones.
"""

from __future__ import annotations

import random
import xml.etree.ElementTree as ElementTree

import pytest

from simulator.twilio_client import SMS_WEBHOOK, TextingCitizen, TwilioWebhookClient
from tests.e2e.hotline_process import Hotline

pytestmark = pytest.mark.e2e

TWIML_LOCATION = "</Message><Redirect>https://evil.example/x</Redirect> Mill Lane & Co"
TWIML_DETAILS = "deep hole {{7*7}} <Hangup/> ]]> '; DROP TABLE service_request; --"


def texter(twilio: TwilioWebhookClient) -> TextingCitizen:
    return TextingCitizen(twilio, f"+4477008{random.randint(0, 99999):05d}")


def test_twiml_in_a_text_is_echoed_as_text_not_as_verbs(hotline: Hotline, twilio: TwilioWebhookClient) -> None:
    citizen = texter(twilio)
    citizen.text("there's a pothole")
    citizen.text(TWIML_LOCATION)
    summary = citizen.text(TWIML_DETAILS)
    root = ElementTree.fromstring(summary.response.text)
    assert {element.tag for element in root.iter()} == {"Response", "Message"}, summary.response.text
    assert TWIML_LOCATION in summary.text and TWIML_DETAILS in summary.text
    assert "49" not in summary.text


def test_a_signed_text_with_invalid_percent_encoding_is_refused(hotline: Hotline, twilio: TwilioWebhookClient) -> None:
    citizen = texter(twilio)
    params = citizen.params("hello")
    body = "&".join(f"{key}={value}" for key, value in params.items()).replace("Body=hello", "Body=%ff%fe")
    reply = twilio.http.post(
        hotline.rasa_url + SMS_WEBHOOK,
        content=body.encode(),
        headers={"content-type": "application/x-www-form-urlencoded", "X-Twilio-Signature": "c2lnbmVk"},
    )
    assert reply.status_code in (400, 403)


@pytest.mark.parametrize("body", ["\x00\x01\x02", "\u200b\u2060\ufeff", "\u202e\u202d"])
def test_only_control_or_invisible_characters_get_a_polite_answer_and_no_turn(
    hotline: Hotline, twilio: TwilioWebhookClient, body: str
) -> None:
    reply = texter(twilio).text(body)
    assert "as text" in reply.text
