"""Rasa's conversation lock in Redis, and in this process while Redis is away (channels/lock_store.py)."""

import asyncio
import socket
import uuid
from concurrent.futures import ThreadPoolExecutor

import pytest
from rasa.core.lock_store import RedisLockStore
from rasa.utils.endpoints import EndpointConfig

from channels.lock_store import RedisOrLocalLockStore
from tests.channels.test_webhook_store import REDIS_URL, _redis_or_skip


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def store_for(port: int, prefix: str) -> RedisOrLocalLockStore:
    return RedisOrLocalLockStore(EndpointConfig(url="127.0.0.1", port=port, db=1, key_prefix=prefix))


async def two_turns_in_order(store: RedisOrLocalLockStore, conversation_id: str) -> list[str]:
    order: list[str] = []

    async def turn(name: str, delay: float) -> None:
        await asyncio.sleep(delay)
        async with store.lock(conversation_id, wait_time_in_seconds=0.05):
            order.append(f"{name} starts")
            await asyncio.sleep(0.2)
            order.append(f"{name} ends")

    await asyncio.gather(turn("first", 0), turn("second", 0.05))
    return order


@pytest.mark.asyncio
async def test_without_redis_turns_still_run_one_at_a_time() -> None:
    store = store_for(free_port(), "test")  # nothing listens there
    order = await asyncio.wait_for(two_turns_in_order(store, "c1"), 10)
    assert order == ["first starts", "first ends", "second starts", "second ends"]
    assert store.get_lock("c1") is None  # cleaned up


@pytest.mark.asyncio
async def test_with_redis_the_lock_is_shared() -> None:
    _redis_or_skip()
    prefix = "test" + uuid.uuid4().hex[:12]
    port = int(REDIS_URL.rsplit(":", 1)[1].split("/")[0])
    store, other_replica = store_for(port, prefix), store_for(port, prefix)
    ticket = store.issue_ticket("c2")
    shared_lock = other_replica.get_lock("c2")
    assert shared_lock is not None and shared_lock.is_locked(ticket + 1)
    store.cleanup("c2", ticket)
    assert other_replica.get_lock("c2") is None
    assert isinstance(store.shared, RedisLockStore)


def test_tickets_issued_at_once_by_two_replicas_are_all_different() -> None:
    # Rasa's own RedisLockStore reads, changes and writes the lock in three steps, so two
    # replicas issuing at the same moment can hand out the same ticket (two turns at once).
    _redis_or_skip()
    prefix = "test" + uuid.uuid4().hex[:12]
    port = int(REDIS_URL.rsplit(":", 1)[1].split("/")[0])
    replicas = [store_for(port, prefix), store_for(port, prefix)]
    issuers = 16

    def issue(n: int) -> int:
        return replicas[n % 2].issue_ticket("c3", 60)

    with ThreadPoolExecutor(max_workers=issuers) as pool:
        tickets = list(pool.map(issue, range(issuers * 4)))
    assert sorted(tickets) == list(range(issuers * 4))
    for ticket in tickets:
        replicas[ticket % 2].cleanup("c3", ticket)
    assert replicas[0].get_lock("c3") is None


@pytest.mark.asyncio
async def test_turns_over_two_replicas_run_one_at_a_time() -> None:
    _redis_or_skip()
    prefix = "test" + uuid.uuid4().hex[:12]
    port = int(REDIS_URL.rsplit(":", 1)[1].split("/")[0])
    replicas = [store_for(port, prefix), store_for(port, prefix)]
    running: list[int] = []
    overlaps: list[list[int]] = []

    async def turn(n: int) -> None:
        async with replicas[n % 2].lock("c4", wait_time_in_seconds=0.01):
            running.append(n)
            if len(running) > 1:
                overlaps.append(list(running))
            await asyncio.sleep(0.01)
            running.remove(n)

    await asyncio.wait_for(asyncio.gather(*(turn(n) for n in range(20))), 30)
    assert overlaps == []
    assert replicas[1].get_lock("c4") is None
