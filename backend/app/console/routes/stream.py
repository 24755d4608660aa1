"""The console's live stream (Server-Sent Events): queue changes, messages and presence, as they happen."""

import asyncio
from collections.abc import AsyncIterable
from dataclasses import dataclass
from typing import Any

from fastapi import APIRouter, Request
from fastapi.sse import EventSourceResponse, ServerSentEvent

from app.console.access import StreamingStaffMember, Viewer, can_see_conversation
from app.live.updates import get_live_updates

router = APIRouter(tags=["console: live"])

# A comment line this often keeps proxies from closing a quiet stream.
KEEPALIVE_SECONDS = 15.0


def visible_to(user: Viewer, event: dict[str, Any]) -> bool:
    if event.get("type") == "handoff":
        return can_see_conversation(user, team_id=event.get("team_id"), agent_id=event.get("agent_id"))
    return event.get("type") == "presence"


@router.get(
    "/stream",
    summary="Live updates for the signed-in member's screens",
    description="`handoff` events (queued, claimed, message, note, transferred, handed_back, closed) for the "
    "conversations the member may see, and `presence` changes; `reload` when the screen fell behind.",
    response_class=EventSourceResponse,
)
async def stream(user: StreamingStaffMember, request: Request) -> AsyncIterable[ServerSentEvent]:
    viewer = _Viewer(id=user.id, role=user.role, team_ids=frozenset(user.team_ids))
    async with get_live_updates().subscribe() as queue:
        yield ServerSentEvent(event="ready", data={"username": user.username})
        while not await request.is_disconnected():
            try:
                event = await asyncio.wait_for(queue.get(), KEEPALIVE_SECONDS)
            except TimeoutError:
                yield ServerSentEvent(comment="keep-alive")
                continue
            if event is None:
                yield ServerSentEvent(event="reload", data={})
            elif visible_to(viewer, event):
                yield ServerSentEvent(event=event["type"], data=event)


@dataclass(frozen=True)
class _Viewer:
    """The few attributes visibility needs, copied so the stream outlives the request's database session."""

    id: int
    role: str
    team_ids: frozenset[int]
