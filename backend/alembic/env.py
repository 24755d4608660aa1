"""Alembic environment: migrates the database the application is configured for."""

from logging.config import fileConfig
from typing import Any, Literal

from alembic import context
from alembic.autogenerate.api import AutogenContext
from sqlalchemy import Connection

from app.core.config import settings
from app.core.db import build_engine, sqlite_foreign_keys_suspended
from app.models import UTCDateTime
from app.tables import metadata

config = context.config
# Logging is configured by the command line only; a programmatic run (tests,
# `python -m app.manage`) keeps the caller's logging as it is.
if config.config_file_name is not None and config.attributes.get("configure_logging", True):
    fileConfig(config.config_file_name, disable_existing_loggers=False)

target_metadata = metadata


def _render_item(type_: str, obj: Any, autogen_context: AutogenContext) -> str | Literal[False]:
    # Migrations must not import app code that may change later: write the
    # plain column type that UTCDateTime stores.
    if type_ == "type" and isinstance(obj, UTCDateTime):
        return "sa.DateTime(timezone=True)"
    return False


def _run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_item=_render_item,
        compare_type=True,
        # SQLite cannot ALTER most things; batch mode recreates the table.
        render_as_batch=connection.dialect.name == "sqlite",
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_offline() -> None:
    context.configure(
        url=config.get_main_option("sqlalchemy.url") or settings.DATABASE_URL,
        target_metadata=target_metadata,
        render_item=_render_item,
        literal_binds=True,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    # Tests hand over a connection (e.g. one bound to a private schema).
    connection = config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    engine = build_engine(config.get_main_option("sqlalchemy.url") or settings.DATABASE_URL)
    try:
        with engine.connect() as connection, sqlite_foreign_keys_suspended(connection):
            _run(connection)
    finally:
        engine.dispose()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
