"""POST /api/v1/review-messages: what the Rasa server posts for trainers to review."""

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.review.models import ReviewMessage
from tests.backend.review.conftest import review_message

URL = "/api/v1/review-messages"


def stored(db: Session, conversation_id: str = "review-conv-1") -> list[ReviewMessage]:
    query = select(ReviewMessage).where(ReviewMessage.conversation_id == conversation_id)
    return list(db.scalars(query.order_by(ReviewMessage.sent_at)))


def test_messages_are_stored_once_and_reasons_add_up(
    client: TestClient, db: Session, auth_headers: dict[str, str]
) -> None:
    entity = {"entity": "application_number", "value": "APP-204817", "start": 10, "end": 20}
    first = review_message(0, text="status of APP-204817 pls", entities=[entity], intent="check_request_status")
    second = review_message(5, text="what about the weather", intent="nlu_fallback", confidence=0.3,
                            reasons=["fallback"])
    reply = client.post(URL, json={"messages": [first, second]}, headers=auth_headers)
    assert reply.status_code == 202, reply.text
    assert reply.json() == {"recorded": 2}

    # Posted again (a lost answer), then again with another reason once the conversation was handed off.
    assert client.post(URL, json={"messages": [first]}, headers=auth_headers).json() == {"recorded": 0}
    again = {**first, "reasons": ["handed_off"]}
    assert client.post(URL, json={"messages": [again]}, headers=auth_headers).json() == {"recorded": 0}

    rows = stored(db)
    assert [row.text for row in rows] == ["status of APP-204817 pls", "what about the weather"]
    assert rows[0].reasons == ["handed_off", "low_confidence"]
    assert rows[0].predicted_entities == [entity]
    assert rows[0].status == "pending" and rows[1].predicted_intent == "nlu_fallback"


def test_the_service_token_is_required(client: TestClient) -> None:
    assert client.post(URL, json={"messages": [review_message()]}).status_code == 401


def test_bad_messages_are_refused_whole_with_a_clear_error(
    client: TestClient, db: Session, auth_headers: dict[str, str]
) -> None:
    good = review_message(0, conversation_id="review-bad")
    for bad in (
        review_message(1, conversation_id="review-bad", metadata={"phone": "+447700900123"}),  # unknown field
        review_message(1, conversation_id="review-bad", text=""),
        review_message(1, conversation_id="review-bad", text="x" * 2001),
        review_message(1, conversation_id="review-bad", reasons=[]),
        review_message(1, conversation_id="review-bad", reasons=["curious"]),
        review_message(1, conversation_id="review-bad", at="2026-03-16T09:00:00"),  # no time zone
        review_message(1, conversation_id="review-bad", entities=[{"entity": "x", "value": "y", "start": 4, "end": 2}]),
    ):
        reply = client.post(URL, json={"messages": [good, bad]}, headers=auth_headers)
        assert reply.status_code == 422, bad
        assert "+447700900123" not in reply.text and "xxxxxxxx" not in reply.text  # input not echoed
    assert stored(db, "review-bad") == []
