"""Text messages to citizens through the twilio client library (pointed at TWILIO_API_BASE_URL).

Each failure is sorted by what it means for the next try: nothing was sent
and trying later may work (Twilio or the network away); Twilio refused the
number for good; the number has opted out with Twilio (STOP); or the request
may have reached Twilio without an answer, where trying again could text the
citizen twice, so it is not tried again.
"""

from __future__ import annotations

import logging
from typing import Any

import phonenumbers
import requests
import urllib3
from twilio.base.exceptions import TwilioRestException
from twilio.http.http_client import TwilioHttpClient
from twilio.rest import Client

from app.core.config import settings
from app.phones import normalise_phone

TWILIO_CLOUD_API = "https://api.twilio.com"
SEND_TIMEOUT_SECONDS = 10.0

# Twilio error codes: https://www.twilio.com/docs/api/errors
UNSUBSCRIBED_RECIPIENT = 21610
PERMANENT_ERRORS = frozenset({21211, 21214, 21217, 21407, 21408, 21612, 21614})

# twilio logs each request (with the message body) at INFO: keep it to warnings.
_quiet = logging.getLogger("app.notifications.sms.http")
_quiet.setLevel(logging.WARNING)


class SmsError(Exception):
    """The text was not (known to be) sent; `code` is safe to store and log (no number, no text)."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


class SmsTryLater(SmsError):
    """Nothing was sent; the same text may be tried again."""


class SmsRefused(SmsError):
    """Twilio will never deliver to this number."""


class SmsOptedOut(SmsRefused):
    """The number has opted out of our texts with Twilio (it replied STOP)."""


class SmsOutcomeUnknown(SmsError):
    """The request may have reached Twilio: not tried again, so that nobody gets a text twice."""


def to_e164(phone: str | None) -> str | None:
    """The number in E.164 (+447700900123), or None when it cannot be a mobile number (texts need one)."""
    normalised = normalise_phone(phone, default_region=settings.PHONE_DEFAULT_REGION)
    if normalised is None:
        return None
    # "Possible", not "valid": the numbers Ofcom keeps for drama and tests (07700 900xxx) must pass.
    if not phonenumbers.is_possible_number_for_type(
        phonenumbers.parse(normalised), phonenumbers.PhoneNumberType.MOBILE
    ):
        return None
    return normalised


class _RedirectedHttpClient(TwilioHttpClient):
    """twilio's own HTTP client, sending to `base_url` instead of Twilio's cloud when asked to."""

    def __init__(self, base_url: str) -> None:
        # No retries inside the library: a retry after a lost answer could send the text twice.
        super().__init__(timeout=SEND_TIMEOUT_SECONDS, logger=_quiet, max_retries=None)
        self.base_url = base_url.rstrip("/")

    def request(self, method: str, url: str, *args: Any, **kwargs: Any) -> Any:
        if url.startswith(TWILIO_CLOUD_API):
            url = self.base_url + url[len(TWILIO_CLOUD_API) :]
        return super().request(method, url, *args, **kwargs)


class SmsSender:
    """Sends one text per call from the hotline's number."""

    def __init__(self, account_sid: str, auth_token: str, sms_from: str, api_base_url: str = TWILIO_CLOUD_API) -> None:
        self.sms_from = sms_from
        self._client = Client(account_sid, auth_token, http_client=_RedirectedHttpClient(api_base_url))

    def send(self, to: str, body: str) -> str:
        """Returns Twilio's message SID."""
        try:
            message = self._client.messages.create(to=to, from_=self.sms_from, body=body)
        except TwilioRestException as error:
            code = error.code if isinstance(error.code, int) else None
            if code == UNSUBSCRIBED_RECIPIENT:
                raise SmsOptedOut(f"twilio_{code}") from None
            if code in PERMANENT_ERRORS:
                raise SmsRefused(f"twilio_{code}") from None
            # Twilio answered, so it did not send: credentials, limits, its own trouble. Try again later.
            raise SmsTryLater(f"twilio_{code or error.status}") from None
        except requests.exceptions.ConnectionError as error:
            if isinstance(error, requests.exceptions.ConnectTimeout) or not _may_have_arrived(error):
                raise SmsTryLater("unreachable") from None
            raise SmsOutcomeUnknown("no_answer") from None
        except requests.exceptions.Timeout:
            # The request went out and no answer came within the timeout: Twilio may have sent it.
            raise SmsOutcomeUnknown("no_answer") from None
        return str(message.sid)


def _may_have_arrived(error: requests.exceptions.ConnectionError) -> bool:
    """A refused connection or a failed name lookup never reached Twilio; a connection dropped mid-way might have."""
    cause = error.args[0] if error.args else None
    reason = getattr(cause, "reason", cause)
    return not isinstance(reason, urllib3.exceptions.NewConnectionError)
