"""The demo contact centre of Northbridge: teams, routing, staff accounts and canned replies.

Every demo account has the password DEMO_PASSWORD (printed by scripts/start and
in the README); seeding refuses to run in production (see app.manage).
"""

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.handoff.models import CannedReply
from app.staff.models import Role
from app.staff.service import create_staff_user, ensure_team, get_staff_user, route_topic

DEMO_PASSWORD = "northbridge-demo"

TEAMS = {
    "general": "General enquiries",
    "permits": "Permits and benefits",
    "streets": "Streets and environment",
    "urgent": "Urgent and safeguarding",
    "chinese": "Chinese-speaking (中文)",
}

# Topic (an intent the conversation was about, or a handoff reason) -> team.
ROUTES = {
    "check_application_status": "permits",
    "ask_required_documents": "permits",
    "ask_fees": "permits",
    "report_issue": "streets",
    "check_request_status": "streets",
    "emergency": "urgent",
    "staff_complaint": "urgent",
    # Citizens writing Chinese go to agents who speak it (after emergencies and complaints).
    "language:zh": "chinese",
}

# username, display name, role, teams, capacity
STAFF = [
    ("alice", "Alice Morgan", Role.AGENT, ["general", "permits"], 3),
    ("bilal", "Bilal Khan", Role.AGENT, ["general", "streets"], 3),
    ("chen", "Chen Wei", Role.AGENT, ["general", "permits", "chinese"], 2),
    ("dana", "Dana Okafor", Role.AGENT, ["urgent"], 2),
    ("sam", "Sam Patel", Role.SUPERVISOR, [], 3),
    ("tara", "Tara Nguyen", Role.TRAINER, [], 3),
    ("ada", "Adaeze Obi", Role.ADMIN, [], 3),
]

CANNED_REPLIES = [
    (None, "Greeting", "Hello, thanks for waiting. I'm here to help – could you tell me a little more?"),
    (None, "Anything else", "Is there anything else I can help you with today?"),
    (None, "Hand back", "I'll pass you back to our automated assistant now. Thanks for contacting Northbridge."),
    (
        "permits",
        "Documents checklist",
        "You can find the full checklist of documents for each application at northbridge.gov.example/apply, "
        "or I can read it out to you.",
    ),
    (
        "streets",
        "Crew timing",
        "Our crews work through reports in order of urgency; the target date on your report is when we aim "
        "to have it fixed.",
    ),
    (
        "urgent",
        "Emergency services",
        "If anyone is in immediate danger, please call 999 now. I'll stay here and make sure the right team "
        "follows this up.",
    ),
]


def seed_demo_staff(session: Session) -> int:
    """Insert the demo teams, routes, accounts and canned replies that are missing; returns accounts added."""
    teams = {code: ensure_team(session=session, code=code, name=name) for code, name in TEAMS.items()}
    for topic, team in ROUTES.items():
        route_topic(session=session, topic=topic, team=teams[team])
    added = 0
    for username, display_name, role, team_codes, capacity in STAFF:
        if get_staff_user(session=session, username=username) is None:
            create_staff_user(
                session=session,
                username=username,
                display_name=display_name,
                role=role,
                password=DEMO_PASSWORD,
                teams=[teams[code] for code in team_codes],
                capacity=capacity,
            )
            added += 1
    existing = set(session.scalars(select(CannedReply.title)))
    for team, title, text in CANNED_REPLIES:
        if title not in existing:
            session.add(CannedReply(team_id=teams[team].id if team else None, title=title, text=text))
    session.commit()
    return added
