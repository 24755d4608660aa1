"""The web chat channel: serves the chat page and carries its messages to and from the assistant."""

import logging
import re
from pathlib import Path
from typing import Any, Awaitable, Callable, Dict, List, Optional, Text

from rasa.core.channels.channel import CollectingOutputChannel, InputChannel, UserMessage
from rasa.shared.core.events import BotUttered, UserUttered
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from channels.citizen_text import RejectedText, clean_citizen_text

logger = logging.getLogger(__name__)

PAGE_DIR = Path(__file__).parent / "webchat_page"
PAGE_FILES = {"webchat.js": "text/javascript", "webchat.css": "text/css"}

# The page makes a random UUID per browser; anyone holding it can read the
# transcript, so ids that could be guessed are refused.
SENDER_ID = re.compile(r"^[A-Za-z0-9_-]{16,64}$")
MAX_BODY_BYTES = 16 * 1024
MAX_DISPLAY_CHARS = 200


def _error(status: int, message: str) -> HTTPResponse:
    return response.json({"error": message}, status=status)


def transcript_from_events(events: List[Any]) -> List[Dict[Text, Any]]:
    """Turn tracker events into what the page shows: who said what, with buttons."""
    transcript: List[Dict[Text, Any]] = []
    for event in events:
        if isinstance(event, UserUttered) and event.text:
            metadata = event.metadata or {}
            shown = metadata.get("display_text") or event.text
            transcript.append({"sender": "citizen", "text": shown, "timestamp": event.timestamp})
        elif isinstance(event, BotUttered) and (event.text or event.data.get("buttons")):
            transcript.append(
                {
                    "sender": "assistant",
                    "text": event.text or "",
                    "buttons": event.data.get("buttons") or [],
                    "timestamp": event.timestamp,
                }
            )
    return transcript


class WebChatInput(InputChannel):
    """Web chat for citizens: `GET /webhooks/webchat/` is the page, `POST .../webhook` a turn."""

    @classmethod
    def name(cls) -> Text:
        return "webchat"

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
            try:
                await on_new_message(
                    UserMessage(text, collector, sender_id, input_channel=self.name(), metadata=metadata)
                )
            except Exception:
                # The text is the citizen's and may hold personal data: log the failure only.
                logger.exception("webchat turn failed")
                return _error(503, "The assistant could not answer just now. Please try again.")
            return response.json(collector.messages)

        @webchat.route("/history", methods=["GET"])
        async def history(request: Request) -> HTTPResponse:
            sender_id = request.args.get("sender", "")
            if not SENDER_ID.match(sender_id):
                return _error(400, "A valid conversation id is required.")
            tracker = await request.app.ctx.agent.tracker_store.retrieve(sender_id)
            events = list(tracker.events) if tracker else []
            return response.json({"sender": sender_id, "messages": transcript_from_events(events)})

        return webchat


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
