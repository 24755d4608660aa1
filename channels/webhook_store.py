"""Small shared state of the Twilio channels: atomic claims on webhook ids, and short-lived values.

Claims make repeated webhooks (Twilio retries, two copies at the same moment)
produce one assistant turn: whoever inserts the key first wins, in one atomic
step of the store, never check-then-set. Values hold the address book (which
phone a conversation id texts back to) and voice replies for repeated turns.

Two stores with one interface: Redis (`SET NX EX`) when REDIS_URL is set, so
that every Rasa replica shares it; otherwise a SQLite file under HOTLINE_VAR,
which is atomic across the processes of one machine.

When Redis is down or does not answer within a second, the channels keep
answering: the Redis store falls back to the SQLite file for as long as Redis
is away (a duplicate guard for this machine only, until Redis is back).
"""

from __future__ import annotations

import asyncio
import logging
import sqlite3
import time
from pathlib import Path
from typing import Optional, Protocol

import redis
import redis.asyncio as redis_asyncio

from channels.twilio_settings import TwilioChannelSettings

logger = logging.getLogger(__name__)


class WebhookStore(Protocol):
    async def claim(self, key: str, ttl_seconds: int) -> bool:
        """True for exactly one caller per key until the key expires or is released."""

    async def release(self, key: str) -> None:
        """Give a claim back, so that Twilio's retry of a failed turn is processed."""

    async def put(self, key: str, value: str, ttl_seconds: int) -> None: ...

    async def get(self, key: str) -> Optional[str]: ...

    async def close(self) -> None: ...


class RedisWebhookStore:
    def __init__(self, url: str, key_prefix: str) -> None:
        # Bounded waits: a hung Redis must not hold a citizen's turn (Twilio gives up after 15 s).
        self._redis = redis_asyncio.Redis.from_url(
            url, decode_responses=True, socket_timeout=1, socket_connect_timeout=1
        )
        self._prefix = key_prefix

    async def claim(self, key: str, ttl_seconds: int) -> bool:
        return bool(await self._redis.set(self._prefix + "claim:" + key, "1", nx=True, ex=ttl_seconds))

    async def release(self, key: str) -> None:
        await self._redis.delete(self._prefix + "claim:" + key)

    async def put(self, key: str, value: str, ttl_seconds: int) -> None:
        await self._redis.set(self._prefix + "value:" + key, value, ex=ttl_seconds)

    async def get(self, key: str) -> Optional[str]:
        return await self._redis.get(self._prefix + "value:" + key)

    async def close(self) -> None:
        await self._redis.close()


def _switch_to_wal(connection: sqlite3.Connection, attempts: int = 50) -> None:
    # Two processes opening the file at once (Rasa replicas starting together) can both ask for the
    # journal change; SQLite then answers one "database is locked" at once, without waiting.
    for attempt in range(attempts):
        try:
            connection.execute("PRAGMA journal_mode=WAL")
            return
        except sqlite3.OperationalError as error:
            if "locked" not in str(error) or attempt == attempts - 1:
                raise
            time.sleep(0.1)


class SqliteWebhookStore:
    """One table with a unique key; SQLite's write lock makes each statement atomic across processes."""

    _PRUNE_EVERY = 500  # writes between deletions of expired rows

    def __init__(self, path: Path) -> None:
        self.path = path
        path.parent.mkdir(parents=True, exist_ok=True)
        with self._connect() as connection:
            # WAL: readers never wait for the writer; a claim is one short write.
            _switch_to_wal(connection)
            connection.execute(
                "CREATE TABLE IF NOT EXISTS webhook_entry ("
                " key TEXT PRIMARY KEY, value TEXT NOT NULL, expires_at REAL NOT NULL)"
            )
        self._writes = 0

    def _connect(self) -> sqlite3.Connection:
        # isolation_level=None: each statement commits on its own; timeout waits for the write lock.
        connection = sqlite3.connect(self.path, timeout=10, isolation_level=None)
        # In WAL mode NORMAL loses nothing when a process dies, only on power loss: a webhook then seen
        # twice at worst. FULL would add a disk flush to every webhook.
        connection.execute("PRAGMA synchronous=NORMAL")
        return connection

    def _run(self, sql: str, parameters: tuple) -> sqlite3.Cursor:
        connection = self._connect()
        try:
            return connection.execute(sql, parameters)
        finally:
            connection.close()

    def _claim(self, key: str, ttl_seconds: int) -> bool:
        now = time.time()
        connection = self._connect()
        try:
            # Inserts, or takes over an expired claim, in one statement: never check-then-set.
            cursor = connection.execute(
                "INSERT INTO webhook_entry (key, value, expires_at) VALUES (?, '1', ?) "
                "ON CONFLICT(key) DO UPDATE SET value = excluded.value, expires_at = excluded.expires_at "
                "WHERE webhook_entry.expires_at < ?",
                ("claim:" + key, now + ttl_seconds, now),
            )
            claimed = cursor.rowcount == 1
            self._writes += 1
            if self._writes % self._PRUNE_EVERY == 0:
                connection.execute("DELETE FROM webhook_entry WHERE expires_at < ?", (now,))
            return claimed
        finally:
            connection.close()

    async def claim(self, key: str, ttl_seconds: int) -> bool:
        return await asyncio.to_thread(self._claim, key, ttl_seconds)

    async def release(self, key: str) -> None:
        await asyncio.to_thread(self._run, "DELETE FROM webhook_entry WHERE key = ?", ("claim:" + key,))

    async def put(self, key: str, value: str, ttl_seconds: int) -> None:
        expires_at = time.time() + ttl_seconds
        # Re-putting the same value (the address book, on every text) writes only once a day.
        await asyncio.to_thread(
            self._run,
            "INSERT INTO webhook_entry (key, value, expires_at) VALUES (?, ?, ?) "
            "ON CONFLICT(key) DO UPDATE SET value = excluded.value, expires_at = excluded.expires_at "
            "WHERE webhook_entry.value != excluded.value OR webhook_entry.expires_at < excluded.expires_at - ?",
            ("value:" + key, value, expires_at, min(86400, ttl_seconds / 2)),
        )

    def _get(self, key: str) -> Optional[str]:
        connection = self._connect()
        try:
            row = connection.execute(
                "SELECT value FROM webhook_entry WHERE key = ? AND expires_at >= ?", ("value:" + key, time.time())
            ).fetchone()
        finally:
            connection.close()
        return row[0] if row else None

    async def get(self, key: str) -> Optional[str]:
        return await asyncio.to_thread(self._get, key)

    async def close(self) -> None:
        return None


class RedisOrLocalWebhookStore:
    """Redis while it answers; the machine's SQLite store while it does not, so that texts and calls go on."""

    def __init__(self, shared: RedisWebhookStore, local: SqliteWebhookStore) -> None:
        self.shared = shared
        self.local = local
        self._redis_down = False

    def _note(self, error: Optional[BaseException]) -> None:
        # One line per change of state, not one per webhook.
        if error is not None and not self._redis_down:
            logger.warning("webhook store: Redis unavailable (%s); using this machine's store", type(error).__name__)
        elif error is None and self._redis_down:
            logger.warning("webhook store: Redis is back")
        self._redis_down = error is not None

    async def claim(self, key: str, ttl_seconds: int) -> bool:
        try:
            claimed = await self.shared.claim(key, ttl_seconds)
        except (redis.RedisError, OSError) as error:
            self._note(error)
            return await self.local.claim(key, ttl_seconds)
        self._note(None)
        # Claimed here too: a webhook first seen while Redis was away is not taken again once it is back.
        return claimed and await self.local.claim(key, ttl_seconds)

    async def release(self, key: str) -> None:
        try:
            await self.shared.release(key)
        except (redis.RedisError, OSError) as error:
            self._note(error)
        await self.local.release(key)

    async def put(self, key: str, value: str, ttl_seconds: int) -> None:
        try:
            await self.shared.put(key, value, ttl_seconds)
            self._note(None)
            return
        except (redis.RedisError, OSError) as error:
            self._note(error)
        await self.local.put(key, value, ttl_seconds)

    async def get(self, key: str) -> Optional[str]:
        try:
            value = await self.shared.get(key)
            self._note(None)
        except (redis.RedisError, OSError) as error:
            self._note(error)
            value = None
        # Written while Redis was away: only this machine has it.
        return value if value is not None else await self.local.get(key)

    async def close(self) -> None:
        await self.shared.close()


def webhook_store_from_settings(settings: TwilioChannelSettings) -> WebhookStore:
    local = SqliteWebhookStore(settings.var_dir / "channels.db")
    if settings.redis_url:
        return RedisOrLocalWebhookStore(RedisWebhookStore(settings.redis_url, settings.redis_key_prefix), local)
    return local
