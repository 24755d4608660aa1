"""Passing the conversation to the contact centre (action_request_human) and taking it back afterwards.

The handoff packet tells the agent who, where, why and what the assistant
understood, with the transcript so far (the proof of identity withheld). While
the conversation waits or is with an agent, Rasa is paused: the assistant says
nothing, and the channels relay every citizen message to the agent.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
from typing import Any, Dict, List, Optional, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import ActionExecuted, ConversationPaused, EventType, FollowupAction, SessionStarted, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.backend_client import BackendClient, BackendError, CentreClosed, UsesBackend, channel_name
from actions.caller import caller_phone, conversation_language
from actions.citizen_text import as_text, clean_citizen_text
from actions.fallback import LIMIT_INTENTS
from actions.identifiers import normalise_application_number, normalise_request_number

logger = logging.getLogger(__name__)

MAX_TRANSCRIPT_MESSAGES = 200  # the backend takes 500; an agent reads the end of a conversation
MAX_MESSAGE_LENGTH = 4000  # the backend's limit per transcript message
# Staff need the conversation, not the citizen's proof of identity.
WITHHELD_PROOF = "[date of birth or PIN withheld]"
REASON_ASKED = "citizen_asked_for_human"
REASON_REPEATED_FALLBACK = "repeated_fallback"
REASON_EMERGENCY = "emergency"
REASON_STAFF_COMPLAINT = "staff_complaint"
# Intents that say what the conversation is about; the back office routes on them.
TOPIC_INTENTS = (
    "check_application_status",
    "report_issue",
    "check_request_status",
    "ask_opening_hours",
    "ask_required_documents",
    "ask_fees",
    "ask_service_info",
)
# Intents that only carry the conversation to a person; they say nothing about its topic or reason.
_CARRIERS = ("request_human", "affirm", "report_emergency", "complain_about_staff")


def _intent_of(event: Dict[str, Any]) -> Optional[str]:
    return ((event.get("parse_data") or {}).get("intent") or {}).get("name")


def _current_session(tracker: Tracker) -> List[Dict[str, Any]]:
    events = tracker.events
    starts = [i for i, e in enumerate(events) if e.get("event") in ("session_started", "restart")]
    return events[starts[-1] + 1 :] if starts else list(events)


def build_transcript(tracker: Tracker) -> List[Dict[str, str]]:
    """The session's messages (sender, text, UTC time), oldest first, with answers to the proof question withheld."""
    transcript = []
    requested_slot = None
    for event in _current_session(tracker):
        kind = event.get("event")
        if kind == "slot" and event.get("name") == "requested_slot":
            requested_slot = event.get("value")
        if kind not in ("user", "bot"):
            continue
        text = clean_citizen_text(event.get("text"), MAX_MESSAGE_LENGTH)
        if kind == "user" and requested_slot == "identity_proof":
            text = WITHHELD_PROOF
        if not text:
            continue  # e.g. a bot message made of buttons only
        timestamp = event.get("timestamp")
        sent_at = (
            dt.datetime.fromtimestamp(timestamp, dt.timezone.utc)
            if isinstance(timestamp, (int, float))
            else dt.datetime.now(dt.timezone.utc)
        )
        transcript.append(
            {"sender": "citizen" if kind == "user" else "assistant", "text": text, "sent_at": sent_at.isoformat()}
        )
    return transcript[-MAX_TRANSCRIPT_MESSAGES:]


def handoff_reason(tracker: Tracker) -> str:
    """Why the citizen is handed over: an emergency, a complaint, asked outright, or accepted after failures."""
    for event in reversed(_current_session(tracker)):
        if event.get("event") != "user":
            continue
        intent = _intent_of(event)
        if intent == "report_emergency":
            return REASON_EMERGENCY
        if intent == "complain_about_staff":
            return REASON_STAFF_COMPLAINT
        if intent not in ("request_human", "affirm"):
            return REASON_REPEATED_FALLBACK if intent in LIMIT_INTENTS else REASON_ASKED
    return REASON_ASKED


def conversation_topic(tracker: Tracker) -> Optional[str]:
    """The latest intent of the session that says what the citizen came for."""
    for event in reversed(_current_session(tracker)):
        if event.get("event") == "user" and _intent_of(event) in TOPIC_INTENTS:
            return _intent_of(event)
    return None


def case_numbers(tracker: Tracker) -> List[str]:
    """Application and request numbers the citizen gave in this session (from entities and slots)."""
    found: List[str] = []
    for event in _current_session(tracker):
        values: List[str] = []
        if event.get("event") == "user":
            values = [as_text(e.get("value")) for e in (event.get("parse_data") or {}).get("entities") or []]
        elif event.get("event") == "slot" and event.get("name") in ("application_number", "request_number"):
            values = [as_text(event.get("value"))]
        for value in values:
            number = normalise_application_number(value) or normalise_request_number(value)
            if number and number not in found:
                found.append(number)
    return found[-10:]


def handoff_packet(tracker: Tracker) -> Dict[str, Any]:
    latest = tracker.latest_message or {}
    intent = (latest.get("intent") or {}).get("name")
    confidence = (latest.get("intent") or {}).get("confidence")
    entities = [
        {"entity": str(e.get("entity"))[:64], "value": clean_citizen_text(as_text(e.get("value")), 200)}
        for e in latest.get("entities") or []
        if clean_citizen_text(as_text(e.get("value")), 200)
    ]
    return {
        "conversation_id": tracker.sender_id[:128],
        "channel": channel_name(tracker.get_latest_input_channel()),
        "language": conversation_language(tracker),
        "reason": handoff_reason(tracker),
        "topic": conversation_topic(tracker),
        "intent": intent if isinstance(intent, str) and re.fullmatch(r"[A-Za-z0-9_./-]{1,64}", intent) else None,
        "intent_confidence": float(confidence) if isinstance(confidence, (int, float)) else None,
        "entities": entities[:20],
        "case_numbers": case_numbers(tracker),
        "transcript": build_transcript(tracker),
    }


def opening_text(opens_at: str, now: Optional[dt.datetime] = None) -> str:
    """'today at 08:00', 'tomorrow at 08:00' or 'on Monday at 08:00', in the centre's own time."""
    try:
        opens = dt.datetime.fromisoformat(opens_at.replace("Z", "+00:00"))
    except ValueError:
        return "when it next opens"
    now = (now or dt.datetime.now(dt.timezone.utc)).astimezone(opens.tzinfo)
    days = (opens.date() - now.date()).days
    day = "today" if days == 0 else "tomorrow" if days == 1 else f"on {opens.strftime('%A')}"
    return f"{day} at {opens.strftime('%H:%M')}"


class ActionRequestHuman(UsesBackend, Action):
    """Queue the conversation for an agent and pause the assistant; out of hours, offer a callback."""

    def __init__(self, backend: Optional[BackendClient] = None) -> None:
        UsesBackend.__init__(self, backend)

    def name(self) -> Text:
        return "action_request_human"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[EventType]:
        packet = handoff_packet(tracker)
        try:
            result = await self.backend.start_handoff(packet)
        except BackendError:
            dispatcher.utter_message(response="utter_backend_unavailable")
            return []
        if isinstance(result, CentreClosed):
            dispatcher.utter_message(response="utter_centre_closed", opens=opening_text(result.opens_at))
            phone = caller_phone(tracker)
            if phone is not None:
                # The channel knows the number: the callback needs nothing more from the citizen.
                return await file_callback(self.backend, dispatcher, tracker, phone)
            return [SlotSet("callback_phone", None), FollowupAction("callback_form")]
        logger.info(
            "handed off as %s (%s, %d transcript lines)", result.reference, packet["reason"], len(packet["transcript"])
        )
        dispatcher.utter_message(
            response="utter_handoff_queued",
            reference=result.reference,
            team_name=result.team_name,
            position=result.queue_position,
            minutes=result.estimated_wait_minutes,
        )
        # For channels that act on it: the phone line transfers the call to this queue.
        dispatcher.utter_message(
            json_message={
                "handoff": {
                    "reference": result.reference,
                    "queue": result.team,
                    "status": "queued",
                    "queue_position": result.queue_position,
                    "estimated_wait_minutes": result.estimated_wait_minutes,
                }
            }
        )
        return [ConversationPaused()]


async def file_callback(
    backend: BackendClient, dispatcher: CollectingDispatcher, tracker: Tracker, phone: str
) -> List[EventType]:
    try:
        filed = await backend.file_callback(
            conversation_id=tracker.sender_id[:128],
            channel=channel_name(tracker.get_latest_input_channel()),
            phone=phone,
            language=conversation_language(tracker),
            topic=conversation_topic(tracker),
        )
    except BackendError:
        dispatcher.utter_message(response="utter_backend_unavailable")
        return [SlotSet("callback_phone", None)]
    dispatcher.utter_message(
        response="utter_callback_filed",
        request_number=filed.request_number,
        window=opening_text(filed.expected_from) + " and " + _clock(filed.expected_until),
    )
    dispatcher.utter_message(json_message={"handoff": {"reference": filed.request_number, "status": "callback"}})
    return [SlotSet("callback_phone", None)]


def _clock(moment: str) -> str:
    try:
        return dt.datetime.fromisoformat(moment.replace("Z", "+00:00")).strftime("%H:%M")
    except ValueError:
        return "later"


class ActionFileCallback(UsesBackend, Action):
    """After callback_form: file the callback with the number the citizen gave."""

    def __init__(self, backend: Optional[BackendClient] = None) -> None:
        UsesBackend.__init__(self, backend)

    def name(self) -> Text:
        return "action_file_callback"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[EventType]:
        phone = tracker.get_slot("callback_phone")
        if not phone:
            return []
        return await file_callback(self.backend, dispatcher, tracker, phone)


class ActionResumeAfterHandoff(Action):
    """The agent handed the conversation back: say so, with the agent's note (utter_anything_else follows)."""

    def name(self) -> Text:
        return "action_resume_after_handoff"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[EventType]:
        note = clean_citizen_text(as_text(tracker.get_slot("handback_note")), 1000)
        if note:
            dispatcher.utter_message(response="utter_handed_back_with_note", note=note)
        else:
            dispatcher.utter_message(response="utter_handed_back")
        return []


class ActionSessionStart(UsesBackend, Action):
    """A new session keeps a handed-off conversation paused, so the assistant never talks over an agent."""

    def __init__(self, backend: Optional[BackendClient] = None) -> None:
        UsesBackend.__init__(self, backend)

    def name(self) -> Text:
        return "action_session_start"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[EventType]:
        events: List[EventType] = [SessionStarted()]
        try:
            handed_off = await self.backend.open_handoff(tracker.sender_id[:128]) is not None
        except BackendError:
            handed_off = False  # the back office is down: nobody can answer from the console either
        if handed_off:
            events.append(ConversationPaused())
        events.append(ActionExecuted("action_listen"))
        return events
