"""A citizen who reported by SMS and asked for updates is texted each change, once, and rates the resolved request.

Real processes: the report is texted to the SMS channel (webhooks signed as
Twilio signs them), the department works it through the work-order API, the
notification job runs as the operator command (no waiting for its interval),
and the texts go through the twilio client library to the session's Twilio
stand-in. The citizen's rating is a text answered by the assistant's survey.
"""

from __future__ import annotations

import random

import pytest

from simulator.twilio_client import TextingCitizen, TwilioWebhookClient
from tests.e2e.hotline_process import Hotline
from tests.e2e.test_notifications_page import rating_of, send_notifications, work_order
from tests.twilio_standin import TwilioStandIn

pytestmark = pytest.mark.e2e


def test_texted_updates_and_a_texted_rating(
    hotline: Hotline, twilio: TwilioWebhookClient, twilio_standin: TwilioStandIn
) -> None:
    phone = f"+4477008{random.randint(0, 99_999):05d}"  # the drama range; no demo record has it
    texter = TextingCitizen(twilio, phone)
    texter.text("I want to report a pothole")
    texter.text("Corner of Elm Road and Station Street")
    texter.text("Deep hole in the left lane, cars swerving around it")
    offer = texter.text("yes")
    assert "text message when the status of your report changes" in offer.text, offer.text
    filed = texter.text("yes please").text
    assert "We'll let you know" in filed, filed
    number = next(word.strip(".,") for word in filed.split() if word.startswith("SR-"))

    work_order(hotline, number, "accept")
    work_order(hotline, number, "resolve", resolution="The pothole was filled and the lane reopened.")
    twilio_env = {**hotline.twilio.environment(), "TWILIO_SMS_FROM": texter.hotline_number}
    send_notifications(hotline, **twilio_env)

    accepted, resolved = twilio_standin.wait_for_messages(2, to=phone, timeout=20)
    assert accepted["body"].startswith(f"Northbridge 12345: your report {number} (Pothole or damaged road) - Accepted")
    assert "Resolved. The pothole was filled and the lane reopened." in resolved["body"]
    assert f"How happy are you with how we handled your report {number}" in resolved["body"]
    assert "Reply STOP" in resolved["body"]

    # The answer goes to the assistant's survey, by text like everything else.
    asked_comment = texter.text("4")
    assert "anything you'd like to tell us" in asked_comment.text, asked_comment.text
    thanked = texter.text("no")
    assert "Thanks for your feedback" in thanked.text
    assert rating_of(hotline, number) == 4

    # Nothing is sent twice, whoever runs the job next.
    send_notifications(hotline, **twilio_env)
    assert len(twilio_standin.messages(to=phone)) == 2
