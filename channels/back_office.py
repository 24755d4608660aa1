"""The Rasa server's client for the back office: relayed messages, SMS consent, conversation facts, review, updates."""

from __future__ import annotations

import asyncio
import logging
import os
from typing import Any, Dict, List, Optional
from urllib.parse import quote

import httpx

logger = logging.getLogger(__name__)


class BackOfficeUnavailable(Exception):
    """The back office did not answer as the contract says (down, slow, refused)."""


class FactsRefused(Exception):
    """The back office refused a batch of conversation facts as malformed; sending it again would not help."""


class BackOfficeClient:
    """One pooled httpx client per event loop: SMS turns ask on every message, so connections are kept.

    A client belongs to the loop it was made in; a new loop (tests) gets its own.
    """

    def __init__(
        self,
        base_url: str,
        service_token: str,
        timeout_seconds: float,
        transport: Optional[httpx.AsyncBaseTransport] = None,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self._token = service_token
        self.timeout_seconds = timeout_seconds
        self._transport = transport  # tests only: a stand-in for the network
        self._http: Optional[httpx.AsyncClient] = None
        self._loop: Optional[asyncio.AbstractEventLoop] = None

    @classmethod
    def from_environment(cls) -> "BackOfficeClient":
        return cls(
            os.environ.get("BACKEND_URL", "http://127.0.0.1:8000"),
            os.environ.get("BACKEND_SERVICE_TOKEN", "dev-service-token"),
            float(os.environ.get("BACKEND_TIMEOUT_SECONDS", "3")),
        )

    @classmethod
    def from_settings(cls, settings: Any) -> "BackOfficeClient":
        """From the Twilio channels' settings (channels.twilio_settings.TwilioChannelSettings)."""
        return cls(settings.backend_url, settings.backend_service_token, settings.backend_timeout_seconds)

    def _client(self) -> httpx.AsyncClient:
        loop = asyncio.get_running_loop()
        if self._http is None or self._loop is not loop:
            self._http = httpx.AsyncClient(
                base_url=self.base_url,
                headers={"Authorization": f"Bearer {self._token}"},
                timeout=httpx.Timeout(self.timeout_seconds),
                # An idle connection is dropped here before the back office drops it (uvicorn closes
                # one after 5 s, httpx's default is also 5 s): reusing a connection the server is
                # closing fails the POST with ReadError, seen as a lost relay at 20 handoffs at once.
                limits=httpx.Limits(keepalive_expiry=2.0),
                transport=self._transport,
            )
            self._loop = loop
        return self._http

    async def _post(self, path: str, body: Dict[str, Any]) -> httpx.Response:
        try:
            # wait_for bounds the whole call; httpx's timeout is per phase.
            return await asyncio.wait_for(self._client().post(path, json=body), self.timeout_seconds)
        except (httpx.HTTPError, asyncio.TimeoutError) as exc:
            logger.warning("back office POST failed: %s", type(exc).__name__)
            raise BackOfficeUnavailable(type(exc).__name__) from exc

    async def relay_citizen_message(
        self,
        conversation_id: str,
        *,
        text: str,
        sent_at: Optional[str],
        intent: Optional[str],
        intent_confidence: Optional[float],
    ) -> bool:
        """Pass a message to the agent; False when the conversation has no open handoff any more."""
        reply = await self._post(
            f"/api/v1/conversations/{quote(conversation_id, safe='')}/citizen-messages",
            {"text": text, "sent_at": sent_at, "intent": intent, "intent_confidence": intent_confidence},
        )
        if reply.status_code == 404:
            return False
        if reply.status_code != 202:
            logger.error("back office refused a relayed message: %s", reply.status_code)
            raise BackOfficeUnavailable(f"answered {reply.status_code}")
        return True

    async def _consent(self, path: str, body: Dict[str, Any]) -> bool:
        reply = await self._post(path, body)
        if reply.status_code != 200:
            logger.error("back office POST %s answered %s", path, reply.status_code)
            raise BackOfficeUnavailable(f"answered {reply.status_code}")
        try:
            opted_out = reply.json().get("opted_out")
        except (ValueError, AttributeError) as exc:
            raise BackOfficeUnavailable("unexpected body") from exc
        if not isinstance(opted_out, bool):
            raise BackOfficeUnavailable("unexpected body")
        return opted_out

    async def sms_opted_out(self, phone: str) -> bool:
        """True if the number texted STOP (and not START since)."""
        return await self._consent("/api/v1/sms-consents/lookup", {"phone": phone})

    async def record_sms_consent(self, phone: str, *, opted_out: bool, keyword: str) -> None:
        await self._consent("/api/v1/sms-consents", {"phone": phone, "opted_out": opted_out, "keyword": keyword})

    async def record_conversation_facts(self, facts: List[Dict[str, Any]]) -> None:
        """Send a batch of conversation facts (channels/conversation_facts.py); FactsRefused when malformed."""
        reply = await self._post("/api/v1/conversation-facts", {"facts": facts})
        if reply.status_code == 422:
            raise FactsRefused(f"answered {reply.status_code}")
        if reply.status_code != 202:
            logger.warning("back office did not take conversation facts: %s", reply.status_code)
            raise BackOfficeUnavailable(f"answered {reply.status_code}")

    async def record_review_messages(self, messages: List[Dict[str, Any]]) -> None:
        """Send messages for trainers to review (channels/review_messages.py); FactsRefused when malformed."""
        reply = await self._post("/api/v1/review-messages", {"messages": messages})
        if reply.status_code == 422:
            raise FactsRefused(f"answered {reply.status_code}")
        if reply.status_code != 202:
            logger.warning("back office did not take review messages: %s", reply.status_code)
            raise BackOfficeUnavailable(f"answered {reply.status_code}")

    async def collect_citizen_updates(self, conversation_id: str) -> List[Dict[str, Any]]:
        """The updates waiting for this web chat conversation (each handed over once)."""
        reply = await self._post(f"/api/v1/conversations/{quote(conversation_id, safe='')}/citizen-updates/collect", {})
        if reply.status_code != 200:
            logger.warning("back office did not hand over citizen updates: %s", reply.status_code)
            raise BackOfficeUnavailable(f"answered {reply.status_code}")
        updates = reply.json().get("updates")
        return [update for update in updates if isinstance(update, dict)] if isinstance(updates, list) else []
