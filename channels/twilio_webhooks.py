"""What every Twilio webhook goes through first: size, form body, and the X-Twilio-Signature check."""

from __future__ import annotations

from typing import Dict, Mapping, Union
from urllib.parse import parse_qsl

from sanic import response
from sanic.request import Request
from sanic.response import HTTPResponse
from twilio.request_validator import RequestValidator

# Twilio's largest webhook (an SMS of 1,600 characters with its fields) is far below this.
MAX_WEBHOOK_BYTES = 32 * 1024
FORM_CONTENT_TYPE = "application/x-www-form-urlencoded"


def error(status: int, message: str) -> HTTPResponse:
    return response.json({"error": message}, status=status)


def public_url(request: Request, configured_base: str) -> str:
    """The URL Twilio requested, as Twilio saw it, which is what it signed (see `webhook_url`)."""
    return webhook_url(
        path=request.path,
        query_string=request.query_string,
        headers=request.headers,
        server_scheme=request.scheme,
        configured_base=configured_base,
    )


def webhook_url(
    *, path: str, query_string: str, headers: Mapping[str, str], server_scheme: str, configured_base: str
) -> str:
    """The public URL of a request that reached this server as `path`?`query_string`.

    Behind a TLS terminator or proxy the server sees another scheme, host or
    port; the configured public base URL (HOTLINE_PUBLIC_URL) wins, else the
    proxy's X-Forwarded-Proto / X-Forwarded-Host, else the Host header. Ports
    need no care here: RequestValidator tries the URL with and without the
    default port, as Twilio's own signing differs between products. Trusting
    these headers opens nothing: a signature only matches the URL it was made for.
    """
    path_and_query = path + (f"?{query_string}" if query_string else "")
    if configured_base:
        return configured_base.rstrip("/") + path_and_query
    scheme = (headers.get("x-forwarded-proto") or server_scheme or "http").split(",")[0].strip()
    host = (headers.get("x-forwarded-host") or headers.get("host") or "").split(",")[0].strip()
    return f"{scheme}://{host}{path_and_query}"


def signed_form(request: Request, *, auth_token: str, configured_base: str) -> Union[Dict[str, str], HTTPResponse]:
    """The webhook's form fields if Twilio signed them; else the 4xx to answer with.

    A forged, unsigned or malformed request never gets further than this.
    """
    signature = request.headers.get("x-twilio-signature", "")
    if not signature:
        return error(403, "Missing X-Twilio-Signature.")
    body = request.body or b""
    if len(body) > MAX_WEBHOOK_BYTES:
        return error(413, "The request is too large.")
    content_type = (request.headers.get("content-type") or "").split(";")[0].strip().lower()
    if content_type != FORM_CONTENT_TYPE:
        return error(415, f"Twilio webhooks are {FORM_CONTENT_TYPE}.")
    try:
        pairs = parse_qsl(body.decode("utf-8"), keep_blank_values=True, strict_parsing=bool(body))
    except (UnicodeDecodeError, ValueError):
        return error(400, "The form body cannot be read.")
    form: Dict[str, str] = {}
    for name, value in pairs:
        if name in form:
            # Twilio never repeats a field; a repeated one is someone else's request.
            return error(400, f"Field {name[:40]!r} appears twice.")
        form[name] = value
    validator = RequestValidator(auth_token)
    if not validator.validate(public_url(request, configured_base), form, signature):
        return error(403, "Invalid X-Twilio-Signature.")
    return form
