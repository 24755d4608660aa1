"""The channels' client for the back office: the SMS consent record (STOP / START)."""

from __future__ import annotations

import asyncio
import logging
from typing import Any, Dict, Optional

import httpx

from channels.twilio_settings import TwilioChannelSettings

logger = logging.getLogger(__name__)


class BackOfficeUnavailable(Exception):
    """The back office did not answer as the contract says (down, slow, refused)."""


class BackOfficeClient:
    """One pooled httpx client per event loop: SMS turns ask on every message, so connections are kept.

    A client belongs to the loop it was made in; a new loop (tests) gets its own.
    """

    def __init__(self, base_url: str, service_token: str, timeout_seconds: float) -> None:
        self.base_url = base_url.rstrip("/")
        self._token = service_token
        self.timeout_seconds = timeout_seconds
        self._http: Optional[httpx.AsyncClient] = None
        self._loop: Optional[asyncio.AbstractEventLoop] = None

    def _client(self) -> httpx.AsyncClient:
        loop = asyncio.get_running_loop()
        if self._http is None or self._loop is not loop:
            self._http = httpx.AsyncClient(
                base_url=self.base_url,
                headers={"Authorization": f"Bearer {self._token}"},
                timeout=httpx.Timeout(self.timeout_seconds),
            )
            self._loop = loop
        return self._http

    @classmethod
    def from_settings(cls, settings: TwilioChannelSettings) -> "BackOfficeClient":
        return cls(settings.backend_url, settings.backend_service_token, settings.backend_timeout_seconds)

    async def _post(self, path: str, body: Dict[str, Any]) -> Dict[str, Any]:
        try:
            # wait_for bounds the whole call; httpx's timeout is per phase.
            reply = await asyncio.wait_for(self._client().post(path, json=body), self.timeout_seconds)
        except (httpx.HTTPError, asyncio.TimeoutError) as exc:
            logger.warning("back office POST %s failed: %s", path, type(exc).__name__)
            raise BackOfficeUnavailable(type(exc).__name__) from exc
        if reply.status_code != 200:
            logger.error("back office POST %s answered %s", path, reply.status_code)
            raise BackOfficeUnavailable(f"answered {reply.status_code}")
        try:
            payload = reply.json()
        except ValueError as exc:
            raise BackOfficeUnavailable("invalid JSON") from exc
        if not isinstance(payload, dict) or not isinstance(payload.get("opted_out"), bool):
            raise BackOfficeUnavailable("unexpected body")
        return payload

    async def sms_opted_out(self, phone: str) -> bool:
        """True if the number texted STOP (and not START since)."""
        return (await self._post("/api/v1/sms-consents/lookup", {"phone": phone}))["opted_out"]

    async def record_sms_consent(self, phone: str, *, opted_out: bool, keyword: str) -> None:
        await self._post("/api/v1/sms-consents", {"phone": phone, "opted_out": opted_out, "keyword": keyword})
