"""Tests of the applications' status flow: allowed changes only, who/when/why, citizen-facing step text."""

from datetime import UTC, datetime

import pytest
from sqlalchemy.orm import Session

from app.lifecycle import applications as flow
from app.statuses import ApplicationStatus as A
from tests.backend.factories import create_application

NOW = datetime(2026, 3, 16, 10, 0, tzinfo=UTC)


def test_every_status_has_its_next_steps_and_final_ones_have_none() -> None:
    assert set(flow.ALLOWED_NEXT) == set(A)
    assert {status for status, following in flow.ALLOWED_NEXT.items() if not following} == {
        A.REJECTED,
        A.ISSUED,
        A.WITHDRAWN,
    }
    # Every status can be reached from submission.
    reached, frontier = {A.SUBMITTED}, [A.SUBMITTED]
    while frontier:
        for following in flow.ALLOWED_NEXT[frontier.pop()]:
            if following not in reached:
                reached.add(following)
                frontier.append(following)
    assert reached == set(A)


def test_documents_requested_then_received_then_approved_and_issued(db: Session) -> None:
    application = create_application(db, statuses=[A.SUBMITTED, A.UNDER_REVIEW])
    number = application.application_number
    flow.change_application_status(
        session=db,
        application_number=number,
        to_status=A.AWAITING_DOCUMENTS,
        actor="R. Okafor",
        now=NOW,
        reason="Proof of address missing.",
        citizen_message="We asked you for proof of your address.",
    )
    flow.change_application_status(
        session=db, application_number=number, to_status=A.UNDER_REVIEW, actor="R. Okafor", now=NOW
    )
    flow.change_application_status(
        session=db, application_number=number, to_status=A.APPROVED, actor="R. Okafor", now=NOW
    )
    application = flow.change_application_status(
        session=db,
        application_number=number,
        to_status=A.ISSUED,
        actor="issuing office",
        now=NOW,
        internal_note="Card 77-1203 posted.",
    )
    new_steps = [(e.status, e.step_text, e.actor, e.reason, e.notify_citizen) for e in application.events[2:]]
    assert new_steps == [
        (
            "awaiting_documents",
            "We asked you for proof of your address.",
            "R. Okafor",
            "Proof of address missing.",
            True,
        ),
        ("under_review", flow.DOCUMENTS_RECEIVED_TEXT, "R. Okafor", None, True),
        ("approved", "Your application was approved.", "R. Okafor", None, True),
        ("issued", "Your document was issued.", "issuing office", None, True),
    ]
    assert application.status == "issued" and application.events[-1].internal_note == "Card 77-1203 posted."
    assert application.events[-1].occurred_at == NOW


@pytest.mark.parametrize(
    ("history", "to_status"),
    [
        ([A.SUBMITTED], A.APPROVED),
        ([A.SUBMITTED], A.ISSUED),
        ([A.SUBMITTED, A.UNDER_REVIEW, A.REJECTED], A.UNDER_REVIEW),
        ([A.SUBMITTED, A.WITHDRAWN], A.UNDER_REVIEW),
        ([A.SUBMITTED, A.UNDER_REVIEW, A.APPROVED], A.WITHDRAWN),
        ([A.SUBMITTED, A.UNDER_REVIEW], A.UNDER_REVIEW),
    ],
)
def test_changes_outside_the_flow_are_refused(db: Session, history: list[A], to_status: A) -> None:
    application = create_application(db, statuses=history)
    with pytest.raises(flow.ApplicationTransitionNotAllowed):
        flow.change_application_status(
            session=db,
            application_number=application.application_number,
            to_status=to_status,
            actor="x",
            now=NOW,
            reason="because",
        )
    assert application.status == history[-1] and len(application.events) == len(history)


@pytest.mark.parametrize("to_status", [A.REJECTED, A.WITHDRAWN, A.AWAITING_DOCUMENTS])
def test_decisions_against_the_applicant_need_a_reason(db: Session, to_status: A) -> None:
    application = create_application(db, statuses=[A.SUBMITTED, A.UNDER_REVIEW])
    with pytest.raises(flow.ReasonRequired):
        flow.change_application_status(
            session=db, application_number=application.application_number, to_status=to_status, actor="x", now=NOW
        )


def test_unknown_application(db: Session) -> None:
    with pytest.raises(flow.ApplicationNotFound):
        flow.change_application_status(
            session=db, application_number="APP-900001", to_status=A.UNDER_REVIEW, actor="x", now=NOW
        )
