"""Database engine and sessions, created on first use so tests can choose the database."""

import contextlib
import os
import sqlite3
import threading
from collections import deque
from collections.abc import Iterator
from pathlib import Path

from sqlalchemy import Connection, Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session, sessionmaker

from app.core.config import settings

_engine: Engine | None = None
_engine_lock = threading.Lock()
_session_factory: sessionmaker[Session] | None = None

# How long a transaction on SQLite waits for the write lock before failing with "database is locked".
SQLITE_BUSY_SECONDS = 5.0


class WriteTurns:
    """First come, first served turns at one SQLite file's write lock, for this process's threads.

    SQLite's own waiting (busy_timeout) polls: a waiter sleeps 1, 2, 5... then
    100 ms between tries and nobody wakes it when the lock is free, so under a
    steady stream of short transactions newcomers keep overtaking it until it
    gives up. Here each thread waits in line and the one finishing hands the
    turn straight to the next. Other processes on the same file still meet
    only SQLite's lock (busy_timeout), as before.
    """

    def __init__(self) -> None:
        self._mutex = threading.Lock()
        self._waiting: deque[threading.Event] = deque()
        self._taken = False

    def take(self, timeout: float) -> bool:
        """Wait for this thread's turn; False when it did not come within `timeout` seconds."""
        with self._mutex:
            if not self._taken:
                self._taken = True
                return True
            called = threading.Event()
            self._waiting.append(called)
        if called.wait(timeout):
            return True
        with self._mutex:
            if called.is_set():  # handed over just as the wait ran out
                return True
            self._waiting.remove(called)
            return False

    def give_back(self) -> None:
        with self._mutex:
            if self._waiting:
                self._waiting.popleft().set()  # the turn passes on without being free in between
            else:
                self._taken = False


_write_turns: dict[str, WriteTurns] = {}
_write_turns_lock = threading.Lock()


def write_turns_for(database: str) -> WriteTurns:
    """The one WriteTurns of a database file in this process (engines on the same file share it)."""
    key = os.path.realpath(database)
    with _write_turns_lock:
        return _write_turns.setdefault(key, WriteTurns())


class _TurnTakingConnection(sqlite3.Connection):
    """A pysqlite connection that gives its write turn back once its transaction has ended."""

    write_turns: WriteTurns | None = None
    holds_turn = False

    def commit(self) -> None:
        try:
            super().commit()
        finally:
            self.end_turn()

    def rollback(self) -> None:
        try:
            super().rollback()
        finally:
            self.end_turn()

    def close(self) -> None:
        try:
            super().close()
        finally:
            self.end_turn()

    def end_turn(self) -> None:
        if self.holds_turn and self.write_turns is not None:
            self.holds_turn = False
            self.write_turns.give_back()


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

    on_file = bool(url.database) and url.database != ":memory:"
    if on_file:
        Path(url.database).parent.mkdir(parents=True, exist_ok=True)
    write_turns = write_turns_for(url.database) if on_file else None
    # FastAPI runs sync endpoints in a thread pool, so a pooled connection
    # may be used from a thread other than the one that opened it.
    engine = create_engine(url, connect_args={"check_same_thread": False, "factory": _TurnTakingConnection}, **kwargs)

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record):  # type: ignore[no-untyped-def]
        # pysqlite's own transaction handling breaks SAVEPOINT (used to retry
        # number allocation); let SQLAlchemy emit BEGIN itself instead.
        dbapi_connection.isolation_level = None
        dbapi_connection.write_turns = write_turns
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={int(SQLITE_BUSY_SECONDS * 1000)}")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection):  # type: ignore[no-untyped-def]
        # IMMEDIATE takes the write lock up front: two deferred transactions
        # that both read and then write would deadlock and fail at once with
        # "database is locked"; this way the second one waits. This process's
        # threads wait for their turn in line (WriteTurns), other processes in
        # SQLite's busy handler.
        dbapi_connection = connection.connection.dbapi_connection
        turns = dbapi_connection.write_turns
        if turns is not None:
            if not turns.take(SQLITE_BUSY_SECONDS):
                raise OperationalError("BEGIN IMMEDIATE", None, sqlite3.OperationalError("database is locked"))
            dbapi_connection.holds_turn = True
        try:
            connection.exec_driver_sql("BEGIN IMMEDIATE")
        except BaseException:
            dbapi_connection.end_turn()
            raise

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
