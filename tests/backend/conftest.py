"""Fixtures for the backend tests: every database test runs on SQLite and on PostgreSQL.

Each backend gets one private database for the session (a temporary SQLite
file, a fresh PostgreSQL schema), migrated with Alembic and loaded with the
demo data. Each test runs inside a transaction that is rolled back, so tests
see the demo data and never each other's writes.
"""

import contextlib
import os
import sys
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import Connection, Engine, text
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

REPO_ROOT = Path(__file__).resolve().parents[2]
BACKEND_DIR = REPO_ROOT / "backend"
# The backend is run from backend/ (`python -m app.main`), so `app` is a
# top-level package; the repository root makes `tests.backend.*` importable.
for path in (str(BACKEND_DIR), str(REPO_ROOT)):
    if path not in sys.path:
        sys.path.insert(0, path)

from fastapi.testclient import TestClient  # noqa: E402

from app.core.config import settings  # noqa: E402
from app.core.db import build_engine, get_db  # noqa: E402
from app.demo_data import seed_demo  # noqa: E402
from app.main import app  # noqa: E402
from app.manage import migrate  # noqa: E402

POSTGRES_URL = os.environ.get("TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
# A fixed Monday noon, so that demo dates and working-day targets are stable.
REFERENCE_TIME = datetime(2026, 3, 16, 12, 0, tzinfo=UTC)
BACKENDS = ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)]


def _postgres_unreachable(error: Exception) -> None:
    message = f"PostgreSQL at {POSTGRES_URL} is unreachable ({type(error).__name__}); PostgreSQL tests skipped"
    # CI must prove the PostgreSQL path, so a missing server fails there.
    if os.environ.get("CI") == "true":
        pytest.fail(message.replace("skipped", "required because CI=true"), pytrace=False)
    pytest.skip(message)


@contextlib.contextmanager
def empty_database(backend: str, directory: Path) -> Iterator[tuple[Engine, str]]:
    """An engine on a new, empty database of `backend`, and its URL; removed afterwards."""
    if backend == "sqlite":
        url = f"sqlite:///{directory / f'backend-{uuid.uuid4().hex[:8]}.db'}"
        engine = build_engine(url)
        try:
            yield engine, url
        finally:
            engine.dispose()
        return

    schema = f"backend_test_{uuid.uuid4().hex[:12]}"
    admin = build_engine(POSTGRES_URL, connect_args={"connect_timeout": 3})
    try:
        with admin.begin() as connection:
            connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    except OperationalError as error:
        admin.dispose()
        _postgres_unreachable(error)
    # The search_path option puts every table, alembic_version included, in
    # the private schema, so concurrent runs on the same database never meet.
    url = f"{POSTGRES_URL}?options=-csearch_path%3D{schema}"
    engine = build_engine(url)
    try:
        yield engine, url
    finally:
        engine.dispose()
        with admin.begin() as connection:
            connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


@pytest.fixture(scope="session", params=BACKENDS)
def engine(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Engine]:
    """The session's database for one backend: migrated and loaded with the demo data."""
    with empty_database(request.param, tmp_path_factory.mktemp("db")) as (engine, _url):
        with engine.begin() as connection:
            migrate(connection=connection)
        with Session(engine) as session:
            seed_demo(session, reference_time=REFERENCE_TIME)
        yield engine


@pytest.fixture
def connection(engine: Engine) -> Iterator[Connection]:
    """A connection whose transaction is rolled back after the test."""
    with engine.connect() as connection:
        transaction = connection.begin()
        try:
            yield connection
        finally:
            transaction.rollback()


def _session_on(connection: Connection) -> Session:
    # Commits inside the code under test only release a savepoint.
    return Session(bind=connection, join_transaction_mode="create_savepoint", expire_on_commit=False)


@pytest.fixture
def db(connection: Connection) -> Iterator[Session]:
    with _session_on(connection) as session:
        yield session


@pytest.fixture
def client(connection: Connection) -> Iterator[TestClient]:
    """The API, on the test's connection."""

    def override_get_db() -> Iterator[Session]:
        with _session_on(connection) as session:
            yield session

    app.dependency_overrides[get_db] = override_get_db
    try:
        with TestClient(app) as test_client:
            yield test_client
    finally:
        app.dependency_overrides.pop(get_db, None)


@pytest.fixture
def reference_time() -> datetime:
    """The 'now' the session's demo data was dated back from."""
    return REFERENCE_TIME


@pytest.fixture
def auth_headers() -> dict[str, str]:
    return {"Authorization": f"Bearer {settings.BACKEND_SERVICE_TOKEN}"}


@pytest.fixture(params=BACKENDS)
def fresh_database(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[tuple[Engine, str]]:
    """A new empty database (engine, URL) for tests of migrations and commands."""
    with empty_database(request.param, tmp_path) as database:
        yield database


@pytest.fixture(autouse=True)
def staffed_around_the_clock(monkeypatch: pytest.MonkeyPatch) -> None:
    """Tests run at any hour; those about closing time set their own hours."""
    monkeypatch.setattr(settings, "CALL_CENTRE_HOURS", "always")


# Handoff fixtures (a recording Rasa API, live updates) for every backend test module.
from tests.backend.handoff_fixtures import live, rasa  # noqa: E402, F401
