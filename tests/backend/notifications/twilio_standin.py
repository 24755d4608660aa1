"""A tiny local stand-in for Twilio's Messages API, for the notification tests.

It answers the real twilio client library as Twilio does for what the back
office uses (POST /2010-04-01/Accounts/{sid}/Messages.json with basic auth,
a Twilio-shaped JSON message or error), records each text, and can be told to
refuse the next ones with a Twilio error or to drop the connection without
answering (a lost answer).
"""

from __future__ import annotations

import base64
import json
import re
import secrets
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl

_PATH = re.compile(r"^/2010-04-01/Accounts/([^/]+)/Messages\.json$")
DROP = "drop"


class TwilioStandIn:
    def __init__(self, account_sid: str, auth_token: str) -> None:
        self.account_sid, self.auth_token = account_sid, auth_token
        self.messages: list[dict[str, str]] = []
        # What to do with the next requests, in turn: (HTTP status, Twilio code) to refuse, or DROP.
        self.next_answers: list[tuple[int, int] | str] = []
        self._lock = threading.Lock()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._server.daemon_threads = True

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    def start(self) -> TwilioStandIn:
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        standin = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
                return

            def _reply(self, status: int, payload: dict[str, Any]) -> None:
                raw = json.dumps(payload).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(raw)))
                self.end_headers()
                self.wfile.write(raw)

            def _error(self, status: int, code: int, message: str) -> None:
                self._reply(status, {"code": code, "message": message, "more_info": "", "status": status})

            def do_POST(self) -> None:  # noqa: N802
                form = dict(parse_qsl(self.rfile.read(int(self.headers.get("Content-Length") or 0)).decode()))
                match = _PATH.match(self.path)
                expected = "Basic " + base64.b64encode(f"{standin.account_sid}:{standin.auth_token}".encode()).decode()
                if not match or match.group(1) != standin.account_sid:
                    return self._error(404, 20404, "The requested resource was not found")
                if self.headers.get("Authorization") != expected:
                    return self._error(401, 20003, "Authenticate")
                with standin._lock:
                    answer = standin.next_answers.pop(0) if standin.next_answers else None
                if answer == DROP:
                    self.close_connection = True
                    self.connection.close()
                    return None
                if answer is not None:
                    status, code = answer
                    return self._error(status, code, "Refused by the stand-in")
                if not re.fullmatch(r"\+[1-9][0-9]{6,14}", form.get("To", "")):
                    return self._error(400, 21211, "Invalid 'To' Phone Number")
                message = {
                    "sid": "SM" + secrets.token_hex(16),
                    "to": form["To"],
                    "from": form.get("From", ""),
                    "body": form.get("Body", ""),
                    "status": "queued",
                    "account_sid": standin.account_sid,
                }
                with standin._lock:
                    standin.messages.append(message)
                return self._reply(201, message)

        return Handler
