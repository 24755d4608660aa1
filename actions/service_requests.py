"""Filing a report about a problem in public space and following one up (report_issue_form, request_status_form)."""

from __future__ import annotations

import logging
import re
from typing import Any, Dict, List, Optional, Text

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.backend_client import BackendClient, BackendError, BackendThrottled, UsesBackend, channel_name
from actions.caller import caller_phone, conversation_language
from actions.citizen_text import as_text, clean_citizen_text
from actions.identifiers import normalise_request_number
from actions.knowledge_base import KnowledgeBase, default_knowledge_base
from actions.translations import SERVICE_REQUEST_STATUS_ZH, format_date_for, in_language

logger = logging.getLogger(__name__)

LOCATION_LENGTH = (3, 300)
DESCRIPTION_LENGTH = (5, 1000)
REPORT_SLOTS = ("issue_category", "issue_location", "issue_description", "report_confirmed", "report_wants_updates")
# Where the back office can tell the citizen about changes: the web chat page, a text message.
UPDATE_CHANNELS = ("webchat", "sms")
_YES = {"yes", "y", "yeah", "yep", "sure", "ok", "okay", "please", "yes please",
        "是", "好", "是的", "好的", "要", "需要", "可以", "对"}
_NO = {"no", "n", "nope", "no thanks", "no thank you", "不", "不用", "不要", "不需要", "否", "不是", "不用了"}

# Words by which a citizen names the part of the summary to change ("the location is wrong").
_FIELD_WORDS = {
    "issue_category": ("category", "type", "kind", "problem type"),
    "issue_location": ("location", "address", "place", "where", "street"),
    "issue_description": ("description", "describe", "details", "detail", "wording"),
}
# The same in Chinese, found anywhere in the text (Chinese has no spaces between words).
_FIELD_WORDS_ZH = {
    "issue_category": ("类型", "类别", "种类"),
    "issue_location": ("地点", "位置", "地址", "哪里"),
    "issue_description": ("描述", "详情", "说明"),
}


def named_fields(text: str) -> List[str]:
    """The report slots a correction names, in form order."""
    words = f" {' '.join(re.findall(r'[a-z]+', text.lower()))} "
    return [
        slot
        for slot, names in _FIELD_WORDS.items()
        if any(f" {name} " in words for name in names) or any(name in text for name in _FIELD_WORDS_ZH[slot])
    ]


def updates_channel(tracker: Tracker) -> Optional[str]:
    """The channel updates would reach the citizen on, or None where they cannot (the phone, REST clients)."""
    channel = channel_name(tracker.get_latest_input_channel())
    return channel if channel in UPDATE_CHANNELS else None


class ValidateReportIssueForm(FormValidationAction):
    def __init__(self, knowledge_base: Optional[KnowledgeBase] = None) -> None:
        # Loaded when the action server registers the action, so a broken knowledge base stops it at start.
        self.knowledge_base = knowledge_base or default_knowledge_base()

    def name(self) -> Text:
        return "validate_report_issue_form"

    def validate_report_wants_updates(
        self, slot_value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[Text, Any]:
        if isinstance(slot_value, bool):
            return {"report_wants_updates": slot_value}
        answer = clean_citizen_text(as_text(slot_value), 50).lower().strip(" .!")
        if answer in _YES or answer in _NO:
            return {"report_wants_updates": answer in _YES}
        dispatcher.utter_message(response="utter_invalid_report_wants_updates")
        return {"report_wants_updates": None}

    def validate_issue_category(
        self, slot_value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[Text, Any]:
        category = self.knowledge_base.find_issue_category(clean_citizen_text(as_text(slot_value), 500))
        if category is None:
            dispatcher.utter_message(response="utter_invalid_issue_category")
            return {"issue_category": None}
        return {"issue_category": category.code}

    def validate_issue_location(
        self, slot_value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[Text, Any]:
        location = clean_citizen_text(as_text(slot_value))
        shortest, longest = LOCATION_LENGTH
        if not (shortest <= len(location) <= longest and any(ch.isalnum() for ch in location)):
            dispatcher.utter_message(response="utter_invalid_issue_location")
            return {"issue_location": None}
        return {"issue_location": location}

    def validate_issue_description(
        self, slot_value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[Text, Any]:
        description = clean_citizen_text(as_text(slot_value))
        shortest, longest = DESCRIPTION_LENGTH
        if not shortest <= len(description) <= longest:
            dispatcher.utter_message(response="utter_invalid_issue_description")
            return {"issue_description": None}
        return {"issue_description": description}

    def validate_report_confirmed(
        self, slot_value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[Text, Any]:
        if slot_value is True:
            if updates_channel(tracker) is None:
                # Updates could not reach the citizen here (the phone, REST clients): not offered.
                return {"report_confirmed": True, "report_wants_updates": False}
            return {"report_confirmed": True}
        # A "no", or the text of a correction: never left as false or text, or the form would end.
        # A slot the same message already set ("no, it's graffiti") is the correction itself: keep it.
        corrected_in_passing = [s for s in tracker.slots_to_validate() if s in REPORT_SLOTS[:3]]
        fields = [
            slot
            for slot in named_fields(clean_citizen_text(tracker.latest_message.get("text") or "", 500))
            if slot not in corrected_in_passing
        ]
        if not fields and not corrected_in_passing:
            # Nothing named: ask which part; the form then shows the summary again below the buttons.
            dispatcher.utter_message(response="utter_ask_which_field")
        return {"report_confirmed": None, **{slot: None for slot in fields}}


class ActionAskReportWantsUpdates(Action):
    """Offers updates in the words of the citizen's channel (shown here next time, or a text message)."""

    def name(self) -> Text:
        return "action_ask_report_wants_updates"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[EventType]:
        dispatcher.utter_message(response=f"utter_ask_report_wants_updates_{updates_channel(tracker) or 'webchat'}")
        return []


class ValidateRequestStatusForm(FormValidationAction):
    def name(self) -> Text:
        return "validate_request_status_form"

    def validate_request_number(
        self, slot_value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[Text, Any]:
        number = normalise_request_number(as_text(slot_value))
        if number is None:
            dispatcher.utter_message(response="utter_invalid_request_number")
        return {"request_number": number}


class ActionFileServiceRequest(UsesBackend, Action):
    def __init__(self, backend: Optional[BackendClient] = None, knowledge_base: Optional[KnowledgeBase] = None) -> None:
        UsesBackend.__init__(self, backend)
        self.knowledge_base = knowledge_base or default_knowledge_base()

    def name(self) -> Text:
        return "action_file_service_request"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[EventType]:
        category = self.knowledge_base.find_issue_category(as_text(tracker.get_slot("issue_category")))
        location = clean_citizen_text(as_text(tracker.get_slot("issue_location")), LOCATION_LENGTH[1])
        description = clean_citizen_text(as_text(tracker.get_slot("issue_description")), DESCRIPTION_LENGTH[1])
        if category is None or not location or not description or tracker.get_slot("report_confirmed") is not True:
            # Only reachable through a story bug: file nothing the citizen has not confirmed.
            logger.warning("file service request: report incomplete or unconfirmed, nothing filed")
            return []
        wants_updates = tracker.get_slot("report_wants_updates") is True and updates_channel(tracker) is not None
        try:
            filed = await self.backend.file_service_request(
                category=category.code,
                location=location,
                description=description,
                channel=channel_name(tracker.get_latest_input_channel()),
                conversation_id=tracker.sender_id[:128],
                wants_updates=wants_updates,
                # On SMS the channel vouches for the number the updates go to.
                contact_phone=caller_phone(tracker) if updates_channel(tracker) == "sms" else None,
            )
        except BackendError:
            # The slots stay, so that "yes" once the backend is back files the same report.
            dispatcher.utter_message(response="utter_backend_unavailable")
            return []
        logger.info("file service request: filed %s", filed.request_number)
        dispatcher.utter_message(
            response="utter_request_filed",
            request_number=filed.request_number,
            department=filed.department_name,
            target_date=format_date_for(conversation_language(tracker), filed.target_date),
        )
        if wants_updates:
            dispatcher.utter_message(response="utter_updates_promised")
        return [SlotSet(slot, None) for slot in REPORT_SLOTS]


class ActionCheckRequestStatus(UsesBackend, Action):
    def __init__(self, backend: Optional[BackendClient] = None, knowledge_base: Optional[KnowledgeBase] = None) -> None:
        UsesBackend.__init__(self, backend)
        # For the Chinese names of the categories.
        self.knowledge_base = knowledge_base or default_knowledge_base()

    def name(self) -> Text:
        return "action_check_request_status"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[EventType]:
        events: List[EventType] = [SlotSet("request_number", None)]
        number = normalise_request_number(as_text(tracker.get_slot("request_number")))
        if number is None:
            dispatcher.utter_message(response="utter_request_not_found")
            return events
        try:
            request = await self.backend.get_service_request(
                number, conversation_id=tracker.sender_id[:128], caller_phone=caller_phone(tracker)
            )
        except BackendThrottled:
            dispatcher.utter_message(response="utter_too_many_attempts")
            return events
        except BackendError:
            dispatcher.utter_message(response="utter_backend_unavailable")
            return events
        if request is None:
            dispatcher.utter_message(response="utter_request_not_found")
            return events
        language = conversation_language(tracker)
        category = self.knowledge_base.find_issue_category(request.category)
        dispatcher.utter_message(
            response="utter_request_status",
            request_number=request.request_number,
            category=in_language(
                language, request.category_name, category.in_language("zh").name if category else None
            ),
            status=in_language(language, request.status_text, SERVICE_REQUEST_STATUS_ZH.get(request.status)),
            last_step=request.last_step,
            last_step_date=format_date_for(language, request.last_step_at),
            department=request.department_name,
        )
        return events
