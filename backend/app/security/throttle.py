"""Limits on guessing: failed identity checks and unknown-number lookups, counted across processes.

A guesser tries application numbers with dates of birth, or request numbers,
until something answers. Each failure is counted against every key that
describes where it came from (the conversation, the caller's phone, the
application number itself); once any key reaches its limit within the window,
further attempts are refused before any lookup is done. Counts live in Redis
when REDIS_URL is set (atomic INCR, expiring), otherwise in the database, so
every back-office process sees the same counts either way. Keys are stored as
keyed hashes: the table and Redis hold no phone or application numbers.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

import redis
from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from app.core.config import settings
from app.security.models import ThrottleFailure

logger = logging.getLogger(__name__)

_REDIS_PREFIX = "hotline:throttle:"


@dataclass(frozen=True)
class Limit:
    name: str  # what is being guessed, e.g. "identity"
    attempts: int
    window: timedelta


# Per conversation and per phone: one person guessing.
IDENTITY_CHECKS = Limit("identity", attempts=5, window=timedelta(minutes=15))
# Per application number: many conversations guessing one applicant's details. Higher, so that a
# stranger's few wrong guesses do not lock the applicant out at once.
IDENTITY_CHECKS_PER_APPLICATION = Limit("identity_application", attempts=10, window=timedelta(minutes=15))
UNKNOWN_REQUEST_NUMBERS = Limit("request_number", attempts=20, window=timedelta(minutes=15))


def _digest(limit: Limit, key: str) -> str:
    secret = settings.BACKEND_SERVICE_TOKEN.encode("utf-8")
    return hmac.new(secret, f"{limit.name}:{key}".encode(), hashlib.sha256).hexdigest()[:40]


class Throttle:
    """Counts failures per key; `blocked` before an attempt, `record_failure` after a failed one."""

    def __init__(self, redis_url: str = "", prefix: str = _REDIS_PREFIX) -> None:
        self._prefix = prefix
        self._redis: redis.Redis | None = (
            redis.Redis.from_url(redis_url, socket_timeout=1, socket_connect_timeout=1) if redis_url else None
        )

    def blocked(self, *, session: Session, limit: Limit, keys: list[str], now: datetime) -> bool:
        digests = [_digest(limit, key) for key in keys if key]
        counts = self._redis_counts(limit, digests) if self._redis is not None else None
        if counts is None:
            counts = [self._db_count(session, limit, digest, now) for digest in digests]
        if any(count >= limit.attempts for count in counts):
            logger.warning(
                "%s attempts throttled (%d keys at the limit)", limit.name, sum(c >= limit.attempts for c in counts)
            )
            return True
        return False

    def record_failure(self, *, session: Session, limit: Limit, keys: list[str], now: datetime) -> None:
        digests = [_digest(limit, key) for key in keys if key]
        logger.info("%s check failed (%d keys counted)", limit.name, len(digests))
        if self._redis is not None and self._redis_record(limit, digests):
            return
        for digest in digests:
            session.add(ThrottleFailure(limit_name=limit.name, key_digest=digest, failed_at=now))
        session.execute(delete(ThrottleFailure).where(ThrottleFailure.failed_at < now - limit.window))
        session.commit()

    # Redis: one counter per key, expiring a window after its first failure.
    def _redis_counts(self, limit: Limit, digests: list[str]) -> list[int] | None:
        assert self._redis is not None
        try:
            values = self._redis.mget([self._prefix + digest for digest in digests]) if digests else []
        except redis.RedisError as error:
            logger.warning("throttle: Redis unavailable (%s); counting in the database", type(error).__name__)
            return None
        return [int(value or 0) for value in values]

    def _redis_record(self, limit: Limit, digests: list[str]) -> bool:
        assert self._redis is not None
        try:
            with self._redis.pipeline() as pipe:
                for digest in digests:
                    pipe.incr(self._prefix + digest)
                    pipe.expire(self._prefix + digest, int(limit.window.total_seconds()), nx=True)
                pipe.execute()
            return True
        except redis.RedisError as error:
            logger.warning("throttle: Redis unavailable (%s); counting in the database", type(error).__name__)
            return False

    @staticmethod
    def _db_count(session: Session, limit: Limit, digest: str, now: datetime) -> int:
        return (
            session.scalar(
                select(func.count(ThrottleFailure.id)).where(
                    ThrottleFailure.limit_name == limit.name,
                    ThrottleFailure.key_digest == digest,
                    ThrottleFailure.failed_at > now - limit.window,
                )
            )
            or 0
        )


_throttle: Throttle | None = None


def get_throttle() -> Throttle:
    global _throttle
    if _throttle is None:
        _throttle = Throttle(settings.REDIS_URL)
    return _throttle


def set_throttle(throttle: Throttle | None) -> None:
    global _throttle
    _throttle = throttle
