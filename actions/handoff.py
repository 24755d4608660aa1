"""Passing the conversation to a member of staff: records the handoff in the backend (action_request_human)."""

from __future__ import annotations

import datetime as dt
import logging
import re
from typing import Any, Dict, List, Optional, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.backend_client import BackendClient, BackendError, UsesBackend, channel_name
from actions.citizen_text import clean_citizen_text
from actions.fallback import LIMIT_INTENTS

logger = logging.getLogger(__name__)

MAX_TRANSCRIPT_MESSAGES = 200  # the backend takes 500; an agent reads the end of a conversation
MAX_MESSAGE_LENGTH = 4000  # the backend's limit per transcript message
# Staff need the conversation, not the citizen's proof of identity.
WITHHELD_PROOF = "[date of birth or PIN withheld]"
REASON_ASKED = "citizen_asked_for_human"
REASON_REPEATED_FALLBACK = "repeated_fallback"


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
    """Why the citizen is handed over: asked outright, or accepted the offer after misunderstood turns."""
    for event in reversed(_current_session(tracker)):
        if event.get("event") == "user" and _intent_of(event) not in ("request_human", "affirm"):
            return REASON_REPEATED_FALLBACK if _intent_of(event) in LIMIT_INTENTS else REASON_ASKED
    return REASON_ASKED


class ActionRequestHuman(UsesBackend, Action):
    def __init__(self, backend: Optional[BackendClient] = None) -> None:
        UsesBackend.__init__(self, backend)

    def name(self) -> Text:
        return "action_request_human"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[EventType]:
        intent = (tracker.latest_message.get("intent") or {}).get("name")
        transcript = build_transcript(tracker)
        try:
            record = await self.backend.record_handoff_request(
                conversation_id=tracker.sender_id[:128],
                channel=channel_name(tracker.get_latest_input_channel()),
                reason=handoff_reason(tracker),
                intent=intent if isinstance(intent, str) and re.fullmatch(r"[A-Za-z0-9_./-]{1,64}", intent) else None,
                transcript=transcript,
            )
        except BackendError:
            dispatcher.utter_message(response="utter_backend_unavailable")
            return []
        logger.info("handoff recorded as %s with %d transcript messages", record.reference, len(transcript))
        dispatcher.utter_message(response="utter_handoff_recorded", reference=record.reference)
        return []
