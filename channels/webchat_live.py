"""Messages that reach an open web chat page outside its own turns: agent replies, queue status, the survey.

They come from the back office through Rasa's HTTP API, on whichever Rasa
replica the request lands, while the citizen's page streams from another one.
So every replica publishes to Redis and listens there (one pattern
subscription per process); without Redis (the embedded default) publishing
reaches the pages of this process, which is all there is.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import os
from typing import Any, AsyncIterator, Dict, Optional, Set

import redis
import redis.asyncio as aioredis

logger = logging.getLogger(__name__)

PAGE_BACKLOG = 100  # messages kept for a page that reads slowly; beyond that it reloads
RECONNECT_SECONDS = 2.0


class WebChatLive:
    def __init__(self, redis_url: str = "", prefix: str = "hotline:webchat:") -> None:
        self._redis_url = redis_url
        self._prefix = prefix
        self._pages: Dict[str, Set[asyncio.Queue]] = {}
        self._publisher: Optional[aioredis.Redis] = None
        self._listener: Optional[asyncio.Task] = None
        self.listening = asyncio.Event()

    @classmethod
    def from_environment(cls) -> "WebChatLive":
        return cls(os.environ.get("REDIS_URL", ""), os.environ.get("REDIS_KEY_PREFIX", "hotline:") + "webchat:")

    async def publish(self, conversation_id: str, message: Dict[str, Any]) -> None:
        """Deliver `message` to every page open on the conversation, on any replica."""
        if self._redis_url:
            self._ensure_listener()
            try:
                if self._publisher is None:
                    self._publisher = aioredis.Redis.from_url(
                        self._redis_url, socket_connect_timeout=1, socket_timeout=1
                    )
                await self._publisher.publish(self._prefix + conversation_id, json.dumps(message))
                return  # our own listener delivers it to this replica's pages
            except (redis.RedisError, OSError) as error:
                logger.warning("web chat live: Redis unavailable (%s); this replica's pages only", type(error).__name__)
        self._deliver(conversation_id, message)

    @contextlib.asynccontextmanager
    async def subscribe(self, conversation_id: str) -> AsyncIterator[asyncio.Queue]:
        """A queue of messages for one open page; None in it means the page missed some and must reload."""
        self._ensure_listener()
        queue: asyncio.Queue = asyncio.Queue(maxsize=PAGE_BACKLOG)
        self._pages.setdefault(conversation_id, set()).add(queue)
        try:
            yield queue
        finally:
            pages = self._pages.get(conversation_id, set())
            pages.discard(queue)
            if not pages:
                self._pages.pop(conversation_id, None)

    def _deliver(self, conversation_id: str, message: Dict[str, Any]) -> None:
        for queue in list(self._pages.get(conversation_id, ())):
            try:
                queue.put_nowait(message)
            except asyncio.QueueFull:
                with contextlib.suppress(asyncio.QueueEmpty):
                    queue.get_nowait()
                queue.put_nowait(None)

    def _ensure_listener(self) -> None:
        if self._redis_url and self._listener is None:
            self._listener = asyncio.get_running_loop().create_task(self._listen())

    async def _listen(self) -> None:
        while True:
            client = aioredis.Redis.from_url(self._redis_url, socket_connect_timeout=1)
            try:
                async with client.pubsub() as pubsub:
                    await pubsub.psubscribe(self._prefix + "*")
                    self.listening.set()
                    async for item in pubsub.listen():
                        if item.get("type") == "pmessage":
                            channel = (
                                item["channel"].decode() if isinstance(item["channel"], bytes) else item["channel"]
                            )
                            self._deliver(channel[len(self._prefix) :], json.loads(item["data"]))
            except asyncio.CancelledError:
                raise
            except (redis.RedisError, OSError) as error:
                self.listening.clear()
                logger.warning("web chat live: Redis listener lost (%s); retrying", type(error).__name__)
            finally:
                await client.close()
            await asyncio.sleep(RECONNECT_SECONDS)

    async def close(self) -> None:
        if self._listener is not None:
            self._listener.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._listener
            self._listener = None
        if self._publisher is not None:
            await self._publisher.close()
            self._publisher = None
