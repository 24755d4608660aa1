"""Tests of console sign-in: passwords, throttling, cookie flags, CSRF, sign-out."""

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.console.access import SESSION_COOKIE
from app.models import utc_now
from app.staff import sessions
from app.staff.demo import DEMO_PASSWORD
from app.staff.models import AuditLogEntry, StaffSession, StaffUser
from tests.backend.handoff_fixtures import sign_in


def test_sign_in_sets_a_strict_http_only_cookie_and_returns_the_csrf_token(client: TestClient, db: Session) -> None:
    reply = client.post("/console/api/login", json={"username": "Alice", "password": DEMO_PASSWORD})

    assert reply.status_code == 200
    me = reply.json()
    assert (me["username"], me["role"]) == ("alice", "agent")
    assert {team["code"] for team in me["teams"]} == {"general", "permits"}
    cookie = reply.headers["set-cookie"]
    assert f"{SESSION_COOKIE}=" in cookie and "HttpOnly" in cookie and "SameSite=strict" in cookie
    assert "Path=/console" in cookie
    token = client.cookies[SESSION_COOKIE]
    stored = db.scalars(select(StaffSession.token_hash)).all()
    assert token not in stored and len(me["csrf_token"]) >= 32  # only a hash of the token is kept
    assert client.get("/console/api/me").json()["username"] == "alice"


def test_password_is_stored_as_argon2id(db: Session) -> None:
    alice = db.scalar(select(StaffUser).where(StaffUser.username == "alice"))
    assert alice is not None and alice.password_hash.startswith("$argon2id$")
    assert DEMO_PASSWORD not in alice.password_hash


@pytest.mark.parametrize(("username", "password"), [("alice", "wrong-password"), ("nobody", DEMO_PASSWORD)])
def test_wrong_username_or_password_get_the_same_answer(client: TestClient, username: str, password: str) -> None:
    reply = client.post("/console/api/login", json={"username": username, "password": password})
    assert reply.status_code == 401 and reply.json() == {"detail": "Wrong username or password."}
    assert SESSION_COOKIE not in client.cookies


def test_repeated_failures_throttle_that_username(client: TestClient, db: Session) -> None:
    for _ in range(5):
        assert client.post("/console/api/login", json={"username": "bilal", "password": "guess"}).status_code == 401
    throttled = client.post("/console/api/login", json={"username": "bilal", "password": DEMO_PASSWORD})
    assert throttled.status_code == 429
    # Another member is not affected.
    assert client.post("/console/api/login", json={"username": "chen", "password": DEMO_PASSWORD}).status_code == 200


def test_without_a_session_everything_but_sign_in_is_refused(client: TestClient) -> None:
    assert client.get("/console/api/me").status_code == 401
    assert client.get("/console/api/conversations").status_code == 401
    client.cookies.set(SESSION_COOKIE, "forged-token", path="/console")
    assert client.get("/console/api/me").status_code == 401


def test_writes_need_the_csrf_token(client: TestClient) -> None:
    csrf = sign_in(client, "alice")
    assert client.put("/console/api/me/presence", json={"presence": "available"}).status_code == 403
    wrong = {"X-CSRF-Token": "x" * 43}
    assert client.put("/console/api/me/presence", json={"presence": "available"}, headers=wrong).status_code == 403
    reply = client.put("/console/api/me/presence", json={"presence": "available"}, headers=csrf)
    assert reply.status_code == 200 and reply.json()["presence"] == "available"


def test_sign_out_ends_the_session(client: TestClient, db: Session) -> None:
    csrf = sign_in(client, "sam")
    assert client.post("/console/api/logout", headers=csrf).status_code == 200
    assert client.get("/console/api/me").status_code == 401
    actions = db.scalars(select(AuditLogEntry.action).where(AuditLogEntry.actor == "sam")).all()
    assert "sign_in" in actions


def test_the_password_is_checked_outside_any_transaction(db: Session, monkeypatch: pytest.MonkeyPatch) -> None:
    # Checking an argon2 hash takes a good part of a second; a transaction open meanwhile holds
    # SQLite's write lock, so every agent signing in at the start of a shift stalled the hotline.
    checked_in_transaction: list[bool] = []
    real_check = sessions.verify_password

    def watched_check(password: str, password_hash: str) -> bool:
        checked_in_transaction.append(db.in_transaction())
        return real_check(password, password_hash)

    monkeypatch.setattr(sessions, "verify_password", watched_check)
    signed_in = sessions.sign_in(session=db, username="alice", password=DEMO_PASSWORD, now=utc_now())
    assert signed_in is not None
    assert checked_in_transaction == [False]
