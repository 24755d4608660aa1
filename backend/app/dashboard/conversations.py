"""Conversations with the assistant: by channel and hour, containment, handoffs, first-contact resolution.

A conversation here is one session (Rasa's: a new one starts after an hour of
silence) in which the citizen wrote at least once, counted in the period it
started in.

- Contained: the assistant dealt with it alone; it was neither queued for an
  agent nor ended with a callback filed.
- Handoff rate: the share queued for an agent; callbacks are counted apart.
- Resolved at first contact: no callback was filed; if it was handed to an
  agent, the agent handed it back to the assistant or closed it as resolved,
  information given or request filed (not: citizen left, referred elsewhere,
  abusive, or still open); and the same conversation id (the same web chat
  browser, the same phone) did not start another conversation within
  REPEAT_CONTACT_DAYS after this one's last message. A conversation whose
  repeat window has not ended yet is not judged: it is left out of the rate
  and counted as "not yet judged".
"""

from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.dashboard.figures import Cell, Figure, ratio
from app.dashboard.period import Period
from app.handoff.models import Handoff
from app.models import ConversationSession, UTCDateTime
from app.statuses import HandoffStatus, WrapUpCode

REPEAT_CONTACT_DAYS = 7
RESOLVING_WRAP_UPS = frozenset({WrapUpCode.RESOLVED, WrapUpCode.INFORMATION_GIVEN, WrapUpCode.REQUEST_FILED})
KNOWN_CHANNELS = ("webchat", "sms", "voice")
ALL_CHANNELS = "all channels"


@dataclass(frozen=True)
class Conversation:
    channel: str
    started_at: datetime
    last_activity_at: datetime
    handed_off: bool
    callback: bool
    handoff_status: str | None
    wrap_up_code: str | None
    # The start of the same conversation id's next conversation, if there was one.
    next_started_at: datetime | None

    @property
    def contained(self) -> bool:
        return not self.handed_off and not self.callback

    def resolved_at_first_contact(self, now: datetime) -> bool | None:
        """True or False once the repeat window has passed; None before."""
        window_end = self.last_activity_at + timedelta(days=REPEAT_CONTACT_DAYS)
        if window_end > now:
            return None
        if self.callback:
            return False
        if self.handed_off and not (
            self.handoff_status == HandoffStatus.RETURNED
            or (self.handoff_status == HandoffStatus.CLOSED and self.wrap_up_code in RESOLVING_WRAP_UPS)
        ):
            return False
        return self.next_started_at is None or self.next_started_at > window_end


def load_conversations(*, session: Session, period: Period) -> list[Conversation]:
    """The period's conversations, each with the start of the next one from the same conversation id."""
    talked = ConversationSession.channel.is_not(None)  # set by the first citizen message
    later = (
        select(
            ConversationSession.id,
            ConversationSession.started_at,
            func.lead(ConversationSession.started_at, type_=UTCDateTime())
            .over(partition_by=ConversationSession.conversation_id, order_by=ConversationSession.started_at)
            .label("next_started_at"),
        )
        .where(talked, ConversationSession.started_at >= period.start)
        .subquery()
    )
    rows = session.execute(
        select(
            ConversationSession.channel,
            ConversationSession.started_at,
            ConversationSession.last_activity_at,
            ConversationSession.handoff_reference,
            ConversationSession.callback_reference,
            Handoff.status,
            Handoff.wrap_up_code,
            later.c.next_started_at,
        )
        .join(later, later.c.id == ConversationSession.id)
        .outerjoin(Handoff, Handoff.reference == ConversationSession.handoff_reference)
        .where(ConversationSession.started_at < period.end)
    )
    return [
        Conversation(
            channel=row.channel,
            started_at=row.started_at,
            last_activity_at=row.last_activity_at,
            handed_off=row.handoff_reference is not None,
            callback=row.callback_reference is not None,
            handoff_status=row.status,
            wrap_up_code=row.wrap_up_code,
            next_started_at=row.next_started_at,
        )
        for row in rows
    ]


def channels_in_order(channels: set[str]) -> list[str]:
    return [c for c in KNOWN_CHANNELS if c in channels] + sorted(channels - set(KNOWN_CHANNELS))


def by_hour(conversations: list[Conversation], period: Period) -> Figure:
    counts: dict[str, Counter[int]] = defaultdict(Counter)
    for conversation in conversations:
        counts[conversation.channel][period.local(conversation.started_at).hour] += 1
    channels = channels_in_order(set(counts))
    return Figure(
        key="conversations_by_hour",
        title="Conversations by hour of the day",
        columns=["hour", *channels],
        rows=[[f"{hour:02d}:00", *(counts[channel][hour] for channel in channels)] for hour in range(24)],
        note=f"Conversations started in the period, by the hour they started ({period.timezone.key}).",
    )


def _outcome_row(label: str, group: list[Conversation]) -> list[Cell]:
    total = len(group)
    contained = sum(c.contained for c in group)
    handed_off = sum(c.handed_off for c in group)
    callbacks = sum(c.callback for c in group)
    return [label, total, contained, handed_off, callbacks, ratio(contained, total), ratio(handed_off, total)]


def outcomes(conversations: list[Conversation]) -> Figure:
    groups: dict[str, list[Conversation]] = defaultdict(list)
    for conversation in conversations:
        groups[conversation.channel].append(conversation)
    rows = [_outcome_row(channel, groups[channel]) for channel in channels_in_order(set(groups))]
    return Figure(
        key="conversation_outcomes",
        title="Containment and handoffs by channel",
        columns=[
            "channel",
            "conversations",
            "contained",
            "handed_off",
            "callbacks",
            "containment_rate",
            "handoff_rate",
        ],
        rows=[*rows, _outcome_row(ALL_CHANNELS, conversations)],
        note="Contained: answered by the assistant alone, neither queued for an agent nor called back.",
    )


def _fcr_row(label: str, group: list[Conversation], now: datetime) -> list[Cell]:
    verdicts = [c.resolved_at_first_contact(now) for c in group]
    judged = [v for v in verdicts if v is not None]
    resolved = sum(judged)
    return [label, len(judged), resolved, ratio(resolved, len(judged)), len(verdicts) - len(judged)]


def first_contact_resolution(conversations: list[Conversation], now: datetime) -> Figure:
    groups: dict[str, list[Conversation]] = defaultdict(list)
    for conversation in conversations:
        groups[conversation.channel].append(conversation)
    rows = [_fcr_row(channel, groups[channel], now) for channel in channels_in_order(set(groups))]
    return Figure(
        key="first_contact_resolution",
        title="First-contact resolution by channel",
        columns=["channel", "judged", "resolved_first_time", "fcr_rate", "not_yet_judged"],
        rows=[*rows, _fcr_row(ALL_CHANNELS, conversations, now)],
        note=f"Resolved without a callback, an unresolved handoff or another contact within {REPEAT_CONTACT_DAYS} "
        "days; conversations whose window is still open are not judged yet.",
    )
