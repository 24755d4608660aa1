"""Tests of the work-order lifecycle: every change recorded with who/when/why, only allowed changes made."""

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy.orm import Session

from app.lifecycle import service_requests as lifecycle
from app.models import ServiceRequest
from app.statuses import ServiceRequestStatus as S
from tests.backend.factories import file_request

# A Friday afternoon: a streetlight (2 working days) is due the next Tuesday.
FRIDAY = datetime(2026, 3, 20, 15, 30, tzinfo=UTC)


def later(hours: float) -> datetime:
    return FRIDAY + timedelta(hours=hours)


def test_filing_dispatches_to_the_category_department_with_a_working_day_deadline(db: Session) -> None:
    request = file_request(db, category_code="streetlight", now=FRIDAY)
    assert request.status == S.DISPATCHED
    assert request.department.code == "street_lighting"
    assert request.target_date == date(2026, 3, 24)
    filed, dispatched = request.events
    assert (filed.action, filed.status, filed.actor, filed.occurred_at) == ("filed", "received", "assistant", FRIDAY)
    assert (dispatched.action, dispatched.status) == ("dispatched", "dispatched")
    assert dispatched.step_text == "We passed your report to Street Lighting."
    assert dispatched.department.code == "street_lighting"
    assert not filed.notify_citizen and not dispatched.notify_citizen
    assert file_request(db, category_code="pothole", now=FRIDAY).target_date == date(2026, 3, 27)


def test_a_work_order_from_acceptance_to_closing(db: Session) -> None:
    number = file_request(db, now=FRIDAY).request_number
    lifecycle.accept_work_order(
        session=db, request_number=number, actor="Dana Reid", now=later(1), acting_department="street_lighting"
    )
    lifecycle.add_progress_note(
        session=db,
        request_number=number,
        actor="Dana Reid",
        now=later(2),
        internal_note="Lamp unit ordered from stores, ref 4471.",
        acting_department="street_lighting",
    )
    lifecycle.add_progress_note(
        session=db,
        request_number=number,
        actor="Dana Reid",
        now=later(3),
        internal_note="Van booked.",
        acting_department="street_lighting",
    )
    lifecycle.resolve_work_order(
        session=db,
        request_number=number,
        resolution="The lamp was replaced and works again.",
        actor="Sam Ortiz",
        now=later(20),
        acting_department="street_lighting",
        internal_note="Cable joint also renewed.",
    )
    request = lifecycle.close_work_order(session=db, request_number=number, actor="Hotline supervisor", now=later(50))
    steps = [
        (e.action, e.status, e.actor, e.occurred_at, e.visible_to_citizen, e.notify_citizen) for e in request.events
    ]
    assert steps[2:] == [
        ("accepted", "accepted", "Dana Reid", later(1), True, True),
        ("progress", "in_progress", "Dana Reid", later(2), True, True),
        ("progress", "in_progress", "Dana Reid", later(3), False, False),
        ("resolved", "resolved", "Sam Ortiz", later(20), True, True),
        ("closed", "closed", "Hotline supervisor", later(50), True, False),
    ]
    assert request.events[2].step_text == (
        "Street Lighting accepted your request and plans to deal with it by 24 March 2026."
    )
    assert request.events[3].step_text == lifecycle.WORK_STARTED_TEXT
    assert request.events[5].internal_note == "Cable joint also renewed."
    assert request.status == S.CLOSED and request.updated_at == later(50)


def test_reassignment_records_why_and_moves_the_queue_keeping_the_deadline(db: Session) -> None:
    request = file_request(db, category_code="dumped_rubbish", now=FRIDAY)
    target = request.target_date
    lifecycle.accept_work_order(session=db, request_number=request.request_number, actor="A. Nowak", now=later(1))
    lifecycle.reassign_work_order(
        session=db,
        request_number=request.request_number,
        to_department="roads",
        reason="The rubble is on the carriageway: Roads clears it.",
        actor="A. Nowak",
        now=later(2),
        acting_department="parks",
    )
    assert request.department.code == "roads" and request.status == S.DISPATCHED
    assert request.target_date == target
    step = request.events[-1]
    assert (step.action, step.reason, step.department.code) == (
        "reassigned",
        "The rubble is on the carriageway: Roads clears it.",
        "roads",
    )
    assert step.step_text == "We passed your report to Roads."
    # The old department can no longer act on it; the new one accepts it anew.
    with pytest.raises(lifecycle.WrongDepartment):
        lifecycle.accept_work_order(
            session=db, request_number=request.request_number, actor="A. Nowak", now=later(3), acting_department="parks"
        )
    lifecycle.accept_work_order(
        session=db, request_number=request.request_number, actor="J. Okoye", now=later(3), acting_department="roads"
    )
    assert request.status == S.ACCEPTED


def test_rejection_tells_the_citizen_why(db: Session) -> None:
    request = file_request(db, now=FRIDAY)
    lifecycle.reject_work_order(
        session=db,
        request_number=request.request_number,
        reason="The lamp belongs to the retail park; we told the owner.",
        actor="Dana Reid",
        now=later(1),
        internal_note="Owner: Northgate Retail Ltd.",
    )
    step = request.events[-1]
    assert (request.status, step.step_text, step.reason, step.notify_citizen) == (
        "rejected",
        "The lamp belongs to the retail park; we told the owner.",
        "The lamp belongs to the retail park; we told the owner.",
        True,
    )
    assert lifecycle.last_citizen_step(request).internal_note == "Owner: Northgate Retail Ltd."


@pytest.mark.parametrize(
    ("history", "refused"),
    [
        ([], lifecycle.resolve_work_order),
        ([], lifecycle.close_work_order),
        ([lifecycle.accept_work_order], lifecycle.accept_work_order),
        ([lifecycle.accept_work_order, lifecycle.resolve_work_order], lifecycle.reject_work_order),
        ([lifecycle.reject_work_order], lifecycle.accept_work_order),
        ([lifecycle.reject_work_order], lifecycle.add_progress_note),
    ],
)
def test_changes_the_status_does_not_allow_are_refused(db: Session, history: list, refused) -> None:  # type: ignore[no-untyped-def, type-arg]
    request = file_request(db, now=FRIDAY)
    arguments = {
        lifecycle.resolve_work_order: {"resolution": "Fixed the lamp."},
        lifecycle.reject_work_order: {"reason": "Not ours to fix."},
        lifecycle.add_progress_note: {"internal_note": "note"},
    }
    for step, change in enumerate(history, 1):
        change(
            session=db, request_number=request.request_number, actor="x", now=later(step), **arguments.get(change, {})
        )
    events_before = len(request.events)
    with pytest.raises(lifecycle.TransitionNotAllowed):
        refused(
            session=db, request_number=request.request_number, actor="x", now=later(9), **arguments.get(refused, {})
        )
    db.expire_all()
    assert len(db.get(ServiceRequest, request.id).events) == events_before  # type: ignore[union-attr]


def test_unknown_numbers_and_departments(db: Session) -> None:
    with pytest.raises(lifecycle.WorkOrderNotFound):
        lifecycle.accept_work_order(session=db, request_number="SR-900001", actor="x", now=FRIDAY)
    request = file_request(db, now=FRIDAY)
    with pytest.raises(lifecycle.UnknownDepartment):
        lifecycle.reassign_work_order(
            session=db, request_number=request.request_number, to_department="moon", reason="r", actor="x", now=FRIDAY
        )
    with pytest.raises(lifecycle.TransitionNotAllowed, match="already with Street Lighting"):
        lifecycle.reassign_work_order(
            session=db,
            request_number=request.request_number,
            to_department="street_lighting",
            reason="r",
            actor="x",
            now=FRIDAY,
        )


def test_a_progress_note_needs_something_to_say(db: Session) -> None:
    request = file_request(db, now=FRIDAY)
    with pytest.raises(lifecycle.WorkOrderError):
        lifecycle.add_progress_note(session=db, request_number=request.request_number, actor="x", now=FRIDAY)


def test_citizen_message_on_a_progress_note_is_shown_and_sent(db: Session) -> None:
    request = file_request(db, now=FRIDAY)
    lifecycle.accept_work_order(session=db, request_number=request.request_number, actor="x", now=later(1))
    lifecycle.add_progress_note(
        session=db,
        request_number=request.request_number,
        actor="x",
        now=later(2),
        citizen_message="The electrician comes on Monday morning.",
        internal_note="Key for the control box is with the caretaker.",
    )
    step = lifecycle.last_citizen_step(request)
    assert (step.step_text, step.visible_to_citizen, step.notify_citizen) == (
        "The electrician comes on Monday morning.",
        True,
        True,
    )


def test_overdue_is_after_the_last_working_day(db: Session) -> None:
    request = file_request(db, now=FRIDAY)  # due Tuesday 24 March
    assert not lifecycle.is_overdue(request, today=date(2026, 3, 24))
    assert lifecycle.is_overdue(request, today=date(2026, 3, 25))
    lifecycle.accept_work_order(session=db, request_number=request.request_number, actor="x", now=later(1))
    lifecycle.resolve_work_order(
        session=db, request_number=request.request_number, resolution="Lamp replaced.", actor="x", now=later(2)
    )
    assert not lifecycle.is_overdue(request, today=date(2026, 3, 25))
