"""A Rasa event broker that tells the back office how conversations go, for the supervisor dashboard.

Rasa hands every new tracker event to the broker as the turn is saved. This
one keeps only facts, never what anybody said: a session started; the
citizen wrote (when, on which channel, in which language, and the intent and
confidence the assistant understood); the assistant queued the conversation
for an agent or filed a callback (from the `{"handoff": {...}}` message the
handoff actions send). Message text, entities, slots and metadata such as the
caller's phone number are dropped here, inside the Rasa server.

`publish` only appends to a queue, so a turn never waits for the back office;
a background task posts the queue in batches every FLUSH_SECONDS, backs off
while the back office is away (holding at most MAX_QUEUED facts, dropping the
oldest beyond that) and sends what is left when the server stops. The back
office records facts idempotently, so a batch resent after a lost answer
counts once.

The same broker also picks the citizen messages trainers should review
(channels/review_messages.py) and posts them, with their text, to the back
office's review table, from a queue of their own (at most MAX_QUEUED_REVIEW).

Configured in bot/endpoints*.yml (`event_broker: type:
channels.conversation_facts.ConversationFactsBroker`); reads BACKEND_URL,
BACKEND_SERVICE_TOKEN, BACKEND_TIMEOUT_SECONDS,
CONVERSATION_FACTS_FLUSH_SECONDS and REVIEW_CONFIDENCE_BELOW from the environment.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import os
import re
from collections import deque
from typing import Any, Deque, Dict, List, Optional

from rasa.core.brokers.broker import EventBroker
from rasa.utils.endpoints import EndpointConfig

from channels.back_office import BackOfficeClient, BackOfficeUnavailable, FactsRefused
from channels.review_messages import ReviewSelector

logger = logging.getLogger(__name__)

MAX_BATCH = 200
MAX_QUEUED = 20_000
MAX_QUEUED_REVIEW = 2_000
MAX_BACKOFF_SECONDS = 60.0

# The back office's formats; anything else is dropped here rather than refused there.
_CONVERSATION_ID = re.compile(r"^[A-Za-z0-9_.:+=@-]{1,128}$")
_CHANNEL = re.compile(r"^[a-z][a-z0-9_-]{0,31}$")
_INTENT = re.compile(r"^[A-Za-z0-9_./-]{1,64}$")
_LANGUAGE = re.compile(r"^[a-z]{2}$")
_REFERENCE = {
    "queued": ("handed_off", re.compile(r"^HO-[0-9]{6}$")),
    "callback": ("callback_filed", re.compile(r"^SR-[0-9]{6}$")),
}


def _moment(timestamp: Any) -> Optional[str]:
    if not isinstance(timestamp, (int, float)):
        return None
    return dt.datetime.fromtimestamp(timestamp, dt.timezone.utc).isoformat()


def fact_from_event(event: Dict[str, Any]) -> Optional[Dict[str, Any]]:
    """The fact a tracker event stands for, or None; built field by field so nothing else can slip through."""
    conversation_id, at = event.get("sender_id"), _moment(event.get("timestamp"))
    if not isinstance(conversation_id, str) or not _CONVERSATION_ID.match(conversation_id) or at is None:
        return None
    fact: Dict[str, Any] = {"conversation_id": conversation_id, "at": at}
    kind = event.get("event")
    if kind == "session_started":
        return {"kind": "session_started", **fact}
    if kind == "user":
        return _citizen_turn(event, fact)
    if kind == "bot":
        handoff = ((event.get("data") or {}).get("custom") or {}).get("handoff")
        if isinstance(handoff, dict) and handoff.get("status") in _REFERENCE:
            fact_kind, pattern = _REFERENCE[handoff["status"]]
            reference = handoff.get("reference")
            if isinstance(reference, str) and pattern.match(reference):
                return {"kind": fact_kind, **fact, "reference": reference}
    return None


def _citizen_turn(event: Dict[str, Any], fact: Dict[str, Any]) -> Optional[Dict[str, Any]]:
    intent = (event.get("parse_data") or {}).get("intent") or {}
    name, confidence = intent.get("name"), intent.get("confidence")
    if isinstance(name, str) and name.startswith("EXTERNAL_"):
        return None  # the back office's own triggers (hand-back, survey), not the citizen
    channel = (event.get("input_channel") or "api").lower()
    # The language the NLU detected in the message (bot/components/language_detector.py), else the
    # channel's hint; only the language code leaves, never an entity value.
    detected = [
        e.get("value")
        for e in (event.get("parse_data") or {}).get("entities") or []
        if isinstance(e, dict) and e.get("entity") == "language"
    ]
    language = detected[0] if detected else (event.get("metadata") or {}).get("language")
    return {
        "kind": "citizen_turn",
        **fact,
        "channel": channel if _CHANNEL.match(channel) else "unknown",
        "language": language if isinstance(language, str) and _LANGUAGE.match(language) else None,
        "intent": name if isinstance(name, str) and _INTENT.match(name) else None,
        "confidence": round(float(confidence), 4) if isinstance(confidence, (int, float)) else None,
    }


class ConversationFactsBroker(EventBroker):
    """Queues facts as Rasa publishes events; posts them to the back office in the background."""

    def __init__(
        self, back_office: BackOfficeClient, flush_seconds: float = 2.0, review: Optional[ReviewSelector] = None
    ) -> None:
        self.back_office = back_office
        self.flush_seconds = flush_seconds
        self.review = review or ReviewSelector()
        self._queue: Deque[Dict[str, Any]] = deque()
        # Bounded by the deque: the oldest messages for review go first when the back office is away.
        self._review_queue: Deque[Dict[str, Any]] = deque(maxlen=MAX_QUEUED_REVIEW)
        self._dropped = 0
        self._flusher: Optional[asyncio.Task] = None
        self._sending = asyncio.Lock()

    @classmethod
    async def from_endpoint_config(
        cls, broker_config: EndpointConfig, event_loop: Optional[asyncio.AbstractEventLoop] = None
    ) -> "ConversationFactsBroker":
        # Settings come from the environment, like every other setting of the hotline.
        return cls(
            BackOfficeClient.from_environment(),
            flush_seconds=float(os.environ.get("CONVERSATION_FACTS_FLUSH_SECONDS", "2")),
            review=ReviewSelector(float(os.environ.get("REVIEW_CONFIDENCE_BELOW", "0.9"))),
        )

    def publish(self, event: Dict[str, Any]) -> None:
        for_review = self.review.observe(event)
        if for_review:
            self._review_queue.extend(for_review)
            self._start_flusher()
        fact = fact_from_event(event)
        if fact is None:
            return
        if len(self._queue) >= MAX_QUEUED:
            self._queue.popleft()
            self._dropped += 1
            if self._dropped % 1000 == 1:
                logger.warning("conversation facts: back office away too long, %d oldest facts dropped", self._dropped)
        self._queue.append(fact)
        self._start_flusher()

    @property
    def queued(self) -> int:
        return len(self._queue)

    def _start_flusher(self) -> None:
        if self._flusher is not None and not self._flusher.done():
            return
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            return  # no event loop (a command-line tool): close() sends what is queued
        self._flusher = loop.create_task(self._flush_while_queued())

    async def _flush_while_queued(self) -> None:
        delay = self.flush_seconds
        while self._queue or self._review_queue:
            await asyncio.sleep(delay)
            sent = await self.flush()
            delay = self.flush_seconds if sent else min(delay * 2, MAX_BACKOFF_SECONDS)

    async def flush(self) -> bool:
        """Send everything queued, batch by batch; False when the back office was away (the facts stay)."""
        async with self._sending:
            while self._queue:
                batch: List[Dict[str, Any]] = [self._queue[i] for i in range(min(MAX_BATCH, len(self._queue)))]
                try:
                    await self.back_office.record_conversation_facts(batch)
                except BackOfficeUnavailable:
                    return False
                except FactsRefused:
                    logger.error("conversation facts: the back office refused a batch of %d; dropped", len(batch))
                for _ in batch:
                    self._queue.popleft()
            return await self._flush_review()

    async def _flush_review(self) -> bool:
        while self._review_queue:
            batch = [self._review_queue[i] for i in range(min(MAX_BATCH, len(self._review_queue)))]
            try:
                await self.back_office.record_review_messages(batch)
            except BackOfficeUnavailable:
                return False
            except FactsRefused:
                # Never the messages themselves in the log: they are citizens' words.
                logger.error("review messages: the back office refused a batch of %d; dropped", len(batch))
            for _ in batch:
                self._review_queue.popleft()
        return True

    async def close(self) -> None:
        if self._flusher is not None:
            self._flusher.cancel()
            try:
                await self._flusher
            except asyncio.CancelledError:
                pass
        if not await self.flush():
            logger.warning(
                "conversation facts: %d facts and %d review messages not sent at shutdown",
                len(self._queue),
                len(self._review_queue),
            )
