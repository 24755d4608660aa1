"""The retention job: conversations over for longer than the period are deleted or anonymised; case records stay.

On SQLite and PostgreSQL (the `db` and `fresh_database` fixtures run on both).
"""

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import Engine, func, select, text
from sqlalchemy.orm import Session

from app.handoff.models import Handoff, HandoffEvent, HandoffMessage, SatisfactionRating
from app.manage import main as manage
from app.models import Application, ApplicationEvent, ConversationSession, ServiceRequest, ServiceRequestEvent
from app.retention import ANONYMOUS, purge_conversations, purge_tracker_events
from app.security.models import ThrottleFailure
from app.staff.models import Team

NOW = datetime(2026, 9, 1, 12, 0, tzinfo=UTC)
DAYS = 90
LONG_AGO = NOW - timedelta(days=DAYS + 10)
RECENTLY = NOW - timedelta(days=5)


def handoff(db: Session, name: str, *, created: datetime, ended: datetime | None) -> Handoff:
    team = db.scalars(select(Team)).first()
    assert team is not None
    record = Handoff(
        reference=f"HO-9{abs(hash(name)) % 100000:05d}",
        conversation_id=f"conv-{name}",
        channel="webchat",
        reason="citizen_asked_for_human",
        team_id=team.id,
        status="closed" if ended else "waiting",
        entities=[{"entity": "date", "value": "1985-03-14"}],
        created_at=created,
        ended_at=ended,
    )
    record.messages = [
        HandoffMessage(sender="citizen", text="my date of birth is 14/03/1985", sent_at=created),
        HandoffMessage(sender="agent", text="Thanks, noted.", internal=True, sent_at=created),
    ]
    record.events = [HandoffEvent(kind="closed", actor="alice", note="rang her on 07700 900123", occurred_at=created)]
    db.add(record)
    db.flush()
    db.add(
        SatisfactionRating(
            handoff_id=record.id, conversation_id=record.conversation_id, channel="webchat", rating=4,
            comment="Alice was lovely, my number is 07700 900123", created_at=ended or created,
        )
    )  # fmt: skip
    return record


def facts(db: Session, name: str, last_activity: datetime) -> ConversationSession:
    session = ConversationSession(
        conversation_id=f"conv-{name}", started_at=last_activity, channel="sms", last_activity_at=last_activity
    )
    db.add(session)
    return session


def counts(db: Session) -> dict[str, int]:
    return {
        model.__tablename__: db.scalar(select(func.count()).select_from(model)) or 0
        for model in (Application, ApplicationEvent, ServiceRequest, ServiceRequestEvent)
    }


def test_old_conversations_go_recent_ones_and_case_records_stay(db: Session) -> None:
    old = handoff(db, "old", created=LONG_AGO, ended=LONG_AGO + timedelta(hours=1))
    recent = handoff(db, "recent", created=RECENTLY, ended=RECENTLY + timedelta(hours=1))
    still_open = handoff(db, "open", created=LONG_AGO, ended=None)
    old_facts, recent_facts = facts(db, "old", LONG_AGO), facts(db, "recent", RECENTLY)
    db.add_all(
        [
            ThrottleFailure(limit_name="identity", key_digest="a" * 40, failed_at=LONG_AGO),
            ThrottleFailure(limit_name="identity", key_digest="b" * 40, failed_at=NOW - timedelta(minutes=5)),
        ]
    )
    db.flush()
    case_records = counts(db)

    outcome = purge_conversations(session=db, now=NOW, days=DAYS)

    assert outcome.counts["handoff messages deleted"] == 2
    db.expire_all()
    assert db.scalars(select(HandoffMessage).where(HandoffMessage.handoff_id == old.id)).all() == []
    assert (old.conversation_id, old.entities) == (ANONYMOUS, [])
    assert [event.note for event in old.events] == [None]
    assert old.ended_at is not None and old.team_id is not None  # the figures keep their facts
    old_rating = db.scalar(select(SatisfactionRating).where(SatisfactionRating.handoff_id == old.id))
    assert old_rating is not None and (old_rating.comment, old_rating.rating) == (None, 4)
    assert old_facts.conversation_id == f"removed-{old_facts.id}" and old_facts.channel == "sms"

    for kept in (recent, still_open):
        assert len(kept.messages) == 2 and kept.conversation_id.startswith("conv-")
        assert kept.events[0].note is not None
    assert recent_facts.conversation_id == "conv-recent"
    assert db.scalar(select(func.count()).select_from(ThrottleFailure)) == 1
    assert counts(db) == case_records  # applications, service requests and their steps are untouched

    # Nothing of the personal data typed in the old conversation is left anywhere in its records.
    leftovers = [m.text for m in db.scalars(select(HandoffMessage).where(HandoffMessage.handoff_id == old.id))]
    assert leftovers == [] and "07700" not in (old_rating.comment or "")

    again = purge_conversations(session=db, now=NOW, days=DAYS)
    assert again.counts == {key: 0 for key in again.counts}  # idempotent


def test_the_period_is_at_least_a_day(db: Session) -> None:
    with pytest.raises(ValueError):
        purge_conversations(session=db, now=NOW, days=0)


def rasa_events_table(engine: Engine) -> None:
    # The table Rasa 3.6's SQLTrackerStore creates (rasa/core/tracker_store.py, SQLEvent).
    with engine.begin() as connection:
        connection.execute(
            text(
                "CREATE TABLE events (id INTEGER PRIMARY KEY, sender_id VARCHAR(255) NOT NULL, "
                "type_name VARCHAR(255) NOT NULL, timestamp FLOAT, intent_name VARCHAR(255), "
                "action_name VARCHAR(255), data TEXT)"
            )
        )


def add_events(engine: Engine, sender: str, *moments: datetime) -> None:
    with engine.begin() as connection:
        for moment in moments:
            connection.execute(
                text(
                    "INSERT INTO events (id, sender_id, type_name, timestamp, data) "
                    "VALUES ((SELECT coalesce(max(id), 0) + 1 FROM events), :sender, 'user', :at, :data)"
                ),
                {"sender": sender, "at": moment.timestamp(), "data": '{"text": "my PIN is 482913"}'},
            )


def senders(engine: Engine) -> dict[str, int]:
    with engine.connect() as connection:
        rows = connection.execute(text("SELECT sender_id, count(*) FROM events GROUP BY sender_id")).all()
    return {sender: count for sender, count in rows}


def test_tracker_store_conversations_go_whole_and_only_when_over(fresh_database: tuple[Engine, str]) -> None:
    engine, _url = fresh_database
    rasa_events_table(engine)
    add_events(engine, "over", LONG_AGO, LONG_AGO + timedelta(minutes=3))
    add_events(engine, "going-on", LONG_AGO, RECENTLY)  # began long ago, still in use: kept whole
    add_events(engine, "recent", RECENTLY)

    assert purge_tracker_events(engine=engine, now=NOW, days=DAYS) == 2
    assert senders(engine) == {"going-on": 2, "recent": 1}


def test_a_database_without_rasas_table_is_refused(fresh_database: tuple[Engine, str]) -> None:
    engine, _url = fresh_database
    with pytest.raises(ValueError, match="events"):
        purge_tracker_events(engine=engine, now=NOW, days=DAYS)


def test_the_command_purges_the_tracker_store_it_is_pointed_at(
    fresh_database: tuple[Engine, str],
    tmp_path,
    monkeypatch: pytest.MonkeyPatch,
    capsys,  # noqa: ANN001
) -> None:
    tracker_engine, tracker_url = fresh_database
    rasa_events_table(tracker_engine)
    add_events(tracker_engine, "over", LONG_AGO)
    add_events(tracker_engine, "recent", RECENTLY)
    backend_url = f"sqlite:///{tmp_path / 'backend.db'}"
    import app.core.db as db_module
    from app.core.config import settings

    monkeypatch.setattr(settings, "DATABASE_URL", backend_url)
    monkeypatch.setattr(db_module, "_engine", None)
    manage(["migrate"])
    manage(["purge-conversations", "--now", NOW.isoformat(), "--days", str(DAYS), "--tracker-db", tracker_url])
    printed = capsys.readouterr().out
    assert "rasa tracker events deleted: 1" in printed and "handoff messages deleted: 0" in printed
    assert senders(tracker_engine) == {"recent": 1}
    db_module.get_engine().dispose()
    monkeypatch.setattr(db_module, "_engine", None)
