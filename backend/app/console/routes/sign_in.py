"""Signing in and out of the console, the signed-in member's profile and presence."""

from fastapi import APIRouter, Depends, HTTPException, Request, Response, status

from app.api.deps import SessionDep
from app.console.access import PUBLIC, SESSION_COOKIE, StaffMember
from app.console.schemas import LoginIn, Me, Ok, PresenceIn, StaffPublic, TeamPublic
from app.core.config import settings
from app.handoff.service import announce_presence, refresh_presence
from app.models import utc_now
from app.staff import audit
from app.staff.models import Presence, StaffSession, StaffUser
from app.staff.sessions import LoginThrottled, sign_in, sign_out

router = APIRouter(tags=["console: sign-in"])


def staff_public(user: StaffUser) -> StaffPublic:
    return StaffPublic(
        username=user.username,
        display_name=user.display_name,
        role=user.role,
        presence=user.presence,
        capacity=user.capacity,
        teams=[TeamPublic(code=team.code, name=team.name) for team in user.teams],
    )


def _me(user: StaffUser, record: StaffSession) -> Me:
    return Me(**staff_public(user).model_dump(), csrf_token=record.csrf_token, session_expires_at=record.expires_at)


@router.post(
    "/login",
    summary="Sign in",
    description="Sets the session cookie (HttpOnly, SameSite=Strict, Secure outside development) and returns "
    "the CSRF token every later write must send in `X-CSRF-Token`. Throttled after repeated failures.",
    response_model=Me,
    dependencies=[Depends(PUBLIC)],
)
def login(body: LoginIn, session: SessionDep, response: Response) -> Me:
    try:
        new = sign_in(session=session, username=body.username, password=body.password, now=utc_now())
    except LoginThrottled:
        raise HTTPException(
            status.HTTP_429_TOO_MANY_REQUESTS, "Too many failed sign-ins. Try again in 15 minutes."
        ) from None
    if new is None:
        raise HTTPException(status.HTTP_401_UNAUTHORIZED, "Wrong username or password.")
    response.set_cookie(
        SESSION_COOKIE,
        new.token,
        max_age=settings.CONSOLE_SESSION_HOURS * 3600,
        httponly=True,
        secure=settings.cookies_secure,
        samesite="strict",
        path="/console",
    )
    audit.record(
        session=session, staff_user=new.user, action="sign_in", object_type="staff", object_ref=new.user.username
    )
    session.commit()
    record = StaffSession(csrf_token=new.csrf_token, expires_at=new.expires_at)
    return _me(new.user, record)


@router.post("/logout", summary="Sign out", response_model=Ok)
def logout(user: StaffMember, request: Request, session: SessionDep, response: Response) -> Ok:
    sign_out(session=session, record=request.state.staff_session)
    response.delete_cookie(SESSION_COOKIE, path="/console")
    return Ok()


@router.get("/me", summary="Who is signed in", response_model=Me)
def me(user: StaffMember, request: Request) -> Me:
    return _me(user, request.state.staff_session)


@router.put(
    "/me/presence",
    summary="Set presence",
    description="Available agents are offered conversations up to their capacity (then they show as busy); "
    "away agents are offered nothing.",
    response_model=StaffPublic,
)
def set_presence(body: PresenceIn, user: StaffMember, session: SessionDep) -> StaffPublic:
    user.presence = body.presence.value
    if body.presence == Presence.AVAILABLE:
        refresh_presence(session=session, agent=user)  # available but already at capacity shows as busy
    session.commit()
    announce_presence(user)
    return staff_public(user)
