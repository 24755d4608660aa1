"""Staff accounts and teams: created by admins and by the demo data, read by the console."""

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from app.staff.models import Presence, Role, StaffUser, Team, TopicRoute
from app.staff.passwords import hash_password

DEFAULT_TEAM_CODE = "general"


def get_team(*, session: Session, code: str) -> Team | None:
    return session.scalar(select(Team).where(Team.code == code))


def list_teams(*, session: Session) -> list[Team]:
    return list(session.scalars(select(Team).order_by(Team.name)))


def ensure_team(*, session: Session, code: str, name: str) -> Team:
    team = get_team(session=session, code=code)
    if team is None:
        team = Team(code=code, name=name)
        session.add(team)
        session.flush()
    return team


def route_topic(*, session: Session, topic: str, team: Team) -> None:
    """Send conversations about `topic` (an intent or a handoff reason) to `team`."""
    route = session.scalar(select(TopicRoute).where(TopicRoute.topic == topic))
    if route is None:
        session.add(TopicRoute(topic=topic, team=team))
    else:
        route.team = team
    session.flush()


def get_staff_user(*, session: Session, username: str) -> StaffUser | None:
    return session.scalar(
        select(StaffUser).options(selectinload(StaffUser.teams)).where(StaffUser.username == username.lower())
    )


def get_staff_user_by_id(*, session: Session, staff_user_id: int) -> StaffUser | None:
    return session.scalar(select(StaffUser).options(selectinload(StaffUser.teams)).where(StaffUser.id == staff_user_id))


def list_staff(*, session: Session, role: Role | None = None) -> list[StaffUser]:
    query = select(StaffUser).options(selectinload(StaffUser.teams)).order_by(StaffUser.display_name)
    if role is not None:
        query = query.where(StaffUser.role == role.value)
    return list(session.scalars(query))


def create_staff_user(
    *,
    session: Session,
    username: str,
    display_name: str,
    role: Role,
    password: str,
    teams: list[Team],
    capacity: int = 3,
) -> StaffUser:
    user = StaffUser(
        username=username.strip().lower(),
        display_name=display_name,
        role=role.value,
        password_hash=hash_password(password),
        presence=Presence.AWAY.value,
        capacity=capacity,
        active=True,
        teams=teams,
    )
    session.add(user)
    session.flush()
    return user
