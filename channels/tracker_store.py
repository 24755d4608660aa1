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

Each turn's statements (read the session, count it, insert the new events,
the pause check) are Rasa's own SQL, run as SQLAlchemy Core statements on a
connection rather than through an ORM session and one mapped object per row:
the ORM's bookkeeping, not the database, was a fifth of the Rasa server's
busy time in a profile of whole conversations on PostgreSQL (bench/README.md).
"""

from __future__ import annotations

import itertools
import json
from typing import Any, Optional

import sqlalchemy as sa
from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.events import ConversationPaused, ConversationResumed, Event, Restarted, SessionStarted
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.shared.nlu.constants import INTENT_NAME_KEY


class HotlineSQLTrackerStore(SQLTrackerStore):
    """bot/endpoints.production.yml: `type: channels.tracker_store.HotlineSQLTrackerStore`."""

    async def save(self, tracker: DialogueStateTracker) -> None:
        with self.engine.begin() as connection:
            stored = connection.execute(self._session_events(tracker.sender_id, sa.func.count())).scalar_one()
            new_events = list(itertools.islice(tracker.events, stored, len(tracker.events)))
            if new_events:
                connection.execute(self._table.insert(), [self._row(tracker.sender_id, event) for event in new_events])
        if self.event_broker is not None:
            await self._stream_new_events(self.event_broker, new_events, tracker.sender_id)

    async def _retrieve(self, sender_id: str, fetch_events_from_all_sessions: bool) -> Optional[DialogueStateTracker]:
        query = self._session_events(sender_id, self._table.c.data, all_sessions=fetch_events_from_all_sessions)
        with self.engine.connect() as connection:
            events = [json.loads(data) for data in connection.execute(query.order_by(self._table.c.id)).scalars()]
        if self.domain and events:
            return DialogueStateTracker.from_dict(sender_id, events, self.domain.slots)
        return None

    async def is_paused(self, sender_id: str) -> bool:
        """Whether the conversation is paused now, as the retrieved tracker's is_paused() would say."""
        # A restart or a new session resets the pause, as in DialogueStateTracker.
        switches = (ConversationPaused, ConversationResumed, Restarted, SessionStarted)
        events = self._table
        query = (
            sa.select(events.c.type_name)
            .where(events.c.sender_id == sender_id, events.c.type_name.in_([s.type_name for s in switches]))
            .order_by(events.c.id.desc())
            .limit(1)
        )
        with self.engine.connect() as connection:
            latest = connection.execute(query).scalar()
        return latest == ConversationPaused.type_name

    @property
    def _table(self) -> sa.Table:
        return self.SQLEvent.__table__

    def _session_events(self, sender_id: str, *columns: Any, all_sessions: bool = False) -> sa.sql.Select:
        """Rasa's _event_query: the conversation's events since its latest session start (by timestamp)."""
        events = self._table
        query = sa.select(*columns).select_from(events).where(events.c.sender_id == sender_id)
        if all_sessions:
            return query
        session_start = (
            sa.select(sa.func.max(events.c.timestamp))
            .where(events.c.sender_id == sender_id, events.c.type_name == SessionStarted.type_name)
            .scalar_subquery()
        )
        return query.where(sa.or_(events.c.timestamp >= session_start, session_start.is_(None)))

    def _row(self, sender_id: str, event: Event) -> dict:
        # The columns SQLTrackerStore.save writes for each event.
        data = event.as_dict()
        return {
            "sender_id": sender_id,
            "type_name": event.type_name,
            "timestamp": data.get("timestamp"),
            "intent_name": data.get("parse_data", {}).get("intent", {}).get(INTENT_NAME_KEY),
            "action_name": data.get("name"),
            "data": json.dumps(data),
        }
