"""Tests of case records beside a conversation: who may open them, the audit log, filing on behalf."""

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.staff.models import AuditLogEntry
from tests.backend.console.test_conversations import API, available, queue_handoff
from tests.backend.handoff_fixtures import sign_in


def test_viewing_a_linked_application_is_audited(
    client: TestClient, db: Session, auth_headers: dict[str, str], live
) -> None:
    queue_handoff(client, auth_headers)  # linked to APP-204817, permits team
    sign_in(client, "alice")

    record = client.get(f"{API}/applications/app 204817")

    assert record.status_code == 200
    assert record.json()["application_number"] == "APP-204817"
    assert record.json()["applicant_date_of_birth"] == "1985-03-14"
    assert record.json()["events"][-1]["internal_note"] is not None  # staff see internal notes
    entry = db.scalar(
        select(AuditLogEntry).where(AuditLogEntry.object_ref == "APP-204817").order_by(AuditLogEntry.id.desc())
    )
    assert entry is not None and (entry.actor, entry.action) == ("alice", "view_case_record")


def test_an_agent_cannot_open_a_record_not_linked_to_their_conversations(
    client: TestClient, db: Session, auth_headers: dict[str, str], live
) -> None:
    queue_handoff(client, auth_headers)  # permits team
    sign_in(client, "bilal")  # general and streets
    assert client.get(f"{API}/applications/APP-204817").status_code == 404
    assert client.get(f"{API}/applications/APP-318402").status_code == 404
    assert (
        db.scalar(select(AuditLogEntry).where(AuditLogEntry.actor == "bilal", AuditLogEntry.object_ref == "APP-204817"))
        is None
    )
    sign_in(client, "sam")  # supervisors may open any record, and it is audited too
    assert client.get(f"{API}/applications/APP-318402").status_code == 200
    assert client.get(f"{API}/audit-log", params={"object_ref": "APP-318402"}).json()[0]["actor"] == "sam"


def test_agent_files_a_request_on_the_citizens_behalf_and_it_is_linked(
    client: TestClient, auth_headers: dict[str, str], live, rasa
) -> None:
    reference = queue_handoff(client, auth_headers, topic="report_issue")
    csrf = available(client, "bilal")
    client.post(f"{API}/conversations/{reference}/claim", headers=csrf)

    filed = client.post(
        f"{API}/conversations/{reference}/service-requests",
        json={
            "category": "pothole",
            "location": "Mill Lane by the school",
            "description": "Deep hole, cyclists swerve.",
        },
        headers=csrf,
    )

    assert filed.status_code == 201, filed.text
    number = filed.json()["request_number"]
    assert filed.json()["channel"] == "webchat" and filed.json()["department_name"] == "Roads"
    assert number in client.get(f"{API}/conversations/{reference}").json()["case_numbers"]

    updated = client.post(
        f"{API}/service-requests/{number}/updates", json={"information": "It is now about a metre wide."}, headers=csrf
    )
    assert updated.status_code == 201
    assert "a metre wide" in updated.json()["events"][-1]["internal_note"]
    assert "a metre wide" not in updated.json()["events"][-1]["step_text"]  # citizens never see internal notes


def test_linking_a_number_the_citizen_gave(client: TestClient, auth_headers: dict[str, str], live, rasa) -> None:
    reference = queue_handoff(client, auth_headers, case_numbers=[])
    csrf = available(client, "alice")
    client.post(f"{API}/conversations/{reference}/claim", headers=csrf)
    assert client.get(f"{API}/applications/APP-550193").status_code == 404

    linked = client.post(f"{API}/conversations/{reference}/case-numbers", json={"number": "app550193"}, headers=csrf)

    assert linked.json() == ["APP-550193"]
    assert client.get(f"{API}/applications/APP-550193").status_code == 200
    bad = client.post(f"{API}/conversations/{reference}/case-numbers", json={"number": "<script>"}, headers=csrf)
    assert bad.status_code == 422
