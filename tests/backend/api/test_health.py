"""Tests of GET /health."""

from collections.abc import Iterator

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from app.core.db import build_engine, get_db
from app.main import app


def test_health_reports_the_database(client: TestClient) -> None:
    response = client.get("/health")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok"}


def test_health_needs_no_token(client: TestClient) -> None:
    assert client.get("/health", headers={"Authorization": "Bearer nonsense"}).status_code == 200


def test_health_is_503_when_the_database_is_down() -> None:
    # Port 9 (discard) on the loopback: nothing listens, the connection is refused.
    engine = build_engine("postgresql+psycopg://nobody@127.0.0.1:9/none", connect_args={"connect_timeout": 2})

    def unreachable_db() -> Iterator[Session]:
        with Session(engine) as session:
            yield session

    app.dependency_overrides[get_db] = unreachable_db
    try:
        with TestClient(app) as client:
            response = client.get("/health")
    finally:
        app.dependency_overrides.pop(get_db, None)
        engine.dispose()
    assert response.status_code == 503
    assert response.json() == {"status": "error", "database": "unavailable"}
