"""Tests of the Alembic migrations against the models, on both databases."""

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Engine, inspect

from app.manage import alembic_config
from app.models import Base


def test_upgrade_matches_models_and_downgrade_empties(fresh_database: tuple[Engine, str]) -> None:
    engine, _url = fresh_database
    with engine.begin() as connection:
        command.upgrade(alembic_config(connection=connection), "head")

    with engine.connect() as connection:
        assert set(inspect(connection).get_table_names()) == set(Base.metadata.tables) | {"alembic_version"}
        for table in Base.metadata.sorted_tables:
            columns = {column["name"] for column in inspect(connection).get_columns(table.name)}
            assert columns == set(table.columns.keys()), table.name
        differences = compare_metadata(
            MigrationContext.configure(connection, opts={"compare_type": True}), Base.metadata
        )
        assert differences == []

    with engine.begin() as connection:
        command.downgrade(alembic_config(connection=connection), "base")
    with engine.connect() as connection:
        assert set(inspect(connection).get_table_names()) == {"alembic_version"}
