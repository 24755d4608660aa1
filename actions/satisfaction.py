"""The satisfaction survey (satisfaction_form) after a conversation with an agent or a resolved request; callbacks."""

from __future__ import annotations

import re
import unicodedata
from typing import Any, Dict, List, Optional, Text

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.backend_client import BackendClient, BackendError, UsesBackend, channel_name
from actions.citizen_text import as_text, clean_citizen_text
from actions.identifiers import normalise_request_number

_WORDS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5}
NO_COMMENT = "-"
DECLINED = -1
_NO_COMMENT_WORDS = {"no", "nope", "no thanks", "no comment", "nothing", "skip", "none", "n", "不用", "没有", "不",
                     "不用了", "没有了", "没了", "没什么", "没什么了", "算了"}
MAX_COMMENT = 1000


def parse_rating(text: str) -> Optional[int]:
    """1-5 from '4', '4/5', 'four', '⭐⭐⭐⭐' or '四'; None for anything else (0, 6, two numbers...)."""
    text = unicodedata.normalize("NFKC", text).strip().lower()
    stars = text.count("⭐") + text.count("★")
    if stars and not re.sub(r"[⭐★\s]", "", text):
        return stars if 1 <= stars <= 5 else None
    digits = re.findall(r"\d+", text)
    if len(digits) == 1 or (len(digits) == 2 and digits[1] == "5" and "/" in text):
        value = int(digits[0])
        return value if 1 <= value <= 5 else None
    words = [value for word, value in _WORDS.items() if re.search(rf"(?<![a-z]){re.escape(word)}(?![a-z])", text)]
    return words[0] if len(words) == 1 else None


class ValidateSatisfactionForm(FormValidationAction):
    def name(self) -> Text:
        return "validate_satisfaction_form"

    def validate_satisfaction_rating(
        self, slot_value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[Text, Any]:
        intent = (tracker.latest_message.get("intent") or {}).get("name")
        rating = parse_rating(as_text(slot_value))
        if rating is None and intent in ("deny", "cancel"):
            # "No thanks": the survey ends without a rating.
            return {"satisfaction_rating": DECLINED, "satisfaction_comment": NO_COMMENT}
        if rating is None:
            dispatcher.utter_message(response="utter_invalid_satisfaction_rating")
        return {"satisfaction_rating": rating}

    def validate_satisfaction_comment(
        self, slot_value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[Text, Any]:
        comment = clean_citizen_text(as_text(slot_value), MAX_COMMENT)
        intent = (tracker.latest_message.get("intent") or {}).get("name")
        if not comment or intent == "deny" or comment.lower().strip(".! 。！，") in _NO_COMMENT_WORDS:
            return {"satisfaction_comment": NO_COMMENT}
        return {"satisfaction_comment": comment}


class ActionAskSatisfactionRating(Action):
    """The survey's first question: about the agent's help, or about how a resolved request was handled."""

    def name(self) -> Text:
        return "action_ask_satisfaction_rating"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[EventType]:
        if tracker.get_slot("rated_request"):
            dispatcher.utter_message(response="utter_ask_request_rating")
        else:
            dispatcher.utter_message(response="utter_ask_satisfaction_rating")
        return []


class ActionSubmitSatisfaction(UsesBackend, Action):
    def __init__(self, backend: Optional[BackendClient] = None) -> None:
        UsesBackend.__init__(self, backend)

    def name(self) -> Text:
        return "action_submit_satisfaction"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[EventType]:
        rating = tracker.get_slot("satisfaction_rating")
        comment = tracker.get_slot("satisfaction_comment")
        rated_request = normalise_request_number(as_text(tracker.get_slot("rated_request")))
        cleared: List[EventType] = [
            SlotSet("satisfaction_rating", None),
            SlotSet("satisfaction_comment", None),
            SlotSet("rated_request", None),
        ]
        if rating is None or int(rating) == DECLINED:
            return cleared
        try:
            await self.backend.record_rating(
                conversation_id=tracker.sender_id[:128],
                channel=channel_name(tracker.get_latest_input_channel()),
                rating=int(rating),
                comment=None if comment in (None, NO_COMMENT) else str(comment),
                request_number=rated_request,
            )
        except BackendError:
            pass  # the citizen is thanked either way; a lost rating is logged by the client
        dispatcher.utter_message(response="utter_thanks_for_rating")
        return cleared


def normalise_phone(text: str) -> Optional[str]:
    """A phone number in E.164 (+44...), from what a citizen types; UK numbers may start with 0."""
    # "+44 (0)7700 900123": the bracketed trunk zero is not dialled after the country code.
    digits = re.sub(r"[\s().-]", "", unicodedata.normalize("NFKC", text).replace("(0)", ""))
    if re.fullmatch(r"\+[1-9][0-9]{6,14}", digits):
        return digits
    if re.fullmatch(r"0[1-9][0-9]{8,9}", digits):
        return "+44" + digits[1:]
    return None


class ValidateCallbackForm(FormValidationAction):
    def name(self) -> Text:
        return "validate_callback_form"

    def validate_callback_phone(
        self, slot_value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[Text, Any]:
        phone = normalise_phone(as_text(slot_value))
        if phone is None:
            dispatcher.utter_message(response="utter_invalid_callback_phone")
        return {"callback_phone": phone}
