"""Oversized request bodies are refused with 413 before they are read (app/core/request_limits.py)."""

from collections.abc import Iterator

from fastapi.testclient import TestClient

from app.core.request_limits import MAX_BODY_BYTES


def test_a_declared_oversized_body_is_refused(client: TestClient, auth_headers: dict[str, str]) -> None:
    reply = client.post(
        "/api/v1/service-requests",
        content=b"{" + b" " * MAX_BODY_BYTES + b"}",
        headers={**auth_headers, "content-type": "application/json"},
    )
    assert reply.status_code == 413 and "larger than" in reply.json()["detail"]


def test_a_streamed_body_growing_past_the_limit_is_refused(client: TestClient, auth_headers: dict[str, str]) -> None:
    def chunks() -> Iterator[bytes]:  # no Content-Length: sent chunked
        yield b'{"category": "pothole", "description": "'
        for _ in range(MAX_BODY_BYTES // 65536 + 2):
            yield b"x" * 65536
        yield b'"}'

    reply = client.post(
        "/api/v1/service-requests", content=chunks(), headers={**auth_headers, "content-type": "application/json"}
    )
    assert reply.status_code == 413


def test_a_console_sign_in_with_a_huge_body_is_refused(client: TestClient) -> None:
    reply = client.post("/console/api/login", json={"username": "alice", "password": "x" * (MAX_BODY_BYTES + 1)})
    assert reply.status_code == 413


def test_ordinary_bodies_pass(client: TestClient, auth_headers: dict[str, str]) -> None:
    reply = client.post(
        "/api/v1/service-requests",
        json={"category": "pothole", "location": "Mill Lane", "description": "A deep pothole.", "channel": "webchat"},
        headers=auth_headers,
    )
    assert reply.status_code == 201, reply.text
