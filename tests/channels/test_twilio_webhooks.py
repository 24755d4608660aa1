"""Where Twilio's signature is checked against: the public URL, behind proxies too (channels/twilio_webhooks.py)."""

import pytest
from twilio.request_validator import RequestValidator

from channels.twilio_webhooks import webhook_url

PATH, QUERY = "/webhooks/voice/webhook", "turn=2&misses=0"


def test_configured_public_url_wins_over_what_the_server_sees() -> None:
    url = webhook_url(
        path=PATH, query_string=QUERY, headers={"host": "127.0.0.1:5005", "x-forwarded-host": "evil.example"},
        server_scheme="http", configured_base="https://hotline.northbridge.example/",
    )  # fmt: skip
    assert url == "https://hotline.northbridge.example/webhooks/voice/webhook?turn=2&misses=0"


def test_behind_a_tls_terminator_the_forwarded_scheme_and_host_are_used() -> None:
    url = webhook_url(
        path=PATH, query_string="", headers={"host": "10.0.0.5:5005", "x-forwarded-proto": "https, http",
                                              "x-forwarded-host": "hotline.northbridge.example"},
        server_scheme="http", configured_base="",
    )  # fmt: skip
    assert url == "https://hotline.northbridge.example/webhooks/voice/webhook"


def test_without_proxy_headers_the_host_header_is_used() -> None:
    url = webhook_url(
        path=PATH, query_string="", headers={"host": "127.0.0.1:5005"}, server_scheme="http", configured_base=""
    )
    assert url == "http://127.0.0.1:5005/webhooks/voice/webhook"


@pytest.mark.parametrize(
    ("signed_for", "checked_against"),
    [
        ("https://hotline.example/webhooks/sms/webhook", "https://hotline.example:443/webhooks/sms/webhook"),
        ("https://hotline.example:443/webhooks/sms/webhook", "https://hotline.example/webhooks/sms/webhook"),
    ],
)
def test_default_ports_are_handled_as_twilio_signs(signed_for: str, checked_against: str) -> None:
    # Twilio signs some products' URLs with the default port and some without; the validator accepts both.
    validator = RequestValidator("token")
    params = {"Body": "hi", "From": "+447700900010"}
    assert validator.validate(checked_against, params, validator.compute_signature(signed_for, params))
