"""The TwiML a voice turn answers with (channels/voice.py), parsed back as Twilio reads it."""

import xml.etree.ElementTree as ElementTree
from urllib.parse import parse_qs, urlparse

from channels.voice import DEFAULT_QUEUE, GOODBYE, VoiceUrls, reply_language, voice_reply

URLS = VoiceUrls("https://hotline.northbridge.example")


def parsed(messages: list) -> ElementTree.Element:
    return ElementTree.fromstring(str(voice_reply(messages, urls=URLS, next_turn=4, language="en-US")))


def test_an_answer_is_spoken_inside_the_next_gather() -> None:
    root = parsed([{"text": "Your application APP-204817 is under review. 🙂"}])
    gather = root.find("Gather")
    assert gather is not None
    assert gather.get("input") == "speech dtmf"
    assert gather.get("actionOnEmptyResult") == "true"
    assert gather.get("language") == "en-US"
    action = urlparse(gather.get("action"))
    assert action.netloc == "hotline.northbridge.example" and action.path == "/webhooks/voice/webhook"
    assert parse_qs(action.query) == {"turn": ["4"], "misses": ["0"]}
    assert gather.find("Say").text == "Your application A P P, 2 0 4 8 1 7 is under review."


def test_buttons_are_read_as_a_menu() -> None:
    root = parsed(
        [
            {
                "text": "Shall I pass you on?",
                "buttons": [{"title": "Yes", "payload": "/request_human"}, {"title": "No", "payload": "/deny"}],
            }
        ]
    )
    assert root.find("Gather/Say").text.endswith("press 1 for Yes; press 2 for No.")


def test_a_queued_handoff_transfers_the_call_with_its_reference() -> None:
    root = parsed([
        {"text": "I'm passing you to a colleague. Your reference is HO-000042."},
        {"custom": {"handoff": {"reference": "HO-000042", "queue": "licensing", "status": "queued"}}},
    ])  # fmt: skip
    assert root.find("Gather") is None
    assert "H O, 0 0 0 0 4 2" in root.find("Say").text
    enqueue = root.find("Enqueue")
    assert enqueue.text == "licensing"
    assert parse_qs(urlparse(enqueue.get("waitUrl")).query) == {"reference": ["HO-000042"]}
    assert urlparse(enqueue.get("action")).path == "/webhooks/voice/queue-result"
    assert parse_qs(urlparse(enqueue.get("action")).query) == {"reference": ["HO-000042"]}


def test_a_strange_queue_name_or_reference_is_not_put_into_twiml() -> None:
    root = parsed([{"custom": {"handoff": {"reference": "<x>", "queue": "a b/../c", "status": "queued"}}}])
    enqueue = root.find("Enqueue")
    assert enqueue.text == DEFAULT_QUEUE
    assert parse_qs(urlparse(enqueue.get("waitUrl")).query) == {}


def test_a_callback_handoff_says_goodbye_and_hangs_up() -> None:
    root = parsed([
        {"text": "We are closed now; a colleague will call you back tomorrow morning."},
        {"custom": {"handoff": {"reference": "HO-000043", "queue": "general", "status": "callback"}}},
    ])  # fmt: skip
    assert [say.text for say in root.iter("Say")][-1] == GOODBYE
    assert root.find("Hangup") is not None and root.find("Enqueue") is None


def test_a_chinese_answer_is_spoken_and_listened_for_in_chinese() -> None:
    messages = [{"text": "申请 APP-204817：审核中。", "buttons": [{"title": "好的", "payload": "/affirm"}]}]
    language = reply_language(messages, current="en-US", default="en-US")
    root = ElementTree.fromstring(str(voice_reply(messages, urls=URLS, next_turn=5, language=language)))
    gather = root.find("Gather")
    assert language == "zh-CN"
    assert gather.get("language") == "zh-CN"
    assert gather.find("Say").get("language") == "zh-CN" and gather.find("Say").get("voice") == "Polly.Zhiyu"
    assert gather.find("Say").text == "申请 A P P, 2 0 4 8 1 7：审核中。请说出您的选择，或按1选择好的。"
    # The next turn keeps the language, so the channel's own reprompt is in Chinese too.
    assert parse_qs(urlparse(gather.get("action")).query) == {"turn": ["5"], "misses": ["0"], "lang": ["zh-CN"]}


def test_an_english_answer_after_chinese_switches_the_call_back_to_english() -> None:
    assert reply_language([{"text": "Hello, how can I help?"}], current="zh-CN", default="en-US") == "en-US"
    assert reply_language([], current="zh-CN", default="en-US") == "zh-CN"  # silence (an agent has it) keeps it


def test_a_chinese_queue_transfer_says_goodbye_words_in_chinese_and_keeps_the_language_for_the_hold_music() -> None:
    root = ElementTree.fromstring(
        str(
            voice_reply(
                [{"custom": {"handoff": {"status": "queued", "reference": "HO-000123", "queue": "chinese"}}}],
                urls=URLS,
                next_turn=3,
                language="zh-CN",
            )
        )
    )
    assert root.find("Say").text == "正在为您转接工作人员。"
    assert parse_qs(urlparse(root.find("Enqueue").get("waitUrl")).query)["lang"] == ["zh-CN"]
