"""Tests of overdue escalation: flagged once, department and supervisors notified, the clock set by the test."""

import asyncio
import os
import subprocess
import sys
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import Connection, Engine, select
from sqlalchemy.orm import Session

from app.lifecycle import service_requests as lifecycle
from app.lifecycle.escalation import escalate_overdue, list_overdue, run_overdue_checks
from app.manage import BACKEND_DIR
from app.models import Notification, ServiceRequest
from tests.backend.factories import file_request

FRIDAY = datetime(2026, 3, 20, 15, 30, tzinfo=UTC)  # a streetlight filed now is due Tuesday 24 March
TUESDAY_NIGHT = datetime(2026, 3, 24, 23, 59, tzinfo=UTC)
WEDNESDAY_MORNING = datetime(2026, 3, 25, 0, 1, tzinfo=UTC)


def _notifications(db: Session, request: ServiceRequest) -> list[tuple[str, str | None, str]]:
    rows = db.scalars(
        select(Notification).where(Notification.service_request_id == request.id).order_by(Notification.id)
    )
    return [(n.audience, n.department.code if n.department else None, n.message) for n in rows]


def test_not_escalated_on_its_last_working_day(db: Session) -> None:
    request = file_request(db, now=FRIDAY)
    # The demo city's own overdue requests are flagged too; this one is not among them yet.
    assert request not in escalate_overdue(session=db, now=TUESDAY_NIGHT)
    assert request.escalated_at is None
    assert _notifications(db, request) == []


def test_escalated_once_the_day_after_with_department_and_supervisors_notified(db: Session) -> None:
    request = file_request(db, now=FRIDAY)
    escalated = escalate_overdue(session=db, now=WEDNESDAY_MORNING)
    assert request in escalated
    assert request.escalated_at == WEDNESDAY_MORNING
    step = request.events[-1]
    assert (step.action, step.status, step.actor, step.occurred_at) == (
        "escalated",
        "dispatched",
        "overdue check",
        WEDNESDAY_MORNING,
    )
    assert step.reason == "Due by 2026-03-24, still dispatched."
    assert not step.visible_to_citizen and not step.notify_citizen
    # The citizen's view is unchanged.
    assert lifecycle.last_citizen_step(request).action == "dispatched"
    message = (
        f"{request.request_number} (Street light not working, Street Lighting) "
        "was due by 2026-03-24 and is still dispatched."
    )
    assert _notifications(db, request) == [("department", "street_lighting", message), ("supervisors", None, message)]

    # A second run, a day later, adds nothing for it.
    assert request not in escalate_overdue(session=db, now=WEDNESDAY_MORNING + timedelta(days=1))
    assert len(_notifications(db, request)) == 2
    assert [e.action for e in request.events].count("escalated") == 1


def test_finished_requests_are_not_escalated(db: Session) -> None:
    resolved = file_request(db, now=FRIDAY)
    lifecycle.accept_work_order(session=db, request_number=resolved.request_number, actor="x", now=FRIDAY)
    lifecycle.resolve_work_order(
        session=db, request_number=resolved.request_number, resolution="Lamp replaced.", actor="x", now=FRIDAY
    )
    escalated = escalate_overdue(session=db, now=WEDNESDAY_MORNING)
    assert resolved not in escalated and resolved.escalated_at is None


def test_overdue_list_and_the_demo_city(db: Session, reference_time: datetime) -> None:
    overdue_now = list_overdue(session=db, now=reference_time)
    # The demo city has overdue requests, most already escalated by its morning checks ...
    assert overdue_now and all(lifecycle.is_overdue(r, today=reference_time.date()) for r in overdue_now)
    waiting = [r for r in overdue_now if r.escalated_at is None]
    assert waiting, "the demo keeps one request due on the last working day, not escalated yet"
    assert all(r.target_date == date(2026, 3, 13) for r in waiting)
    # ... and the next check flags exactly the ones still waiting.
    assert sorted(escalate_overdue(session=db, now=reference_time), key=lambda r: r.id) == sorted(
        waiting, key=lambda r: r.id
    )
    by_department = list_overdue(session=db, now=reference_time, department_code="street_lighting")
    assert by_department and {r.department.code for r in by_department} == {"street_lighting"}


def test_periodic_check_runs_at_once_and_keeps_going(connection: Connection) -> None:
    runs: list[int] = []

    class CountingSession(Session):
        # On the test's connection, so everything is rolled back afterwards.
        def __init__(self) -> None:
            super().__init__(bind=connection, join_transaction_mode="create_savepoint")
            runs.append(1)

    async def run_briefly() -> None:
        task = asyncio.create_task(run_overdue_checks(CountingSession, 0.05))
        await asyncio.sleep(0.3)
        task.cancel()

    asyncio.run(run_briefly())
    assert len(runs) >= 2
    with Session(bind=connection, join_transaction_mode="create_savepoint") as session:
        # Today every demo request still open is long overdue: all flagged, by the first run.
        flagged = list(session.scalars(select(ServiceRequest).where(ServiceRequest.escalated_at.is_not(None))))
        assert flagged and all(len([e for e in r.events if e.action == "escalated"]) == 1 for r in flagged)


def test_manage_command_escalates_at_the_given_time(fresh_database: tuple[Engine, str]) -> None:
    engine, url = fresh_database
    environment = {**os.environ, "DATABASE_URL": url}

    def manage(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "app.manage", *args],
            cwd=BACKEND_DIR,
            env=environment,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )

    assert manage("migrate").returncode == 0
    assert manage("seed-demo", "--reference-time", "2026-03-16T12:00:00Z").returncode == 0
    first = manage("escalate-overdue", "--now", "2026-03-16T12:00:00Z")
    assert first.returncode == 0, first.stderr
    assert first.stdout.startswith("escalated 1 overdue work orders: SR-")
    again = manage("escalate-overdue", "--now", "2026-03-16T12:00:00Z")
    assert again.stdout.strip() == "escalated 0 overdue work orders:"
    with Session(engine) as session:
        assert session.scalar(
            select(ServiceRequest).where(ServiceRequest.escalated_at == datetime(2026, 3, 16, 12, tzinfo=UTC))
        )
