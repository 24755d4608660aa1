"""Every console route declares who may call it; roles and objects are enforced."""

from fastapi.testclient import TestClient

from app.main import app
from tests.backend.handoff_fixtures import handoff_packet, sign_in


def _console_operations() -> list[tuple[str, str]]:
    paths = app.openapi()["paths"]
    return [(method, path) for path, methods in paths.items() if path.startswith("/console/api") for method in methods]


def _concrete(path: str) -> str:
    return path.replace("{reference}", "HO-000001").replace("{number}", "APP-204817").replace("{message_id}", "1")


def test_every_console_route_refuses_a_caller_who_is_not_signed_in(client: TestClient) -> None:
    """A route added without an Access rule answers something else than 401 here and fails this test."""
    operations = _console_operations()
    assert len(operations) > 15
    for method, path in operations:
        if path == "/console/api/login":
            continue
        reply = client.request(method.upper(), _concrete(path), json={})
        assert reply.status_code == 401, f"{method.upper()} {path} answered {reply.status_code} without a session"


def test_every_console_write_needs_the_csrf_token(client: TestClient) -> None:
    sign_in(client, "sam")
    for method, path in _console_operations():
        if method == "get" or path == "/console/api/login":
            continue
        reply = client.request(method.upper(), _concrete(path), json={})
        assert reply.status_code == 403, f"{method.upper()} {path} answered {reply.status_code} without CSRF"


def test_a_trainer_cannot_see_the_queue_or_case_records(client: TestClient) -> None:
    sign_in(client, "tara")
    assert client.get("/console/api/conversations").status_code == 403
    assert client.get("/console/api/applications/APP-204817").status_code == 403
    assert client.get("/console/api/audit-log").status_code == 403


def test_an_agent_sees_only_their_teams_conversations(
    client: TestClient, auth_headers: dict[str, str], live, rasa
) -> None:
    permits = client.post("/api/v1/handoffs", json=handoff_packet(suffix="p"), headers=auth_headers).json()
    streets = client.post(
        "/api/v1/handoffs", json=handoff_packet(suffix="s", topic="report_issue"), headers=auth_headers
    ).json()

    sign_in(client, "dana")  # urgent team only
    assert client.get("/console/api/conversations").json() == []
    assert client.get(f"/console/api/conversations/{permits['reference']}").status_code == 404

    sign_in(client, "bilal")  # general and streets
    seen = {row["reference"] for row in client.get("/console/api/conversations").json()}
    assert seen == {streets["reference"]}

    sign_in(client, "sam")  # supervisor: every queue
    seen = {row["reference"] for row in client.get("/console/api/conversations").json()}
    assert {permits["reference"], streets["reference"]} <= seen
