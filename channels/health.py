"""`GET /health` and `GET /metrics` on the Rasa server, like every other process of the hotline has, and its safeguards.

Rasa has no health route of its own outside its token-protected HTTP API, so
this input channel carries one; it receives no messages. Building it (the
Rasa server does, from bot/credentials.yml, before any turn) also installs
channels/action_server_guard.py, channels/action_response_check.py and the
redaction of every log record (redaction/logs.py), so the server's logs carry
no citizen's personal data.
"""

from typing import Any, Awaitable, Callable, Text

from rasa.core.channels.channel import InputChannel, UserMessage
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from channels import action_response_check, action_server_guard, metrics
from redaction import install_log_redaction


class HealthInput(InputChannel):
    """Answers 200 once a model is loaded and the server can take turns, 503 before."""

    def __init__(self) -> None:
        action_server_guard.install()
        action_response_check.install()
        install_log_redaction()

    @classmethod
    def name(cls) -> Text:
        return "health"

    def url_prefix(self) -> Text:
        return "/"

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        health = Blueprint("hotline_health", __name__)

        @health.route("/health", methods=["GET"])
        async def report(request: Request) -> HTTPResponse:
            agent = getattr(request.app.ctx, "agent", None)
            if agent is None or not agent.is_ready():
                return response.json({"status": "starting", "model": None}, status=503)
            return response.json({"status": "ok", "model": agent.model_id})

        @health.listener("before_server_start")
        async def time_turns(app: Any, _loop: Any) -> None:
            metrics.install(app)

        @health.route("/metrics", methods=["GET"])
        async def scrape(request: Request) -> HTTPResponse:
            body, content_type = metrics.exposition()
            return response.raw(body, content_type=content_type)

        return health
