"""Which citizen messages trainers should review, picked from Rasa's events inside the conversation-facts broker.

A message is worth a trainer's look when the assistant was unsure of it:
its top intent's confidence was below REVIEW_CONFIDENCE_BELOW (default 0.9:
this model's confident answers score above 0.99, so anything under 0.9 is
a real doubt), nothing was understood (nlu_fallback, or the assistant fell
back after it), it was taken as out of scope (where trainers find what
citizens ask that the hotline does not do yet, and the model's mistakes),
or the conversation soon went to a person or was rated 1 or 2. For the last
two the citizen's latest few messages are sent (those the assistant
answered: not what was relayed to an agent while the conversation was
paused, nor the survey answers).

Unlike the facts, these carry the text, with the intent, confidence and
entities the assistant gave it: it goes to the back office's review table
and nowhere else (never a log line). The few latest messages of each
conversation are held in memory, for at most MAX_CONVERSATIONS
conversations (the least recently active are forgotten first).
"""

from __future__ import annotations

import datetime as dt
import re
from collections import OrderedDict, deque
from typing import Any, Deque, Dict, List, Optional

MAX_TEXT = 2000
MAX_CONVERSATIONS = 5000
RECENT_PER_CONVERSATION = 3
SURVEY_FORM = "satisfaction_form"
BAD_RATINGS = (1, 2)
LANGUAGE_ENTITY = "language"

_CONVERSATION_ID = re.compile(r"^[A-Za-z0-9_.:+=@-]{1,128}$")
_CHANNEL = re.compile(r"^[a-z][a-z0-9_-]{0,31}$")
_INTENT = re.compile(r"^[A-Za-z0-9_./-]{1,64}$")
_ENTITY = re.compile(r"^[a-z][a-z0-9_]{0,63}$")
_LANGUAGE = re.compile(r"^[a-z]{2}$")


class ReviewSelector:
    """Follows the events of every conversation and returns the messages to post for review."""

    def __init__(self, confidence_below: float = 0.9) -> None:
        self.confidence_below = confidence_below
        self._recent: "OrderedDict[str, Deque[Dict[str, Any]]]" = OrderedDict()
        self._paused: set = set()
        self._in_survey: set = set()

    def observe(self, event: Dict[str, Any]) -> List[Dict[str, Any]]:
        conversation_id = event.get("sender_id")
        if not isinstance(conversation_id, str) or not _CONVERSATION_ID.match(conversation_id):
            return []
        kind = event.get("event")
        if kind == "user":
            return self._citizen_message(conversation_id, event)
        if kind == "action" and event.get("name") == "action_default_fallback":
            return self._mark_latest(conversation_id, "fallback")
        if kind == "bot":
            handoff = ((event.get("data") or {}).get("custom") or {}).get("handoff")
            if isinstance(handoff, dict) and handoff.get("status") == "queued":
                return self._mark_recent(conversation_id, "handed_off")
        elif kind == "slot" and event.get("name") == "satisfaction_rating" and event.get("value") in BAD_RATINGS:
            return self._mark_recent(conversation_id, "rated_badly")
        elif kind == "pause":
            self._paused.add(conversation_id)
        elif kind == "resume":
            self._paused.discard(conversation_id)
        elif kind == "active_loop":
            (self._in_survey.add if event.get("name") == SURVEY_FORM else self._in_survey.discard)(conversation_id)
        elif kind == "restart":
            self._forget(conversation_id)
        return []

    def _citizen_message(self, conversation_id: str, event: Dict[str, Any]) -> List[Dict[str, Any]]:
        if conversation_id in self._paused or conversation_id in self._in_survey:
            return []  # words for the agent, or a rating: not the assistant's understanding
        message = _message(conversation_id, event)
        if message is None:
            return []
        recent = self._recent.setdefault(conversation_id, deque(maxlen=RECENT_PER_CONVERSATION))
        recent.append(message)
        self._recent.move_to_end(conversation_id)
        while len(self._recent) > MAX_CONVERSATIONS:
            self._forget(next(iter(self._recent)))
        if message["intent"] == "nlu_fallback":
            return [_with_reason(message, "fallback")]
        if message["intent"] == "out_of_scope":
            return [_with_reason(message, "out_of_scope")]
        if message["confidence"] is not None and message["confidence"] < self.confidence_below:
            return [_with_reason(message, "low_confidence")]
        return []

    def _mark_latest(self, conversation_id: str, reason: str) -> List[Dict[str, Any]]:
        recent = self._recent.get(conversation_id)
        return [_with_reason(recent[-1], reason)] if recent else []

    def _mark_recent(self, conversation_id: str, reason: str) -> List[Dict[str, Any]]:
        return [_with_reason(message, reason) for message in self._recent.get(conversation_id, ())]

    def _forget(self, conversation_id: str) -> None:
        self._recent.pop(conversation_id, None)
        self._paused.discard(conversation_id)
        self._in_survey.discard(conversation_id)


def _with_reason(message: Dict[str, Any], reason: str) -> Dict[str, Any]:
    return {**message, "reasons": [reason]}


def _message(conversation_id: str, event: Dict[str, Any]) -> Optional[Dict[str, Any]]:
    """The message in the back office's format, built field by field; None for what no citizen wrote."""
    text, timestamp = event.get("text"), event.get("timestamp")
    parse_data = event.get("parse_data") or {}
    intent = parse_data.get("intent") or {}
    name, confidence = intent.get("name"), intent.get("confidence")
    if not isinstance(text, str) or not text.strip() or text.startswith("/") or not isinstance(timestamp, (int, float)):
        return None  # button payloads ("/affirm") and triggered intents are not citizens' words
    if isinstance(name, str) and name.startswith("EXTERNAL_"):
        return None
    channel = (event.get("input_channel") or "api").lower()
    # The language the NLU detected (bot/components/language_detector.py), else the channel's hint.
    detected = [e.get("value") for e in parse_data.get("entities") or [] if isinstance(e, dict)
                and e.get("entity") == LANGUAGE_ENTITY]
    language = detected[0] if detected else (event.get("metadata") or {}).get("language")
    return {
        "conversation_id": conversation_id,
        "at": dt.datetime.fromtimestamp(timestamp, dt.timezone.utc).isoformat(),
        "channel": channel if _CHANNEL.match(channel) else "unknown",
        "language": language if isinstance(language, str) and _LANGUAGE.match(language) else None,
        "text": text[:MAX_TEXT],
        "intent": name if isinstance(name, str) and _INTENT.match(name) else None,
        "confidence": round(float(confidence), 4) if isinstance(confidence, (int, float)) else None,
        "entities": _entities(parse_data.get("entities"), text[:MAX_TEXT]),
    }


def _entities(entities: Any, text: str) -> List[Dict[str, Any]]:
    found = []
    for entity in entities if isinstance(entities, list) else []:
        if not isinstance(entity, dict):
            continue
        name, start, end, value = entity.get("entity"), entity.get("start"), entity.get("end"), entity.get("value")
        if not (isinstance(name, str) and _ENTITY.match(name) and isinstance(start, int) and isinstance(end, int)):
            continue
        if name == LANGUAGE_ENTITY:
            continue  # the whole message's language, not words in it to annotate
        if 0 <= start < end <= len(text) and value is not None:
            found.append({"entity": name, "value": str(value)[:200], "start": start, "end": end})
    return found[:20]
