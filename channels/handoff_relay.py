"""During a handoff, every citizen message goes to the agent: the hook each channel calls after a turn.

Rasa stays silent in a paused conversation but still records the message (and
what the NLU made of it). Whether the message arrived while the conversation
was paused is read back from the tracker, so it holds with several Rasa
replicas and after a restart; only such messages are relayed.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
from enum import Enum
from typing import Any, List, Optional

from rasa.shared.core.events import ConversationPaused, ConversationResumed, Restarted, SessionStarted, UserUttered

from channels.back_office import BackOfficeClient, BackOfficeUnavailable

logger = logging.getLogger(__name__)

_INTENT_NAME = re.compile(r"^[A-Za-z0-9_./-]{1,64}$")


class Relay(Enum):
    NOT_HANDED_OFF = "not_handed_off"  # the assistant answered as usual
    RELAYED = "relayed"  # the agent has the message
    FAILED = "failed"  # handed off, but the back office did not take it: the citizen must be told
    RESUMED = "resumed"  # paused with no handoff open (a hand-back that never reached Rasa): resumed now


def latest_message_while_paused(events: List[Any]) -> Optional[UserUttered]:
    """The latest citizen message if the conversation was paused when it arrived, else None."""
    paused = False
    latest: Optional[UserUttered] = None
    for event in events:
        if isinstance(event, ConversationPaused):
            paused = True
        elif isinstance(event, (ConversationResumed, Restarted, SessionStarted)):
            paused = False
        elif isinstance(event, UserUttered):
            latest = event if paused else None
    return latest


async def relay_if_handed_off(agent: Any, conversation_id: str, back_office: BackOfficeClient) -> Relay:
    """Call after the assistant took the turn: relays the citizen's message if a person has the conversation."""
    tracker = await agent.tracker_store.retrieve(conversation_id)
    message = latest_message_while_paused(list(tracker.events)) if tracker is not None else None
    if message is None:
        return Relay.NOT_HANDED_OFF
    metadata = message.metadata or {}
    text = metadata.get("display_text") or message.text or ""
    intent = (message.intent or {}).get("name")
    confidence = (message.intent or {}).get("confidence")
    try:
        relayed = await back_office.relay_citizen_message(
            conversation_id,
            text=text[:4000],
            sent_at=dt.datetime.fromtimestamp(message.timestamp, dt.timezone.utc).isoformat(),
            intent=intent if isinstance(intent, str) and _INTENT_NAME.match(intent) else None,
            intent_confidence=float(confidence) if isinstance(confidence, (int, float)) else None,
        )
    except BackOfficeUnavailable:
        return Relay.FAILED
    if relayed:
        return Relay.RELAYED
    # Nobody has the conversation any more, yet it is paused: the hand-back or close never
    # reached Rasa. Resume it, or the citizen would talk to no one from now on.
    async with agent.lock_store.lock(conversation_id):
        tracker = await agent.tracker_store.retrieve(conversation_id)
        if tracker is not None and tracker.is_paused():
            tracker.update(ConversationResumed())
            await agent.tracker_store.save(tracker)
    logger.warning("a paused conversation had no open handoff; resumed")
    return Relay.RESUMED
