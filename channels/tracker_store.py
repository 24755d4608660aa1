"""Rasa's SQL tracker store, saving a turn without reading the whole conversation back first.

With an event broker configured (the conversation-facts broker), Rasa's own
SQLTrackerStore.save retrieves the stored conversation and replays it into a
tracker only to find which events are new, then counts the stored events
again to decide what to insert: per turn, a cost that grows with the
conversation. The count alone says which events are new, so this store counts
once, inserts those events, and hands the same events to the broker after they
are committed. Rows, columns and what the broker receives are Rasa's.

Every channel asks before a turn whether a person has the conversation
(channels/handoff_relay.py); `is_paused` answers from the latest pause,
resume, restart or session start, without loading the conversation.
"""

from __future__ import annotations

import itertools
import json
from typing import List

from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.events import ConversationPaused, ConversationResumed, Event, Restarted, SessionStarted
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.shared.nlu.constants import INTENT_NAME_KEY


class HotlineSQLTrackerStore(SQLTrackerStore):
    """bot/endpoints.production.yml: `type: channels.tracker_store.HotlineSQLTrackerStore`."""

    async def save(self, tracker: DialogueStateTracker) -> None:
        with self.session_scope() as session:
            new_events = self._new_events(session, tracker)
            for event in new_events:
                session.add(self._row(tracker.sender_id, event))
            session.commit()
        if self.event_broker is not None:
            await self._stream_new_events(self.event_broker, new_events, tracker.sender_id)

    async def is_paused(self, sender_id: str) -> bool:
        """Whether the conversation is paused now, as the retrieved tracker's is_paused() would say."""
        # A restart or a new session resets the pause, as in DialogueStateTracker.
        switches = (ConversationPaused, ConversationResumed, Restarted, SessionStarted)
        with self.session_scope() as session:
            latest = (
                session.query(self.SQLEvent.type_name)
                .filter(
                    self.SQLEvent.sender_id == sender_id,
                    self.SQLEvent.type_name.in_([switch.type_name for switch in switches]),
                )
                .order_by(self.SQLEvent.id.desc())
                .limit(1)
                .scalar()
            )
        return latest == ConversationPaused.type_name

    def _new_events(self, session, tracker: DialogueStateTracker) -> List[Event]:  # type: ignore[no-untyped-def]
        stored = self._event_query(session, tracker.sender_id, fetch_events_from_all_sessions=False).count()
        return list(itertools.islice(tracker.events, stored, len(tracker.events)))

    def _row(self, sender_id: str, event: Event) -> "SQLTrackerStore.SQLEvent":
        # As SQLTrackerStore.save writes each event.
        data = event.as_dict()
        return self.SQLEvent(
            sender_id=sender_id,
            type_name=event.type_name,
            timestamp=data.get("timestamp"),
            intent_name=data.get("parse_data", {}).get("intent", {}).get(INTENT_NAME_KEY),
            action_name=data.get("name"),
            data=json.dumps(data),
        )
