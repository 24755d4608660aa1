"""The SMS channel against the real hotline: webhooks sent exactly as Twilio sends them, TwiML replies read back."""

import random
import re
import threading
import time

import httpx
import pytest

from channels.conversation_ids import sms_conversation_id
from simulator.twilio_client import SMS_WEBHOOK, TextingCitizen, TwilioWebhookClient, new_sid
from tests.e2e.hotline_process import Hotline
from tests.twilio_standin import TwilioStandIn

pytestmark = pytest.mark.e2e

APPLICANT_PHONE = "+447700900010"  # APP-204817's applicant in the demo data


def random_phone() -> str:
    # 07700 800xxx-899xxx: the drama range, and no demo applicant has one.
    return f"+4477008{random.randint(0, 99_999):05d}"


def citizen(twilio: TwilioWebhookClient, phone: str | None = None) -> TextingCitizen:
    return TextingCitizen(twilio, phone or random_phone())


def tracker_events(hotline: Hotline, phone: str) -> list[dict]:
    conversation = sms_conversation_id(phone, hotline.twilio.conversation_id_secret)
    reply = httpx.get(
        f"{hotline.rasa_url}/conversations/{conversation}/tracker", params={"token": hotline.rasa_token}, timeout=10
    )
    reply.raise_for_status()
    return reply.json()["events"]


def user_turns(hotline: Hotline, phone: str) -> int:
    return sum(1 for event in tracker_events(hotline, phone) if event["event"] == "user")


def status_lookup(hotline: Hotline, **body: str) -> dict:
    reply = httpx.post(
        f"{hotline.backend_url}/api/v1/applications/status-lookup",
        json=body,
        headers={"Authorization": f"Bearer {hotline.service_token}"},
        timeout=10,
    )
    reply.raise_for_status()
    return reply.json()


# --- whole conversations ----------------------------------------------------------


def test_application_status_by_sms_with_date_of_birth(hotline: Hotline, twilio: TwilioWebhookClient) -> None:
    expected = status_lookup(hotline, application_number="APP-204817", date_of_birth="1985-03-14")
    texter = citizen(twilio)

    asked_number = texter.text("Hi, where is my application?")
    assert "application number" in asked_number.text.lower()
    asked_proof = texter.text("APP-204817")
    assert "date of birth" in asked_proof.text.lower()
    status = texter.text("14/03/1985")

    assert "APP-204817" in status.text
    assert expected["status_text"] in status.text
    assert expected["next_step"] in status.text
    # The conversation id is a keyed hash: the number appears nowhere in Rasa's keys.
    assert user_turns(hotline, texter.phone) == 3


def test_texting_from_the_applicants_phone_needs_no_further_proof(
    hotline: Hotline, twilio: TwilioWebhookClient
) -> None:
    expected = status_lookup(hotline, application_number="APP-204817", pin="482913")
    texter = citizen(twilio, APPLICANT_PHONE)
    texter.text("cancel that please")  # whatever an earlier test left open in this number's conversation
    texter.text("I'd like to check my application status")
    status = texter.text("APP-204817")
    assert expected["status_text"] in status.text
    assert "date of birth" not in status.text.lower()


def test_the_applicants_phone_unlocks_nothing_else(hotline: Hotline, twilio: TwilioWebhookClient) -> None:
    texter = citizen(twilio, APPLICANT_PHONE)
    texter.text("never mind")
    texter.text("where is my application")
    other = texter.text("APP-318402")  # someone else's application
    assert "date of birth" in other.text.lower()
    refused = texter.text("01/01/1990")
    assert "couldn't find an application matching" in refused.text.lower()
    assert "approved" not in refused.text.lower()


def test_buttons_are_numbered_and_a_number_picks_one(hotline: Hotline, twilio: TwilioWebhookClient) -> None:
    texter = citizen(twilio)
    menu = texter.text("what can you do?")
    assert "1. Check an application" in menu.text
    assert "2. Report a problem" in menu.text
    assert "Reply with a number" in menu.text
    picked = texter.text("2")
    assert "what kind of problem" in picked.text.lower() or "1. " in picked.text
    events = [e for e in tracker_events(hotline, texter.phone) if e["event"] == "user"]
    assert events[-1]["parse_data"]["intent"]["name"] == "report_issue"
    assert events[-1]["metadata"]["display_text"] == "Report a problem"


# --- keywords ---------------------------------------------------------------------


def test_stop_opts_out_of_everything_but_the_confirmation_and_start_opts_back_in(
    hotline: Hotline, twilio: TwilioWebhookClient
) -> None:
    texter = citizen(twilio)
    texter.text("hello")
    turns_before = user_turns(hotline, texter.phone)

    stopped = texter.text("STOP")
    assert "unsubscribed" in stopped.text.lower() and "START" in stopped.text
    consent = httpx.post(
        f"{hotline.backend_url}/api/v1/sms-consents/lookup",
        json={"phone": texter.phone},
        headers={"Authorization": f"Bearer {hotline.service_token}"},
        timeout=10,
    ).json()
    assert consent["opted_out"] is True and consent["keyword"] == "STOP"

    ignored = texter.text("where is my application?")
    assert ignored.messages == []
    assert user_turns(hotline, texter.phone) == turns_before  # no assistant turn either

    started = texter.text("start")
    assert "subscribed" in started.text.lower()
    assert "application number" in texter.text("where is my application?").text.lower()


@pytest.mark.parametrize("keyword", ["UNSUBSCRIBE", "cancel", "End", "QUIT"])
def test_every_opt_out_keyword(hotline: Hotline, twilio: TwilioWebhookClient, keyword: str) -> None:
    texter = citizen(twilio)
    assert "unsubscribed" in texter.text(keyword).text.lower()
    assert texter.text("hello").messages == []


def test_help_says_what_the_line_does_and_how_to_reach_a_person(hotline: Hotline, twilio: TwilioWebhookClient) -> None:
    texter = citizen(twilio)
    help_text = texter.text("HELP").text
    assert "applications" in help_text and "agent" in help_text and "STOP" in help_text
    assert user_turns(hotline, texter.phone) == 0  # answered without the NLU


# --- odd text -----------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    ["🙂🙂 hello 👋", "我想查询我的申请状态", "hel\u200blo\u200d there\ufeff", "ＡＰＰ－２０４８１７"],
    ids=["emoji", "chinese", "zero-width", "full-width"],
)
def test_strange_text_gets_an_answer_within_sms_limits(
    hotline: Hotline, twilio: TwilioWebhookClient, text: str
) -> None:
    reply = citizen(twilio).text(text)
    assert reply.messages
    for message in reply.messages:
        assert len(message) <= 1600


def test_zero_width_characters_are_removed_before_the_assistant_sees_them(
    hotline: Hotline, twilio: TwilioWebhookClient
) -> None:
    texter = citizen(twilio)
    texter.text("where is my application")
    asked_proof = texter.text("APP\u200b-2048\u200d17")
    assert "date of birth" in asked_proof.text.lower()
    user_events = [e for e in tracker_events(hotline, texter.phone) if e["event"] == "user"]
    assert user_events[-1]["text"] == "APP-204817"


def test_empty_text_is_answered_politely_without_a_turn(hotline: Hotline, twilio: TwilioWebhookClient) -> None:
    texter = citizen(twilio)
    reply = texter.text("\u200b \u200b")
    assert "as text" in reply.text
    assert user_turns(hotline, texter.phone) == 0


# --- forged, malformed, repeated --------------------------------------------------------


def test_forged_and_unsigned_requests_never_reach_the_assistant(hotline: Hotline, twilio: TwilioWebhookClient) -> None:
    texter = citizen(twilio)
    params = texter.params("hello")
    other_token = TwilioWebhookClient(
        hotline.rasa_url, hotline.twilio.public_url, "not-the-token", hotline.twilio.account_sid
    )
    tampered_signature = twilio.signature(SMS_WEBHOOK, params)
    cases = {
        "unsigned": twilio.post(SMS_WEBHOOK, params, signature=""),
        "wrong token": other_token.post(SMS_WEBHOOK, params),
        "tampered body": twilio.post(SMS_WEBHOOK, {**params, "Body": "hello!"}, signature=tampered_signature),
        "signed for another URL": twilio.post(
            SMS_WEBHOOK, params, signature=twilio.signature("/webhooks/voice/webhook", params)),
        "signed for the server's own address": twilio.post(
            SMS_WEBHOOK, params, signature=twilio.validator.compute_signature(hotline.rasa_url + SMS_WEBHOOK, params)),
        "another account": twilio.post(SMS_WEBHOOK, {**params, "AccountSid": "AC" + "0" * 32}),
    }  # fmt: skip
    other_token.close()
    for name, response in cases.items():
        assert response.status_code == 403, name
    assert user_turns(hotline, texter.phone) == 0


@pytest.mark.parametrize(
    ("change", "status"),
    [
        ({"MessageSid": None}, 400),
        ({"MessageSid": "SM123"}, 400),
        ({"From": "07700900123"}, 400),
        ({"From": "NORTHBRIDGE"}, 400),
        ({"Body": None}, 400),
        ({"Body": "x" * 5000}, 413),
    ],
    ids=["no-sid", "bad-sid", "national-from", "alphanumeric-from", "no-body", "long-body"],
)
def test_malformed_but_signed_webhooks_are_4xx(
    hotline: Hotline, twilio: TwilioWebhookClient, change: dict, status: int
) -> None:
    texter = citizen(twilio)
    params = {key: value for key, value in {**texter.params("hello"), **change}.items() if value is not None}
    assert twilio.post(SMS_WEBHOOK, params).status_code == status
    assert user_turns(hotline, texter.phone) == 0


def test_requests_that_are_not_twilio_forms_are_4xx(hotline: Hotline, twilio: TwilioWebhookClient) -> None:
    url = hotline.rasa_url + SMS_WEBHOOK
    signed = {"X-Twilio-Signature": twilio.signature(SMS_WEBHOOK, {})}
    as_json = httpx.post(url, json={"Body": "hi"}, headers=signed)
    assert as_json.status_code == 415
    empty = httpx.post(url, content=b"", headers={**signed, "Content-Type": "application/x-www-form-urlencoded"})
    assert empty.status_code == 400
    form_type = {**signed, "Content-Type": "application/x-www-form-urlencoded"}
    broken = httpx.post(url, content=b"\xff\xfe=%%%", headers=form_type)
    assert broken.status_code in (400, 403)
    huge = httpx.post(
        url, content=b"Body=" + b"x" * 100_000, headers={**signed, "Content-Type": "application/x-www-form-urlencoded"}
    )
    assert huge.status_code == 413


def test_a_replayed_message_gets_no_second_turn_or_reply(hotline: Hotline, twilio: TwilioWebhookClient) -> None:
    texter = citizen(twilio)
    sid = new_sid("SM")
    first = texter.text("where is my application?", message_sid=sid)
    again = texter.text("where is my application?", message_sid=sid)
    assert first.messages and again.messages == []
    assert user_turns(hotline, texter.phone) == 1


def test_simultaneous_copies_make_exactly_one_turn_and_one_reply(hotline: Hotline, twilio: TwilioWebhookClient) -> None:
    texter = citizen(twilio)
    sid = new_sid("SM")
    copies = 6
    start = threading.Barrier(copies)
    replies: list = []

    def send() -> None:
        client = TwilioWebhookClient(
            hotline.rasa_url, hotline.twilio.public_url, hotline.twilio.auth_token, hotline.twilio.account_sid
        )
        start.wait()
        replies.append(TextingCitizen(client, texter.phone).text("I want to report a pothole", message_sid=sid))
        client.close()

    threads = [threading.Thread(target=send) for _ in range(copies)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert len(replies) == copies
    assert sorted(bool(reply.messages) for reply in replies) == [False] * (copies - 1) + [True]
    assert user_turns(hotline, texter.phone) == 1


# --- outbound: an agent's reply through Rasa's API --------------------------------------


def test_an_agents_reply_is_texted_through_twilio(
    hotline: Hotline, twilio: TwilioWebhookClient, twilio_standin: TwilioStandIn
) -> None:
    texter = citizen(twilio)
    texter.text("I want to talk to a person")
    conversation = sms_conversation_id(texter.phone, hotline.twilio.conversation_id_secret)
    reply = "Hello, this is Sam from the council. Your pothole report 🕳️ is with the roads team. " + "More. " * 300
    appended = httpx.post(
        f"{hotline.rasa_url}/conversations/{conversation}/tracker/events",
        params={"token": hotline.rasa_token, "execute_side_effects": "true", "output_channel": "latest"},
        json={"event": "bot", "text": reply}, timeout=30,
    )  # fmt: skip
    assert appended.status_code == 200, appended.text
    sent = twilio_standin.wait_for_messages(2, to=texter.phone)
    assert all(message["from"] == "+447700900000" and len(message["body"]) <= 1600 for message in sent)
    assert sent[0]["body"].startswith("(1/") and "Sam from the council" in sent[0]["body"]
    assert sum(int(message["num_segments"]) > 10 for message in sent) == 0


def test_no_agent_reply_reaches_an_opted_out_number(
    hotline: Hotline, twilio: TwilioWebhookClient, twilio_standin: TwilioStandIn
) -> None:
    texter = citizen(twilio)
    texter.text("hello")
    texter.text("STOP")
    conversation = sms_conversation_id(texter.phone, hotline.twilio.conversation_id_secret)
    appended = httpx.post(
        f"{hotline.rasa_url}/conversations/{conversation}/tracker/events",
        params={"token": hotline.rasa_token, "execute_side_effects": "true", "output_channel": "latest"},
        json={"event": "bot", "text": "Hello from the council"}, timeout=30,
    )  # fmt: skip
    assert appended.status_code == 500
    assert "opted out" in appended.text
    time.sleep(0.5)
    assert twilio_standin.messages(to=texter.phone) == []


def test_sms_never_suggests_a_word_that_would_unsubscribe(hotline: Hotline, twilio: TwilioWebhookClient) -> None:
    texter = citizen(twilio)
    texter.text("where is my application?")
    invalid = texter.text("my number is lost")
    assert "never mind" in invalid.text
    assert "'cancel'" not in invalid.text
    stopped = texter.text("never mind")
    assert "stopped" in stopped.text.lower() or "anything else" in stopped.text.lower()


def test_a_handoff_by_sms_with_an_agent_in_the_console(
    hotline: Hotline, twilio: TwilioWebhookClient, twilio_standin: TwilioStandIn
) -> None:
    from tests.e2e.test_handoff import ConsoleSession, eventually

    texter = citizen(twilio)
    texter.text("I want to check my business licence application")
    queued = texter.text("actually can I talk to a person please")
    reference = re.search(r"HO-\d{6}", queued.text)
    assert reference, queued.text
    reference = reference.group(0)

    # The assistant is silent now; the text goes to the agent.
    assert texter.text("hello? is anyone there").messages == []
    alice = ConsoleSession(hotline, "alice")
    alice.put("/me/presence", {"presence": "available"}).raise_for_status()
    detail = eventually(lambda: alice.get(f"/conversations/{reference}").json())
    assert detail["messages"][-1]["text"] == "hello? is anyone there"

    alice.post(f"/conversations/{reference}/claim").raise_for_status()
    sent = alice.post(f"/conversations/{reference}/messages", {"text": "Hi, I'm Alice. How can I help?"})
    assert sent.json()["delivery"] == "delivered", sent.text
    texted = eventually(
        lambda: [m for m in twilio_standin.messages(to=texter.phone) if "Hi, I'm Alice. How can I help?" in m["body"]]
    )
    assert texted[0]["from"] == "+447700900000"

    # After STOP nothing more is texted, not even an agent's reply.
    texter.text("STOP")
    texted_before = len(twilio_standin.messages(to=texter.phone))
    refused = alice.post(f"/conversations/{reference}/messages", {"text": "Are you still there?"})
    assert refused.json()["delivery"] != "delivered", refused.text
    time.sleep(0.5)
    assert len(twilio_standin.messages(to=texter.phone)) == texted_before


def test_the_survey_after_an_sms_handoff_is_texted_and_answered(
    hotline: Hotline, twilio: TwilioWebhookClient, twilio_standin: TwilioStandIn
) -> None:
    from tests.e2e.test_handoff import ConsoleSession, eventually

    texter = citizen(twilio)
    queued = texter.text("can I talk to a person please")
    reference = re.search(r"HO-\d{6}", queued.text)
    assert reference, queued.text
    chen = ConsoleSession(hotline, "chen")
    chen.put("/me/presence", {"presence": "available"}).raise_for_status()
    chen.post(f"/conversations/{reference.group(0)}/claim").raise_for_status()

    closed = chen.post(f"/conversations/{reference.group(0)}/close", {"wrap_up_code": "information_given"})
    assert closed.status_code == 200, closed.text

    asked = eventually(lambda: [m for m in twilio_standin.messages(to=texter.phone) if "from 1" in m["body"]])
    assert "1." in asked[-1]["body"] and "5." in asked[-1]["body"]  # the buttons as numbered choices
    comment_asked = texter.text("4")
    assert "anything you'd like to tell us" in comment_asked.text.lower(), comment_asked.text
    thanked = texter.text("no")
    assert "thanks for your feedback" in thanked.text.lower(), thanked.text
