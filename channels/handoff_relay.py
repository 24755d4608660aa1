"""During a handoff, every citizen message goes to the agent: the turn wrapper every channel uses.

Rasa stays silent in a paused conversation but still records the message.
The pause is read from the tracker store, so it holds with several Rasa
replicas and after a restart. A message to a conversation that is paused
already is relayed first and recorded by Rasa after, so the agent does not
wait for the assistant's NLU. A message that was taken while a pause was being
written (two messages in quick succession) produces no reply; for those the
tracker is read back after the turn and the message relayed then.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
import time
from enum import Enum
from typing import Any, Awaitable, Callable, List, Optional

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


async def take_turn(
    agent: Any,
    back_office: BackOfficeClient,
    conversation_id: str,
    shown_text: str,
    run_turn: Callable[[], Awaitable[Any]],
    replies: Callable[[], List[Any]],
) -> Relay:
    """Run the assistant's turn (`run_turn`) and relay the message if a person has the conversation.

    `shown_text` is the message as the citizen sees it (a button's title rather
    than its payload); `replies` returns what the assistant answered.
    """
    if await conversation_is_paused(agent.tracker_store, conversation_id):
        # Relayed before Rasa records the message: recording runs the NLU, which holds the event
        # loop, and the agent's screen should not wait for an understanding nobody will answer with.
        result = await _relay(agent, back_office, conversation_id, shown_text, time.time())
        await run_turn()
        return result
    await run_turn()
    if replies():
        return Relay.NOT_HANDED_OFF  # the assistant answered: nobody else has the conversation
    return await relay_if_handed_off(agent, conversation_id, back_office)


async def conversation_is_paused(tracker_store: Any, conversation_id: str) -> bool:
    """Whether a person has the conversation: asked of the store directly when it can tell (no tracker load)."""
    # Rasa wraps the configured store (FailSafeTrackerStore keeps it as _tracker_store).
    store = getattr(tracker_store, "_tracker_store", tracker_store)
    if hasattr(store, "is_paused"):
        return await store.is_paused(conversation_id)
    tracker = await tracker_store.retrieve(conversation_id)
    return tracker is not None and tracker.is_paused()


async def _relay(
    agent: Any,
    back_office: BackOfficeClient,
    conversation_id: str,
    text: str,
    sent_at: float,
    intent: Optional[str] = None,
    confidence: Optional[float] = None,
) -> Relay:
    try:
        relayed = await back_office.relay_citizen_message(
            conversation_id,
            text=text[:4000],
            sent_at=dt.datetime.fromtimestamp(sent_at, dt.timezone.utc).isoformat(),
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


async def relay_if_handed_off(agent: Any, conversation_id: str, back_office: BackOfficeClient) -> Relay:
    """After a turn: relay the citizen's latest message if the conversation was paused when it arrived."""
    tracker = await agent.tracker_store.retrieve(conversation_id)
    message = latest_message_while_paused(list(tracker.events)) if tracker is not None else None
    if message is None:
        return Relay.NOT_HANDED_OFF
    metadata = message.metadata or {}
    text = metadata.get("display_text") or message.text or ""
    intent = (message.intent or {}).get("name")
    return await _relay(
        agent, back_office, conversation_id, text, message.timestamp, intent, (message.intent or {}).get("confidence")
    )
