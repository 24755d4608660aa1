"""The Rasa server's /metrics: every channel's turns counted and timed, on a real Sanic server."""

from __future__ import annotations

import asyncio
import socket
from typing import AsyncIterator

import httpx
import pytest
import pytest_asyncio
from prometheus_client.parser import text_string_to_metric_families
from rasa.core.channels.channel import register
from sanic import Blueprint, Sanic, response

from channels.health import HealthInput
from channels.metrics import turn_channel


def test_only_citizens_messages_are_turns() -> None:
    assert turn_channel("POST", "/webhooks/rest/webhook") == "rest"
    assert turn_channel("POST", "/webhooks/sms/webhook") == "sms"
    assert turn_channel("POST", "/webhooks/voice/webhook") == "voice"
    assert turn_channel("POST", "/webhooks/webchat/webhook") == "webchat"
    assert turn_channel("GET", "/webhooks/rest/webhook") is None
    assert turn_channel("POST", "/webhooks/voice/wait") is None
    # An unknown path never becomes a label value.
    assert turn_channel("POST", "/webhooks/someone@example.org/webhook") is None
    assert turn_channel("POST", "/conversations/abc/tracker/events") is None


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest_asyncio.fixture
async def server() -> AsyncIterator[str]:
    """A Sanic app with the health channel and a REST-like channel that answers, or refuses an empty message."""
    app = Sanic(f"metrics_test_{free_port()}")
    # As the Rasa server registers its channels (rasa.core.run: route /webhooks/).
    register([HealthInput()], app, route="/webhooks/")
    rest = Blueprint("rest_like", url_prefix="/webhooks/rest")

    @rest.route("/webhook", methods=["POST"])
    async def turn(request):  # type: ignore[no-untyped-def]
        if not request.json.get("message"):
            return response.json({"error": "A message is required."}, status=400)
        await asyncio.sleep(0.02)
        return response.json([{"text": "Hi"}])

    app.blueprint(rest)
    port = free_port()
    served = await app.create_server(host="127.0.0.1", port=port, return_asyncio_server=True)
    await served.startup()
    await served.before_start()
    await served.after_start()
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        await served.before_stop()
        await served.close()
        await served.after_stop()


def samples(text: str) -> dict[tuple[str, tuple], float]:
    return {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
    }


@pytest.mark.asyncio
async def test_turns_are_counted_by_channel_and_outcome_and_timed(server: str) -> None:
    async with httpx.AsyncClient(base_url=server) as client:
        before = samples((await client.get("/metrics")).text)
        for body in ({"sender": "c-1", "message": "hi"}, {"sender": "c-1", "message": "hi"}, {"sender": "c-2"}):
            await client.post("/webhooks/rest/webhook", json=body)
        await client.get("/health")
        scraped = await client.get("/metrics")
    assert scraped.headers["content-type"].startswith("text/plain")
    after = samples(scraped.text)

    def gained(name: str, **labels: str) -> float:
        key = (name, tuple(sorted(labels.items())))
        return after.get(key, 0) - before.get(key, 0)

    assert gained("hotline_turns_total", channel="rest", outcome="answered") == 2
    assert gained("hotline_turns_total", channel="rest", outcome="refused") == 1
    assert gained("hotline_turn_seconds_count", channel="rest") == 3
    # The two answered turns took at least 20 ms each; none is counted under 10 ms.
    assert gained("hotline_turn_seconds_bucket", channel="rest", le="0.01") == 1
    assert gained("hotline_turn_seconds_sum", channel="rest") >= 0.04
    assert "c-1" not in scraped.text and "c-2" not in scraped.text
