"""A local stand-in for Twilio's REST API that records the text messages it is asked to send.

Standard library only, so it runs in both virtualenvs and on an operator's
machine. It speaks the shape of Twilio's API for what the hotline uses:

    POST /2010-04-01/Accounts/{AccountSid}/Messages.json   (form: To, From, Body)
    GET  /2010-04-01/Accounts/{AccountSid}/Messages.json   (the recorded messages, newest first)

with HTTP basic auth checked as Twilio checks it (account SID and auth
token), Twilio's error codes for the mistakes it catches (20003, 20404,
21211, 21602, 21617) and Twilio-shaped JSON bodies, so the real `twilio`
client library can be pointed at it (TWILIO_API_BASE_URL).

In tests:

    standin = TwilioStandIn(account_sid, auth_token).start()   # a free port on 127.0.0.1
    ... standin.url ... standin.wait_for_messages(1) ... standin.messages(to="+44...") ... standin.clear()
    standin.refuse_next(400, 21610)   # Twilio's answer to the next message: an error with its code
    standin.drop_next()               # the next message is read and the connection closed unanswered
    standin.stop()

From a terminal: `python tests/twilio_standin.py --port 8099` prints each message it receives.
"""

from __future__ import annotations

import argparse
import base64
import hmac
import json
import math
import re
import secrets
import threading
import time
from email.utils import formatdate
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Callable, Dict, List, Optional
from urllib.parse import parse_qsl

_MESSAGES_PATH = re.compile(r"^/2010-04-01/Accounts/([^/]+)/Messages\.json$")
_E164 = re.compile(r"^\+[1-9][0-9]{6,14}$")
_GSM7 = set(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞ\x1bÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà^{}\\[~]|€\f"
)
MAX_BODY_CHARS = 1600
_DROP = "drop"


def _segments(body: str) -> int:
    """How many segments Twilio would bill (reported as num_segments)."""
    if all(character in _GSM7 for character in body):
        units = sum(2 if character in "^{}\\[~]|€\f" else 1 for character in body)
        single, multi = 160, 153
    else:
        units, single, multi = len(body.encode("utf-16-le")) // 2, 70, 67
    return 1 if units <= single else math.ceil(units / multi)


def _error(status: int, code: int, message: str) -> Dict[str, Any]:
    return {
        "code": code,
        "message": message,
        "more_info": f"https://www.twilio.com/docs/errors/{code}",
        "status": status,
    }


class TwilioStandIn:
    """Twilio's Messages API on a local port; thread-safe record of what was sent."""

    def __init__(
        self,
        account_sid: str,
        auth_token: str,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        on_message: Optional[Callable[[Dict[str, Any]], None]] = None,
    ) -> None:
        self.account_sid = account_sid
        self.auth_token = auth_token
        self._lock = threading.Condition()
        self._messages: List[Dict[str, Any]] = []
        self._on_message = on_message
        # What to do with the next messages, in turn: (HTTP status, Twilio code) to refuse, or _DROP.
        self._next_answers: List[Any] = []
        self._server = ThreadingHTTPServer((host, port), self._handler_class())
        self._server.daemon_threads = True
        self._thread: Optional[threading.Thread] = None

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    def start(self) -> "TwilioStandIn":
        self._thread = threading.Thread(target=self._server.serve_forever, name="twilio-standin", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def messages(self, *, to: Optional[str] = None) -> List[Dict[str, Any]]:
        """Recorded messages, oldest first (optionally only those to one number)."""
        with self._lock:
            return [dict(m) for m in self._messages if to is None or m["to"] == to]

    def clear(self) -> None:
        with self._lock:
            self._messages.clear()
            self._next_answers.clear()

    def refuse_next(self, status: int, code: int, count: int = 1) -> None:
        """The next `count` messages are refused with Twilio's error `code` (21610: unsubscribed, 20429...)."""
        with self._lock:
            self._next_answers.extend([(status, code)] * count)

    def drop_next(self) -> None:
        """The next message is read and the connection closed without an answer, as when an answer is lost."""
        with self._lock:
            self._next_answers.append(_DROP)

    def _next_answer(self) -> Any:
        with self._lock:
            return self._next_answers.pop(0) if self._next_answers else None

    def wait_for_messages(self, count: int, *, to: Optional[str] = None, timeout: float = 10.0) -> List[Dict[str, Any]]:
        """Blocks until at least `count` messages (to `to`) were recorded; raises TimeoutError otherwise."""
        deadline = time.monotonic() + timeout
        with self._lock:
            while len([m for m in self._messages if to is None or m["to"] == to]) < count:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise TimeoutError(f"expected {count} messages, have {len(self._messages)}")
                self._lock.wait(remaining)
        return self.messages(to=to)

    # --- the API ------------------------------------------------------------

    def _authorised(self, header: str) -> bool:
        if not header.startswith("Basic "):
            return False
        try:
            user, _, password = base64.b64decode(header[6:]).decode("utf-8").partition(":")
        except (ValueError, UnicodeDecodeError):
            return False
        return hmac.compare_digest(user, self.account_sid) and hmac.compare_digest(password, self.auth_token)

    def _create_message(self, account_sid: str, form: Dict[str, str]) -> tuple[int, Dict[str, Any]]:
        to, sender, body = form.get("To", ""), form.get("From", ""), form.get("Body")
        if not _E164.match(to):
            return 400, _error(400, 21211, f"Invalid 'To' Phone Number: {to[:20]}")
        if not sender:
            return 400, _error(400, 21603, "A 'From' or 'MessagingServiceSid' parameter is required")
        if not body:
            return 400, _error(400, 21602, "Message body is required.")
        if len(body) > MAX_BODY_CHARS:
            return 400, _error(400, 21617, "The concatenated message body exceeds the 1600 character limit.")
        sid = "SM" + secrets.token_hex(16)
        now = formatdate(usegmt=True)
        message = {
            "sid": sid, "account_sid": account_sid, "to": to, "from": sender, "body": body,
            "status": "queued", "direction": "outbound-api", "api_version": "2010-04-01",
            "num_segments": str(_segments(body)), "num_media": "0", "messaging_service_sid": None,
            "date_created": now, "date_updated": now, "date_sent": None, "price": None, "price_unit": "USD",
            "error_code": None, "error_message": None,
            "uri": f"/2010-04-01/Accounts/{account_sid}/Messages/{sid}.json",
            "subresource_uris": {"media": f"/2010-04-01/Accounts/{account_sid}/Messages/{sid}/Media.json"},
        }  # fmt: skip
        with self._lock:
            self._messages.append(message)
            self._lock.notify_all()
        if self._on_message is not None:
            self._on_message(message)
        return 201, message

    def _handler_class(self) -> type:
        standin = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - the base class's name
                return  # message bodies are citizens' data: nothing on stderr

            def _reply(self, status: int, payload: Dict[str, Any]) -> None:
                raw = json.dumps(payload).encode("utf-8")
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(raw)))
                self.end_headers()
                self.wfile.write(raw)

            def _route(self) -> Optional[str]:
                match = _MESSAGES_PATH.match(self.path.split("?")[0])
                if not match:
                    self._reply(404, _error(404, 20404, "The requested resource was not found"))
                    return None
                if not standin._authorised(self.headers.get("Authorization", "")):
                    self._reply(401, _error(401, 20003, "Authenticate"))
                    return None
                if match.group(1) != standin.account_sid:
                    self._reply(404, _error(404, 20404, "The requested resource was not found"))
                    return None
                return match.group(1)

            def do_POST(self) -> None:  # noqa: N802 - http.server's naming
                account_sid = self._route()
                if account_sid is None:
                    return
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(min(length, 64 * 1024)).decode("utf-8", errors="replace")
                form = dict(parse_qsl(raw, keep_blank_values=True))
                answer = standin._next_answer()
                if answer == _DROP:
                    self.close_connection = True
                    self.connection.close()
                    return
                if answer is not None:
                    status, code = answer
                    self._reply(status, _error(status, code, "Refused as the test asked"))
                    return
                self._reply(*standin._create_message(account_sid, form))

            def do_GET(self) -> None:  # noqa: N802
                account_sid = self._route()
                if account_sid is None:
                    return
                messages = list(reversed(standin.messages()))
                self._reply(
                    200,
                    {
                        "messages": messages,
                        "page": 0,
                        "page_size": len(messages),
                        "uri": self.path,
                        "next_page_uri": None,
                        "previous_page_uri": None,
                    },
                )

        return Handler


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--account-sid", default="AC00000000000000000000000000000000")
    parser.add_argument("--auth-token", default="northbridge-demo-twilio-auth-token")
    args = parser.parse_args()

    def show(message: Dict[str, Any]) -> None:
        print(f"[to {message['to']}] {message['body']}", flush=True)

    standin = TwilioStandIn(args.account_sid, args.auth_token, port=args.port, on_message=show).start()
    print(f"Twilio stand-in listening on {standin.url} (Ctrl-C to stop)", flush=True)
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        standin.stop()


if __name__ == "__main__":
    main()
