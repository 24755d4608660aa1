"""The hotline's SQL tracker store: the same rows, trackers and broker events as Rasa's, on SQLite and PostgreSQL."""

from __future__ import annotations

import os
import uuid
from pathlib import Path
from typing import Any, Callable, Dict, Iterator, List

import pytest
import sqlalchemy as sa
from rasa.core.brokers.broker import EventBroker
from rasa.core.tracker_store import FailSafeTrackerStore, SQLTrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import (
    ActionExecuted,
    BotUttered,
    ConversationPaused,
    ConversationResumed,
    Restarted,
    SessionStarted,
    UserUttered,
)
from rasa.shared.core.trackers import DialogueStateTracker

from channels.handoff_relay import conversation_is_paused
from channels.tracker_store import HotlineSQLTrackerStore

ROOT = Path(__file__).resolve().parents[2]
POSTGRES = os.environ.get("TEST_POSTGRES_SERVER", "postgres@127.0.0.1:5432")
Database = Callable[[], Dict[str, Any]]  # a new, empty database: the store's connection arguments


@pytest.fixture(params=["sqlite", "postgresql"])
def database(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Database]:
    if request.param == "sqlite":
        yield lambda: {"dialect": "sqlite", "db": str(tmp_path / f"{uuid.uuid4().hex}.db")}
        return
    user, host_port = POSTGRES.split("@")
    host, port = host_port.rsplit(":", 1)
    server = sa.create_engine(f"postgresql://{user}@{host}:{port}/postgres", isolation_level="AUTOCOMMIT")
    try:
        server.connect().close()
    except sa.exc.OperationalError as error:
        message = f"PostgreSQL at {POSTGRES} is unreachable ({type(error).__name__})"
        if os.environ.get("CI") == "true":
            pytest.fail(f"{message}; required because CI=true", pytrace=False)
        pytest.skip(f"{message}; PostgreSQL tests skipped")
    created: List[str] = []

    def new_database() -> Dict[str, Any]:
        # A database of its own (Rasa's store creates it through login_db): others' runs share the server.
        created.append(f"tracker_test_{uuid.uuid4().hex[:12]}")
        return {"dialect": "postgresql", "host": host, "port": int(port), "username": user,
                "db": created[-1], "login_db": "postgres"}

    yield new_database
    with server.connect() as connection:
        for name in created:
            connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    server.dispose()


class RecordingBroker(EventBroker):
    def __init__(self) -> None:
        self.published: List[Dict[str, Any]] = []

    def publish(self, event: Dict[str, Any]) -> None:
        self.published.append(event)


@pytest.fixture(scope="module")
def domain() -> Domain:
    return Domain.load(str(ROOT / "bot" / "domain"))


def turns(tracker: DialogueStateTracker, texts: List[str], start: float = 100.0) -> None:
    for n, text in enumerate(texts):
        tracker.update(UserUttered(text, intent={"name": "greet", "confidence": 0.9}, timestamp=start + n))
        tracker.update(ActionExecuted("utter_greet", timestamp=start + n + 0.5))
        tracker.update(BotUttered("Hi!", timestamp=start + n + 0.6))
        tracker.update(ActionExecuted("action_listen", timestamp=start + n + 0.7))


async def save_conversation(store_class: type, where: Dict[str, Any], domain: Domain) -> tuple:
    broker = RecordingBroker()
    store = store_class(domain=domain, event_broker=broker, **where)
    tracker = DialogueStateTracker("conversation-1", domain.slots)
    # As Rasa records a session start: the action first, stamped after the SessionStarted it returned.
    tracker.update(ActionExecuted("action_session_start", timestamp=99.2))
    tracker.update(SessionStarted(timestamp=99.1))
    tracker.update(ActionExecuted("action_listen", timestamp=99.3))
    turns(tracker, ["hello", "hi again"])
    await store.save(tracker)
    published_after_first = len(broker.published)
    turns(tracker, ["and once more"])
    await store.save(tracker)
    await store.save(tracker)  # nothing new: nothing written, nothing published
    with store.session_scope() as session:
        rows = [
            (row.sender_id, row.type_name, row.timestamp, row.intent_name, row.action_name, row.data)
            for row in session.query(store.SQLEvent).order_by(store.SQLEvent.id)
        ]
    restored = await store.retrieve("conversation-1")
    store.engine.dispose()
    return rows, broker.published, published_after_first, restored


@pytest.mark.asyncio
async def test_same_rows_and_broker_events_as_rasas_store(database: Database, domain: Domain) -> None:
    ours = await save_conversation(HotlineSQLTrackerStore, database(), domain)
    rasas = await save_conversation(SQLTrackerStore, database(), domain)
    rows, published, published_after_first, restored = ours
    assert rows == rasas[0]
    assert published == rasas[1]
    assert len(rows) == len(restored.events)
    # Each save published only the events that were new: the last turn's four after the first save.
    assert published_after_first == len(rows) - 4
    assert len(published) == len(rows)
    assert [e.as_dict() for e in restored.events] == [e.as_dict() for e in rasas[3].events]


async def two_sessions(store_class: type, where: Dict[str, Any], domain: Domain) -> tuple:
    broker = RecordingBroker()
    store = store_class(domain=domain, event_broker=broker, **where)
    tracker = DialogueStateTracker("conversation-2", domain.slots)
    tracker.update(ActionExecuted("action_session_start", timestamp=1.2))
    tracker.update(SessionStarted(timestamp=1.1))
    turns(tracker, ["first session"])
    await store.save(tracker)
    # A new session starts on the tracker Rasa retrieved, as its processor does after the session expired.
    later = await store.retrieve("conversation-2")
    later.update(ActionExecuted("action_session_start", timestamp=500.2))
    later.update(SessionStarted(timestamp=500.1))
    await store.save(later)
    later = await store.retrieve("conversation-2")  # each turn starts from the stored conversation
    turns(later, ["second session"], start=600.0)
    await store.save(later)
    restored = await store.retrieve("conversation-2")
    everything = await store.retrieve_full_tracker("conversation-2")
    store.engine.dispose()
    return [e.as_dict() for e in restored.events], broker.published, [e.as_dict() for e in everything.events]


@pytest.mark.asyncio
async def test_a_new_session_is_saved_as_rasas_store_saves_it(database: Database, domain: Domain) -> None:
    ours = await two_sessions(HotlineSQLTrackerStore, database(), domain)
    rasas = await two_sessions(SQLTrackerStore, database(), domain)
    assert ours == rasas
    restored, published, everything = ours
    # The full tracker (Rasa's HTTP API, trainers' export) holds both sessions.
    assert [e["text"] for e in everything if e["event"] == "user"] == ["first session", "second session"]
    assert restored[0]["name"] == "action_session_start" and restored[0]["timestamp"] == 500.2
    assert [e["text"] for e in restored if e["event"] == "user"] == ["second session"]
    assert [e["text"] for e in published if e["event"] == "user"] == ["first session", "second session"]


@pytest.mark.asyncio
async def test_is_paused_says_what_the_retrieved_tracker_says(database: Database, domain: Domain) -> None:
    store = HotlineSQLTrackerStore(domain=domain, **database())
    assert await store.is_paused("nobody") is False
    tracker = DialogueStateTracker("conversation-3", domain.slots)
    steps = [
        SessionStarted(timestamp=1.0),
        UserUttered("a person please", timestamp=2.0),
        ConversationPaused(timestamp=3.0),
        UserUttered("hello?", timestamp=4.0),
        ConversationResumed(timestamp=5.0),
        ConversationPaused(timestamp=6.0),
        Restarted(timestamp=7.0),
        ConversationPaused(timestamp=8.0),
    ]
    for step in steps:
        tracker.update(step)
        await store.save(tracker)
        retrieved = await store.retrieve("conversation-3")
        assert await store.is_paused("conversation-3") is retrieved.is_paused(), step
    assert await store.is_paused("conversation-3") is True
    assert await conversation_is_paused(FailSafeTrackerStore(store), "conversation-3") is True
    later = await store.retrieve("conversation-3")
    later.update(SessionStarted(timestamp=9.0))
    await store.save(later)
    assert await conversation_is_paused(FailSafeTrackerStore(store), "conversation-3") is False
    store.engine.dispose()
