"""The voice channel against the real hotline: calls as Twilio makes them, Gather results posted back, TwiML read."""

import re
import threading
from urllib.parse import parse_qs, urlparse

import httpx
import pytest

from channels.conversation_ids import voice_conversation_id
from simulator.twilio_client import VOICE_WEBHOOK, Caller, TwilioWebhookClient, read_voice_turn
from tests.e2e.hotline_process import Hotline
from tests.e2e.test_sms_channel import random_phone, status_lookup

pytestmark = pytest.mark.e2e


def call(twilio: TwilioWebhookClient, phone: str | None = None) -> Caller:
    caller = Caller(twilio, phone or random_phone())
    greeting = caller.dial()
    assert greeting.gather is not None
    return caller


def user_events(hotline: Hotline, caller: Caller) -> list[dict]:
    conversation = voice_conversation_id(caller.call_sid, hotline.twilio.conversation_id_secret)
    reply = httpx.get(
        f"{hotline.rasa_url}/conversations/{conversation}/tracker", params={"token": hotline.rasa_token}, timeout=10
    )
    reply.raise_for_status()
    return [event for event in reply.json()["events"] if event["event"] == "user"]


def assert_written_for_the_ear(text: str) -> None:
    assert not re.search(r"https?://|www\.|@", text)
    assert not re.search(r"[\U0001F300-\U0001FAFF\u2600-\u27BF]", text)
    assert not re.search(r"(APP|SR|HO)-\d", text)  # references are read out character by character


def test_the_call_is_answered_with_a_greeting_and_a_speech_and_keypad_gather(
    hotline: Hotline, twilio: TwilioWebhookClient
) -> None:
    greeting = Caller(twilio, random_phone()).dial()
    assert "press 1 for application status, 2 to report a problem, or 0 for an agent" in greeting.text
    assert greeting.gather["input"] == "speech dtmf"
    assert greeting.gather["language"] == "en-US"
    action = urlparse(greeting.gather["action"])
    # Twilio is sent back to the public URL, not to the address the server listens on.
    assert f"{action.scheme}://{action.netloc}" == hotline.twilio.public_url
    assert parse_qs(action.query) == {"turn": ["1"], "misses": ["0"], "menu": ["main"]}


def test_application_status_by_voice_with_the_keypad(hotline: Hotline, twilio: TwilioWebhookClient) -> None:
    expected = status_lookup(hotline, application_number="APP-204817", date_of_birth="1985-03-14")
    caller = call(twilio)

    asked_number = caller.press("1")
    assert "application number" in asked_number.text.lower()
    assert "key in its six digits" in asked_number.text  # the voice variant of the question
    asked_proof = caller.press("204817")  # keyed digits while the number is asked for: APP-204817
    assert "date of birth" in asked_proof.text.lower()
    status = caller.say("14 March 1985")

    assert "A P P, 2 0 4 8 1 7" in status.text
    assert expected["status_text"] in status.text
    assert_written_for_the_ear(status.text)
    assert status.gather is not None  # the call goes on: "anything else?"


def test_application_status_by_voice_with_speech_and_pin(hotline: Hotline, twilio: TwilioWebhookClient) -> None:
    expected = status_lookup(hotline, application_number="APP-318402", pin="731055")
    caller = call(twilio)
    caller.say("I'd like to know where my application is")
    caller.say("APP 318402")
    status = caller.press("731055#")
    assert expected["status_text"] in status.text
    assert_written_for_the_ear(status.text)


def test_caller_id_is_no_proof_of_identity(hotline: Hotline, twilio: TwilioWebhookClient) -> None:
    # Calling from APP-204817's applicant's number still needs the date of birth or PIN.
    caller = call(twilio, "+447700900010")
    caller.press("1")
    asked = caller.press("204817")
    assert "date of birth" in asked.text.lower()


def test_buttons_are_read_as_a_menu_and_keys_choose(hotline: Hotline, twilio: TwilioWebhookClient) -> None:
    caller = call(twilio)
    menu = caller.say("what can you do")
    assert "press 1 for Check an application" in menu.text
    assert "press 2 for Report a problem" in menu.text
    caller.press("2")
    assert user_events(hotline, caller)[-1]["parse_data"]["intent"]["name"] == "report_issue"


def test_silence_reprompts_twice_then_offers_an_agent_then_transfers(
    hotline: Hotline, twilio: TwilioWebhookClient
) -> None:
    caller = call(twilio)
    first = caller.stay_silent()
    second = caller.stay_silent()
    assert "didn't catch that" in first.text and "didn't catch that" in second.text
    offer = caller.stay_silent()
    assert "press 0 or say agent" in offer.text
    assert user_events(hotline, caller) == []  # nothing reached the assistant so far
    handed_over = caller.stay_silent()
    assert user_events(hotline, caller)[-1]["text"] == "/request_human"
    assert "H O, 0" in handed_over.text and handed_over.enqueue is not None


def test_a_low_confidence_transcript_counts_as_not_understood(hotline: Hotline, twilio: TwilioWebhookClient) -> None:
    caller = call(twilio)
    assert "didn't catch that" in caller.say("mumble", confidence=0.05).text
    assert user_events(hotline, caller) == []


@pytest.mark.parametrize("how", ["zero", "speech"])
def test_zero_or_asking_for_a_person_starts_the_handoff(
    hotline: Hotline, twilio: TwilioWebhookClient, how: str
) -> None:
    caller = call(twilio)
    caller.press("1")  # in the middle of a form
    turn = caller.press("0") if how == "zero" else caller.say("Agent.")
    assert user_events(hotline, caller)[-1]["text"] == "/request_human"
    assert_written_for_the_ear(turn.text)
    # The caller hears the reference, then waits in the call-centre queue of the handoff's team.
    assert "transfer your call" in turn.text and "write" not in turn.text
    spoken_reference = re.search(r"H O, ((?:\d ){5}\d)", turn.text)
    assert spoken_reference, turn.text
    assert turn.enqueue is not None and turn.gather is None
    assert re.fullmatch(r"[a-z_]+", turn.enqueue["queue"])
    reference = parse_qs(urlparse(turn.enqueue["waitUrl"]).query)["reference"][0]
    assert reference == "HO-" + spoken_reference.group(1).replace(" ", "")
    assert parse_qs(urlparse(turn.enqueue["action"]).query)["reference"] == [reference]
    assert urlparse(turn.enqueue["waitUrl"]).netloc == urlparse(hotline.twilio.public_url).netloc


def test_forged_voice_webhooks_are_refused(hotline: Hotline, twilio: TwilioWebhookClient) -> None:
    caller = Caller(twilio, random_phone())
    params = caller.params()
    unsigned = twilio.post(VOICE_WEBHOOK, params, signature="")
    forged = twilio.post(VOICE_WEBHOOK, params, signature="bm90IGEgc2lnbmF0dXJl")
    # A Gather result with its turn counter changed is another URL than Twilio signed.
    signed_turn = twilio.signature(VOICE_WEBHOOK + "?turn=1&misses=0", params)
    moved = twilio.post(VOICE_WEBHOOK + "?turn=1&misses=3", params, signature=signed_turn)
    bad_sid = twilio.post(VOICE_WEBHOOK, {**params, "CallSid": "CA123"})
    assert [r.status_code for r in (unsigned, forged, moved, bad_sid)] == [403, 403, 403, 400]
    assert twilio.post(VOICE_WEBHOOK + "?turn=x", params).status_code == 400


def test_a_repeated_gather_result_makes_one_turn_and_the_same_reply(
    hotline: Hotline, twilio: TwilioWebhookClient
) -> None:
    caller = call(twilio)
    action = caller.last.gather["action"]
    params = caller.params(SpeechResult="I want to report a pothole", Confidence="0.9")
    start = threading.Barrier(4)
    replies: list = []

    def send() -> None:
        client = TwilioWebhookClient(
            hotline.rasa_url, hotline.twilio.public_url, hotline.twilio.auth_token, hotline.twilio.account_sid
        )
        start.wait()
        replies.append(client.post(action, params))
        client.close()

    threads = [threading.Thread(target=send) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    turns = [read_voice_turn(reply) for reply in replies]
    assert len({turn.response.text for turn in turns}) == 1  # every copy gets the one reply
    assert "A P P" not in turns[0].text and turns[0].gather is not None
    assert len(user_events(hotline, caller)) == 1


def test_queue_callbacks_speak_the_reference(hotline: Hotline, twilio: TwilioWebhookClient) -> None:
    caller = Caller(twilio, random_phone())
    waiting = read_voice_turn(
        twilio.post(
            "/webhooks/voice/wait?reference=HO-000042", caller.params(QueuePosition="3", QueueSid="QU" + "0" * 32)
        )
    )
    assert "number 3 in the queue" in waiting.text and "H O, 0 0 0 0 4 2" in waiting.text
    failed = read_voice_turn(
        twilio.post("/webhooks/voice/queue-result?reference=HO-000042", caller.params(QueueResult="queue-full"))
    )
    assert "H O, 0 0 0 0 4 2" in failed.text and failed.hangup
    bridged = read_voice_turn(
        twilio.post("/webhooks/voice/queue-result?reference=HO-000042", caller.params(QueueResult="bridged"))
    )
    assert bridged.said == [] and bridged.hangup


@pytest.mark.parametrize("speech", ["我想查询我的申请", "hel\u200blo 🙂 there"], ids=["chinese", "zero-width-emoji"])
def test_strange_speech_results_get_a_spoken_answer(hotline: Hotline, twilio: TwilioWebhookClient, speech: str) -> None:
    caller = call(twilio)
    turn = caller.say(speech)
    assert turn.text and turn.gather is not None
    assert_written_for_the_ear(turn.text)
    assert "\u200b" not in user_events(hotline, caller)[-1]["text"]


def test_a_caller_who_presses_9_is_answered_and_listened_to_in_mandarin(
    hotline: Hotline, twilio: TwilioWebhookClient
) -> None:
    expected = status_lookup(hotline, application_number="APP-204817", date_of_birth="1985-03-14")
    caller = Caller(twilio, random_phone())
    greeting = caller.dial()
    chinese_offer = [say for say in greeting.root.iter("Say") if say.get("language") == "zh-CN"]
    assert [say.text for say in chinese_offer] == ["中文服务请按9。"]

    welcome = caller.press("9")
    assert "您好" in welcome.text and welcome.gather["language"] == "zh-CN"
    assert all(say.get("language") == "zh-CN" and say.get("voice") == "Polly.Zhiyu"
               for say in welcome.root.iter("Say"))
    asked_number = caller.say("我想查询申请进度")
    assert "申请编号" in asked_number.text and asked_number.gather["language"] == "zh-CN"
    asked_proof = caller.press("204817")
    assert "出生日期" in asked_proof.text
    status = caller.say("1985年3月14日")
    assert "A P P, 2 0 4 8 1 7" in status.text and expected["status_text"] not in status.text
    assert status.gather["language"] == "zh-CN"
    mumbled = caller.say("嗯", confidence=0.05)  # below the confidence floor: the channel's own reprompt
    assert "抱歉，没有听清" in mumbled.text and mumbled.gather["language"] == "zh-CN"
