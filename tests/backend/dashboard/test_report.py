"""Every dashboard figure, computed from a known week of records (tests/backend/dashboard/known_records.py)."""

from datetime import UTC, date, datetime

import pytest
from sqlalchemy.orm import Session

from app.dashboard.figures import Figure
from app.dashboard.period import make_period
from app.dashboard.report import Dashboard, build_dashboard
from tests.backend.dashboard.known_records import FIRST_DAY, KNOWN_NOW, LAST_DAY, add_known_records

TIMEZONE = "Europe/London"


@pytest.fixture
def known_week(db: Session) -> Dashboard:
    add_known_records(db)
    return build_dashboard(session=db, period=make_period(FIRST_DAY, LAST_DAY, TIMEZONE), now=KNOWN_NOW)


def rows(figure: Figure) -> list[list[object]]:
    return figure.rows


def test_conversations_by_channel_and_local_hour(known_week: Dashboard) -> None:
    figure = known_week.figure("conversations_by_hour")
    assert figure.columns == ["hour", "webchat", "sms", "voice"]
    assert len(figure.rows) == 24
    busy = {row[0]: row[1:] for row in figure.rows if any(row[1:])}
    # Hours are London's (BST): 23:30 UTC on Sunday 2 June is 00:30 on Monday, inside the week;
    # 23:30 UTC on Sunday 9 June is Monday 10 June there, outside it.
    assert busy == {
        "00:00": [1, 0, 0],
        "09:00": [2, 0, 0],
        "10:00": [0, 1, 0],
        "14:00": [0, 2, 0],
        "17:00": [0, 0, 1],
        "23:00": [1, 0, 0],
    }


def test_containment_and_handoff_rate_by_channel(known_week: Dashboard) -> None:
    figure = known_week.figure("conversation_outcomes")
    assert figure.columns[:5] == ["channel", "conversations", "contained", "handed_off", "callbacks"]
    assert rows(figure) == [
        ["webchat", 4, 2, 2, 0, 0.5, 0.5],
        ["sms", 3, 2, 1, 0, 0.6667, 0.3333],
        ["voice", 1, 0, 0, 1, 0.0, 0.0],
        ["all channels", 8, 4, 3, 1, 0.5, 0.375],
    ]
    assert known_week.summary["conversations"] == 8
    assert known_week.summary["containment_rate"] == 0.5
    assert known_week.summary["handoff_rate"] == 0.375
    assert known_week.summary["callback_rate"] == 0.125


def test_first_contact_resolution(known_week: Dashboard) -> None:
    # webchat: three resolved, Sunday night's still inside its 7-day window; sms: an agent conversation the
    # citizen left, and one followed by another contact two days later; voice: ended with a callback.
    assert rows(known_week.figure("first_contact_resolution")) == [
        ["webchat", 3, 3, 1.0, 1],
        ["sms", 3, 1, 0.3333, 0],
        ["voice", 1, 0, 0.0, 0],
        ["all channels", 7, 4, 0.5714, 1],
    ]
    assert known_week.summary["fcr_rate"] == 0.5714
    assert known_week.summary["fcr_not_yet_judged"] == 1


def test_handoff_reasons_and_waiting_time(known_week: Dashboard) -> None:
    assert rows(known_week.figure("handoff_reasons")) == [
        ["citizen asked for human", 2],
        ["emergency", 1],
        ["repeated fallback", 1],
    ]
    # Waits of 60, 120 and 300 seconds: nearest-rank p50 120, p90 300; one handoff was never claimed.
    assert rows(known_week.figure("waiting_time")) == [
        ["General enquiries", 2, 0, 60.0, 120.0],
        ["Streets and environment", 1, 0, 300.0, 300.0],
        ["Urgent and safeguarding", 0, 1, None, None],
        ["all teams", 3, 1, 120.0, 300.0],
    ]
    assert (known_week.summary["wait_p50_seconds"], known_week.summary["wait_p90_seconds"]) == (120.0, 300.0)
    assert known_week.summary["handoffs"] == 4


def test_requests_by_category_and_department(known_week: Dashboard) -> None:
    # The callback request and the request filed after midnight on Sunday (London time) are left out.
    assert rows(known_week.figure("requests_by_category")) == [
        ["Street light not working", 2],
        ["Dumped rubbish", 1],
        ["Pothole or damaged road", 1],
    ]
    assert rows(known_week.figure("requests_by_department")) == [
        ["Street Lighting", 2],
        ["Parks & Cleansing", 1],
        ["Roads", 1],
    ]
    assert known_week.summary["requests"] == 4


def test_on_time_completion(known_week: Dashboard) -> None:
    # Due in the week: one resolved on its day, one a day late, one still open; the rejected one does not count.
    assert rows(known_week.figure("on_time_completion")) == [
        ["Roads", 1, 0, 1, 0.0],
        ["Street Lighting", 2, 1, 1, 0.5],
        ["all departments", 3, 1, 2, 0.3333],
    ]
    assert known_week.summary["on_time_rate"] == 0.3333


def test_overdue_list_and_escalations(known_week: Dashboard) -> None:
    overdue = known_week.figure("overdue")
    assert [row[0] for row in overdue.rows] == ["SR-980007", "SR-980004"]
    assert overdue.rows[0][1:6] == ["Pothole or damaged road", "Roads", "Work in progress", "2024-06-03", 11]
    assert overdue.rows[1][1:6] == [
        "Dumped rubbish",
        "Parks & Cleansing",
        "Accepted by the department",
        "2024-06-10",
        4,
    ]
    assert known_week.summary["overdue_now"] == 2
    # Only the supervisors' notification raised inside the week, in London time.
    assert rows(known_week.figure("escalations")) == [
        ["2024-06-04 08:00", "SR-980007", "overdue", "SR-980007 was due by its target date and is still open."]
    ]


def test_satisfaction_by_channel_agent_and_department(known_week: Dashboard) -> None:
    assert rows(known_week.figure("csat_by_channel")) == [
        ["webchat", 3, 2, 0.6667, 3.33],
        ["sms", 2, 1, 0.5, 3.0],
        ["all", 5, 3, 0.6, 3.2],
    ]
    assert rows(known_week.figure("csat_by_agent")) == [
        ["Alice Morgan", 2, 2, 1.0, 4.5],
        ["Bilal Khan", 1, 0, 0.0, 2.0],
    ]
    assert rows(known_week.figure("csat_by_department")) == [
        ["Roads", 1, 1, 1.0, 4.0],
        ["Street Lighting", 1, 0, 0.0, 1.0],
    ]
    assert (known_week.summary["ratings"], known_week.summary["csat"]) == (5, 0.6)


def test_a_week_without_records_has_empty_figures(db: Session) -> None:
    report = build_dashboard(
        session=db,
        period=make_period(date(2023, 1, 2), date(2023, 1, 8), TIMEZONE),
        now=datetime(2023, 2, 1, tzinfo=UTC),
    )
    assert report.summary["conversations"] == 0
    assert report.summary["containment_rate"] is None and report.summary["csat"] is None
    assert rows(report.figure("conversation_outcomes")) == [["all channels", 0, 0, 0, 0, None, None]]
    assert rows(report.figure("waiting_time")) == [["all teams", 0, 0, None, None]]
    assert report.figure("conversations_by_hour").columns == ["hour"]
