"""Prometheus metrics of the Rasa server: citizens' turns and how long each took, per channel.

Served at `GET /metrics` by the health channel (channels/health.py). Labels are
the channel and the outcome only, from fixed lists: never a conversation id, a
phone number or anything a citizen wrote. With several Sanic workers per
server, set PROMETHEUS_MULTIPROC_DIR to an empty directory (one per server)
so that /metrics adds up every worker's figures.
"""

from __future__ import annotations

import os
import re
import time
from typing import Optional

from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Counter, Histogram, generate_latest, multiprocess
from sanic import Sanic
from sanic.request import Request
from sanic.response import HTTPResponse

# The webhooks where a citizen's message becomes an assistant turn.
_TURN_PATH = re.compile(r"^/webhooks/(rest|webchat|sms|voice)/webhook/?$")
# From a typed answer (~20 ms) to a turn that waits on a slow back office (3 s timeout).
_LATENCY_BUCKETS = (0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)

TURNS = Counter("hotline_turns", "Citizens' messages taken by the assistant", ["channel", "outcome"])
TURN_SECONDS = Histogram(
    "hotline_turn_seconds",
    "Time from a citizen's message arriving to the assistant's answer, per channel",
    ["channel"],
    buckets=_LATENCY_BUCKETS,
)


def turn_channel(method: str, path: str) -> Optional[str]:
    """The channel whose turn this request is, or None for any other request."""
    match = _TURN_PATH.match(path) if method == "POST" else None
    return match.group(1) if match else None


async def _start_clock(request: Request) -> None:
    if turn_channel(request.method, request.path):
        request.ctx.turn_started = time.perf_counter()


async def _record_turn(request: Request, response: HTTPResponse) -> None:
    channel = turn_channel(request.method, request.path)
    started = getattr(request.ctx, "turn_started", None)
    if channel is None or started is None:
        return
    TURNS.labels(channel=channel, outcome="answered" if response.status < 400 else "refused").inc()
    TURN_SECONDS.labels(channel=channel).observe(time.perf_counter() - started)


def install(app: Sanic) -> None:
    """Time every turn of every channel of this server (once per app)."""
    if getattr(app.ctx, "hotline_metrics_installed", False):
        return
    app.register_middleware(_start_clock, "request")
    app.register_middleware(_record_turn, "response")
    app.ctx.hotline_metrics_installed = True


def exposition() -> tuple[bytes, str]:
    """The metrics in Prometheus' text format: this process's, or every worker's in multiprocess mode."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
        return generate_latest(registry), CONTENT_TYPE_LATEST
    return generate_latest(), CONTENT_TYPE_LATEST
