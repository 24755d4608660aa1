"""Tests of /api/v1/work-orders: departments' queues and their changes, over HTTP with the service token."""

from typing import Any

import pytest
from fastapi.testclient import TestClient

URL = "/api/v1/work-orders"
SUMMARY_FIELDS = {
    "request_number",
    "category",
    "category_name",
    "status",
    "status_text",
    "department",
    "department_name",
    "location",
    "description",
    "channel",
    "created_at",
    "updated_at",
    "target_date",
    "overdue",
    "escalated_at",
}


def _new_request(client: TestClient, auth_headers: dict[str, str], category: str = "streetlight") -> str:
    report = {
        "category": category,
        "location": "Elm Grove by the school gate",
        "description": "The light has been out for a week.",
        "channel": "sms",
        "contact_phone": "07700 900123",
        "wants_updates": True,
    }
    response = client.post("/api/v1/service-requests", json=report, headers=auth_headers)
    assert response.status_code == 201
    return response.json()["request_number"]


def _act(client: TestClient, headers: dict[str, str], number: str, action: str, **body: Any) -> Any:
    return client.post(f"{URL}/{number}/{action}", json=body, headers=headers)


def test_a_department_works_a_request_through_and_the_citizen_sees_only_their_side(
    client: TestClient, auth_headers: dict[str, str]
) -> None:
    number = _new_request(client, auth_headers)
    actor = {"actor": "Dana Reid", "department": "street_lighting"}
    accepted = _act(client, auth_headers, number, "accept", **actor, internal_note="Ticket SL-5521")
    assert accepted.status_code == 200
    assert accepted.json()["status"] == "accepted"
    noted = _act(client, auth_headers, number, "progress-notes", **actor, internal_note="Supplier delay on lamp heads")
    assert noted.json()["status"] == "in_progress"
    resolved = _act(
        client,
        auth_headers,
        number,
        "resolve",
        **actor,
        resolution="The lamp was replaced and works again.",
        internal_note="Old unit sent for recycling",
    )
    assert resolved.status_code == 200
    data = resolved.json()
    assert set(data) == SUMMARY_FIELDS | {"history"}
    assert data["status_text"] == "Resolved"
    assert [(s["action"], s["actor"], s["department"]) for s in data["history"]] == [
        ("filed", "assistant", "street_lighting"),
        ("dispatched", "assistant", "street_lighting"),
        ("accepted", "Dana Reid", "street_lighting"),
        ("progress", "Dana Reid", "street_lighting"),
        ("resolved", "Dana Reid", "street_lighting"),
    ]
    assert data["history"][2]["internal_note"] == "Ticket SL-5521"

    citizen_view = client.get(f"/api/v1/service-requests/{number}", headers=auth_headers).json()
    assert citizen_view["status"] == "resolved"
    assert citizen_view["last_step"] == "The lamp was replaced and works again."
    for internal in ("Ticket SL-5521", "Supplier delay", "Old unit sent", "Dana Reid", "07700 900123"):
        assert internal not in str(citizen_view)

    closed = _act(client, auth_headers, number, "close", actor="Hotline supervisor")
    assert closed.json()["status"] == "closed"


def test_reassign_and_reject(client: TestClient, auth_headers: dict[str, str]) -> None:
    number = _new_request(client, auth_headers, category="dumped_rubbish")
    moved = _act(
        client,
        auth_headers,
        number,
        "reassign",
        actor="A. Nowak",
        department="parks",
        to_department="roads",
        reason="Rubble on the carriageway is cleared by Roads.",
    )
    assert moved.status_code == 200
    assert (moved.json()["department"], moved.json()["status"]) == ("roads", "dispatched")
    assert moved.json()["history"][-1]["reason"] == "Rubble on the carriageway is cleared by Roads."
    rejected = _act(
        client,
        auth_headers,
        number,
        "reject",
        actor="J. Okoye",
        department="roads",
        reason="This was already reported, so we added your report to SR-100220.",
    )
    assert rejected.json()["status"] == "rejected"


@pytest.mark.parametrize(
    ("action", "body", "status_code"),
    [
        ("accept", {"actor": "Dana Reid", "department": "roads"}, 403),
        ("resolve", {"actor": "Dana Reid", "department": "street_lighting", "resolution": "Fixed it today."}, 409),
        ("close", {"actor": "Hotline supervisor"}, 409),
        ("reassign", {"actor": "D", "department": "street_lighting", "to_department": "moon", "reason": "why"}, 422),
        (
            "reassign",
            {"actor": "Dana Reid", "department": "street_lighting", "to_department": "moon", "reason": "why"},
            422,
        ),
        ("accept", {"actor": "Dana Reid", "department": "street_lighting", "note": "unknown field"}, 422),
        ("accept", {"actor": "\u200b\u200b \x00", "department": "street_lighting"}, 422),
        ("accept", {"actor": "Dana Reid", "department": "Street Lighting'; DROP TABLE service_request;--"}, 422),
        ("progress-notes", {"actor": "Dana Reid", "department": "street_lighting"}, 422),
        ("resolve", {"actor": "Dana Reid", "department": "street_lighting", "resolution": "x" * 501}, 422),
        ("resolve", {"actor": "Dana Reid", "department": "street_lighting", "resolution": "🎉🎉🎉🎉🎉"}, 422),
    ],
)
def test_refused_changes(
    client: TestClient, auth_headers: dict[str, str], action: str, body: dict[str, str], status_code: int
) -> None:
    number = _new_request(client, auth_headers)
    response = _act(client, auth_headers, number, action, **body)
    assert response.status_code == status_code, response.text
    history = client.get(f"{URL}/{number}", headers=auth_headers).json()["history"]
    assert [step["action"] for step in history] == ["filed", "dispatched"]


def test_strange_but_valid_text_is_kept(client: TestClient, auth_headers: dict[str, str]) -> None:
    number = _new_request(client, auth_headers)
    response = _act(
        client,
        auth_headers,
        number,
        "accept",
        actor="王小明 \u200b",
        department="street_lighting",
        internal_note="照明 needs a ladder 🪜\nsecond line",
    )
    assert response.status_code == 200
    step = response.json()["history"][-1]
    assert (step["actor"], step["internal_note"]) == ("王小明", "照明 needs a ladder 🪜\nsecond line")


def test_unknown_and_malformed_numbers_are_404(client: TestClient, auth_headers: dict[str, str]) -> None:
    assert client.get(f"{URL}/SR-900001", headers=auth_headers).status_code == 404
    assert client.get(f"{URL}/banana", headers=auth_headers).status_code == 404
    assert _act(client, auth_headers, "SR-900001", "accept", actor="Dana Reid", department="roads").status_code == 404


def test_queues_and_the_overdue_list(client: TestClient, auth_headers: dict[str, str]) -> None:
    number = _new_request(client, auth_headers)
    queue = client.get(URL, params={"department": "street_lighting"}, headers=auth_headers).json()
    assert number in [item["request_number"] for item in queue]
    assert {item["department"] for item in queue} == {"street_lighting"}
    assert all(set(item) == SUMMARY_FIELDS for item in queue)
    resolved = client.get(URL, params={"status": "resolved"}, headers=auth_headers).json()
    assert resolved and {item["status"] for item in resolved} == {"resolved"}
    overdue = client.get(URL, params={"overdue": "true"}, headers=auth_headers).json()
    # Today, every demo request still open is long past its target date.
    assert overdue and all(item["overdue"] for item in overdue)
    assert [item["target_date"] for item in overdue] == sorted(item["target_date"] for item in overdue)
    assert client.get(URL, params={"department": "Roads!"}, headers=auth_headers).status_code == 422


def test_service_token_required(client: TestClient) -> None:
    assert client.get(URL).status_code == 401
    assert client.post(f"{URL}/SR-100231/accept", json={"actor": "x", "department": "roads"}).status_code == 401
