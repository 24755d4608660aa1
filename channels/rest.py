"""Rasa's REST channel (`POST /webhooks/rest/webhook`), kept for any HTTP client, with the hotline's rules.

Same URL and JSON as Rasa's own channel, plus what every citizen channel of
the hotline does: text cleaned and bad input refused with a clear 4xx, no
message text in the logs (Rasa's logs it when a turn fails), and messages of a
handed-off conversation relayed to the agent.
"""

import re
from typing import Any, Awaitable, Callable, Dict, Optional, Text

from rasa.core.channels.channel import CollectingOutputChannel, InputChannel, UserMessage
from rasa.core.channels.rest import RestInput as RasaRestInput
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from channels.back_office import BackOfficeClient
from channels.citizen_text import RejectedText, clean_citizen_text
from channels.handoff_relay import Relay, take_turn

MAX_BODY_BYTES = 16 * 1024
# It names the conversation in Rasa's tracker store and in its HTTP API's paths: no control or
# invisible characters, no slashes or spaces.
SENDER_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._:@+=-]{0,127}$")
# What only a channel that checked it may put in a message's metadata (the SMS and voice
# channels, from Twilio's signed webhook); from an HTTP client it is just a claim.
VOUCHED_METADATA = frozenset({"phone"})
RELAY_FAILED_REPLY = "Sorry, your message didn't reach our staff. Please send it again in a moment."
RESUMED_REPLY = "You're back with the automated assistant. Please send your message again."


def _client_metadata(metadata: Any) -> Optional[Dict[str, Any]]:
    if not isinstance(metadata, dict):
        return None
    return {key: value for key, value in metadata.items() if key not in VOUCHED_METADATA} or None


def _error(status: int, message: str) -> HTTPResponse:
    return response.json({"error": message}, status=status)


class RestInput(RasaRestInput):
    def __init__(self, back_office: Optional[BackOfficeClient] = None) -> None:
        self.back_office = back_office or BackOfficeClient.from_environment()

    @classmethod
    def from_credentials(cls, credentials: Optional[Dict[Text, Any]]) -> InputChannel:
        return cls()

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        rest = Blueprint("hotline_rest", __name__)

        @rest.route("/", methods=["GET"])
        async def health(request: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @rest.route("/webhook", methods=["POST"])
        async def receive(request: Request) -> HTTPResponse:
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
                return _error(
                    400,
                    "A conversation id ('sender': 1 to 128 letters, digits and . _ : @ + = -) is required.",
                )
            try:
                text = clean_citizen_text(body.get("message"))
            except RejectedText as rejected:
                return _error(400, str(rejected))
            metadata = _client_metadata(body.get("metadata"))
            collector = CollectingOutputChannel()
            message = UserMessage(text, collector, sender_id, input_channel="rest", metadata=metadata)
            try:
                relay = await take_turn(
                    request.app.ctx.agent,
                    self.back_office,
                    message,
                    text,
                    lambda: on_new_message(message),
                    lambda: collector.messages,
                )
            except Exception:
                # Rasa's own channel logs the text here; it may hold personal data.
                return _error(503, "The assistant could not answer just now. Please try again.")
            if relay is Relay.FAILED:
                return response.json([{"recipient_id": sender_id, "text": RELAY_FAILED_REPLY}])
            if relay is Relay.RESUMED:
                return response.json([{"recipient_id": sender_id, "text": RESUMED_REPLY}])
            return response.json(collector.messages)

        return rest
