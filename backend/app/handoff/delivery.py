"""Reaching the citizen during and after a handoff, through the Rasa server's HTTP API.

An agent's reply is appended to the conversation as a bot event with
`execute_side_effects`, so Rasa records it in the transcript and sends it
through the output channel of the citizen's own channel (live web chat, an
outbound SMS). Handing back resumes the conversation and triggers an external
intent, so the assistant picks up knowing what the agent did.
"""

from __future__ import annotations

import logging
import threading
from typing import Any
from urllib.parse import quote

import httpx

from app.core.config import settings

logger = logging.getLogger(__name__)

# External intents the assistant's rules answer (bot/domain/handoff.yml).
HANDED_BACK_INTENT = "EXTERNAL_handed_back"
CLOSED_INTENT = "EXTERNAL_handoff_closed"
# The survey about a resolved service request (bot/domain/handoff.yml); the entity names the request.
REQUEST_RESOLVED_INTENT = "EXTERNAL_request_resolved"
# Rasa answers an appended event with the conversation's state, by default every event since the
# last restart, serialised on its event loop each time; nothing here reads them.
NO_EVENTS = "NONE"
RATED_REQUEST_ENTITY = "rated_request"


class DeliveryFailed(Exception):
    """The Rasa server did not take the event; nothing reached the citizen."""


class RasaDelivery:
    """One pooled HTTP client to the Rasa server, shared by the request threads."""

    def __init__(
        self, base_url: str, auth_token: str, timeout_seconds: float, transport: httpx.BaseTransport | None = None
    ) -> None:
        self._client = httpx.Client(base_url=base_url.rstrip("/"), timeout=timeout_seconds, transport=transport)
        self._params = {"token": auth_token} if auth_token else {}

    def close(self) -> None:
        self._client.close()

    def _post(self, path: str, body: Any, **params: str) -> httpx.Response:
        try:
            response = self._client.post(path, json=body, params={**self._params, **params})
        except httpx.HTTPError as error:
            logger.warning("rasa %s failed: %s", path.rsplit("/", 1)[-1], type(error).__name__)
            raise DeliveryFailed(type(error).__name__) from error
        if response.status_code >= 300:
            logger.warning("rasa %s answered %s", path.rsplit("/", 1)[-1], response.status_code)
            raise DeliveryFailed(f"Rasa answered {response.status_code}")
        return response

    def domain(self) -> dict[str, Any]:
        """The domain of the model the Rasa server runs (its intents, entities, slots...)."""
        try:
            response = self._client.get("/domain", params=self._params, headers={"Accept": "application/json"})
        except httpx.HTTPError as error:
            logger.warning("rasa domain failed: %s", type(error).__name__)
            raise DeliveryFailed(type(error).__name__) from error
        if response.status_code != 200:
            logger.warning("rasa domain answered %s", response.status_code)
            raise DeliveryFailed(f"Rasa answered {response.status_code}")
        return response.json()

    @staticmethod
    def _conversation(conversation_id: str) -> str:
        return f"/conversations/{quote(conversation_id, safe='')}"

    def send_to_citizen(
        self, conversation_id: str, text: str, *, author_name: str | None, custom: dict[str, Any] | None = None
    ) -> None:
        """Say `text` to the citizen on their channel, as the named agent (or the hotline when None)."""
        event: dict[str, Any] = {
            "event": "bot",
            "text": text,
            "metadata": {"sender": "agent" if author_name else "hotline", "author_name": author_name},
        }
        if custom is not None:
            event["data"] = {"custom": custom}
        self._post(
            self._conversation(conversation_id) + "/tracker/events",
            [event],
            execute_side_effects="true",
            output_channel="latest",
            include_events=NO_EVENTS,
        )

    def send_status(self, conversation_id: str, custom: dict[str, Any]) -> None:
        """A status the citizen's screen shows without a chat bubble (queue position, wait)."""
        self._post(
            self._conversation(conversation_id) + "/tracker/events",
            [{"event": "bot", "text": None, "data": {"custom": custom}, "metadata": {"sender": "hotline"}}],
            execute_side_effects="true",
            output_channel="latest",
            include_events=NO_EVENTS,
        )

    def resume_assistant(self, conversation_id: str, *, intent: str, entities: dict[str, str]) -> None:
        """Unpause the conversation and let the assistant speak next (hand-back or survey)."""
        # While paused Rasa predicts nothing, so the citizen's messages since are not followed by
        # action_listen; adding it makes the triggered intent the start of a fresh turn, which the
        # rules expect (otherwise the policies fall back and rewind it).
        self._post(
            self._conversation(conversation_id) + "/tracker/events",
            [{"event": "resume"}, {"event": "action", "name": "action_listen"}],
        )
        self._post(
            self._conversation(conversation_id) + "/trigger_intent",
            {"name": intent, "entities": entities},
            output_channel="latest",
        )

    def ask_for_rating(self, conversation_id: str, request_number: str, *, on_citizen_channel: bool) -> list[str]:
        """Start the assistant's survey about a resolved request; returns the texts it asked.

        On the citizen's channel (web chat: the open page, or the transcript on
        their next visit) or, when not, handed back here so the caller can text
        them itself; either way the citizen's answer goes to the assistant's form.
        """
        response = self._post(
            self._conversation(conversation_id) + "/trigger_intent",
            {"name": REQUEST_RESOLVED_INTENT, "entities": {RATED_REQUEST_ENTITY: request_number}},
            **({"output_channel": "latest"} if on_citizen_channel else {}),
        )
        try:
            messages = response.json().get("messages") or []
        except ValueError:
            messages = []
        return [m["text"] for m in messages if isinstance(m, dict) and isinstance(m.get("text"), str)]


_delivery: RasaDelivery | None = None
_delivery_lock = threading.Lock()


def get_delivery() -> RasaDelivery:
    """The process's Rasa client, built from settings on first use (tests may replace it)."""
    global _delivery
    with _delivery_lock:
        if _delivery is None:
            _delivery = RasaDelivery(settings.RASA_URL, settings.RASA_AUTH_TOKEN, settings.RASA_TIMEOUT_SECONDS)
        return _delivery


def set_delivery(delivery: RasaDelivery | None) -> None:
    global _delivery
    with _delivery_lock:
        _delivery = delivery
