"""The web chat channel: serves the chat page and carries its messages to and from the assistant.

A turn is a JSON POST answered with the assistant's replies. What arrives
outside a turn (an agent's reply, the queue status, the survey after a
handoff) comes from the back office through Rasa's HTTP API and reaches the
page over a Server-Sent Events stream (channels/webchat_live.py).
"""

import asyncio
import json
import logging
import re
from pathlib import Path
from typing import Any, Awaitable, Callable, Dict, List, Optional, Text

from rasa.core.channels.channel import CollectingOutputChannel, InputChannel, OutputChannel, UserMessage
from rasa.shared.core.events import BotUttered, UserUttered
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from channels.back_office import BackOfficeClient, BackOfficeUnavailable
from channels.citizen_text import RejectedText, clean_citizen_text
from channels.handoff_relay import Relay, take_turn
from channels.webchat_live import WebChatLive

logger = logging.getLogger(__name__)

PAGE_DIR = Path(__file__).parent / "webchat_page"
PAGE_FILES = {"webchat.js": "text/javascript", "webchat.css": "text/css"}

# The page makes a random UUID per browser; anyone holding it can read the
# transcript, so ids that could be guessed are refused.
SENDER_ID = re.compile(r"^[A-Za-z0-9_-]{16,64}$")
MAX_BODY_BYTES = 16 * 1024
MAX_DISPLAY_CHARS = 200
# A comment line this often keeps proxies from closing a quiet stream.
KEEPALIVE_SECONDS = 15.0

RELAY_FAILED_REPLY = "Sorry, your message didn't reach our staff. Please send it again in a moment."
RESUMED_REPLY = "You're back with the automated assistant. Please send your message again."


def _error(status: int, message: str) -> HTTPResponse:
    return response.json({"error": message}, status=status)


def _bot_sender(metadata: Dict[Text, Any]) -> Dict[Text, Any]:
    """Who a bot event speaks for: the assistant, a named agent, or the hotline itself."""
    sender = metadata.get("sender")
    if sender == "agent":
        return {"sender": "agent", "author_name": str(metadata.get("author_name") or "")[:120]}
    return {"sender": "hotline" if sender == "hotline" else "assistant"}


def transcript_from_events(events: List[Any]) -> List[Dict[Text, Any]]:
    """Turn tracker events into what the page shows: who said what, with buttons."""
    transcript: List[Dict[Text, Any]] = []
    for event in events:
        if (
            isinstance(event, UserUttered)
            and event.text
            and not (event.intent or {}).get("name", "").startswith("EXTERNAL_")
        ):
            metadata = event.metadata or {}
            shown = metadata.get("display_text") or event.text
            transcript.append({"sender": "citizen", "text": shown, "timestamp": event.timestamp})
        elif isinstance(event, BotUttered) and (event.text or event.data.get("buttons")):
            transcript.append(
                {
                    **_bot_sender(event.metadata or {}),
                    "text": event.text or "",
                    "buttons": event.data.get("buttons") or [],
                    "timestamp": event.timestamp,
                }
            )
    return transcript


def handoff_status(events: List[Any]) -> Optional[Dict[Text, Any]]:
    """The latest queue status while the conversation is handed off, for a page that reloads."""
    paused, status = False, None
    for event in events:
        if event.type_name == "pause":
            paused = True
        elif event.type_name in ("resume", "restart", "session_started"):
            paused, status = False, None
        elif isinstance(event, BotUttered) and isinstance((event.data.get("custom") or {}).get("handoff"), dict):
            status = event.data["custom"]["handoff"]
    return status if paused else None


class WebChatLiveOutput(OutputChannel):
    """Sends what the back office says to the citizen (through Rasa's HTTP API) to their open pages."""

    def __init__(self, live: WebChatLive) -> None:
        self.live = live

    @classmethod
    def name(cls) -> Text:
        return "webchat"

    async def send_response(self, recipient_id: Text, message: Dict[Text, Any]) -> None:
        shown = {
            **_bot_sender(message),
            "text": message.get("text") or "",
            "buttons": message.get("buttons") or [],
        }
        if message.get("custom"):
            shown["custom"] = message["custom"]
        if shown["text"] or shown["buttons"] or "custom" in shown:
            await self.live.publish(recipient_id, shown)


class WebChatInput(InputChannel):
    """Web chat for citizens: `GET /webhooks/webchat/` is the page, `POST .../webhook` a turn."""

    def __init__(self, live: Optional[WebChatLive] = None, back_office: Optional[BackOfficeClient] = None) -> None:
        self.live = live or WebChatLive.from_environment()
        self.back_office = back_office or BackOfficeClient.from_environment()

    @classmethod
    def name(cls) -> Text:
        return "webchat"

    @classmethod
    def from_credentials(cls, credentials: Optional[Dict[Text, Any]]) -> InputChannel:
        # Settings come from the environment (REDIS_URL, BACKEND_URL...), never from credentials.yml.
        return cls()

    def get_output_channel(self) -> Optional[OutputChannel]:
        return WebChatLiveOutput(self.live)

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        webchat = Blueprint("webchat", __name__)

        @webchat.route("/", methods=["GET"])
        async def page(request: Request) -> HTTPResponse:
            return await response.file(PAGE_DIR / "index.html", mime_type="text/html")

        @webchat.route("/static/<name>", methods=["GET"])
        async def static(request: Request, name: str) -> HTTPResponse:
            if name not in PAGE_FILES:
                return _error(404, "Not found.")
            return await response.file(PAGE_DIR / name, mime_type=PAGE_FILES[name])

        @webchat.route("/health", methods=["GET"])
        async def health(request: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @webchat.route("/webhook", methods=["POST"])
        async def receive(request: Request) -> HTTPResponse:
            parsed = _parse_turn(request)
            if isinstance(parsed, HTTPResponse):
                return parsed
            sender_id, text, metadata = parsed
            collector = CollectingOutputChannel()
            message = UserMessage(text, collector, sender_id, input_channel=self.name(), metadata=metadata)
            shown = (metadata or {}).get("display_text") or text
            try:
                relay = await take_turn(
                    request.app.ctx.agent,
                    self.back_office,
                    message,
                    shown,
                    lambda: on_new_message(message),
                    lambda: collector.messages,
                )
            except Exception:
                # The text is the citizen's and may hold personal data: log the failure only.
                logger.exception("webchat turn failed")
                return _error(503, "The assistant could not answer just now. Please try again.")
            if relay is Relay.FAILED:
                return response.json([{"sender": "hotline", "text": RELAY_FAILED_REPLY}])
            if relay is Relay.RESUMED:
                return response.json([{"sender": "hotline", "text": RESUMED_REPLY}])
            return response.json(collector.messages)

        @webchat.route("/history", methods=["GET"])
        async def history(request: Request) -> HTTPResponse:
            sender_id = request.args.get("sender", "")
            if not SENDER_ID.match(sender_id):
                return _error(400, "A valid conversation id is required.")
            tracker = await request.app.ctx.agent.tracker_store.retrieve(sender_id)
            events = list(tracker.events) if tracker else []
            return response.json(
                {"sender": sender_id, "messages": transcript_from_events(events), "handoff": handoff_status(events)}
            )

        @webchat.route("/updates", methods=["GET"])
        async def updates(request: Request) -> HTTPResponse:
            # What changed on the citizen's requests since their last visit ("Updates on your requests").
            sender_id = request.args.get("sender", "")
            if not SENDER_ID.match(sender_id):
                return _error(400, "A valid conversation id is required.")
            try:
                found = await self.back_office.collect_citizen_updates(sender_id)
            except BackOfficeUnavailable:
                return _error(503, "Updates cannot be fetched just now.")
            return response.json({"updates": [_shown_update(update) for update in found]})

        @webchat.route("/stream", methods=["GET"])
        async def stream(request: Request) -> Optional[HTTPResponse]:
            sender_id = request.args.get("sender", "")
            if not SENDER_ID.match(sender_id):
                return _error(400, "A valid conversation id is required.")
            stream = await request.respond(
                content_type="text/event-stream", headers={"Cache-Control": "no-store", "X-Accel-Buffering": "no"}
            )
            async with self.live.subscribe(sender_id) as queue:
                await stream.send("event: ready\ndata: {}\n\n")
                while True:
                    try:
                        message = await asyncio.wait_for(queue.get(), KEEPALIVE_SECONDS)
                    except asyncio.TimeoutError:
                        await stream.send(": keep-alive\n\n")
                        continue
                    if message is None:
                        await stream.send("event: reload\ndata: {}\n\n")
                    else:
                        await stream.send(f"data: {json.dumps(message)}\n\n")
            return None

        return webchat


def _shown_update(update: Dict[str, Any]) -> Dict[str, str]:
    """The fields the page shows, as text (it inserts them with textContent)."""
    return {
        key: str(update.get(key) or "")[:600] for key in ("reference", "subject", "status_text", "text", "occurred_at")
    }


def _parse_turn(request: Request) -> "tuple[str, str, Optional[Dict[str, Any]]] | HTTPResponse":
    """Validate one turn from the page; a clear 4xx for anything the assistant should not see."""
    if len(request.body or b"") > MAX_BODY_BYTES:
        return _error(413, "The message is too large.")
    try:
        body = request.json
    except Exception:
        return _error(400, "The request body must be JSON.")
    if not isinstance(body, dict):
        return _error(400, "The request body must be a JSON object.")
    sender_id = body.get("sender")
    if not isinstance(sender_id, str) or not SENDER_ID.match(sender_id):
        return _error(400, "A valid conversation id is required.")
    try:
        text = clean_citizen_text(body.get("message"))
    except RejectedText as rejected:
        return _error(400, str(rejected))
    metadata = None
    display_text = body.get("display_text")
    if isinstance(display_text, str):
        try:
            metadata = {"display_text": clean_citizen_text(display_text, max_chars=MAX_DISPLAY_CHARS)}
        except RejectedText:
            metadata = None
    return sender_id, text, metadata
