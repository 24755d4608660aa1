"""A known week of hotline records, and the figures the dashboard must compute from them.

The week of Monday 3 to Sunday 9 June 2024 in Europe/London (BST, UTC+1),
judged at KNOWN_NOW: far from the demo data, so the figures below are exact
on a database that also holds the demo city. Used by the backend tests (on
SQLite and PostgreSQL) and by the browser test, which writes the same
records into the running hotline's database. Numbers are in the SR-98xxxx
and HO-98xxxx ranges, which the hotline never allocates.
"""

from datetime import UTC, date, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.conversation_facts import record_facts
from app.handoff.models import Handoff, SatisfactionRating
from app.models import Department, Notification, Service, ServiceRequest, ServiceRequestEvent
from app.schemas import ConversationFactCreate
from app.staff.models import StaffUser, Team

FIRST_DAY, LAST_DAY = date(2024, 6, 3), date(2024, 6, 9)
KNOWN_NOW = datetime(2024, 6, 14, 12, 0, tzinfo=UTC)


def at(day: int, hour: int, minute: int = 0, month: int = 6) -> datetime:
    return datetime(2024, month, day, hour, minute, tzinfo=UTC)


# (conversation id, channel, start (UTC), minutes of talk, handoff reference, callback reference)
CONVERSATIONS = [
    ("known-c0-webchat-0000", "webchat", at(2, 23, 30), 3, None, None),  # 00:30 on Monday, local time
    ("known-c1-webchat-0000", "webchat", at(3, 8, 10), 4, None, None),
    ("known-c2-webchat-0000", "webchat", at(3, 8, 40), 6, "HO-980001", None),
    ("known-c3-sms-000000000", "sms", at(4, 13, 5), 8, "HO-980002", None),
    ("known-cx-sms-repeating", "sms", at(4, 13, 30), 2, None, None),  # back two days later: a repeat contact
    ("known-cx-sms-repeating", "sms", at(6, 9, 0), 2, None, None),
    ("known-c6-voice-0000000", "voice", at(5, 16, 20), 3, None, "SR-980005"),
    ("known-c7-webchat-0000", "webchat", at(9, 22, 30), 5, "HO-980003", None),  # 23:30 Sunday: still in the week
    ("known-c8-webchat-0000", "webchat", at(9, 23, 30), 2, None, None),  # 00:30 Monday 10 June: outside
]
SILENT_SESSION = ("known-c9-no-citizen-00", at(5, 10, 0))  # started, but the citizen never wrote


def _facts() -> list[ConversationFactCreate]:
    facts = []
    for conversation_id, channel, start, minutes, handoff, callback in CONVERSATIONS:
        facts.append(ConversationFactCreate(kind="session_started", conversation_id=conversation_id, at=start))
        for minute in range(0, minutes, 2):
            facts.append(
                ConversationFactCreate(
                    kind="citizen_turn",
                    conversation_id=conversation_id,
                    at=start + timedelta(minutes=minute, seconds=1),
                    channel=channel,
                    language="en",
                    intent="greet" if minute == 0 else "inform",
                    confidence=0.9,
                )
            )
        end = start + timedelta(minutes=minutes)
        if handoff:
            facts.append(
                ConversationFactCreate(kind="handed_off", conversation_id=conversation_id, at=end, reference=handoff)
            )
        if callback:
            facts.append(
                ConversationFactCreate(
                    kind="callback_filed", conversation_id=conversation_id, at=end, reference=callback
                )
            )
    conversation_id, start = SILENT_SESSION
    facts.append(ConversationFactCreate(kind="session_started", conversation_id=conversation_id, at=start))
    return facts


# reference, conversation, channel, reason, team, agent, created, seconds to claim (None: never), status, wrap-up
HANDOFFS = [
    (
        "HO-980001",
        "known-c2-webchat-0000",
        "webchat",
        "citizen_asked_for_human",
        "general",
        "alice",
        at(3, 8, 46),
        60,
        "closed",
        "resolved",
    ),
    (
        "HO-980002",
        "known-c3-sms-000000000",
        "sms",
        "citizen_asked_for_human",
        "streets",
        "bilal",
        at(4, 13, 13),
        300,
        "closed",
        "citizen_left",
    ),
    (
        "HO-980003",
        "known-c7-webchat-0000",
        "webchat",
        "repeated_fallback",
        "general",
        "alice",
        at(9, 22, 35),
        120,
        "returned",
        None,
    ),
    (
        "HO-980004",
        "known-other-000000000",
        "webchat",
        "emergency",
        "urgent",
        None,
        at(7, 11, 0),
        None,
        "closed",
        "citizen_left",
    ),
    (
        "HO-980005",
        "known-other-000000001",
        "webchat",
        "emergency",
        "urgent",
        "dana",
        at(10, 9, 0),
        30,
        "closed",
        "resolved",
    ),  # outside
]

# number, category, created, target date, status, first resolved (None: not resolved), department now
REQUESTS = [
    ("SR-980001", "pothole", at(3, 9, 0), date(2024, 6, 10), "resolved", at(7, 15, 0)),
    ("SR-980002", "streetlight", at(3, 10, 0), date(2024, 6, 5), "closed", at(5, 14, 0)),
    ("SR-980003", "streetlight", at(4, 11, 0), date(2024, 6, 6), "resolved", at(7, 9, 0)),
    ("SR-980004", "dumped_rubbish", at(5, 12, 0), date(2024, 6, 10), "accepted", None),
    ("SR-980005", "callback", at(5, 16, 23), date(2024, 6, 6), "resolved", at(6, 9, 30)),
    ("SR-980006", "pothole", at(9, 23, 30), date(2024, 6, 17), "dispatched", None),  # Monday 10 June, local
    ("SR-980007", "pothole", at(27, 9, 0, month=5), date(2024, 6, 3), "in_progress", None),
    ("SR-980008", "pothole", at(29, 9, 0, month=5), date(2024, 6, 5), "rejected", None),
]

# channel, rating, handoff reference or request number, given at
RATINGS = [
    ("webchat", 5, "HO-980001", at(3, 9, 0)),
    ("sms", 2, "HO-980002", at(4, 13, 40)),
    ("webchat", 4, "HO-980003", at(9, 22, 50)),
    ("sms", 4, "SR-980001", at(7, 16, 0)),
    ("webchat", 1, "SR-980002", at(5, 15, 0)),
    ("webchat", 3, "HO-980001", at(10, 8, 0)),  # Monday 10 June: outside
]


def add_known_records(session: Session) -> None:
    """Write the known week into `session`'s database (which holds the demo catalogue and staff) and commit."""
    record_facts(session=session, facts=_facts())
    teams = {team.code: team for team in session.scalars(select(Team))}
    staff = {user.username: user for user in session.scalars(select(StaffUser))}
    handoffs = {}
    for reference, conversation, channel, reason, team, agent, created, wait, status, wrap_up in HANDOFFS:
        claimed = created + timedelta(seconds=wait) if wait is not None else None
        handoffs[reference] = Handoff(
            reference=reference,
            conversation_id=conversation,
            channel=channel,
            language="en",
            reason=reason,
            team=teams[team],
            assigned_agent=staff[agent] if agent else None,
            status=status,
            created_at=created,
            claimed_at=claimed,
            ended_at=(claimed or created) + timedelta(minutes=5),
            wrap_up_code=wrap_up,
        )
        session.add(handoffs[reference])
    categories = {service.code: service for service in session.scalars(select(Service))}
    requests = {}
    for number, code, created, target, status, resolved in REQUESTS:
        category = categories[code]
        request = ServiceRequest(
            request_number=number,
            category=category,
            department_id=category.department_id,
            location="Known Street 1",
            description="A known record for the dashboard.",
            status=status,
            channel="webchat",
            created_at=created,
            updated_at=resolved or created,
            target_date=target,
        )
        request.events.append(_event("filed", "received", created, category.department_id))
        if resolved is not None:
            request.events.append(_event("resolved", "resolved", resolved, category.department_id))
        session.add(request)
        requests[number] = request
    session.flush()
    for channel, rating, linked, given in RATINGS:
        session.add(
            SatisfactionRating(
                handoff_id=handoffs[linked].id if linked.startswith("HO-") else None,
                service_request_id=requests[linked].id if linked.startswith("SR-") else None,
                conversation_id=f"known-rating-{given:%d%H%M}",
                channel=channel,
                rating=rating,
                created_at=given,
            )
        )
    roads = session.scalar(select(Department).where(Department.code == "roads"))
    for audience, department, request, raised in (
        ("supervisors", None, "SR-980007", at(4, 7, 0)),
        ("department", roads, "SR-980007", at(4, 7, 0)),
        ("supervisors", None, "SR-980004", at(11, 7, 0)),  # after the week
    ):
        session.add(
            Notification(
                audience=audience,
                department=department,
                service_request=requests[request],
                kind="overdue",
                message=f"{request} was due by its target date and is still open.",
                created_at=raised,
            )
        )
    session.commit()


def _event(action: str, status: str, moment: datetime, department_id: int) -> ServiceRequestEvent:
    return ServiceRequestEvent(
        action=action,
        status=status,
        step_text="A step.",
        actor="known records",
        occurred_at=moment,
        department_id=department_id,
    )
