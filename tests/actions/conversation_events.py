"""Builders for Rasa tracker events (the dict form Rasa sends the action server), for snapshots and tests."""

from __future__ import annotations

from typing import Any, Dict, Iterable, List, Optional

Event = Dict[str, Any]

# 2026-11-20 09:00:00 UTC; every builder call moves the clock on by a second.
_clock = {"now": 1795165200.0}


def _tick() -> float:
    _clock["now"] += 1.0
    return _clock["now"]


def user(
    text: str,
    intent: str,
    entities: Iterable[Dict[str, Any]] = (),
    channel: str = "socketio",
    metadata: Optional[Dict[str, Any]] = None,
) -> Event:
    entities = list(entities)
    return {
        "event": "user",
        "timestamp": _tick(),
        "text": text,
        "parse_data": {
            "intent": {"name": intent, "confidence": 0.97},
            "entities": entities,
            "text": text,
            "intent_ranking": [{"name": intent, "confidence": 0.97}],
        },
        "input_channel": channel,
        "message_id": f"m{int(_clock['now'])}",
        "metadata": metadata or {},
    }


def entity(name: str, value: str) -> Dict[str, Any]:
    return {"entity": name, "value": value, "extractor": "RegexEntityExtractor"}


def bot(response: str, text: Optional[str]) -> Event:
    return {"event": "bot", "timestamp": _tick(), "text": text, "data": {}, "metadata": {"utter_action": response}}


def action(name: str) -> Event:
    return {"event": "action", "timestamp": _tick(), "name": name, "policy": None, "confidence": 1.0}


def slot(name: str, value: Any) -> Event:
    return {"event": "slot", "timestamp": _tick(), "name": name, "value": value}


def active_loop(name: Optional[str]) -> Event:
    return {"event": "active_loop", "timestamp": _tick(), "name": name}


def utter(response: str, text: Optional[str]) -> List[Event]:
    """A bot response as Rasa records it: the action, then the message."""
    return [action(response), bot(response, text)]


def citizen_answers_form(
    text: str,
    intent: str,
    *,
    form: str,
    requested_slot: str,
    candidates: Dict[str, Any],
    entities: Iterable = (),
    channel: str = "socketio",
) -> List[Event]:
    """The events of the tracker Rasa sends validate_<form>: the message, the slots its mappings filled,
    then (as FormAction._temporary_tracker adds them) requested_slot, the form's own action and the candidates again."""
    return [
        user(text, intent, entities, channel),
        action("action_extract_slots"),
        *[slot(k, v) for k, v in candidates.items()],
        slot("requested_slot", requested_slot),
        action(form),
        *[slot(k, v) for k, v in candidates.items()],
    ]
