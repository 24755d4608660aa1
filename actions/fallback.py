"""Saying what the assistant cannot do, and offering a person when it keeps failing (action_explain_limits)."""

from __future__ import annotations

from typing import List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

LIMIT_INTENTS = ("out_of_scope", "nlu_fallback")


def consecutive_limit_turns(tracker: Tracker) -> int:
    """How many of the latest user turns in a row were out of scope or not understood.

    Counted from the events rather than kept in a slot, so that nothing else has to reset it.
    """
    count = 0
    for event in reversed(tracker.events):
        if event.get("event") == "session_started":
            break
        if event.get("event") != "user":
            continue
        if ((event.get("parse_data") or {}).get("intent") or {}).get("name") not in LIMIT_INTENTS:
            break
        count += 1
    return count


class ActionExplainLimits(Action):
    def name(self) -> Text:
        return "action_explain_limits"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[EventType]:
        if consecutive_limit_turns(tracker) >= 2:
            dispatcher.utter_message(response="utter_offer_human")
            return []
        intent = (tracker.latest_message.get("intent") or {}).get("name")
        dispatcher.utter_message(response="utter_out_of_scope" if intent == "out_of_scope" else "utter_not_understood")
        dispatcher.utter_message(response="utter_capabilities")
        return []
