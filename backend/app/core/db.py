"""Database engine and sessions, created on first use so tests can choose the database."""

import contextlib
import threading
from collections.abc import Iterator
from pathlib import Path

from sqlalchemy import Connection, Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

from app.core.config import settings

_engine: Engine | None = None
_engine_lock = threading.Lock()
_session_factory: sessionmaker[Session] | None = None


def build_engine(database_url: str, **kwargs: object) -> Engine:
    """Create an engine for `database_url`, with SQLite made to behave like a server database."""
    url = make_url(database_url)
    # Bound values are citizens' data: keep them out of logs and error messages.
    kwargs.setdefault("hide_parameters", True)
    if url.drivername in {"postgres", "postgresql"}:
        # Plain postgresql:// URLs (docker, PaaS) would ask for psycopg2; use psycopg 3.
        url = url.set(drivername="postgresql+psycopg")
    if url.get_backend_name() != "sqlite":
        return create_engine(url, pool_pre_ping=True, **kwargs)

    if url.database and url.database != ":memory:":
        Path(url.database).parent.mkdir(parents=True, exist_ok=True)
    # FastAPI runs sync endpoints in a thread pool, so a pooled connection
    # may be used from a thread other than the one that opened it.
    engine = create_engine(url, connect_args={"check_same_thread": False}, **kwargs)

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record):  # type: ignore[no-untyped-def]
        # pysqlite's own transaction handling breaks SAVEPOINT (used to retry
        # number allocation); let SQLAlchemy emit BEGIN itself instead.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=5000")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection):  # type: ignore[no-untyped-def]
        # IMMEDIATE takes the write lock up front: two deferred transactions
        # that both read and then write would deadlock and fail at once with
        # "database is locked"; this way the second one waits (busy_timeout).
        connection.exec_driver_sql("BEGIN IMMEDIATE")

    return engine


def get_engine() -> Engine:
    """The application's engine for settings.DATABASE_URL, created on first call."""
    global _engine, _session_factory
    with _engine_lock:  # the first requests may arrive on several threads at once
        if _engine is None:
            _engine = build_engine(settings.DATABASE_URL)
            _session_factory = sessionmaker(bind=_engine, expire_on_commit=False)
        return _engine


def new_session() -> Session:
    """A session on the application's database, for work outside a request (periodic checks)."""
    get_engine()
    assert _session_factory is not None
    return _session_factory()


def get_db() -> Iterator[Session]:
    """One session per request, closed afterwards (FastAPI dependency)."""
    get_engine()
    assert _session_factory is not None
    with _session_factory() as session:
        yield session


@contextlib.contextmanager
def sqlite_foreign_keys_suspended(connection: Connection) -> Iterator[None]:
    """On SQLite, turn foreign-key enforcement off around a schema change, then check every reference.

    SQLite alters a table by copying it to a new one and dropping the old one,
    which enforced foreign keys refuse while other rows point at it (SQLite's
    documented procedure for such changes). The switch only works outside a
    transaction, so use this before beginning one. Other databases: no-op.
    """
    if connection.dialect.name != "sqlite":
        yield
        return
    assert not connection.in_transaction(), "suspend foreign keys before the transaction begins"
    raw = connection.connection.dbapi_connection
    assert raw is not None
    raw.execute("PRAGMA foreign_keys=OFF")
    try:
        yield
        broken = raw.execute("PRAGMA foreign_key_check").fetchall()
        if broken:
            raise RuntimeError(f"the schema change left {len(broken)} broken references")
    finally:
        raw.execute("PRAGMA foreign_keys=ON")
