"""Guessing limits on identity checks and request numbers: per conversation, phone and application."""

import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from app.security.throttle import IDENTITY_CHECKS, Throttle, set_throttle
from tests.backend.live.test_updates import redis_url  # noqa: F401 - fixture

LOOKUP = "/api/v1/applications/status-lookup"


def wrong(client: TestClient, headers: dict[str, str], number: str = "APP-204817", **where: str) -> int:
    body = {"application_number": number, "date_of_birth": "1999-01-01", **where}
    return client.post(LOOKUP, json=body, headers=headers).status_code


def right(client: TestClient, headers: dict[str, str], **where: str) -> int:
    body = {"application_number": "APP-204817", "date_of_birth": "1985-03-14", **where}
    return client.post(LOOKUP, json=body, headers=headers).status_code


@pytest.fixture(autouse=True)
def database_counts() -> Iterator[None]:
    set_throttle(Throttle(""))
    yield
    set_throttle(None)


def test_five_failures_in_a_conversation_stop_even_the_right_answer(
    client: TestClient, auth_headers: dict[str, str]
) -> None:
    assert [wrong(client, auth_headers, "APP-318402", conversation_id="guesser") for _ in range(5)] == [404] * 5
    assert right(client, auth_headers, conversation_id="guesser") == 429
    # The applicant, in their own conversation, is not locked out by a stranger's guesses at another number.
    assert right(client, auth_headers, conversation_id="applicant") == 200


def test_one_number_guessed_from_many_conversations_is_locked(client: TestClient, auth_headers: dict[str, str]) -> None:
    for attempt in range(10):
        assert wrong(client, auth_headers, "APP-550193", conversation_id=f"guess-{attempt}") == 404
    locked = client.post(
        LOOKUP,
        json={"application_number": "APP-550193", "date_of_birth": "1978-06-30", "conversation_id": "new"},
        headers=auth_headers,
    )
    assert locked.status_code == 429 and locked.json() == {"detail": "Too many failed checks. Try again in 15 minutes."}


def test_texts_from_other_phones_do_not_lock_the_applicant_out(
    client: TestClient, auth_headers: dict[str, str]
) -> None:
    # By SMS the sender's number is tried as a proof by itself; strangers texting about an application
    # are not guessing, so they use up nobody's attempts.
    for n in range(15):
        body = {"application_number": "APP-550193", "phone": f"+4477009004{n:02d}", "conversation_id": f"sms-{n}"}
        assert client.post(LOOKUP, json=body, headers=auth_headers).status_code == 404
    applicant = {"application_number": "APP-550193", "date_of_birth": "1978-06-30", "conversation_id": "sms-0"}
    assert client.post(LOOKUP, json=applicant, headers=auth_headers).status_code == 200


def test_unknown_numbers_are_counted_the_same_and_answer_the_same(
    client: TestClient, auth_headers: dict[str, str]
) -> None:
    answers = [wrong(client, auth_headers, f"APP-9{n:05d}", caller_phone="+447700900555") for n in range(5)]
    assert answers == [404] * 5
    assert wrong(client, auth_headers, "APP-900099", caller_phone="+447700900555") == 429


def test_unknown_request_numbers_are_throttled_per_conversation(
    client: TestClient, auth_headers: dict[str, str]
) -> None:
    for n in range(20):
        reply = client.get(
            f"/api/v1/service-requests/SR-9{n:05d}", params={"conversation_id": "sr-guesser"}, headers=auth_headers
        )
        assert reply.status_code == 404
    blocked = client.get(
        "/api/v1/service-requests/SR-100231", params={"conversation_id": "sr-guesser"}, headers=auth_headers
    )
    assert blocked.status_code == 429
    assert client.get("/api/v1/service-requests/SR-100231", headers=auth_headers).status_code == 200


def test_failures_age_out_of_the_window(db: Session) -> None:
    throttle = Throttle("")
    start = datetime(2026, 3, 16, 9, 0, tzinfo=UTC)
    for _ in range(5):
        throttle.record_failure(session=db, limit=IDENTITY_CHECKS, keys=["conversation:x"], now=start)
    assert throttle.blocked(session=db, limit=IDENTITY_CHECKS, keys=["conversation:x"], now=start)
    later = start + IDENTITY_CHECKS.window + timedelta(seconds=1)
    assert not throttle.blocked(session=db, limit=IDENTITY_CHECKS, keys=["conversation:x"], now=later)


def test_counts_in_redis_are_shared_by_processes(db: Session, redis_url: str) -> None:  # noqa: F811
    prefix = f"test-throttle-{uuid.uuid4().hex}:"
    first, second = Throttle(redis_url, prefix), Throttle(redis_url, prefix)
    now = datetime.now(UTC)
    for _ in range(5):
        first.record_failure(session=db, limit=IDENTITY_CHECKS, keys=["phone:+447700900001"], now=now)
    assert second.blocked(session=db, limit=IDENTITY_CHECKS, keys=["phone:+447700900001"], now=now)
    assert not second.blocked(session=db, limit=IDENTITY_CHECKS, keys=["phone:+447700900002"], now=now)


def test_redis_down_counts_in_the_database(db: Session) -> None:
    throttle = Throttle("redis://127.0.0.1:1/0")
    now = datetime.now(UTC)
    for _ in range(5):
        throttle.record_failure(session=db, limit=IDENTITY_CHECKS, keys=["conversation:y"], now=now)
    assert throttle.blocked(session=db, limit=IDENTITY_CHECKS, keys=["conversation:y"], now=now)
