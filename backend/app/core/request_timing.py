"""Slow requests in the log: method, route template, status and milliseconds, nothing a citizen sent.

A handoff message crosses several back-office calls (the relay, the console's
reply, the live stream); when one of them is slow the log must say which
route it was without quoting the path, whose conversation ids and references
identify citizens. The route's template (`/conversations/{conversation_id}/...`)
says enough. Time is measured to the start of the response: for a JSON route
that is the whole handler, for a live stream the time to open it.
"""

from __future__ import annotations

import logging
import time
from typing import Any, Awaitable, Callable

logger = logging.getLogger("app.slow_requests")

Scope = dict[str, Any]
Message = dict[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]


def route_template(scope: Scope) -> str:
    """The matched route's path template, or a placeholder when no route matched (never the raw path)."""
    # FastAPI keeps the route as declared in its router (without the prefix it was included
    # with) in scope["route"], and the route as served, prefix included, in its own scope.
    served = scope.get("fastapi", {}).get("effective_route_context") if isinstance(scope.get("fastapi"), dict) else None
    route = served or scope.get("route")
    path = getattr(route, "path_format", None) or getattr(route, "path", None)
    return path if isinstance(path, str) else "(no route)"


class SlowRequestLog:
    """ASGI middleware: one WARNING line per request whose response started after `threshold_ms`."""

    def __init__(self, app: Callable[..., Awaitable[None]], threshold_ms: float) -> None:
        self.app = app
        self.threshold_ms = threshold_ms

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or self.threshold_ms <= 0:
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        logged = False

        def log_if_slow(outcome: str) -> None:
            nonlocal logged
            if logged:
                return
            logged = True
            elapsed_ms = (time.perf_counter() - started) * 1000
            if elapsed_ms >= self.threshold_ms:
                logger.warning(
                    "slow request: %s %s %s after %.0f ms",
                    scope.get("method"),
                    route_template(scope),
                    outcome,
                    elapsed_ms,
                )

        async def timed_send(message: Message) -> None:
            if message["type"] == "http.response.start":
                log_if_slow(f"answered {message.get('status')}")
            await send(message)

        try:
            await self.app(scope, receive, timed_send)
        finally:
            log_if_slow("failed")  # an exception before any response: still say how long it took
