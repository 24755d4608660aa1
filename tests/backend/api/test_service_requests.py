"""Tests of POST /api/v1/service-requests and GET /api/v1/service-requests/{number}."""

import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from app import crud
from app.models import ServiceRequest
from app.schemas import ServiceRequestCreate
from app.statuses import ServiceKind, ServiceRequestStatus
from app.working_days import add_working_days
from tests.backend.factories import create_service_request

URL = "/api/v1/service-requests"
CREATED_FIELDS = {
    "request_number",
    "category",
    "category_name",
    "status",
    "status_text",
    "department_name",
    "target_date",
    "created_at",
}
PUBLIC_FIELDS = {
    "request_number",
    "category",
    "category_name",
    "status",
    "status_text",
    "last_step",
    "last_step_at",
    "department_name",
}


def valid_report(**changes: object) -> dict[str, object]:
    report: dict[str, object] = {
        "category": "pothole",
        "location": "Harbour Road outside no. 3",
        "description": "Pothole in the middle of the lane.",
        "channel": "webchat",
        "conversation_id": "conversation-1",
    }
    report.update(changes)
    return report


def test_filing_returns_the_next_number_and_the_service_level(client: TestClient, auth_headers: dict[str, str]) -> None:
    first = client.post(URL, json=valid_report(), headers=auth_headers)
    second = client.post(URL, json=valid_report(category="streetlight"), headers=auth_headers)
    assert first.status_code == second.status_code == 201
    data = first.json()
    assert set(data) == CREATED_FIELDS
    # The demo data ends at SR-100232.
    assert data["request_number"] == "SR-100233"
    assert second.json()["request_number"] == "SR-100234"
    assert data["category"] == "pothole"
    assert data["category_name"] == "Pothole or damaged road"
    # Filing dispatches the request to the category's department at once.
    assert data["status"] == "dispatched"
    assert data["status_text"] == "Passed to the department responsible"
    assert data["department_name"] == "Roads"
    created_at = datetime.fromisoformat(data["created_at"])
    assert created_at.tzinfo is not None
    assert data["target_date"] == add_working_days(created_at.astimezone(UTC).date(), 5).isoformat()
    assert second.json()["department_name"] == "Street Lighting"
    assert second.json()["target_date"] == add_working_days(created_at.astimezone(UTC).date(), 2).isoformat()


def test_filed_request_can_be_read_back(client: TestClient, auth_headers: dict[str, str]) -> None:
    number = client.post(URL, json=valid_report(), headers=auth_headers).json()["request_number"]
    response = client.get(f"{URL}/{number}", headers=auth_headers)
    assert response.status_code == 200
    data = response.json()
    assert set(data) == PUBLIC_FIELDS
    assert data["status"] == "dispatched"
    assert data["last_step"] == "We passed your report to Roads."


def test_free_text_is_stored_cleaned(client: TestClient, db: Session, auth_headers: dict[str, str]) -> None:
    report = valid_report(
        location="  Mill\u200b Lane\x00 by the\tbridge \ufeff", description="\u202eHole\r\nnear the\x07 kerb "
    )
    number = client.post(URL, json=report, headers=auth_headers).json()["request_number"]
    stored = db.scalar(select(ServiceRequest).where(ServiceRequest.request_number == number))
    assert stored is not None
    assert stored.location == "Mill Lane by the bridge"
    assert stored.description == "Hole\nnear the kerb"
    assert stored.conversation_id == "conversation-1"
    assert stored.events[0].actor == "assistant"


def test_generated_numbers_stay_below_the_reserved_range(
    client: TestClient, db: Session, auth_headers: dict[str, str]
) -> None:
    create_service_request(db, number="SR-900001")
    response = client.post(URL, json=valid_report(), headers=auth_headers)
    assert response.json()["request_number"] == "SR-100233"


def test_number_collision_is_retried(
    client: TestClient, auth_headers: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    real_next_number = crud._next_number
    handed_out: list[str] = []

    def stale_then_real(*args: Any, **kwargs: Any) -> str:
        # The first read is stale, as if another filing had just taken it.
        number = "SR-100232" if not handed_out else real_next_number(*args, **kwargs)
        handed_out.append(number)
        return number

    monkeypatch.setattr(crud, "_next_number", stale_then_real)
    response = client.post(URL, json=valid_report(), headers=auth_headers)
    assert response.status_code == 201
    assert handed_out == ["SR-100232", "SR-100233"]
    assert response.json()["request_number"] == "SR-100233"


def test_allocation_gives_up_after_repeated_collisions(db: Session, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(crud, "_next_number", lambda *args, **kwargs: "SR-100231")
    category = crud.get_service_by_code(session=db, code="pothole", kind=ServiceKind.SERVICE_REQUEST)
    assert category is not None
    with pytest.raises(crud.NumberAllocationError):
        crud.create_service_request(
            session=db,
            request_in=ServiceRequestCreate.model_validate(valid_report()),
            category=category,
            actor="test",
            now=datetime.now(UTC),
        )


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"category": "volcano"}, "category"),
        ({"category": "business_licence"}, "category"),
        ({"location": "ab"}, "location"),
        ({"location": "!!! ..."}, "location"),
        ({"location": "\u200b\u200b\u200b\x00  "}, "location"),
        ({"location": "x" * 301}, "location"),
        ({"description": "Hole"}, "description"),
        ({"description": "\u200b \n\t "}, "description"),
        ({"description": "y" * 1001}, "description"),
        ({"channel": "Web Chat"}, "channel"),
        ({"channel": ""}, "channel"),
        ({"conversation_id": "c" * 129}, "conversation_id"),
        ({"contact_phone": "call me maybe"}, "contact_phone"),
        ({"reporter_name": "Ann"}, "reporter_name"),
    ],
)
def test_bad_reports_are_rejected(
    client: TestClient, auth_headers: dict[str, str], changes: dict[str, object], field: str
) -> None:
    response = client.post(URL, json=valid_report(**changes), headers=auth_headers)
    assert response.status_code == 422
    assert [item["loc"][-1] for item in response.json()["detail"]] == [field]


@pytest.mark.parametrize("field", ["category", "location", "description", "channel"])
def test_required_fields(client: TestClient, auth_headers: dict[str, str], field: str) -> None:
    report = valid_report()
    del report[field]
    response = client.post(URL, json=report, headers=auth_headers)
    assert response.status_code == 422


def test_optional_fields_may_be_left_out(client: TestClient, auth_headers: dict[str, str]) -> None:
    report = valid_report(contact_phone="+44 7700 900123")
    del report["conversation_id"]
    assert client.post(URL, json=report, headers=auth_headers).status_code == 201


@pytest.mark.parametrize(
    ("number", "category", "status", "department"),
    [("SR-100231", "pothole", "in_progress", "Roads"), ("SR-100232", "streetlight", "resolved", "Street Lighting")],
)
def test_demo_requests(
    client: TestClient, auth_headers: dict[str, str], number: str, category: str, status: str, department: str
) -> None:
    response = client.get(f"{URL}/{number}", headers=auth_headers)
    assert response.status_code == 200
    data = response.json()
    assert set(data) == PUBLIC_FIELDS
    assert (data["request_number"], data["category"], data["status"], data["department_name"]) == (
        number,
        category,
        status,
        department,
    )


@pytest.mark.parametrize("typed", ["sr 100231", "SR100231", "sr-100231", "Sr-100231"])
def test_number_accepted_as_citizens_type_it(client: TestClient, auth_headers: dict[str, str], typed: str) -> None:
    response = client.get(f"{URL}/{typed}", headers=auth_headers)
    assert response.status_code == 200
    assert response.json()["request_number"] == "SR-100231"


def test_unknown_number_is_404(client: TestClient, auth_headers: dict[str, str]) -> None:
    response = client.get(f"{URL}/SR-900231", headers=auth_headers)
    assert response.status_code == 404
    assert response.json() == {"detail": "No service request has that number."}


@pytest.mark.parametrize("typed", ["banana", "APP-204817", "SR-1002311", "x" * 40])
def test_malformed_number_is_422(client: TestClient, auth_headers: dict[str, str], typed: str) -> None:
    assert client.get(f"{URL}/{typed}", headers=auth_headers).status_code == 422


def test_no_reporter_data_or_internal_notes(client: TestClient, db: Session, auth_headers: dict[str, str]) -> None:
    request = create_service_request(db, status=ServiceRequestStatus.IN_PROGRESS)
    request.contact_phone = "07700 900999"
    request.events[0].internal_note = "staff eyes only"
    db.commit()
    response = client.get(f"{URL}/{request.request_number}", headers=auth_headers)
    assert response.status_code == 200
    for private in ("07700 900999", "staff eyes only", "Test Street 1", "Something to fix", "webchat"):
        assert private not in response.text


def test_service_token_required(client: TestClient) -> None:
    assert client.get(f"{URL}/SR-100231").status_code == 401
    assert client.post(URL, json=valid_report()).status_code == 401


def test_concurrent_filings_get_distinct_consecutive_numbers(engine: Engine) -> None:
    # Real concurrency needs real commits, so this test cleans up after itself.
    filings = 6
    barrier = threading.Barrier(filings)
    report = ServiceRequestCreate.model_validate(valid_report())

    def file_one() -> str:
        with Session(engine) as session:
            category = crud.get_service_by_code(session=session, code="pothole", kind=ServiceKind.SERVICE_REQUEST)
            assert category is not None
            session.commit()
            barrier.wait(timeout=30)
            return crud.create_service_request(
                session=session, request_in=report, category=category, actor="test", now=datetime.now(UTC)
            ).request_number

    with ThreadPoolExecutor(max_workers=filings) as pool:
        futures = [pool.submit(file_one) for _ in range(filings)]
        numbers = [future.result(timeout=60) for future in futures]
    try:
        assert sorted(numbers) == [f"SR-{100233 + offset}" for offset in range(filings)]
    finally:
        with Session(engine) as session:
            for request in session.scalars(select(ServiceRequest).where(ServiceRequest.request_number.in_(numbers))):
                session.delete(request)
            session.commit()
