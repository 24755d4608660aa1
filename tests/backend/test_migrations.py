"""Tests of the Alembic migrations against the models, on both databases."""

import json
from datetime import UTC, datetime

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Connection, Engine, inspect, text
from sqlalchemy.exc import IntegrityError

from app.core.db import sqlite_foreign_keys_suspended
from app.manage import alembic_config
from app.tables import metadata


def test_upgrade_matches_models_and_downgrade_empties(fresh_database: tuple[Engine, str]) -> None:
    engine, _url = fresh_database
    with engine.begin() as connection:
        command.upgrade(alembic_config(connection=connection), "head")

    with engine.connect() as connection:
        assert set(inspect(connection).get_table_names()) == set(metadata.tables) | {"alembic_version"}
        for table in metadata.sorted_tables:
            columns = {column["name"] for column in inspect(connection).get_columns(table.name)}
            assert columns == set(table.columns.keys()), table.name
        differences = compare_metadata(MigrationContext.configure(connection, opts={"compare_type": True}), metadata)
        assert differences == []

    with engine.begin() as connection:
        command.downgrade(alembic_config(connection=connection), "base")
    with engine.connect() as connection:
        assert set(inspect(connection).get_table_names()) == {"alembic_version"}


def test_queued_handoff_requests_move_to_the_default_team_with_their_transcript(
    fresh_database: tuple[Engine, str],
) -> None:
    engine, _url = fresh_database
    with engine.begin() as connection:
        command.upgrade(alembic_config(connection=connection), "0001")
        connection.execute(
            text(
                "INSERT INTO handoff_request (reference, conversation_id, channel, reason, intent, transcript, status,"
                " created_at) VALUES ('HO-000007', 'conv-old', 'webchat', 'repeated_fallback', 'nlu_fallback',"
                " :transcript, 'waiting', :created_at)"
            ),
            {
                "transcript": json.dumps(
                    [
                        {"sender": "citizen", "text": "asdf", "sent_at": "2026-03-16T09:14:03Z"},
                        {"sender": "assistant", "text": "Sorry?", "sent_at": "2026-03-16T09:14:04+00:00"},
                    ]
                ),
                "created_at": datetime(2026, 3, 16, 9, 14, 5, tzinfo=UTC),
            },
        )
        command.upgrade(alembic_config(connection=connection), "head")

    with engine.connect() as connection:
        handoff = connection.execute(
            text(
                "SELECT h.id, h.status, t.code FROM handoff h JOIN team t ON t.id = h.team_id"
                " WHERE h.reference = 'HO-000007'"
            )
        ).one()
        assert (handoff.status, handoff.code) == ("waiting", "general")
        senders = connection.execute(
            text("SELECT sender, text FROM handoff_message WHERE handoff_id = :id ORDER BY sent_at"), {"id": handoff.id}
        ).all()
        assert [tuple(row) for row in senders] == [("citizen", "asdf"), ("assistant", "Sorry?")]
        callback = connection.execute(
            text("SELECT kind, service_level_days FROM service WHERE code = 'callback'")
        ).one()
        assert tuple(callback) == ("service_request", 1)


def _insert_0001_request(connection: Connection) -> None:
    """One request with a two-step history, written as the 0001 schema stores it."""
    connection.execute(text("INSERT INTO department (id, code, name) VALUES (1, 'roads', 'Roads')"))
    connection.execute(
        text(
            "INSERT INTO service (id, code, name, kind, department_id, service_level_days, description) "
            "VALUES (1, 'pothole', 'Pothole', 'service_request', 1, 5, 'Holes')"
        )
    )
    moment = "2026-03-02 09:00:00+00:00"
    connection.execute(
        text(
            "INSERT INTO service_request (id, request_number, category_id, department_id, location, description, "
            "status, channel, created_at, updated_at, target_date) VALUES (1, 'SR-100001', 1, 1, 'Mill Lane', "
            "'A hole', 'in_progress', 'webchat', :moment, :moment, '2026-03-09')"
        ),
        {"moment": moment},
    )
    for event_id, status in ((1, "received"), (2, "in_progress")):
        connection.execute(
            text(
                "INSERT INTO service_request_event (id, service_request_id, status, step_text, actor, occurred_at) "
                "VALUES (:id, 1, :status, 'step', 'tester', :moment)"
            ),
            {"id": event_id, "status": status, "moment": moment},
        )
    if connection.dialect.name == "postgresql":
        # As a restored dump does: the sequences continue after the explicit ids.
        for table in ("department", "service", "service_request", "service_request_event"):
            connection.execute(
                text(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))")
            )


def test_0003_keeps_existing_histories_and_adds_the_accepted_status(fresh_database: tuple[Engine, str]) -> None:
    engine, _url = fresh_database
    with engine.begin() as connection:
        command.upgrade(alembic_config(connection=connection), "0001")
        _insert_0001_request(connection)
    # As `python -m app.manage migrate` does it: SQLite copies tables that other rows refer to.
    with engine.connect() as connection, sqlite_foreign_keys_suspended(connection), connection.begin():
        command.upgrade(alembic_config(connection=connection), "0003")
    with engine.connect() as connection:
        rows = connection.execute(
            text(
                "SELECT action, department_id, visible_to_citizen, notify_citizen "
                "FROM service_request_event ORDER BY id"
            )
        ).all()
        assert [tuple(row) for row in rows] == [("filed", 1, True, False), ("progress", 1, True, False)]
    with engine.begin() as connection:
        connection.execute(text("UPDATE service_request SET status = 'accepted' WHERE id = 1"))
    for statement in (
        "UPDATE service_request SET status = 'lost' WHERE id = 1",
        "UPDATE service_request_event SET action = 'vanished' WHERE id = 1",
        "UPDATE service SET open311_type = 'carrier-pigeon' WHERE id = 1",
    ):
        with pytest.raises(IntegrityError), engine.begin() as connection:
            connection.execute(text(statement))
    with engine.connect() as connection, sqlite_foreign_keys_suspended(connection), connection.begin():
        command.downgrade(alembic_config(connection=connection), "0001")
    with engine.connect() as connection:
        assert connection.execute(text("SELECT status FROM service_request")).scalar_one() == "dispatched"
