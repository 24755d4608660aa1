"""Conversations are kept for CONVERSATION_RETENTION_DAYS, then deleted or anonymised; case records stay.

What goes, once a conversation has been over for longer than the period:
- handed-off conversations: every message (transcript, live chat, internal
  notes) is deleted; the handoff row stays for the contact centre's figures,
  without the conversation id, the entities the assistant understood and the
  notes of its steps;
- ratings: the comment is deleted and the conversation id removed (the 1-5
  figure stays for the figures);
- conversation facts (`conversation_session`, no text by design): the
  conversation id is removed, the counts stay;
- guessing-limit failures older than the period (their keys are hashes);
- trainers' review messages (the only citizens' words the back office keeps
  outside handoffs): those not annotated are deleted; annotated ones keep
  their verdict, with fakes in place of personal data (as exported, so the
  training data file does not change) and no conversation id;
- the Rasa tracker store's events of every conversation whose last event is
  older than the period, when `tracker_url` points at that database (the
  `events` table of Rasa's SQL tracker store).

What stays, as the law requires: applications, service requests (work
orders), their steps, callbacks (they are service requests), citizens'
notifications and SMS consent records, and the audit log.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import Engine, String, cast, delete, inspect, literal, select, text, update
from sqlalchemy.orm import Session

from app.handoff.models import Handoff, HandoffEvent, HandoffMessage, SatisfactionRating
from app.models import Citizen, ConversationSession
from app.review.export import RETAINED_PREFIX, pseudonymised_in_place
from app.review.models import ReviewMessage, ReviewStatus
from app.security.models import ThrottleFailure

logger = logging.getLogger(__name__)

# What a removed conversation id reads as; the row's own id keeps rows apart.
ANONYMOUS = "removed"


@dataclass
class RetentionOutcome:
    cutoff: datetime
    counts: dict[str, int] = field(default_factory=dict)


def purge_conversations(*, session: Session, now: datetime, days: int) -> RetentionOutcome:
    """Delete or anonymise what conversations left behind before `now - days`; one transaction."""
    if days < 1:
        raise ValueError("the retention period is at least one day")
    cutoff = now - timedelta(days=days)
    outcome = RetentionOutcome(cutoff=cutoff)
    ended = select(Handoff.id).where(Handoff.ended_at.is_not(None), Handoff.ended_at < cutoff)
    not_yet = Handoff.conversation_id != ANONYMOUS

    outcome.counts["handoff messages deleted"] = _rows(
        session.execute(delete(HandoffMessage).where(HandoffMessage.handoff_id.in_(ended)))
    )
    session.execute(update(HandoffEvent).where(HandoffEvent.handoff_id.in_(ended)).values(note=None))
    outcome.counts["handoffs anonymised"] = _rows(
        session.execute(
            update(Handoff)
            .where(Handoff.id.in_(ended), not_yet)
            .values(conversation_id=ANONYMOUS, entities=[])
            .execution_options(synchronize_session=False)
        )
    )
    outcome.counts["ratings anonymised"] = _rows(
        session.execute(
            update(SatisfactionRating)
            .where(SatisfactionRating.created_at < cutoff, SatisfactionRating.conversation_id != ANONYMOUS)
            .values(conversation_id=ANONYMOUS, comment=None)
        )
    )
    outcome.counts["conversation sessions anonymised"] = _rows(
        session.execute(
            update(ConversationSession)
            .where(
                ConversationSession.last_activity_at < cutoff,
                ConversationSession.conversation_id.not_like("removed-%"),
            )
            # Unique with its start time: each row keeps an id of its own, which says nothing about anybody.
            .values(conversation_id=literal("removed-", String) + cast(ConversationSession.id, String))
        )
    )
    outcome.counts.update(_review_messages(session, cutoff))
    outcome.counts["guessing-limit failures deleted"] = _rows(
        session.execute(delete(ThrottleFailure).where(ThrottleFailure.failed_at < cutoff))
    )
    session.commit()
    logger.info("retention: before %s: %s", cutoff.isoformat(), outcome.counts)
    return outcome


def purge_tracker_events(*, engine: Engine, now: datetime, days: int) -> int:
    """Delete whole conversations from Rasa's SQL tracker store whose last event is older than the period.

    Conversations still going on are left whole: Rasa replays a conversation's
    events to rebuild it, so it must never lose only its beginning.
    """
    if "events" not in inspect(engine).get_table_names():
        raise ValueError("no 'events' table: this is not the database of Rasa's SQL tracker store")
    cutoff = (now - timedelta(days=days)).timestamp()
    with engine.begin() as connection:
        deleted = connection.execute(
            text(
                "DELETE FROM events WHERE sender_id IN ("
                " SELECT sender_id FROM events GROUP BY sender_id HAVING max(timestamp) < :cutoff)"
            ),
            {"cutoff": cutoff},
        )
    logger.info("retention: %d tracker events deleted", deleted.rowcount)
    return deleted.rowcount


def _review_messages(session: Session, cutoff: datetime) -> dict[str, int]:
    old = ReviewMessage.sent_at < cutoff
    deleted = _rows(session.execute(delete(ReviewMessage).where(old, ReviewMessage.status == ReviewStatus.PENDING)))
    known_names = tuple(session.scalars(select(Citizen.full_name)))
    kept = session.scalars(
        select(ReviewMessage).where(old, ReviewMessage.conversation_id.not_like(f"{RETAINED_PREFIX}%"))
    ).all()
    for message in kept:
        message.text, message.annotated_entities = pseudonymised_in_place(message, known_names)
        message.predicted_entities = []
        message.conversation_id = f"{RETAINED_PREFIX}{message.id}"
    return {"review messages deleted": deleted, "review messages pseudonymised": len(kept)}


def _rows(result) -> int:  # type: ignore[no-untyped-def]
    return max(result.rowcount or 0, 0)
