"""Keywords, numbered choices and reply texts of the SMS channel (channels/sms_text.py, channels/last_reply.py)."""

import pytest
from rasa.shared.core.events import BotUttered, UserUttered

from channels.last_reply import buttons_of_last_reply
from channels.sms_text import CHOOSE_BY_NUMBER, chosen_button, keyword_of, sms_keyword, sms_text


@pytest.mark.parametrize(
    ("body", "keyword"),
    [
        ("STOP", "stop"), ("stop", "stop"), (" Stop. ", "stop"), ("UNSUBSCRIBE", "stop"), ("cancel", "stop"),
        ("End", "stop"), ("QUIT!", "stop"), ("ＳＴＯＰ", "stop"),
        ("START", "start"), ("unstop", "start"), ("HELP", "help"), ("info", "help"),
        ("stop the noise on Mill Lane", None), ("cancel my report", None), ("yes", None), ("2", None), ("", None),
    ],
)  # fmt: skip
def test_keywords_are_whole_messages(body: str, keyword: str | None) -> None:
    assert sms_keyword(body) == keyword


def test_keyword_recorded_as_typed_word() -> None:
    assert keyword_of(" unsubscribe ") == "UNSUBSCRIBE"


BUTTONS = [{"title": "Yes, please", "payload": "/request_human"}, {"title": "No, thanks", "payload": "/deny"}]


def test_reply_numbers_the_buttons() -> None:
    text = sms_text([{"text": "Shall I pass you on?", "buttons": BUTTONS}])
    assert text == f"Shall I pass you on?\n1. Yes, please\n2. No, thanks\n\n{CHOOSE_BY_NUMBER}"


def test_several_messages_make_one_text() -> None:
    assert sms_text([{"text": "Thanks."}, {"text": "Anything else?"}]) == "Thanks.\n\nAnything else?"


@pytest.mark.parametrize(("reply", "expected"), [("2", BUTTONS[1]), (" 1. ", BUTTONS[0]), ("２", BUTTONS[1])])
def test_a_number_selects_a_button(reply: str, expected: dict) -> None:
    assert chosen_button(reply, BUTTONS) == expected


@pytest.mark.parametrize("reply", ["0", "3", "12", "two", "1 2", ""])
def test_other_replies_select_nothing(reply: str) -> None:
    assert chosen_button(reply, BUTTONS) is None


def test_buttons_are_those_since_the_citizens_last_message() -> None:
    events = [
        BotUttered("Pick", data={"buttons": [{"title": "old", "payload": "/old"}]}),
        UserUttered("hi"),
        BotUttered("Thanks"),
        BotUttered("Shall I?", data={"buttons": BUTTONS}),
    ]
    assert buttons_of_last_reply(events) == BUTTONS
    assert buttons_of_last_reply(events + [UserUttered("1")]) == []
