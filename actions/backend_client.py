"""Typed async HTTP client for the back-office API (docs/conversation-design.md, "Back-office HTTP API")."""

from __future__ import annotations

import asyncio
import logging
import re
import time
from dataclasses import dataclass
from typing import Any, Dict, Mapping, Optional
from urllib.parse import quote, urlencode

import httpx

from actions.settings import Settings

logger = logging.getLogger(__name__)

API = "/api/v1"


def channel_name(input_channel: Optional[str]) -> str:
    """A Rasa input channel name in the backend's channel format; 'unknown' when there is none."""
    channel = (input_channel or "").lower()
    return channel if re.fullmatch(r"[a-z][a-z0-9_-]{0,31}", channel) else "unknown"


class BackendError(Exception):
    """The backend could not do what was asked; the citizen is told to try later."""


class BackendUnavailable(BackendError):
    """Connection refused, timeout, 5xx or an unreadable answer."""


class BackendThrottled(BackendError):
    """Too many failed checks from this conversation, phone or for this number: the citizen must wait."""


class BackendRejected(BackendError):
    """An unexpected 4xx (bad token, 422): a bug or misconfiguration on our side."""

    def __init__(self, status_code: int) -> None:
        super().__init__(f"backend answered {status_code}")
        self.status_code = status_code


@dataclass(frozen=True)
class ApplicationStatus:
    application_number: str
    application_type: str
    application_type_name: str
    status: str
    status_text: str
    last_step: str
    last_step_at: str
    next_step: str


@dataclass(frozen=True)
class FiledServiceRequest:
    request_number: str
    category: str
    category_name: str
    status: str
    status_text: str
    department_name: str
    target_date: str
    created_at: str


@dataclass(frozen=True)
class ServiceRequestStatus:
    request_number: str
    category: str
    category_name: str
    status: str
    status_text: str
    last_step: str
    last_step_at: str
    department_name: str


@dataclass(frozen=True)
class HandoffQueued:
    """The conversation waits in a team's queue."""

    reference: str
    team: str
    team_name: str
    queue_position: int
    estimated_wait_minutes: int


@dataclass(frozen=True)
class CentreClosed:
    """Nobody is on duty; nothing was queued."""

    team: str
    opens_at: str


@dataclass(frozen=True)
class CallbackFiled:
    request_number: str
    expected_from: str
    expected_until: str


def _parse(cls: type, payload: Any) -> Any:
    """Builds a result dataclass from a JSON body; a body without the contract's fields is a broken backend."""
    if not isinstance(payload, dict):
        raise BackendUnavailable(f"unexpected body for {cls.__name__}")
    try:
        values = {name: payload[name] for name in cls.__dataclass_fields__}
    except KeyError as exc:
        raise BackendUnavailable(f"{cls.__name__} body lacks {exc}") from None
    # Optional texts (e.g. no next step yet) arrive as null; templates want a string.
    return cls(**{k: "" if v is None else str(v) for k, v in values.items()})


class BackendClient:
    """One instance per action server; each call opens a short-lived httpx client.

    A fresh client per call keeps the object free of event-loop state, so the
    same instance works in the Sanic loop and in every test's loop; the hotline's
    call volume makes connection reuse irrelevant next to the backend's own work.
    """

    def __init__(self, base_url: str, service_token: str, timeout_seconds: float) -> None:
        self.base_url = base_url.rstrip("/")
        self._token = service_token
        self.timeout_seconds = timeout_seconds

    @classmethod
    def from_settings(cls, settings: Optional[Settings] = None) -> "BackendClient":
        settings = settings or Settings.from_environment()
        return cls(settings.backend_url, settings.backend_service_token, settings.backend_timeout_seconds)

    async def _request(
        self, method: str, path: str, *, json: Optional[Mapping[str, Any]] = None, not_found_is_none: bool = False
    ) -> Optional[Any]:
        started = time.monotonic()
        try:
            async with httpx.AsyncClient(
                base_url=self.base_url,
                headers={"Authorization": f"Bearer {self._token}", "Accept": "application/json"},
                timeout=httpx.Timeout(self.timeout_seconds),
            ) as client:
                # httpx's timeout is per phase (connect, each read...); wait_for bounds the whole call,
                # so a backend trickling bytes cannot keep the citizen waiting either.
                response = await asyncio.wait_for(client.request(method, path, json=json), self.timeout_seconds)
        except (httpx.HTTPError, asyncio.TimeoutError, OSError) as exc:
            logger.warning(
                "backend %s %s failed after %.2fs: %s", method, path, time.monotonic() - started, type(exc).__name__
            )
            raise BackendUnavailable(type(exc).__name__) from exc
        except Exception as exc:  # noqa: BLE001 - a client bug must reach the citizen as "try later", not as a 500
            logger.exception("backend %s %s: unexpected error", method, path)
            raise BackendUnavailable(type(exc).__name__) from exc
        logger.info("backend %s %s -> %s in %.2fs", method, path, response.status_code, time.monotonic() - started)
        if response.status_code == 404 and not_found_is_none:
            return None
        if response.status_code >= 500:
            raise BackendUnavailable(f"backend answered {response.status_code}")
        if response.status_code == 429:
            raise BackendThrottled("too many failed attempts")
        if not 200 <= response.status_code < 300:
            logger.error("backend rejected %s %s with %s", method, path, response.status_code)
            raise BackendRejected(response.status_code)
        try:
            return response.json()
        except ValueError as exc:
            raise BackendUnavailable("backend answered with invalid JSON") from exc

    async def lookup_application(
        self,
        number: str,
        *,
        date_of_birth: Optional[str] = None,
        pin: Optional[str] = None,
        phone: Optional[str] = None,
        conversation_id: Optional[str] = None,
        caller_phone: Optional[str] = None,
    ) -> Optional[ApplicationStatus]:
        """None when the number is unknown or the proof is wrong (the backend does not say which).

        `phone` only ever comes from a Twilio-signed SMS (see application_status.verified_sms_phone).
        """
        proofs = {"date_of_birth": date_of_birth, "pin": pin, "phone": phone}
        given = {kind: value for kind, value in proofs.items() if value is not None}
        if len(given) != 1:
            raise ValueError("give exactly one of date_of_birth, pin and phone")
        body = {"application_number": number, **given}
        # Where the attempt comes from, for the back office's limit on guessing.
        body.update({k: v for k, v in (("conversation_id", conversation_id), ("caller_phone", caller_phone)) if v})
        payload = await self._request("POST", f"{API}/applications/status-lookup", json=body, not_found_is_none=True)
        return None if payload is None else _parse(ApplicationStatus, payload)

    async def file_service_request(
        self,
        *,
        category: str,
        location: str,
        description: str,
        channel: str,
        conversation_id: str,
        wants_updates: bool = False,
        contact_phone: Optional[str] = None,
    ) -> FiledServiceRequest:
        body: Dict[str, Any] = {
            "category": category,
            "location": location,
            "description": description,
            "channel": channel,
            "conversation_id": conversation_id,
        }
        if wants_updates:
            body["wants_updates"] = True
        if contact_phone:
            body["contact_phone"] = contact_phone
        return _parse(FiledServiceRequest, await self._request("POST", f"{API}/service-requests", json=body))

    async def get_service_request(
        self, number: str, *, conversation_id: Optional[str] = None, caller_phone: Optional[str] = None
    ) -> Optional[ServiceRequestStatus]:
        """None when no request has that number."""
        where = {k: v for k, v in (("conversation_id", conversation_id), ("caller_phone", caller_phone)) if v}
        query = f"?{urlencode(where)}" if where else ""
        payload = await self._request(
            "GET", f"{API}/service-requests/{quote(number, safe='')}{query}", not_found_is_none=True
        )
        return None if payload is None else _parse(ServiceRequestStatus, payload)

    async def start_handoff(self, packet: Mapping[str, Any]) -> HandoffQueued | CentreClosed:
        """Queue the conversation for the contact centre (see HandoffCreate in the back office)."""
        payload = await self._request("POST", f"{API}/handoffs", json=packet)
        if isinstance(payload, dict) and payload.get("status") == "closed":
            return _parse(CentreClosed, payload)
        if not isinstance(payload, dict) or payload.get("status") != "queued":
            raise BackendUnavailable("unexpected body for a handoff")
        return HandoffQueued(
            reference=str(payload.get("reference")),
            team=str(payload.get("team")),
            team_name=str(payload.get("team_name")),
            queue_position=int(payload.get("queue_position") or 1),
            estimated_wait_minutes=int(payload.get("estimated_wait_minutes") or 1),
        )

    async def open_handoff(self, conversation_id: str) -> Optional[str]:
        """The reference of the conversation's open handoff, or None."""
        payload = await self._request(
            "GET", f"{API}/conversations/{quote(conversation_id, safe='')}/handoff", not_found_is_none=True
        )
        return None if payload is None else str(payload.get("reference"))

    async def file_callback(
        self, *, conversation_id: str, channel: str, phone: str, language: str, topic: Optional[str]
    ) -> CallbackFiled:
        body = {
            "conversation_id": conversation_id,
            "channel": channel,
            "phone": phone,
            "language": language,
            "topic": topic,
        }
        return _parse(CallbackFiled, await self._request("POST", f"{API}/callbacks", json=body))

    async def record_rating(
        self,
        *,
        conversation_id: str,
        channel: str,
        rating: int,
        comment: Optional[str],
        request_number: Optional[str] = None,
    ) -> None:
        """After a handoff, or (with `request_number`) about a resolved request the citizen was asked to rate."""
        body: Dict[str, Any] = {
            "conversation_id": conversation_id,
            "channel": channel,
            "rating": rating,
            "comment": comment,
        }
        if request_number:
            body["request_number"] = request_number
        await self._request("POST", f"{API}/satisfaction-ratings", json=body)


class UsesBackend:
    """Mixin for actions that call the backend: a client passed in (tests) or built from settings on first use."""

    def __init__(self, backend: Optional[BackendClient] = None) -> None:
        self._backend = backend

    @property
    def backend(self) -> BackendClient:
        if self._backend is None:
            self._backend = BackendClient.from_settings()
        return self._backend
