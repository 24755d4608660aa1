"""Tests of live updates: one process alone, two processes through the real Redis, Redis down."""

import asyncio
import os
import uuid

import pytest
import redis

from app.live.updates import LiveUpdates

pytestmark = pytest.mark.asyncio

REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/0")


@pytest.fixture
def redis_url() -> str:
    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1).ping()
    except redis.RedisError as error:
        message = f"Redis at {REDIS_URL} is unreachable ({type(error).__name__})"
        if os.environ.get("CI") == "true":
            pytest.fail(message + "; required because CI=true", pytrace=False)
        pytest.skip(message + "; Redis tests skipped")
    return REDIS_URL


async def _next(queue: asyncio.Queue, timeout: float = 3.0):  # type: ignore[no-untyped-def]
    return await asyncio.wait_for(queue.get(), timeout)


async def test_without_redis_events_reach_this_processs_screens() -> None:
    live = LiveUpdates("")
    async with live.subscribe() as screen:
        live.publish({"type": "handoff", "kind": "queued"})
        assert await _next(screen) == {"type": "handoff", "kind": "queued"}


async def test_events_published_from_another_thread_arrive() -> None:
    live = LiveUpdates("")
    async with live.subscribe() as screen:
        await asyncio.to_thread(live.publish, {"type": "presence", "username": "alice"})
        assert (await _next(screen))["username"] == "alice"


async def test_two_processes_share_events_through_redis(redis_url: str) -> None:
    channel = f"test-console-{uuid.uuid4().hex}"
    first, second = LiveUpdates(redis_url, channel), LiveUpdates(redis_url, channel)
    await first.start()
    await second.start()
    try:
        await asyncio.wait_for(asyncio.gather(first.listening.wait(), second.listening.wait()), 5)
        async with first.subscribe() as on_first, second.subscribe() as on_second:
            await asyncio.to_thread(first.publish, {"type": "handoff", "kind": "message", "reference": "HO-000001"})
            assert (await _next(on_first))["reference"] == "HO-000001"
            assert (await _next(on_second))["reference"] == "HO-000001"  # published by the other process
            assert on_first.empty() and on_second.empty()  # each exactly once
    finally:
        await first.stop()
        await second.stop()


async def test_redis_down_still_reaches_this_processs_screens() -> None:
    live = LiveUpdates("redis://127.0.0.1:1/0")  # nothing listens there
    await live.start()
    try:
        async with live.subscribe() as screen:
            await asyncio.to_thread(live.publish, {"type": "handoff", "kind": "claimed"})
            assert (await _next(screen))["kind"] == "claimed"
    finally:
        await live.stop()


async def test_a_screen_that_falls_behind_is_told_to_reload(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("app.live.updates.SUBSCRIBER_BACKLOG", 3)
    live = LiveUpdates("")
    async with live.subscribe() as screen:
        for number in range(10):
            live.publish({"type": "handoff", "n": number})
        await asyncio.sleep(0.05)
        drained = [screen.get_nowait() for _ in range(screen.qsize())]
    assert drained[-1] is None


async def test_redis_reachable_but_not_yet_listened_to_still_reaches_this_processs_screens(redis_url: str) -> None:
    # As when Redis has just come back: publishing works again before the listener has resubscribed.
    live = LiveUpdates(redis_url, f"test-console-{uuid.uuid4().hex}")  # never started: not listening
    async with live.subscribe() as screen:
        await asyncio.to_thread(live.publish, {"type": "presence", "username": "bilal"})
        assert (await _next(screen))["username"] == "bilal"
        assert screen.empty()
    await live.stop()
