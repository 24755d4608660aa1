"""Retention and trainers' review messages: pending ones go, annotated ones keep only fakes, the export stays."""

from datetime import UTC, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.retention import purge_conversations
from app.review.export import export_annotations
from app.review.models import ReviewMessage

NOW = datetime(2026, 9, 1, 12, 0, tzinfo=UTC)
LONG_AGO = NOW - timedelta(days=100)
TEXT = "hi my name is Amira Haddad, is APP-204817 done? call 07700 900461"


def message(db: Session, name: str, sent_at: datetime, *, annotated: bool) -> ReviewMessage:
    start = TEXT.index("APP-204817")
    row = ReviewMessage(
        conversation_id=f"retention-{name}", sent_at=sent_at, channel="webchat", language="en", text=TEXT,
        predicted_intent="check_request_status", confidence=0.4,
        predicted_entities=[{"entity": "application_number", "value": "APP-204817", "start": start, "end": start + 10}],
        reasons=["low_confidence"], status="annotated" if annotated else "pending",
        annotated_intent="check_application_status" if annotated else None,
        annotated_entities=[{"entity": "application_number", "value": "APP-204817", "start": start, "end": start + 10}]
        if annotated else None,
        annotated_at=sent_at if annotated else None,
    )
    db.add(row)
    db.flush()
    return row


def test_old_review_messages_lose_the_citizens_data_and_the_export_does_not_change(db: Session) -> None:
    old_annotated = message(db, "old-annotated", LONG_AGO, annotated=True)
    old_pending = message(db, "old-pending", LONG_AGO, annotated=False)
    recent = message(db, "recent", NOW - timedelta(days=2), annotated=False)
    before = export_annotations(session=db).text

    outcome = purge_conversations(session=db, now=NOW, days=90)
    assert outcome.counts["review messages deleted"] >= 1 and outcome.counts["review messages pseudonymised"] >= 1

    assert db.get(ReviewMessage, old_pending.id) is None
    db.refresh(recent)
    assert recent.text == TEXT  # still within the period
    kept = db.get(ReviewMessage, old_annotated.id)
    db.refresh(kept)
    for private in ("Amira", "Haddad", "204817", "900461"):
        assert private not in kept.text
    assert kept.conversation_id == f"removed-{kept.id}" and kept.predicted_entities == []
    [entity] = kept.annotated_entities
    assert kept.text[entity["start"] : entity["end"]] == entity["value"] and entity["value"].startswith("APP-")
    assert kept.annotated_intent == "check_application_status"

    assert export_annotations(session=db).text == before  # the training data file does not change
    purge_conversations(session=db, now=NOW + timedelta(days=1), days=90)  # a second run changes nothing
    db.refresh(kept)
    assert export_annotations(session=db).text == before
    assert db.scalar(select(ReviewMessage.text).where(ReviewMessage.id == kept.id)) == kept.text
