"""Tests of the Alembic migrations against the models, on both databases."""

import json
from datetime import UTC, datetime

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Engine, inspect, text

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
