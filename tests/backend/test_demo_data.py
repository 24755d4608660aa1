"""Tests of the Northbridge demo data: fixed records, coverage, history, idempotence, determinism."""

from datetime import UTC, date, datetime

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.core.security import verify_pin
from app.demo_data import build_demo_plan, seed_demo
from app.identifiers import sequence_of
from app.models import Application, ServiceRequest
from app.statuses import ApplicationStatus, ServiceRequestStatus
from app.working_days import add_working_days

FIXED_APPLICATIONS = [
    ("APP-204817", "business_licence", "under_review", date(1985, 3, 14), "482913"),
    ("APP-318402", "residence_permit", "approved", date(1990, 11, 2), "731055"),
    ("APP-550193", "building_permit", "awaiting_documents", date(1978, 6, 30), "264880"),
    ("APP-472036", "housing_benefit", "rejected", date(1962, 1, 19), "905317"),
]
FIXED_REQUESTS = [
    ("SR-100231", "pothole", "Mill Lane outside no. 14", "in_progress"),
    ("SR-100232", "streetlight", "Quay Street by the ferry steps", "resolved"),
]


def _application(db: Session, number: str) -> Application:
    application = db.scalar(select(Application).where(Application.application_number == number))
    assert application is not None
    return application


@pytest.mark.parametrize(("number", "service", "status", "born", "pin"), FIXED_APPLICATIONS)
def test_fixed_applications(db: Session, number: str, service: str, status: str, born: date, pin: str) -> None:
    application = _application(db, number)
    assert application.service.code == service
    assert application.status == status
    assert application.citizen.date_of_birth == born
    assert verify_pin(pin, application.pin_hash)
    assert pin not in application.pin_hash


@pytest.mark.parametrize(("number", "category", "location", "status"), FIXED_REQUESTS)
def test_fixed_requests(db: Session, number: str, category: str, location: str, status: str) -> None:
    request = db.scalar(select(ServiceRequest).where(ServiceRequest.request_number == number))
    assert request is not None
    assert (request.category.code, request.location, request.status) == (category, location, status)


def test_counts_and_every_status_covered(db: Session) -> None:
    application_statuses = set(db.scalars(select(Application.status)))
    request_statuses = set(db.scalars(select(ServiceRequest.status)))
    assert db.scalar(select(func.count()).select_from(Application)) == 40
    assert db.scalar(select(func.count()).select_from(ServiceRequest)) == 35
    assert application_statuses == {status.value for status in ApplicationStatus}
    # Filing dispatches at once, so no request rests in "received".
    assert request_statuses == {status.value for status in ServiceRequestStatus} - {"received"}


def test_application_histories_are_consistent(db: Session, reference_time: datetime) -> None:
    for application in db.scalars(select(Application)):
        statuses = [event.status for event in application.events]
        moments = [event.occurred_at for event in application.events]
        assert statuses[0] == "submitted"
        assert statuses[-1] == application.status
        assert moments == sorted(moments) and len(set(moments)) == len(moments)
        assert application.submitted_at == moments[0]
        assert moments[-1] < reference_time
        assert all(moment.tzinfo is not None for moment in moments)


def test_request_histories_are_consistent(db: Session, reference_time: datetime) -> None:
    for request in db.scalars(select(ServiceRequest)):
        statuses = [event.status for event in request.events]
        actions = [event.action for event in request.events]
        moments = [event.occurred_at for event in request.events]
        assert statuses[:2] == ["received", "dispatched"] and actions[:2] == ["filed", "dispatched"]
        assert statuses[-1] == request.status
        assert moments == sorted(moments)
        assert request.created_at == moments[0] and request.updated_at == moments[-1]
        assert moments[-1] < reference_time
        # Reassigned requests end with their category's department.
        assert request.department_id == request.category.department_id == request.events[-1].department_id
        assert (request.escalated_at is not None) == ("escalated" in actions)
        level = request.category.service_level_days
        assert level is not None
        assert request.target_date == add_working_days(request.created_at.date(), level)


def test_numbers_rise_with_filing_time_and_avoid_the_reserved_range(db: Session) -> None:
    requests = list(db.scalars(select(ServiceRequest).order_by(ServiceRequest.request_number)))
    assert [request.created_at for request in requests] == sorted(request.created_at for request in requests)
    assert requests[-1].request_number == "SR-100232"
    for number in db.scalars(select(Application.application_number)):
        assert 100_000 <= sequence_of(number) < 900_000


def test_seeding_again_adds_nothing(db: Session, reference_time: datetime) -> None:
    assert seed_demo(db, reference_time=reference_time) == {"applications": 0, "service_requests": 0, "staff": 0}
    # A later reference time does not duplicate either: records are keyed by number.
    assert seed_demo(db, reference_time=datetime(2027, 1, 1, tzinfo=UTC)) == {
        "applications": 0,
        "service_requests": 0,
        "staff": 0,
    }
    assert db.scalar(select(func.count()).select_from(Application)) == 40


def test_plan_is_deterministic() -> None:
    reference = datetime(2026, 3, 16, 12, 0, tzinfo=UTC)
    assert build_demo_plan(reference) == build_demo_plan(reference)


def test_plan_content_does_not_depend_on_the_reference_time() -> None:
    def content(reference: datetime) -> tuple[list[tuple[str, str, str, list[str]]], list[tuple[str, str, list[str]]]]:
        plan = build_demo_plan(reference)
        applications = [(a.number, a.pin, a.full_name, [s.status for s in a.steps]) for a in plan.applications]
        # Escalations and the order of filing follow the calendar (working days); what is filed does not.
        requests = sorted(
            (r.category, r.location, [s.action.value for s in r.steps if s.action != "escalated"])
            for r in plan.requests
        )
        return applications, requests

    assert content(datetime(2026, 3, 16, 12, 0, tzinfo=UTC)) == content(datetime(2030, 7, 6, 23, 59, tzinfo=UTC))
