"""Rasa's per-conversation lock in Redis, made atomic, falling back to this process's memory while Redis is away.

With several Rasa replicas the lock must be shared (Redis), so that one
conversation's messages are processed one whole turn at a time. Rasa's own
RedisLockStore changes a lock by GET, change, SET: two replicas issuing a
ticket at the same moment can both read the same lock, both write, and both
get the same ticket number, so two turns run at once and one overwrites the
other's events. AtomicRedisLockStore makes every read-change-write of a lock
a Redis transaction (WATCH/MULTI, retried when another replica got there
first).

Rasa's store also fails every turn while Redis is down; RedisOrLocalLockStore
keeps the hotline answering: a turn that cannot get its ticket from Redis is
locked in this process only (messages of one conversation reaching two
replicas at that moment are not ordered between them, the same as with one
replica and no Redis), and the next turn tries Redis again.

bot/endpoints.production.yml names RedisOrLocalLockStore as the lock store,
with Redis's settings (url, port, db, password, key_prefix) as for Rasa's
`type: redis`.
"""

from __future__ import annotations

import json
import logging
from contextlib import asynccontextmanager
from typing import Any, AsyncGenerator, Callable, Optional, Text, Tuple, TypeVar

import redis
from rasa.core.lock import TicketLock
from rasa.core.lock_store import LOCK_LIFETIME, InMemoryLockStore, LockError, LockStore, RedisLockStore
from rasa.utils.endpoints import EndpointConfig

logger = logging.getLogger(__name__)

SOCKET_TIMEOUT_SECONDS = 1  # a hung Redis must not hold every turn for long
REDIS_TROUBLE = (redis.RedisError, OSError)

Result = TypeVar("Result")
# A change to one conversation's lock: given the lock (or None), the lock to store (None: delete) and a result.
Change = Callable[[Optional[TicketLock]], Tuple[Optional[TicketLock], Result]]


class AtomicRedisLockStore(RedisLockStore):
    """Rasa's Redis lock store with every read-change-write of a lock done in one Redis transaction."""

    def _change(self, conversation_id: Text, change: Change) -> Result:
        key = self.key_prefix + conversation_id
        with self.red.pipeline() as pipe:
            while True:
                try:
                    pipe.watch(key)
                    stored = pipe.get(key)
                    lock = TicketLock.from_dict(json.loads(stored)) if stored else None
                    new_lock, result = change(lock)
                    pipe.multi()
                    if new_lock is None:
                        pipe.delete(key)
                    else:
                        pipe.set(key, new_lock.dumps())
                    pipe.execute()
                    return result
                except redis.WatchError:
                    continue  # another replica changed this lock meanwhile: read it again

    def issue_ticket(self, conversation_id: Text, lock_lifetime: float = LOCK_LIFETIME) -> int:
        def issue(lock: Optional[TicketLock]) -> Tuple[TicketLock, int]:
            lock = lock or self.create_lock(conversation_id)
            return lock, lock.issue_ticket(lock_lifetime)

        try:
            return self._change(conversation_id, issue)
        except REDIS_TROUBLE as error:
            raise LockError(f"Error while acquiring lock. Error:\n{error}") from error

    def update_lock(self, conversation_id: Text) -> None:
        def drop_expired(lock: Optional[TicketLock]) -> Tuple[Optional[TicketLock], None]:
            if lock is not None:
                lock.remove_expired_tickets()
            return lock, None

        self._change(conversation_id, drop_expired)

    def finish_serving(self, conversation_id: Text, ticket_number: int) -> None:
        def remove_ticket(lock: Optional[TicketLock]) -> Tuple[Optional[TicketLock], None]:
            if lock is not None:
                lock.remove_ticket_for(ticket_number)
            return lock, None

        self._change(conversation_id, remove_ticket)

    def cleanup(self, conversation_id: Text, ticket_number: int) -> None:
        # Removing the ticket and deleting an empty lock in one step: a ticket another replica
        # issues in between is never deleted with it.
        def remove_ticket_and_empty_lock(lock: Optional[TicketLock]) -> Tuple[Optional[TicketLock], None]:
            if lock is not None:
                lock.remove_ticket_for(ticket_number)
                if not lock.is_someone_waiting():
                    lock = None
            return lock, None

        self._change(conversation_id, remove_ticket_and_empty_lock)


class RedisOrLocalLockStore(LockStore):
    def __init__(
        self, endpoint_config: Optional[EndpointConfig] = None, shared: Optional[RedisLockStore] = None, **_: Any
    ) -> None:
        if shared is None:
            assert endpoint_config is not None, "the lock store needs Redis's settings (bot/endpoints*.yml)"
            settings = endpoint_config.kwargs
            shared = AtomicRedisLockStore(
                host=endpoint_config.url or "localhost",
                port=int(settings.get("port", 6379)),
                db=int(settings.get("db", 1)),
                username=settings.get("username"),
                password=settings.get("password"),
                use_ssl=bool(settings.get("use_ssl", False)),
                key_prefix=settings.get("key_prefix"),
                socket_timeout=float(settings.get("socket_timeout", SOCKET_TIMEOUT_SECONDS)),
            )
            # Rasa's store sets no connect timeout: an unreachable host would hold each turn.
            shared.red.connection_pool.connection_kwargs["socket_connect_timeout"] = SOCKET_TIMEOUT_SECONDS
        self.shared = shared
        self.local = InMemoryLockStore()
        self._redis_down = False
        super().__init__()

    def _note(self, error: Optional[BaseException]) -> None:
        # One line per change of state, not one per turn.
        if error is not None and not self._redis_down:
            logger.warning("lock store: Redis unavailable (%s); locks held in this process", type(error).__name__)
        elif error is None and self._redis_down:
            logger.warning("lock store: Redis is back")
        self._redis_down = error is not None

    @asynccontextmanager
    async def lock(
        self, conversation_id: Text, lock_lifetime: float = LOCK_LIFETIME, wait_time_in_seconds: float = 1
    ) -> AsyncGenerator[TicketLock, None]:
        # A turn keeps the store it got its ticket from: a ticket from Redis is waited for and
        # returned in Redis, one from this process here.
        ticket: Optional[int] = None
        try:
            ticket = self.shared.issue_ticket(conversation_id, lock_lifetime)
            self._note(None)
        except LockError as error:
            self._note(error)
        if ticket is None:
            async with self.local.lock(conversation_id, lock_lifetime, wait_time_in_seconds) as local_lock:
                yield local_lock
            return
        try:
            shared_lock: Optional[TicketLock] = None
            try:
                shared_lock = await self.shared._acquire_lock(conversation_id, ticket, wait_time_in_seconds)
            except REDIS_TROUBLE as error:
                self._note(error)  # Redis went away while this turn waited: finish it in this process
            if shared_lock is None:
                async with self.local.lock(conversation_id, lock_lifetime, wait_time_in_seconds) as local_lock:
                    yield local_lock
            else:
                yield shared_lock
        finally:
            try:
                self.shared.cleanup(conversation_id, ticket)
            except REDIS_TROUBLE as error:
                self._note(error)  # the ticket expires with its lifetime

    def issue_ticket(self, conversation_id: Text, lock_lifetime: float = LOCK_LIFETIME) -> int:
        try:
            ticket = self.shared.issue_ticket(conversation_id, lock_lifetime)
        except LockError as error:
            self._note(error)
            return self.local.issue_ticket(conversation_id, lock_lifetime)
        self._note(None)
        return ticket

    def cleanup(self, conversation_id: Text, ticket_number: int) -> None:
        self.local.cleanup(conversation_id, ticket_number)
        try:
            self.shared.cleanup(conversation_id, ticket_number)
        except REDIS_TROUBLE as error:
            self._note(error)

    def get_lock(self, conversation_id: Text) -> Optional[TicketLock]:
        try:
            lock = self.shared.get_lock(conversation_id)
        except REDIS_TROUBLE as error:
            self._note(error)
            return self.local.get_lock(conversation_id)
        self._note(None)
        return lock

    def save_lock(self, lock: TicketLock) -> None:
        try:
            self.shared.save_lock(lock)
            self._note(None)
        except REDIS_TROUBLE as error:
            self._note(error)
            self.local.save_lock(lock)

    def delete_lock(self, conversation_id: Text) -> None:
        self.local.delete_lock(conversation_id)
        try:
            self.shared.delete_lock(conversation_id)
        except REDIS_TROUBLE as error:
            self._note(error)
