"""Operator commands, run from backend/: `python -m app.manage migrate|seed-demo`."""

import argparse
import logging
from datetime import UTC, datetime
from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import Connection, text
from sqlalchemy.orm import Session

from app.core.config import settings
from app.core.db import get_engine

BACKEND_DIR = Path(__file__).resolve().parents[1]
_MIGRATION_LOCK_KEY = 12345_000  # any fixed number; held only while migrating


def alembic_config(*, connection: Connection | None = None, database_url: str | None = None) -> Config:
    """Alembic's configuration for this backend, usable from any working directory."""
    config = Config(str(BACKEND_DIR / "alembic.ini"))
    config.set_main_option("script_location", str(BACKEND_DIR / "alembic"))
    config.attributes["configure_logging"] = False
    if database_url is not None:
        # Percent signs (URL-encoded passwords) would be read as interpolation.
        config.set_main_option("sqlalchemy.url", database_url.replace("%", "%%"))
    if connection is not None:
        config.attributes["connection"] = connection
    return config


def migrate(*, connection: Connection | None = None, revision: str = "head") -> None:
    """Upgrade the configured database (or `connection`'s) to `revision`."""
    if connection is not None:
        command.upgrade(alembic_config(connection=connection), revision)
        return
    with get_engine().connect() as connection:
        on_postgres = connection.dialect.name == "postgresql"
        if on_postgres:
            # Replicas starting together: one migrates, the others wait here and
            # then find nothing to do. (SQLite's BEGIN IMMEDIATE does the same.)
            connection.execute(text("SELECT pg_advisory_lock(:key)"), {"key": _MIGRATION_LOCK_KEY})
            connection.commit()
        try:
            with connection.begin():
                command.upgrade(alembic_config(connection=connection), revision)
        finally:
            if on_postgres:
                connection.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": _MIGRATION_LOCK_KEY})
                connection.commit()


def _parse_reference_time(value: str) -> datetime:
    moment = datetime.fromisoformat(value)
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m app.manage", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("migrate", help="upgrade the database to the latest schema (alembic upgrade head)")
    seed = commands.add_parser("seed-demo", help="load the Northbridge demo data (idempotent)")
    seed.add_argument(
        "--reference-time",
        type=_parse_reference_time,
        default=None,
        help="the 'now' the demo records are dated back from (ISO 8601); default: the current time",
    )
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")

    if args.command == "migrate":
        migrate()
    elif args.command == "seed-demo":
        if settings.ENVIRONMENT == "production":
            # The demo staff accounts share a published password.
            parser.error("seed-demo loads accounts with a published password; it does not run in production")
        # Imported here: only this command needs the demo generator.
        from app.demo_data import seed_demo

        with Session(get_engine()) as session:
            summary = seed_demo(session, reference_time=args.reference_time)
        logging.getLogger("app.manage").info("demo data: %s", summary)


if __name__ == "__main__":
    main()
