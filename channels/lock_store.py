"""Rasa's per-conversation lock in Redis, falling back to this process's memory while Redis is away.

With several Rasa replicas the lock must be shared (Redis), so that one
conversation's messages are processed in order. Rasa's own RedisLockStore
fails every turn while Redis is down; this one keeps the hotline answering,
with the lock held in this process only until Redis answers again (messages
of one conversation reaching two replicas at the same moment are then not
ordered between them, the same as with one replica and no Redis).

bot/endpoints.production.yml names it as the lock store, with Redis's
settings (url, port, db, password, key_prefix) as for Rasa's `type: redis`.
"""

from __future__ import annotations

import logging
from typing import Any, Optional, Text

import redis
from rasa.core.lock import TicketLock
from rasa.core.lock_store import InMemoryLockStore, LockStore, RedisLockStore
from rasa.utils.endpoints import EndpointConfig

logger = logging.getLogger(__name__)

SOCKET_TIMEOUT_SECONDS = 1  # a hung Redis must not hold every turn for long


class RedisOrLocalLockStore(LockStore):
    def __init__(
        self, endpoint_config: Optional[EndpointConfig] = None, shared: Optional[LockStore] = None, **_: Any
    ) -> None:
        if shared is None:
            assert endpoint_config is not None, "the lock store needs Redis's settings (bot/endpoints*.yml)"
            settings = endpoint_config.kwargs
            shared = RedisLockStore(
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

    def get_lock(self, conversation_id: Text) -> Optional[TicketLock]:
        try:
            lock = self.shared.get_lock(conversation_id)
        except (redis.RedisError, OSError) as error:
            self._note(error)
            return self.local.get_lock(conversation_id)
        self._note(None)
        return lock

    def save_lock(self, lock: TicketLock) -> None:
        try:
            self.shared.save_lock(lock)
            self._note(None)
        except (redis.RedisError, OSError) as error:
            self._note(error)
            self.local.save_lock(lock)

    def delete_lock(self, conversation_id: Text) -> None:
        self.local.delete_lock(conversation_id)
        try:
            self.shared.delete_lock(conversation_id)
        except (redis.RedisError, OSError) as error:
            self._note(error)
