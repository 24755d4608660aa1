"""Operator commands, run from backend/: `python -m app.manage <command>` (see --help)."""

import argparse
import logging
import os
import sys
from datetime import UTC, datetime
from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import Connection, text
from sqlalchemy.orm import Session

from app.core.config import settings
from app.core.db import get_engine, sqlite_foreign_keys_suspended
from app.staff.models import Role
from app.staff.service import create_staff_user, get_staff_user, get_team
from redaction import install_log_redaction

BACKEND_DIR = Path(__file__).resolve().parents[1]
# In a checkout, where trainers' annotations become training data (a reviewable file).
DEFAULT_REVIEWED_FILE = BACKEND_DIR.parent / "training_data" / "nlu" / "reviewed.yml"
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
            with sqlite_foreign_keys_suspended(connection), connection.begin():
                command.upgrade(alembic_config(connection=connection), revision)
        finally:
            if on_postgres:
                connection.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": _MIGRATION_LOCK_KEY})
                connection.commit()


def _parse_reference_time(value: str) -> datetime:
    moment = datetime.fromisoformat(value)
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _open311_key(args: argparse.Namespace, session: Session) -> None:
    # Imported here: only this command needs them.
    from app.open311 import api_keys

    now = datetime.now(UTC)
    if args.action == "create":
        client, api_key = api_keys.create_api_key(session=session, name=args.name, created_by=args.by, now=now)
        # The key goes to stdout once, for the operator to hand over; it is not kept.
        print(f"client {client.id} ({client.name}): {api_key}")
        print("Hand this key over now: only its hash is stored.", file=sys.stderr)
    elif args.action == "revoke":
        try:
            client = api_keys.revoke_api_key(session=session, client_id=args.id, revoked_by=args.by, now=now)
        except api_keys.UnknownApiKey as error:
            raise SystemExit(str(error)) from None
        print(f"client {client.id} ({client.name}): revoked at {client.revoked_at:%Y-%m-%d %H:%M} UTC")
    else:
        for client in api_keys.list_api_keys(session=session):
            state = f"revoked {client.revoked_at:%Y-%m-%d}" if client.revoked_at else "active"
            print(f"{client.id}\t{client.key_prefix}…\t{state}\t{client.name}")


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
    staff = commands.add_parser(
        "create-staff",
        help="create a console account; the password is read from the STAFF_PASSWORD environment variable",
    )
    staff.add_argument("username")
    staff.add_argument("--name", required=True, help="the name agents and citizens see")
    staff.add_argument("--role", required=True, choices=[role.value for role in Role])
    staff.add_argument("--teams", default="", help="comma-separated team codes (agents)")
    staff.add_argument("--capacity", type=int, default=3, help="conversations at once (1-10)")
    escalate = commands.add_parser(
        "escalate-overdue", help="flag overdue work orders for supervisors and notify their departments"
    )
    escalate.add_argument(
        "--now", type=_parse_reference_time, default=None, help="the moment to check at (ISO 8601); default: now"
    )
    notify = commands.add_parser(
        "send-notifications",
        help="tell citizens about their requests and applications: record new steps, send the due ones",
    )
    notify.add_argument(
        "--now", type=_parse_reference_time, default=None, help="the moment to send at (ISO 8601); default: now"
    )
    purge = commands.add_parser(
        "purge-conversations",
        help="delete or anonymise conversations over for longer than CONVERSATION_RETENTION_DAYS; "
        "case records are kept",
    )
    purge.add_argument(
        "--now", type=_parse_reference_time, default=None, help="the moment to count back from (ISO 8601)"
    )
    purge.add_argument("--days", type=int, default=None, help="the period; default CONVERSATION_RETENTION_DAYS")
    purge.add_argument(
        "--tracker-db",
        default=None,
        help="the Rasa tracker store's database URL (default RASA_TRACKER_DB_URL; also purged when it is "
        "this database)",
    )
    keys = commands.add_parser("open311-key", help="create, revoke or list the API keys of Open311 clients")
    key_actions = keys.add_subparsers(dest="action", required=True)
    create = key_actions.add_parser("create", help="issue a key to a client; prints it once")
    create.add_argument("--name", required=True, help="who the client is, e.g. 'FixMyStreet Northbridge'")
    create.add_argument("--by", default="operator", help="the admin issuing the key")
    revoke = key_actions.add_parser("revoke", help="refuse a client's key from now on")
    revoke.add_argument("id", type=int, help="the client's id (see list)")
    revoke.add_argument("--by", default="operator", help="the admin revoking the key")
    key_actions.add_parser("list", help="every client: id, key prefix, state, name")
    export = commands.add_parser(
        "export-annotations", help="write trainers' annotations as Rasa NLU training data, personal data replaced"
    )
    export.add_argument(
        "--out", type=Path, default=DEFAULT_REVIEWED_FILE, help="the file to write (default: %(default)s)"
    )
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    install_log_redaction()

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
    elif args.command == "escalate-overdue":
        from app.lifecycle.escalation import escalate_overdue

        with Session(get_engine()) as session:
            escalated = escalate_overdue(session=session, now=args.now or datetime.now(UTC))
            print(f"escalated {len(escalated)} overdue work orders: {' '.join(r.request_number for r in escalated)}")
    elif args.command == "send-notifications":
        from app.notifications.runner import run_notifications

        with Session(get_engine()) as session:
            recorded, outcome = run_notifications(session=session, now=args.now or datetime.now(UTC), settings=settings)
            print(f"recorded {recorded} new notifications; {outcome.counts or 'nothing due'}")
    elif args.command == "purge-conversations":
        _purge_conversations(parser, args)
    elif args.command == "open311-key":
        with Session(get_engine()) as session:
            _open311_key(args, session)
    elif args.command == "create-staff":
        _create_staff(parser, args)
    elif args.command == "export-annotations":
        _export_annotations(args.out)


def _export_annotations(out: Path) -> None:
    from app.review.export import export_annotations, known_examples

    with Session(get_engine()) as session:
        export = export_annotations(session=session, known=known_examples(out.parent, leave_out=out))
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(export.text, encoding="utf-8")
    print(f"wrote {export.examples} examples to {out}", end="")
    if export.skipped_as_known:
        print(f"; left out {len(export.skipped_as_known)} already in the training data", end="")
    print()


def _purge_conversations(parser: argparse.ArgumentParser, args: argparse.Namespace) -> None:
    from sqlalchemy import inspect

    from app.core.db import build_engine
    from app.retention import purge_conversations, purge_tracker_events

    days = args.days if args.days is not None else settings.CONVERSATION_RETENTION_DAYS
    if days < 1:
        parser.error("--days must be at least 1")
    now = args.now or datetime.now(UTC)
    with Session(get_engine()) as session:
        outcome = purge_conversations(session=session, now=now, days=days)
    for what, count in outcome.counts.items():
        print(f"{what}: {count}")
    tracker_url = args.tracker_db if args.tracker_db is not None else settings.RASA_TRACKER_DB_URL
    # The tracker store's table in this very database (one PostgreSQL for both) is purged too.
    engines = [build_engine(tracker_url)] if tracker_url else []
    if not tracker_url and "events" in inspect(get_engine()).get_table_names():
        engines.append(get_engine())
    for engine in engines:
        print(f"rasa tracker events deleted: {purge_tracker_events(engine=engine, now=now, days=days)}")
    if not engines:
        print("rasa tracker store: not configured (set RASA_TRACKER_DB_URL); see README, Retention")


def _create_staff(parser: argparse.ArgumentParser, args: argparse.Namespace) -> None:
    # Never a command-line argument: it would land in the shell history and the process list.
    password = os.environ.get("STAFF_PASSWORD", "")
    with Session(get_engine()) as session:
        if get_staff_user(session=session, username=args.username) is not None:
            parser.error(f"{args.username} already has an account")
        teams = []
        for code in filter(None, (part.strip() for part in args.teams.split(","))):
            team = get_team(session=session, code=code)
            if team is None:
                parser.error(f"no team {code!r}")
            teams.append(team)
        try:
            create_staff_user(
                session=session,
                username=args.username,
                display_name=args.name,
                role=Role(args.role),
                password=password,
                teams=teams,
                capacity=args.capacity,
            )
        except ValueError as error:
            parser.error(str(error))
        session.commit()
    logging.getLogger("app.manage").info("staff account %s created", args.username)


if __name__ == "__main__":
    main()
