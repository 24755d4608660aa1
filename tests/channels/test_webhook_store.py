"""The duplicate-webhook guard and short-lived values, on SQLite and on the real Redis (channels/webhook_store.py)."""

import asyncio
import multiprocessing
import os
import uuid
from pathlib import Path
from typing import Any, AsyncIterator, List

import pytest
import pytest_asyncio
import redis

from channels.webhook_store import RedisOrLocalWebhookStore, RedisWebhookStore, SqliteWebhookStore, WebhookStore

REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/0")


def _redis_or_skip() -> None:
    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2).ping()
    except redis.RedisError as error:
        message = f"Redis at {REDIS_URL} is unreachable ({type(error).__name__})"
        if os.environ.get("CI") == "true":
            pytest.fail(f"{message}; required because CI=true", pytrace=False)
        pytest.skip(f"{message}; Redis tests skipped")


@pytest_asyncio.fixture(params=["sqlite", "redis", "redis-or-local"])
async def store(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[WebhookStore]:
    if request.param == "sqlite":
        yield SqliteWebhookStore(tmp_path / "channels.db")
        return
    _redis_or_skip()
    # A prefix of its own: other engineers' test runs share this Redis.
    prefix = f"test-{uuid.uuid4().hex}:"
    opened: WebhookStore = RedisWebhookStore(REDIS_URL, prefix)
    if request.param == "redis-or-local":
        opened = RedisOrLocalWebhookStore(opened, SqliteWebhookStore(tmp_path / "channels.db"))
    yield opened
    client = redis.Redis.from_url(REDIS_URL)
    for key in client.scan_iter(f"{prefix}*"):
        client.delete(key)
    await opened.close()


@pytest.mark.asyncio
async def test_first_claim_wins_until_released(store: WebhookStore) -> None:
    assert await store.claim("sms:SM1", 60) is True
    assert await store.claim("sms:SM1", 60) is False
    assert await store.claim("sms:SM2", 60) is True
    await store.release("sms:SM1")
    assert await store.claim("sms:SM1", 60) is True


@pytest.mark.asyncio
async def test_claims_expire(store: WebhookStore) -> None:
    assert await store.claim("k", 1) is True
    await asyncio.sleep(1.3)
    assert await store.claim("k", 60) is True


@pytest.mark.asyncio
async def test_values(store: WebhookStore) -> None:
    assert await store.get("phone:x") is None
    await store.put("phone:x", "+447700900010", 60)
    assert await store.get("phone:x") == "+447700900010"
    await store.put("phone:x", "+447700900011", 60)
    assert await store.get("phone:x") == "+447700900011"
    await store.put("short", "v", 1)
    await asyncio.sleep(1.3)
    assert await store.get("short") is None


@pytest.mark.asyncio
async def test_simultaneous_claims_have_exactly_one_winner(store: WebhookStore) -> None:
    for attempt in range(5):
        results = await asyncio.gather(*[store.claim(f"same-moment-{attempt}", 60) for _ in range(20)])
        assert sorted(results) == [False] * 19 + [True]


def _claim_in_process(path: str, key: str, start: Any, out: Any) -> None:
    store = SqliteWebhookStore(Path(path))
    start.wait()
    out.put(asyncio.run(store.claim(key, 60)))


def test_sqlite_claim_is_atomic_across_processes(tmp_path: Path) -> None:
    # Two Rasa processes on one machine share the embedded store: one file, one winner.
    path = tmp_path / "channels.db"
    SqliteWebhookStore(path)
    context = multiprocessing.get_context("spawn")
    start = context.Barrier(4)
    out = context.Queue()
    processes = [
        context.Process(target=_claim_in_process, args=(str(path), "sms:SMshared", start, out)) for _ in range(4)
    ]
    for process in processes:
        process.start()
    results: List[bool] = [out.get(timeout=60) for _ in processes]
    for process in processes:
        process.join(30)
    assert sorted(results) == [False, False, False, True]


def _open_in_process(path: str, start, out) -> None:  # type: ignore[no-untyped-def]
    start.wait()
    try:
        SqliteWebhookStore(Path(path))
        out.put("opened")
    except Exception as error:  # noqa: BLE001 - reported to the test
        out.put(repr(error))


def test_processes_opening_a_new_store_at_once_all_open_it(tmp_path: Path) -> None:
    # Rasa replicas starting together each open the embedded store and switch it to WAL.
    context = multiprocessing.get_context("spawn")
    for round_ in range(10):
        path = tmp_path / f"channels-{round_}.db"
        start, out = context.Barrier(6), context.Queue()
        processes = [context.Process(target=_open_in_process, args=(str(path), start, out)) for _ in range(6)]
        for process in processes:
            process.start()
        results = [out.get(timeout=60) for _ in processes]
        for process in processes:
            process.join(30)
        assert results == ["opened"] * 6


def _unreachable_redis_url() -> str:
    import socket

    with socket.socket() as sock:  # a free port: nothing listens there
        sock.bind(("127.0.0.1", 0))
        return f"redis://127.0.0.1:{sock.getsockname()[1]}/0"


@pytest.mark.asyncio
async def test_without_redis_the_machines_store_guards_and_remembers(tmp_path: Path) -> None:
    store = RedisOrLocalWebhookStore(
        RedisWebhookStore(_unreachable_redis_url(), "test:"), SqliteWebhookStore(tmp_path / "channels.db")
    )
    assert await store.claim("sms:SM1", 60) is True
    assert await store.claim("sms:SM1", 60) is False
    await store.put("phone:c1", "+447700900999", 60)
    assert await store.get("phone:c1") == "+447700900999"
    await store.release("sms:SM1")
    assert await store.claim("sms:SM1", 60) is True
    await store.close()


@pytest.mark.asyncio
async def test_a_webhook_claimed_while_redis_was_away_is_not_taken_again_when_it_is_back(tmp_path: Path) -> None:
    _redis_or_skip()
    local = SqliteWebhookStore(tmp_path / "channels.db")
    prefix = f"test-{uuid.uuid4().hex}:"
    away = RedisOrLocalWebhookStore(RedisWebhookStore(_unreachable_redis_url(), prefix), local)
    assert await away.claim("sms:SM9", 60) is True
    await away.put("phone:c9", "+447700900998", 60)
    back = RedisOrLocalWebhookStore(RedisWebhookStore(REDIS_URL, prefix), local)
    try:
        assert await back.claim("sms:SM9", 60) is False  # Twilio's retry after Redis returned
        assert await back.get("phone:c9") == "+447700900998"  # written while Redis was away
        assert await back.claim("sms:SM10", 60) is True
        assert await back.claim("sms:SM10", 60) is False
    finally:
        client = redis.Redis.from_url(REDIS_URL)
        for key in client.scan_iter(f"{prefix}*"):
            client.delete(key)
        await back.close()
