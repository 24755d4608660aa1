"""Channel settings from the environment, and what production refuses (channels/twilio_settings.py)."""

import pytest

from channels.twilio_settings import DEMO_AUTH_TOKEN, ChannelSettingsError, TwilioChannelSettings

PRODUCTION = {
    "ENVIRONMENT": "production",
    "TWILIO_AUTH_TOKEN": "a-real-token-from-the-twilio-console",
    "CONVERSATION_ID_SECRET": "s" * 32,
    "HOTLINE_PUBLIC_URL": "https://hotline.northbridge.example/",
    "TWILIO_SMS_FROM": "+447700900000",
}


def test_demo_defaults_outside_production() -> None:
    settings = TwilioChannelSettings.from_environment({})
    assert settings.auth_token == DEMO_AUTH_TOKEN
    assert settings.api_base_url == "https://api.twilio.com"
    assert settings.redis_url == ""


def test_production_settings_are_taken() -> None:
    settings = TwilioChannelSettings.from_environment(PRODUCTION)
    assert settings.public_url == "https://hotline.northbridge.example"


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("TWILIO_AUTH_TOKEN", ""),  # falls back to the demo token
        ("CONVERSATION_ID_SECRET", "short"),
        ("HOTLINE_PUBLIC_URL", "http://hotline.northbridge.example"),
        ("HOTLINE_PUBLIC_URL", ""),
        ("TWILIO_SMS_FROM", ""),
    ],
)
def test_production_refuses_demo_or_unsafe_values(name: str, value: str) -> None:
    with pytest.raises(ChannelSettingsError):
        TwilioChannelSettings.from_environment({**PRODUCTION, name: value})


@pytest.mark.parametrize("timeout", ["0", "120"])
def test_backend_timeout_must_be_sensible(timeout: str) -> None:
    with pytest.raises(ChannelSettingsError):
        TwilioChannelSettings.from_environment({"BACKEND_TIMEOUT_SECONDS": timeout})
