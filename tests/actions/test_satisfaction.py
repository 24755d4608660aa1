"""actions/satisfaction.py: reading a 1-5 rating, the optional comment, sending it; callback numbers."""

import pytest
from rasa_sdk.events import SlotSet

from actions.satisfaction import (
    DECLINED,
    NO_COMMENT,
    ActionSubmitSatisfaction,
    ValidateCallbackForm,
    ValidateSatisfactionForm,
    normalise_phone,
    parse_rating,
)
from tests.actions.conftest import responses
from tests.actions.conversation_events import user


@pytest.mark.parametrize(
    ("text", "rating"),
    [("4", 4), ("5/5", 5), ("I'd say 3", 3), ("four", 4), ("⭐⭐⭐⭐⭐", 5), ("四", 4), ("２", 2)],
)
def test_ratings_as_citizens_write_them(text, rating):
    assert parse_rating(text) == rating


@pytest.mark.parametrize("text", ["0", "6", "10", "3 or 4", "great", "", "⭐⭐⭐⭐⭐⭐", "one two"])
def test_anything_else_is_not_a_rating(text):
    assert parse_rating(text) is None


@pytest.mark.parametrize(
    ("text", "phone"),
    [
        ("07700 900123", "+447700900123"),
        ("+44 (0)7700-900123", "+447700900123"),
        ("+44 7700 900123", "+447700900123"),
        ("+1 415 555 0100", "+14155550100"),
        ("call me", None),
        ("123", None),
    ],
)
def test_callback_numbers(text, phone):
    assert normalise_phone(text) == phone


def test_invalid_callback_number_is_asked_again(dispatcher, tracker_from, domain):
    result = ValidateCallbackForm().validate_callback_phone(
        "not a number", dispatcher, tracker_from("out_of_scope_twice"), domain
    )
    assert result == {"callback_phone": None}
    assert responses(dispatcher) == ["utter_invalid_callback_phone"]


def test_declining_to_rate_ends_the_survey(dispatcher, tracker_from, domain):
    tracker = tracker_from("out_of_scope_twice", user("no thanks", "deny"))
    result = ValidateSatisfactionForm().validate_satisfaction_rating("no thanks", dispatcher, tracker, domain)
    assert result == {"satisfaction_rating": DECLINED, "satisfaction_comment": NO_COMMENT}
    assert responses(dispatcher) == []


def test_no_comment_is_recorded_as_none(dispatcher, tracker_from, domain):
    tracker = tracker_from("out_of_scope_twice", user("no", "deny"))
    assert ValidateSatisfactionForm().validate_satisfaction_comment("no", dispatcher, tracker, domain) == {
        "satisfaction_comment": NO_COMMENT
    }
    kept = ValidateSatisfactionForm().validate_satisfaction_comment(
        "Quick and\u200b kind", dispatcher, tracker_from("out_of_scope_twice", user("Quick and kind", "thank")), domain
    )
    assert kept == {"satisfaction_comment": "Quick and kind"}


@pytest.mark.asyncio
async def test_rating_is_sent_and_the_citizen_thanked(dispatcher, tracker_from, domain, running_backend):
    tracker = tracker_from("out_of_scope_twice", slots={"satisfaction_rating": 4.0, "satisfaction_comment": "ok"})
    events = await ActionSubmitSatisfaction(running_backend).run(dispatcher, tracker, domain)
    assert responses(dispatcher) == ["utter_thanks_for_rating"]
    assert events == [SlotSet("satisfaction_rating", None), SlotSet("satisfaction_comment", None)]


@pytest.mark.asyncio
async def test_declined_rating_sends_nothing(dispatcher, tracker_from, domain, down_backend):
    tracker = tracker_from("out_of_scope_twice", slots={"satisfaction_rating": float(DECLINED)})
    await ActionSubmitSatisfaction(down_backend).run(dispatcher, tracker, domain)
    assert responses(dispatcher) == []
