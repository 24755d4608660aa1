"""The dashboard's console routes: who may see them, the period, JSON and CSV."""

import csv
import io
from datetime import date

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from tests.backend.dashboard.known_records import add_known_records
from tests.backend.handoff_fixtures import sign_in

URL = "/console/api/dashboard"
WEEK = {"from": "2024-06-03", "to": "2024-06-09"}


@pytest.mark.parametrize("username", ["sam", "ada"])
def test_supervisors_and_admins_see_the_dashboard(client: TestClient, db: Session, username: str) -> None:
    add_known_records(db)
    sign_in(client, username)
    reply = client.get(URL, params=WEEK)
    assert reply.status_code == 200, reply.text
    body = reply.json()
    assert body["period"] == {"first_day": "2024-06-03", "last_day": "2024-06-09", "timezone": "Europe/London"}
    assert body["summary"]["conversations"] == 8 and body["summary"]["csat"] == 0.6
    keys = [figure["key"] for figure in body["figures"]]
    assert keys == [
        "conversations_by_hour",
        "conversation_outcomes",
        "handoff_reasons",
        "waiting_time",
        "first_contact_resolution",
        "requests_by_category",
        "requests_by_department",
        "on_time_completion",
        "overdue",
        "csat_by_channel",
        "csat_by_agent",
        "csat_by_department",
        "escalations",
    ]
    outcomes = next(f for f in body["figures"] if f["key"] == "conversation_outcomes")
    assert outcomes["rows"][-1] == ["all channels", 8, 4, 3, 1, 0.5, 0.375]


@pytest.mark.parametrize("username", ["alice", "tara"])
def test_agents_and_trainers_do_not(client: TestClient, username: str) -> None:
    sign_in(client, username)
    assert client.get(URL).status_code == 403
    assert client.get(URL + ".csv").status_code == 403


def test_the_default_period_is_the_last_seven_days(client: TestClient) -> None:
    sign_in(client, "sam")
    period = client.get(URL).json()["period"]
    first, last = date.fromisoformat(period["first_day"]), date.fromisoformat(period["last_day"])
    assert (last - first).days == 6
    only_to = client.get(URL, params={"to": "2024-06-09"}).json()["period"]
    assert only_to["first_day"] == "2024-06-03"


@pytest.mark.parametrize(
    ("params", "status"),
    [
        ({"from": "2024-06-09", "to": "2024-06-03"}, 422),
        ({"from": "2020-01-01", "to": "2024-06-03"}, 422),
        ({"from": "yesterday"}, 422),
        ({"from": "2024-02-30"}, 422),
        ({"to": "2024-06-09'; DROP TABLE handoff; --"}, 422),
        ({"from": "２０２４-06-03"}, 422),
    ],
)
def test_bad_periods_get_a_clear_422(client: TestClient, params: dict[str, str], status: int) -> None:
    sign_in(client, "sam")
    reply = client.get(URL, params=params)
    assert reply.status_code == status
    assert "DROP TABLE" not in reply.text


def test_csv_of_one_figure_and_of_all(client: TestClient, db: Session) -> None:
    add_known_records(db)
    sign_in(client, "sam")
    reply = client.get(URL + ".csv", params={**WEEK, "figure": "waiting_time"})
    assert reply.status_code == 200
    assert reply.headers["content-type"].startswith("text/csv")
    assert (
        'filename="northbridge-12345-waiting_time-2024-06-03-to-2024-06-09.csv"' in reply.headers["content-disposition"]
    )
    table = list(csv.reader(io.StringIO(reply.text)))
    assert table[0] == ["team", "claimed", "not_claimed", "p50_seconds", "p90_seconds"]
    assert table[-1] == ["all teams", "3", "1", "120.0", "300.0"]

    everything = client.get(URL + ".csv", params=WEEK).text
    for title in (
        "Conversations by hour of the day",
        "Overdue now",
        "Satisfaction by agent",
        "Escalations to supervisors",
    ):
        assert title in everything
    assert "SR-980007" in everything

    assert client.get(URL + ".csv", params={**WEEK, "figure": "no_such_figure"}).status_code == 404
    assert client.get(URL + ".csv", params={**WEEK, "figure": "../etc/passwd"}).status_code == 422


def test_the_dashboard_shows_no_personal_data(client: TestClient, db: Session) -> None:
    add_known_records(db)
    sign_in(client, "sam")
    text = client.get(URL + ".csv", params=WEEK).text + client.get(URL, params=WEEK).text
    # Conversation ids, locations, descriptions and comments stay out of the KPIs.
    for private in ("known-c", "Known Street", "A known record", "known-rating"):
        assert private not in text
