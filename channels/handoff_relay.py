"""During a handoff, every citizen message goes to the agent: the turn wrapper every channel uses.

Rasa stays silent in a paused conversation but still records the message.
The pause is read from the tracker store, so it holds with several Rasa
replicas and after a restart. A message to a conversation that is paused
already is relayed first and then recorded without the NLU: nobody answers
with the assistant's understanding of it, and the encoder and DIET would hold
the Rasa server's one event loop (and so every other conversation's relay and
every agent's reply) for tens of milliseconds per message. A message that was
taken while a pause was being written (two messages in quick succession)
produces no reply; for those the tracker is read back after the turn and the
message relayed then.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
import time
from enum import Enum
from typing import Any, Awaitable, Callable, List, Optional

from rasa.core.channels.channel import UserMessage
from rasa.shared.constants import INTENT_MESSAGE_PREFIX
from rasa.shared.core.events import ConversationPaused, ConversationResumed, Restarted, SessionStarted, UserUttered

from bot.components.language_detector import LANGUAGE_ENTITY, detect_language
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
    message: UserMessage,
    shown_text: str,
    run_turn: Callable[[], Awaitable[Any]],
    replies: Callable[[], List[Any]],
) -> Relay:
    """Run the assistant's turn on `message` (`run_turn`), or relay it if a person has the conversation.

    `shown_text` is the message as the citizen sees it (a button's title rather
    than its payload); `replies` returns what the assistant answered.
    """
    conversation_id = message.sender_id
    if await conversation_is_paused(agent.tracker_store, conversation_id):
        # Relayed before Rasa records the message, so the agent's screen waits for nothing else.
        result = await _relay(agent, back_office, conversation_id, shown_text, time.time())
        if not await record_while_paused(agent, message):
            await run_turn()  # no longer paused (handed back meanwhile): the assistant's turn as usual
        return result
    await run_turn()
    if replies():
        return Relay.NOT_HANDED_OFF  # the assistant answered: nobody else has the conversation
    return await relay_if_handed_off(agent, conversation_id, back_office)


async def record_while_paused(agent: Any, message: UserMessage) -> bool:
    """Record a paused conversation's message as Rasa's turn would, without the NLU; False if not paused.

    What Rasa does with such a message, except the parse: under the
    conversation's lock, the session is checked (a new one after an hour keeps
    the pause, see action_session_start), the message is appended, the slots
    its entities fill are set, and nothing is predicted. The one entity given
    is the language (the pipeline's own rule, bot/components/language_detector.py),
    so a citizen who switches language with the agent is answered in it after
    the hand-back, and the conversation facts keep the message's language. The
    message gets no intent: no one answers it with the assistant's understanding.
    Button payloads ("/restart") still go through Rasa's turn: a restart ends the pause.
    """
    text = message.text or ""
    if text.startswith(INTENT_MESSAGE_PREFIX):
        return False
    processor = agent.processor
    async with agent.lock_store.lock(message.sender_id):
        tracker = await processor.fetch_tracker_and_update_session(
            message.sender_id, message.output_channel, message.metadata
        )
        if not tracker.is_paused():
            # Keep a session start that just ran, so the turn that follows does not run it again.
            await processor.save_tracker(tracker)
            return False
        language = detect_language(text)
        entities = (
            [
                {
                    "entity": LANGUAGE_ENTITY,
                    "value": language,
                    "start": 0,
                    "end": len(text),
                    "confidence": 1.0,
                    "extractor": "LanguageDetector",
                }
            ]
            if language
            else []
        )
        parse_data = {"text": text, "intent": {"name": None, "confidence": 0.0}, "entities": entities}
        tracker.update(
            UserUttered(
                text,
                parse_data["intent"],
                entities,
                parse_data,
                input_channel=message.input_channel,
                message_id=message.message_id,
                metadata=message.metadata,
            ),
            processor.domain,
        )
        tracker = await processor.run_action_extract_slots(message.output_channel, tracker)
        await processor.save_tracker(tracker)
    return True


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
