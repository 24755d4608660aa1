"""Outbound text messages through the real twilio client library, its HTTP layer pointed at TWILIO_API_BASE_URL."""

from __future__ import annotations

import logging
from typing import Any

from twilio.http.async_http_client import AsyncTwilioHttpClient
from twilio.rest import Client

from channels.twilio_settings import TWILIO_CLOUD_API, TwilioChannelSettings

# twilio's HTTP client logs every request at INFO; it stays quiet so that
# nothing about a citizen's message can reach the logs through it.
_quiet_logger = logging.getLogger("channels.twilio_rest.http")
_quiet_logger.setLevel(logging.WARNING)

SEND_TIMEOUT_SECONDS = 10.0


class RedirectedHttpClient(AsyncTwilioHttpClient):
    """The library's own async HTTP client, sending to `base_url` instead of Twilio's cloud (a stand-in in tests)."""

    def __init__(self, base_url: str) -> None:
        # No pooled session: a session is bound to one event loop, and this client outlives loops in tests.
        super().__init__(pool_connections=False, timeout=SEND_TIMEOUT_SECONDS, logger=_quiet_logger)
        self.base_url = base_url.rstrip("/")

    async def request(self, method: str, url: str, *args: Any, **kwargs: Any) -> Any:
        if url.startswith(TWILIO_CLOUD_API):
            url = self.base_url + url[len(TWILIO_CLOUD_API) :]
        return await super().request(method, url, *args, **kwargs)


class TwilioMessages:
    """Sends one SMS per call to `send`; the sender is the hotline's number (TWILIO_SMS_FROM)."""

    def __init__(self, settings: TwilioChannelSettings) -> None:
        self.sender = settings.sms_from
        self._client = Client(
            settings.account_sid, settings.auth_token, http_client=RedirectedHttpClient(settings.api_base_url)
        )

    async def send(self, to: str, body: str) -> str:
        """Returns the message's SID; raises twilio's TwilioRestException when Twilio refuses it."""
        message = await self._client.messages.create_async(to=to, from_=self.sender, body=body)
        return message.sid
