"""Live updates for open console screens: publish from any thread, fan out through Redis.

Every back-office process keeps the console streams of its own browsers. A
change made in one process (a claim, a citizen's message) must reach the
screens connected to every other process, so events go through one Redis
pub/sub channel that each process listens to. Without Redis (the embedded
default, or Redis down) an event still reaches this process's screens; other
processes' screens catch up at their next periodic refresh.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import threading
from collections.abc import AsyncIterator
from typing import Any

import redis
import redis.asyncio as aioredis

from app.core.config import settings

logger = logging.getLogger(__name__)

CHANNEL = "hotline:console-events"
# A screen that does not read its stream for this many events is dropped (it reconnects and reloads).
SUBSCRIBER_BACKLOG = 500
RECONNECT_SECONDS = 2.0


class LiveUpdates:
    def __init__(self, redis_url: str = "", channel: str = CHANNEL) -> None:
        self._redis_url = redis_url
        self._channel = channel
        self._subscribers: set[tuple[asyncio.AbstractEventLoop, asyncio.Queue[dict[str, Any] | None]]] = set()
        self._lock = threading.Lock()
        self._publisher: redis.Redis | None = None
        self._listener: asyncio.Task[None] | None = None
        self.listening = asyncio.Event()

    @property
    def uses_redis(self) -> bool:
        return bool(self._redis_url)

    def publish(self, event: dict[str, Any]) -> None:
        """Send `event` to every subscribed screen of every process; never raises."""
        if self.uses_redis:
            try:
                if self._publisher is None:
                    self._publisher = redis.Redis.from_url(self._redis_url, socket_timeout=1, socket_connect_timeout=1)
                self._publisher.publish(self._channel, json.dumps(event))
                if self.listening.is_set():
                    return  # our own listener delivers it here too
                # Redis is back but our listener is not yet: this process's screens get it directly.
                self._deliver_locally(event)
                return
            except redis.RedisError as error:
                logger.warning(
                    "live updates: Redis unavailable (%s); this process's screens only", type(error).__name__
                )
        self._deliver_locally(event)

    @contextlib.asynccontextmanager
    async def subscribe(self) -> AsyncIterator[asyncio.Queue[dict[str, Any] | None]]:
        """A queue of events for one screen; None in it means the screen fell behind and must reload."""
        queue: asyncio.Queue[dict[str, Any] | None] = asyncio.Queue(maxsize=SUBSCRIBER_BACKLOG)
        entry = (asyncio.get_running_loop(), queue)
        with self._lock:
            self._subscribers.add(entry)
        try:
            yield queue
        finally:
            with self._lock:
                self._subscribers.discard(entry)

    def _deliver_locally(self, event: dict[str, Any]) -> None:
        with self._lock:
            subscribers = list(self._subscribers)
        for loop, queue in subscribers:
            with contextlib.suppress(RuntimeError):  # that screen's loop has closed
                loop.call_soon_threadsafe(_offer, queue, event)

    async def start(self) -> None:
        """Start listening to other processes' events (a no-op without Redis)."""
        if self.uses_redis and self._listener is None:
            self._listener = asyncio.create_task(self._listen(), name="live-updates-listener")

    async def stop(self) -> None:
        if self._listener is not None:
            self._listener.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._listener
            self._listener = None
        if self._publisher is not None:
            self._publisher.close()
            self._publisher = None

    async def _listen(self) -> None:
        while True:
            client = aioredis.Redis.from_url(self._redis_url, socket_connect_timeout=1)
            try:
                async with client.pubsub() as pubsub:
                    await pubsub.subscribe(self._channel)
                    self.listening.set()
                    logger.info("live updates: listening on Redis")
                    async for message in pubsub.listen():
                        if message.get("type") == "message":
                            self._deliver_locally(json.loads(message["data"]))
            except asyncio.CancelledError:
                raise
            except (redis.RedisError, OSError) as error:
                self.listening.clear()
                logger.warning("live updates: Redis listener lost (%s); retrying", type(error).__name__)
            finally:
                await client.aclose()
            await asyncio.sleep(RECONNECT_SECONDS)


def _offer(queue: asyncio.Queue[dict[str, Any] | None], event: dict[str, Any]) -> None:
    try:
        queue.put_nowait(event)
    except asyncio.QueueFull:
        # Tell the screen to reload instead of silently missing events.
        with contextlib.suppress(asyncio.QueueEmpty):
            queue.get_nowait()
        queue.put_nowait(None)


_live_updates: LiveUpdates | None = None


def get_live_updates() -> LiveUpdates:
    """The process's one LiveUpdates, configured from settings on first use."""
    global _live_updates
    if _live_updates is None:
        _live_updates = LiveUpdates(settings.REDIS_URL)
    return _live_updates


def set_live_updates(live: LiveUpdates | None) -> None:
    """Replace the process's LiveUpdates (tests give each session its own Redis channel)."""
    global _live_updates
    _live_updates = live
