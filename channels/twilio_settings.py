"""Settings of the SMS and voice channels, read from the environment when a channel is built (never at import)."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Mapping, Optional

# Demo defaults, documented in the README: they let the local simulator and the
# tests sign webhooks without a Twilio account. Refused in production.
DEMO_ACCOUNT_SID = "AC00000000000000000000000000000000"
DEMO_AUTH_TOKEN = "northbridge-demo-twilio-auth-token"
DEMO_CONVERSATION_ID_SECRET = "northbridge-demo-conversation-id-secret"
TWILIO_CLOUD_API = "https://api.twilio.com"
PROJECT_ROOT = Path(__file__).resolve().parent.parent


class ChannelSettingsError(ValueError):
    """A setting is missing or unsafe; the Rasa server refuses to start the channel."""


@dataclass(frozen=True)
class TwilioChannelSettings:
    account_sid: str = DEMO_ACCOUNT_SID
    auth_token: str = DEMO_AUTH_TOKEN
    # The base URL Twilio calls (scheme, host, port, path prefix); empty: taken
    # from each request's Host / X-Forwarded-* headers.
    public_url: str = ""
    api_base_url: str = TWILIO_CLOUD_API
    sms_from: str = ""
    # Empty: duplicate suppression and the address book live in SQLite under var_dir.
    redis_url: str = ""
    redis_key_prefix: str = "hotline:channels:"
    var_dir: Path = PROJECT_ROOT / "var"
    conversation_id_secret: str = DEMO_CONVERSATION_ID_SECRET
    backend_url: str = "http://127.0.0.1:8000"
    backend_service_token: str = "dev-service-token"
    backend_timeout_seconds: float = 3.0
    environment: str = "development"

    @classmethod
    def from_environment(cls, env: Optional[Mapping[str, str]] = None) -> "TwilioChannelSettings":
        env = os.environ if env is None else env

        def value(name: str, default: str) -> str:
            return (env.get(name) or default).strip()

        settings = cls(
            account_sid=value("TWILIO_ACCOUNT_SID", DEMO_ACCOUNT_SID),
            auth_token=value("TWILIO_AUTH_TOKEN", DEMO_AUTH_TOKEN),
            public_url=value("HOTLINE_PUBLIC_URL", "").rstrip("/"),
            api_base_url=value("TWILIO_API_BASE_URL", TWILIO_CLOUD_API).rstrip("/"),
            sms_from=value("TWILIO_SMS_FROM", ""),
            redis_url=value("REDIS_URL", ""),
            redis_key_prefix=value("REDIS_KEY_PREFIX", "hotline:") + "channels:",
            var_dir=Path(value("HOTLINE_VAR", str(PROJECT_ROOT / "var"))),
            conversation_id_secret=value("CONVERSATION_ID_SECRET", DEMO_CONVERSATION_ID_SECRET),
            backend_url=value("BACKEND_URL", cls.backend_url).rstrip("/"),
            backend_service_token=value("BACKEND_SERVICE_TOKEN", cls.backend_service_token),
            backend_timeout_seconds=float(value("BACKEND_TIMEOUT_SECONDS", "3")),
            environment=value("ENVIRONMENT", "development"),
        )
        settings.check()
        return settings

    def check(self) -> None:
        if not 0 < self.backend_timeout_seconds <= 60:
            raise ChannelSettingsError("BACKEND_TIMEOUT_SECONDS must be between 0 and 60")
        if not self.public_url.startswith(("http://", "https://")) and self.public_url:
            raise ChannelSettingsError("HOTLINE_PUBLIC_URL must start with http:// or https://")
        if self.environment == "production":
            # Anyone who read the README could sign webhooks or link phone numbers to conversation ids.
            if self.auth_token == DEMO_AUTH_TOKEN:
                raise ChannelSettingsError("TWILIO_AUTH_TOKEN must be set when ENVIRONMENT=production")
            if self.conversation_id_secret == DEMO_CONVERSATION_ID_SECRET or len(self.conversation_id_secret) < 24:
                raise ChannelSettingsError(
                    "CONVERSATION_ID_SECRET must be a secret of at least 24 characters when ENVIRONMENT=production"
                )
            if not re.fullmatch(r"\+[1-9][0-9]{6,14}", self.sms_from):
                raise ChannelSettingsError("TWILIO_SMS_FROM must be the hotline's number (E.164) in production")
            if not self.public_url.startswith("https://"):
                raise ChannelSettingsError("HOTLINE_PUBLIC_URL must be the https:// URL Twilio calls in production")
