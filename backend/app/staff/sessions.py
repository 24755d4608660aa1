"""Console sign-in: password check, throttling, server-side sessions with a CSRF token each."""

import hashlib
import hmac
import logging
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session, selectinload

from app.core.config import settings
from app.staff.models import LoginAttempt, StaffSession, StaffUser
from app.staff.passwords import hash_password, needs_rehash, unknown_user_hash, verify_password

logger = logging.getLogger(__name__)

THROTTLE_WINDOW = timedelta(minutes=15)


class LoginThrottled(Exception):
    """Too many failed sign-ins for this username recently."""


@dataclass(frozen=True)
class NewSession:
    token: str  # goes into the cookie; only its hash is stored
    csrf_token: str
    user: StaffUser
    expires_at: datetime


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def sign_in(*, session: Session, username: str, password: str, now: datetime) -> NewSession | None:
    """A new session when the password is right; None otherwise. Raises LoginThrottled when guessing."""
    username = username.strip().lower()
    recent_failures = session.scalar(
        select(func.count(LoginAttempt.id)).where(
            LoginAttempt.username == username, LoginAttempt.attempted_at > now - THROTTLE_WINDOW
        )
    )
    if (recent_failures or 0) >= settings.LOGIN_ATTEMPTS_PER_15_MINUTES:
        logger.warning("console sign-in throttled after %d failures", recent_failures)
        raise LoginThrottled()
    user = session.scalar(
        select(StaffUser).options(selectinload(StaffUser.teams)).where(StaffUser.username == username)
    )
    # The hash check takes a good part of a second of CPU on purpose: not inside a transaction,
    # which on SQLite holds the database's write lock and would stall every relayed message meanwhile.
    session.commit()
    # The hash check runs for unknown usernames too, so timing does not reveal who has an account.
    password_ok = verify_password(password, user.password_hash if user else unknown_user_hash())
    if user is None or not user.active or not password_ok:
        session.add(LoginAttempt(username=username, attempted_at=now))
        session.commit()
        logger.info("console sign-in refused")
        return None
    if needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    session.execute(delete(LoginAttempt).where(LoginAttempt.username == username))
    token = secrets.token_urlsafe(32)
    record = StaffSession(
        token_hash=token_hash(token),
        staff_user_id=user.id,
        csrf_token=secrets.token_urlsafe(32),
        created_at=now,
        expires_at=now + timedelta(hours=settings.CONSOLE_SESSION_HOURS),
    )
    session.add(record)
    session.commit()
    logger.info("console sign-in by staff user %d", user.id)
    return NewSession(token=token, csrf_token=record.csrf_token, user=user, expires_at=record.expires_at)


def session_for_token(*, session: Session, token: str, now: datetime) -> StaffSession | None:
    """The live session the cookie names, with its user; None when unknown, expired or the user is disabled."""
    record = session.scalar(
        select(StaffSession)
        .options(selectinload(StaffSession.staff_user).selectinload(StaffUser.teams))
        .where(StaffSession.token_hash == token_hash(token))
    )
    if record is None or record.expires_at <= now or not record.staff_user.active:
        return None
    return record


def csrf_matches(record: StaffSession, presented: str | None) -> bool:
    return presented is not None and hmac.compare_digest(presented.encode(), record.csrf_token.encode())


def sign_out(*, session: Session, record: StaffSession) -> None:
    session.delete(record)
    session.commit()


def purge_expired(*, session: Session, now: datetime) -> int:
    """Drop expired sessions and old failed attempts; returns how many sessions went."""
    removed = session.execute(delete(StaffSession).where(StaffSession.expires_at <= now)).rowcount
    session.execute(delete(LoginAttempt).where(LoginAttempt.attempted_at <= now - THROTTLE_WINDOW))
    session.commit()
    return removed or 0
