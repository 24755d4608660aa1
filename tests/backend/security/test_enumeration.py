"""A thousand guessed numbers at a time through the API disclose nothing personal, and guessing is throttled."""

import re
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from app.security.throttle import Throttle, set_throttle

LOOKUP = "/api/v1/applications/status-lookup"
# What would give an applicant away: a name, a date of birth, a phone number.
PERSONAL = re.compile(r"\d{4}-\d{2}-\d{2}(?!T)|\+44|07700|full_name|date_of_birth\"\s*:\s*\"\d|phone\"\s*:\s*\"\+")


@pytest.fixture(autouse=True)
def database_counts() -> Iterator[None]:
    set_throttle(Throttle(""))
    yield
    set_throttle(None)


def test_guessing_application_numbers_from_one_conversation(client: TestClient, auth_headers: dict[str, str]) -> None:
    answers = []
    for number in range(100_000, 101_000):  # the demo's generated numbers live in this range too
        body = {"application_number": f"APP-{number}", "date_of_birth": "1980-01-01", "conversation_id": "guesser"}
        reply = client.post(LOOKUP, json=body, headers=auth_headers)
        answers.append((reply.status_code, reply.text))
    statuses = [status for status, _ in answers]
    assert statuses[:5] == [404] * 5 and set(statuses[5:]) == {429}
    assert {text for status, text in answers if status == 404} == {'{"detail":"No application matches those details."}'}
    assert not any(PERSONAL.search(text) for _, text in answers)


def test_guessing_one_applicants_date_of_birth_from_many_conversations(
    client: TestClient, auth_headers: dict[str, str]
) -> None:
    statuses = []
    for day in range(1, 61):
        body = {
            "application_number": "APP-318402",
            "date_of_birth": f"1990-{1 + (day - 1) // 31 % 12:02d}-{1 + (day - 1) % 28:02d}",
            "conversation_id": f"fresh-{day}",
        }
        statuses.append(client.post(LOOKUP, json=body, headers=auth_headers).status_code)
    # The real date (1990-11-02) is in the list, but the number is locked long before it comes up.
    assert statuses.count(404) == 10 and statuses.count(200) == 0
    assert set(statuses[10:]) == {429}


def test_guessing_request_numbers(client: TestClient, auth_headers: dict[str, str]) -> None:
    answers = []
    for number in range(100_150, 101_150):
        reply = client.get(
            f"/api/v1/service-requests/SR-{number}", params={"conversation_id": "sr-guesser"}, headers=auth_headers
        )
        answers.append((reply.status_code, reply.text))
    statuses = [status for status, _ in answers]
    assert statuses.count(429) > 950
    # What a request number shows is what the council did, never who reported it.
    for status, text in answers:
        if status == 200:
            assert not PERSONAL.search(text) and "location" not in text and "contact" not in text
