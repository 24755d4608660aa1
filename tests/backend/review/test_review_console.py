"""The trainers' review page's API: the messages, the model's vocabulary, annotations (audited), who may."""

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.review.models import ReviewMessage
from app.staff.models import AuditLogEntry
from tests.backend.handoff_fixtures import sign_in
from tests.backend.review.conftest import RasaDomain, review_message

API = "/console/api/review"


def post_messages(client: TestClient, auth_headers: dict[str, str], *messages: dict) -> list[int]:
    reply = client.post("/api/v1/review-messages", json={"messages": list(messages)}, headers=auth_headers)
    assert reply.status_code == 202, reply.text
    rows = client.get(f"{API}/messages").json()
    return [row["id"] for row in rows if row["conversation_id"] == messages[0]["conversation_id"]]


def test_a_trainer_reviews_and_annotates(
    client: TestClient, db: Session, auth_headers: dict[str, str], rasa_domain: RasaDomain
) -> None:
    csrf = sign_in(client, "tara")
    entity = {"entity": "application_number", "value": "APP-204817", "start": 14, "end": 24}
    ids = post_messages(
        client,
        auth_headers,
        review_message(0, text="any news with APP-204817", intent="check_request_status", confidence=0.52,
                       entities=[entity]),
        review_message(3, text="whats the weather tomorrow", intent="ask_opening_hours", confidence=0.48),
    )
    assert len(ids) == 2
    pending = {row["id"]: row for row in client.get(f"{API}/messages").json()}
    assert pending[ids[0]]["predicted_entities"] == [entity]
    assert pending[ids[0]]["reasons"] == ["low_confidence"] and pending[ids[0]]["confidence"] == 0.52

    vocabulary = client.get(f"{API}/vocabulary").json()
    assert "check_application_status" in vocabulary["intents"] and "out_of_scope" in vocabulary["intents"]
    assert not [i for i in vocabulary["intents"] if i.startswith("EXTERNAL_") or i == "nlu_fallback"]
    assert "application_number" in vocabulary["entities"]
    assert not {"handback_note", "language"} & set(vocabulary["entities"])
    assert set(rasa_domain.tokens) == {"rasa-token"}

    reply = client.put(f"{API}/messages/{ids[0]}/annotation", headers=csrf,
                       json={"intent": "check_application_status", "entities": [entity]})
    assert reply.status_code == 200, reply.text
    assert reply.json()["annotated_intent"] == "check_application_status"
    assert reply.json()["annotated_by"] == "Tara Nguyen"
    reply = client.put(f"{API}/messages/{ids[1]}/annotation", headers=csrf, json={"out_of_scope": True})
    assert reply.json()["annotated_intent"] == "out_of_scope"

    pending_ids = {row["id"] for row in client.get(f"{API}/messages").json()}
    annotated = {row["id"] for row in client.get(f"{API}/messages", params={"status": "annotated"}).json()}
    assert not set(ids) & pending_ids and set(ids) <= annotated

    audit = db.scalars(select(AuditLogEntry).where(AuditLogEntry.object_ref == f"RV-{ids[0]}")).all()
    assert [(a.action, a.actor, a.detail["intent"], a.detail["predicted_intent"]) for a in audit] == [
        ("review.annotate", "tara", "check_application_status", "check_request_status")
    ]
    assert "APP-204817" not in str(audit[0].detail)  # the audit says what was decided, not what was written


def test_annotations_that_do_not_fit_are_refused_and_change_nothing(
    client: TestClient, db: Session, auth_headers: dict[str, str], rasa_domain: RasaDomain
) -> None:
    csrf = sign_in(client, "tara")
    [message_id] = post_messages(client, auth_headers, review_message(0, conversation_id="review-refused"))
    url = f"{API}/messages/{message_id}/annotation"
    for body, status in [
        ({"intent": "order_pizza"}, 422),  # not an intent of the model
        ({"intent": "EXTERNAL_handed_back"}, 422),
        ({"intent": "report_issue", "out_of_scope": True}, 422),
        ({}, 422),
        ({"intent": "report_issue", "entities": [{"entity": "issue_category", "value": "bins", "start": 0,
                                                  "end": 4}]}, 422),  # not what the text says there
        ({"intent": "report_issue", "entities": [{"entity": "favourite_colour", "value": "can", "start": 0,
                                                  "end": 3}]}, 422),
        ({"out_of_scope": True, "entities": [{"entity": "issue_category", "value": "bins", "start": 13,
                                              "end": 17}]}, 422),
    ]:
        reply = client.put(url, headers=csrf, json=body)
        assert reply.status_code == status, (body, reply.text)
    assert client.put(f"{API}/messages/999999/annotation", headers=csrf, json={"out_of_scope": True}).status_code == 404
    row = db.get(ReviewMessage, message_id)
    db.refresh(row)
    assert row.status == "pending" and row.annotated_intent is None

    good = {"intent": "report_issue", "entities": [{"entity": "issue_category", "value": "bins", "start": 13,
                                                    "end": 17}]}
    assert client.put(url, headers=csrf, json=good).status_code == 200
    rasa_domain.down = True  # the model's intents cannot be read: refused, not guessed
    reply = client.put(url, headers=csrf, json={"out_of_scope": True})
    assert reply.status_code == 503 and "try again" in reply.json()["detail"]
    db.refresh(row)
    assert row.annotated_intent == "report_issue"


def test_only_trainers_review(client: TestClient, auth_headers: dict[str, str], rasa_domain: RasaDomain) -> None:
    for username in ("alice", "sam", "ada"):
        csrf = sign_in(client, username)
        assert client.get(f"{API}/messages").status_code == 403
        assert client.get(f"{API}/vocabulary").status_code == 403
        assert client.put(f"{API}/messages/1/annotation", headers=csrf, json={"out_of_scope": True}).status_code == 403
    client.cookies.clear()
    assert client.get(f"{API}/messages").status_code == 401
