"""actions/fallback.py: what the assistant cannot do, then a person from the second failed turn in a row."""

import pytest

from actions.fallback import ActionExplainLimits, consecutive_limit_turns
from tests.actions.conftest import responses
from tests.actions.conversation_events import action, user


@pytest.mark.asyncio
async def test_first_out_of_scope_turn_explains_limits(tracker_from, dispatcher, domain):
    tracker = tracker_from(
        "faq_fees_without_service",
        action("action_answer_faq"),
        action("action_listen"),
        user("what's the weather", "out_of_scope"),
    )
    assert await ActionExplainLimits().run(dispatcher, tracker, domain) == []
    assert responses(dispatcher) == ["utter_out_of_scope", "utter_capabilities"]


@pytest.mark.asyncio
async def test_first_misunderstood_turn(tracker_from, dispatcher, domain):
    tracker = tracker_from("faq_fees_without_service", action("action_listen"), user("blorp", "nlu_fallback"))
    assert await ActionExplainLimits().run(dispatcher, tracker, domain) == []
    assert responses(dispatcher) == ["utter_not_understood", "utter_capabilities"]


@pytest.mark.asyncio
async def test_second_in_a_row_offers_a_person(tracker_from, dispatcher, domain):
    assert await ActionExplainLimits().run(dispatcher, tracker_from("out_of_scope_twice"), domain) == []
    assert responses(dispatcher) == ["utter_offer_human"]


@pytest.mark.asyncio
async def test_mixed_fallback_and_out_of_scope_count_together_and_reset_on_anything_else(
    tracker_from, dispatcher, domain
):
    third = tracker_from("out_of_scope_twice", action("action_listen"), user("zzz", "nlu_fallback"))
    assert consecutive_limit_turns(third) == 3
    reset = tracker_from(
        "out_of_scope_twice",
        action("action_listen"),
        user("no", "deny"),
        action("action_listen"),
        user("sing me a song", "out_of_scope"),
    )
    assert consecutive_limit_turns(reset) == 1
    await ActionExplainLimits().run(dispatcher, reset, domain)
    assert responses(dispatcher) == ["utter_out_of_scope", "utter_capabilities"]
