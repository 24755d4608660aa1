"""Who may call each console route: the signed-in staff member, their role, and the CSRF check.

Every route of the console API declares an `Access` rule as a dependency;
tests/backend/console/test_access_rules.py fails for a route without one.
"""

from collections.abc import Set as AbstractSet
from typing import Annotated, Protocol

from fastapi import Depends, HTTPException, Request, status
from sqlalchemy.orm import Session

from app.api.deps import SessionDep
from app.core.db import get_db
from app.models import utc_now
from app.staff.models import Role, StaffSession, StaffUser
from app.staff.sessions import csrf_matches, session_for_token

SESSION_COOKIE = "hotline_console"
CSRF_HEADER = "X-CSRF-Token"
_SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}


class Access:
    """A route's access rule: signed in, one of `roles` (any role when none are named), CSRF on writes."""

    def __init__(self, *roles: Role, public: bool = False) -> None:
        self.roles = frozenset(roles)
        self.public = public

    def __repr__(self) -> str:
        return "Access(public)" if self.public else f"Access({', '.join(sorted(self.roles)) or 'any staff'})"

    def __call__(self, request: Request, session: SessionDep) -> StaffUser | None:
        if self.public:
            return None
        record = _signed_in_session(request, session)
        if request.method not in _SAFE_METHODS and not csrf_matches(record, request.headers.get(CSRF_HEADER)):
            raise HTTPException(status.HTTP_403_FORBIDDEN, "Missing or wrong CSRF token; reload the console.")
        user = record.staff_user
        if self.roles and user.role not in self.roles:
            raise HTTPException(status.HTTP_403_FORBIDDEN, "Your role does not allow this.")
        request.state.staff_session = record
        return user


def _signed_in_session(request: Request, session: SessionDep) -> StaffSession:
    token = request.cookies.get(SESSION_COOKIE)
    record = session_for_token(session=session, token=token, now=utc_now()) if token else None
    if record is None:
        raise HTTPException(status.HTTP_401_UNAUTHORIZED, "Please sign in.")
    return record


class StreamAccess(Access):
    """The rule for long-lived streams: the database session is released as soon as the check is done."""

    def __call__(  # type: ignore[override]
        self, request: Request, session: Annotated[Session, Depends(get_db, scope="function")]
    ) -> StaffUser | None:
        return super().__call__(request, session)


PUBLIC = Access(public=True)
ANY_STAFF = Access()
HANDLES_CONVERSATIONS = Access(Role.AGENT, Role.SUPERVISOR)
SUPERVISES = Access(Role.SUPERVISOR, Role.ADMIN)
ADMINISTERS = Access(Role.ADMIN)
TRAINS = Access(Role.TRAINER)

StaffMember = Annotated[StaffUser, Depends(ANY_STAFF)]
StreamingStaffMember = Annotated[StaffUser, Depends(StreamAccess())]
ConversationHandler = Annotated[StaffUser, Depends(HANDLES_CONVERSATIONS)]
Supervisor = Annotated[StaffUser, Depends(SUPERVISES)]
Admin = Annotated[StaffUser, Depends(ADMINISTERS)]
Trainer = Annotated[StaffUser, Depends(TRAINS)]


class Viewer(Protocol):
    """What deciding visibility needs to know about a staff member (StaffUser has it)."""

    @property
    def id(self) -> int: ...
    @property
    def role(self) -> str: ...
    @property
    def team_ids(self) -> AbstractSet[int]: ...


def sees_all_conversations(user: Viewer) -> bool:
    return user.role in (Role.SUPERVISOR, Role.ADMIN)


def can_see_conversation(user: Viewer, *, team_id: int | None, agent_id: int | None) -> bool:
    """Supervisors see every queue; an agent sees their teams' queues and what is assigned to them."""
    if sees_all_conversations(user):
        return True
    if user.role != Role.AGENT:
        return False
    return agent_id == user.id or (team_id is not None and team_id in user.team_ids)
