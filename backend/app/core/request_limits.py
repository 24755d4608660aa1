"""Bodies larger than any legitimate request are refused before they are read (413).

Every field has its own length limit (schemas.py), but those apply only after
the whole body has been read and parsed; a client sending megabytes would
hold memory and a worker meanwhile. The largest legitimate body is a handoff
packet (500 transcript messages of at most 4,000 characters, escaped as JSON).
"""

from __future__ import annotations

import json
from typing import Any, Awaitable, Callable

MAX_BODY_BYTES = 4 * 1024 * 1024

Scope = dict[str, Any]
Message = dict[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]


class BodyTooLarge(Exception):
    pass


async def _refuse(send: Send, limit: int) -> None:
    body = json.dumps({"detail": f"The request body is larger than {limit // 1024} KiB."}).encode()
    await send(
        {
            "type": "http.response.start",
            "status": 413,
            "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())],
        }
    )
    await send({"type": "http.response.body", "body": body})


class BodySizeLimit:
    """ASGI middleware: 413 for a declared Content-Length over the limit, or for a streamed body that grows past it."""

    def __init__(self, app: Callable[..., Awaitable[None]], max_bytes: int = MAX_BODY_BYTES) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = dict(scope.get("headers") or []).get(b"content-length")
        if declared is not None and (not declared.isdigit() or int(declared) > self.max_bytes):
            await _refuse(send, self.max_bytes)
            return
        received = 0
        refused = False

        async def counted_receive() -> Message:
            nonlocal received, refused
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_bytes and not refused:
                    # Answered here: the framework would turn the error below into its own 400.
                    refused = True
                    await _refuse(send, self.max_bytes)
                    raise BodyTooLarge()
            return message

        async def guarded_send(message: Message) -> None:
            if not refused:  # the 413 is the answer; whatever the app makes of the error is dropped
                await send(message)

        try:
            await self.app(scope, counted_receive, guarded_send)
        except BodyTooLarge:
            pass
