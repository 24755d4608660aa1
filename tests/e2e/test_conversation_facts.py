"""Conversation facts with the real Rasa server: its broker reports how conversations go, never the text."""

from __future__ import annotations

import re
import sqlite3
import uuid
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import create_engine, text

from tests.e2e.hotline_process import Conversation, Hotline
from tests.e2e.test_handoff import ConsoleSession, eventually

pytestmark = pytest.mark.e2e


def recorded_session(hotline: Hotline, conversation_id: str) -> dict | None:
    """The back office's record of the conversation's session and its turns' intents, read from its database."""
    engine = create_engine(f"sqlite:///{hotline.var_dir}/backend.db")
    try:
        with engine.connect() as connection:
            session = (
                connection.execute(
                    text(
                        "SELECT id, channel, language, handoff_reference, callback_reference FROM conversation_session"
                        " WHERE conversation_id = :id"
                    ),
                    {"id": conversation_id},
                )
                .mappings()
                .first()
            )
            if session is None:
                return None
            intents = connection.execute(
                text("SELECT intent FROM conversation_turn WHERE session_id = :id ORDER BY occurred_at"),
                {"id": session["id"]},
            ).scalars()
            return {**session, "intents": list(intents)}
    finally:
        engine.dispose()


def database_dump(hotline: Hotline, leave_out: str) -> str:
    """The back office's database as SQL, without the rows of one table."""
    with sqlite3.connect(hotline.var_dir / "backend.db") as connection:
        return "\n".join(line for line in connection.iterdump() if not line.startswith(f'INSERT INTO "{leave_out}"'))


def test_the_broker_reports_turns_and_handoffs_without_the_text(hotline: Hotline) -> None:
    marker = f"Zanzibarquux{uuid.uuid4().hex[:6]}"
    contained = Conversation(hotline.rasa_url, sender=f"facts-{uuid.uuid4().hex}")
    contained.say_text("hello")
    contained.say_text(f"when does the citizen service centre open? my name is {marker}")

    handed_off = Conversation(hotline.rasa_url, sender=f"facts-{uuid.uuid4().hex}")
    queued = handed_off.say_text("I want to talk to a person")
    reference = re.search(r"HO-\d{6}", queued)
    assert reference, queued

    first = eventually(lambda: (s := recorded_session(hotline, contained.sender)) and len(s["intents"]) == 2 and s)
    assert (first["channel"], first["handoff_reference"], first["callback_reference"]) == ("rest", None, None)
    assert first["intents"][0] == "greet"
    second = eventually(lambda: (s := recorded_session(hotline, handed_off.sender)) and s["handoff_reference"] and s)
    assert second["handoff_reference"] == reference.group(0)
    assert second["intents"] == ["request_human"]

    # What the citizen wrote stays in Rasa's own tracker store; the back office never receives it with
    # the facts. Only the trainers' review table may hold a message the assistant was unsure of.
    assert marker not in database_dump(hotline, leave_out="review_message")
    assert marker not in hotline.log("backend")

    # The supervisor sees them on today's dashboard.
    today = datetime.now(ZoneInfo("Europe/London")).date().isoformat()
    sam = ConsoleSession(hotline, "sam")
    dashboard = sam.get(f"/dashboard?from={today}&to={today}").json()
    outcomes = next(f for f in dashboard["figures"] if f["key"] == "conversation_outcomes")
    rest = next(row for row in outcomes["rows"] if row[0] == "rest")
    assert rest[1] >= 2 and rest[3] >= 1
