"""Acting as Twilio towards the hotline: signed webhooks for texts and calls, and their TwiML replies read back.

Requests are built as Twilio builds them: form-encoded bodies with Twilio's
field names, signed with the twilio library's RequestValidator against the
public URL the hotline is configured with (HOTLINE_PUBLIC_URL), while being
sent to wherever the hotline actually listens. The terminal simulator, the
end-to-end tests and the benchmark all talk to the channels through this.
"""

from __future__ import annotations

import secrets
import xml.etree.ElementTree as ElementTree
from dataclasses import dataclass, field
from typing import Dict, List, Optional

import httpx
from twilio.request_validator import RequestValidator

SMS_WEBHOOK = "/webhooks/sms/webhook"
VOICE_WEBHOOK = "/webhooks/voice/webhook"


def new_sid(prefix: str) -> str:
    """A SID in Twilio's shape: two letters and 32 hex digits."""
    return prefix + secrets.token_hex(16)


class TwilioWebhookClient:
    """Signs and sends webhooks; `public_url` is what Twilio would sign, `send_url` where the hotline listens."""

    def __init__(
        self, send_url: str, public_url: str, auth_token: str, account_sid: str, timeout: float = 60.0
    ) -> None:
        self.send_url = send_url.rstrip("/")
        self.public_url = public_url.rstrip("/")
        self.validator = RequestValidator(auth_token)
        self.account_sid = account_sid
        self.http = httpx.Client(timeout=timeout)

    def close(self) -> None:
        self.http.close()

    def public(self, path_or_url: str) -> str:
        return path_or_url if path_or_url.startswith("http") else self.public_url + path_or_url

    def signature(self, path_or_url: str, params: Dict[str, str]) -> str:
        return self.validator.compute_signature(self.public(path_or_url), params)

    def post(
        self,
        path_or_url: str,
        params: Dict[str, str],
        *,
        signature: Optional[str] = None,
        headers: Optional[Dict[str, str]] = None,
    ) -> httpx.Response:
        """POST `params` form-encoded, signed for the public URL unless `signature` is given."""
        url = self.public(path_or_url)
        target = self.send_url + url[len(self.public_url) :] if url.startswith(self.public_url) else url
        sent_headers = {
            "X-Twilio-Signature": self.signature(url, params) if signature is None else signature,
            "User-Agent": "TwilioProxy/1.1",
            **(headers or {}),
        }
        if not sent_headers["X-Twilio-Signature"]:
            del sent_headers["X-Twilio-Signature"]
        return self.http.post(target, data=params, headers=sent_headers)


def _twiml(response: httpx.Response) -> ElementTree.Element:
    response.raise_for_status()
    if not response.headers.get("content-type", "").startswith(("application/xml", "text/xml")):
        raise AssertionError(f"not TwiML: {response.headers.get('content-type')}")
    root = ElementTree.fromstring(response.text)
    if root.tag != "Response":
        raise AssertionError(f"TwiML root is <{root.tag}>")
    return root


@dataclass
class SmsReply:
    """The TwiML answer to one text: the <Message> bodies in order."""

    messages: List[str]
    response: httpx.Response

    @property
    def text(self) -> str:
        return "\n".join(self.messages)


class TextingCitizen:
    """A phone texting the hotline's number."""

    def __init__(self, client: TwilioWebhookClient, phone: str, hotline_number: str = "+447700900000") -> None:
        self.client = client
        self.phone = phone
        self.hotline_number = hotline_number

    def params(self, body: str, message_sid: Optional[str] = None) -> Dict[str, str]:
        sid = message_sid or new_sid("SM")
        return {
            "ToCountry": "GB", "ToState": "", "SmsMessageSid": sid, "NumMedia": "0", "ToCity": "",
            "FromZip": "", "SmsSid": sid, "FromState": "", "SmsStatus": "received", "FromCity": "",
            "Body": body, "FromCountry": "GB", "To": self.hotline_number, "ToZip": "", "NumSegments": "1",
            "MessageSid": sid, "AccountSid": self.client.account_sid, "From": self.phone, "ApiVersion": "2010-04-01",
        }  # fmt: skip

    def send(self, body: str, message_sid: Optional[str] = None) -> httpx.Response:
        return self.client.post(SMS_WEBHOOK, self.params(body, message_sid))

    def text(self, body: str, message_sid: Optional[str] = None) -> SmsReply:
        """Send a text; the hotline's reply messages."""
        return read_sms_reply(self.send(body, message_sid))


def read_sms_reply(response: httpx.Response) -> SmsReply:
    root = _twiml(response)
    bodies = []
    for message in root.iter("Message"):
        body_element = message.find("Body")
        bodies.append((body_element.text if body_element is not None else message.text) or "")
    return SmsReply(bodies, response)


@dataclass
class VoiceTurn:
    """What the caller hears and what the call does next, read from one TwiML reply."""

    said: List[str]
    gather: Optional[Dict[str, str]]
    enqueue: Optional[Dict[str, str]]
    redirect: Optional[str]
    hangup: bool
    response: httpx.Response
    root: ElementTree.Element = field(repr=False)

    @property
    def text(self) -> str:
        return " ".join(self.said)


def read_voice_turn(response: httpx.Response) -> VoiceTurn:
    root = _twiml(response)
    said = [element.text or "" for element in root.iter("Say")]
    gather = root.find("Gather")
    enqueue = root.find("Enqueue")
    redirect = root.find("Redirect")
    return VoiceTurn(
        said=said,
        gather=dict(gather.attrib) if gather is not None else None,
        enqueue={**enqueue.attrib, "queue": enqueue.text or ""} if enqueue is not None else None,
        redirect=redirect.text if redirect is not None else None,
        hangup=root.find("Hangup") is not None,
        response=response,
        root=root,
    )


class Caller:
    """A phone call to the hotline: the call webhook, then one Gather result per turn."""

    def __init__(self, client: TwilioWebhookClient, phone: str, hotline_number: str = "+447700900000") -> None:
        self.client = client
        self.phone = phone
        self.hotline_number = hotline_number
        self.call_sid = new_sid("CA")
        self.last: Optional[VoiceTurn] = None

    def params(self, **extra: str) -> Dict[str, str]:
        return {
            "AccountSid": self.client.account_sid, "ApiVersion": "2010-04-01", "CallSid": self.call_sid,
            "CallStatus": "in-progress" if self.last else "ringing", "Called": self.hotline_number,
            "Caller": self.phone, "Direction": "inbound", "From": self.phone, "To": self.hotline_number,
            "FromCountry": "GB", "ToCountry": "GB", **extra,
        }  # fmt: skip

    def _turn(self, url: str, params: Dict[str, str]) -> VoiceTurn:
        self.last = read_voice_turn(self.client.post(url, params))
        return self.last

    def dial(self) -> VoiceTurn:
        return self._turn(VOICE_WEBHOOK, self.params())

    def _answer(self, **result: str) -> VoiceTurn:
        if self.last is None or self.last.gather is None:
            raise AssertionError("the hotline is not listening (no <Gather> in its last reply)")
        return self._turn(self.last.gather["action"], self.params(**result))

    def say(self, speech: str, confidence: float = 0.92) -> VoiceTurn:
        return self._answer(SpeechResult=speech, Confidence=f"{confidence:.2f}")

    def press(self, digits: str) -> VoiceTurn:
        return self._answer(Digits=digits)

    def stay_silent(self) -> VoiceTurn:
        return self._answer()
