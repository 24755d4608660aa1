"""actions/backend_client.py against the real backend, a closed port and a backend slower than the timeout."""

import time

import pytest

from actions.backend_client import (
    BackendClient,
    BackendRejected,
    BackendUnavailable,
    CentreClosed,
    HandoffQueued,
    channel_name,
)
from actions.settings import Settings


@pytest.mark.asyncio
async def test_lookup_with_date_of_birth_and_with_pin(running_backend):
    by_birth = await running_backend.lookup_application("APP-204817", date_of_birth="1985-03-14")
    by_pin = await running_backend.lookup_application("APP-204817", pin="482913")
    assert by_birth == by_pin
    assert by_birth.application_number == "APP-204817"
    assert by_birth.application_type == "business_licence"
    assert by_birth.status == "under_review"
    assert by_birth.status_text and by_birth.last_step and by_birth.last_step_at


@pytest.mark.asyncio
async def test_unknown_number_and_wrong_proof_are_both_none(running_backend):
    assert await running_backend.lookup_application("APP-900001", pin="482913") is None
    assert await running_backend.lookup_application("APP-204817", pin="000000") is None
    assert await running_backend.lookup_application("APP-204817", date_of_birth="1985-03-15") is None


@pytest.mark.asyncio
async def test_lookup_needs_exactly_one_proof(running_backend):
    with pytest.raises(ValueError):
        await running_backend.lookup_application("APP-204817")
    with pytest.raises(ValueError):
        await running_backend.lookup_application("APP-204817", pin="482913", date_of_birth="1985-03-14")


@pytest.mark.asyncio
async def test_file_then_get_a_service_request(running_backend):
    filed = await running_backend.file_service_request(
        category="graffiti",
        location="Quay Street, ferry steps",
        description="Fresh tags on the railings",
        channel="socketio",
        conversation_id="test-conversation",
    )
    assert filed.request_number.startswith("SR-") and filed.category == "graffiti"
    assert filed.department_name and filed.target_date
    fetched = await running_backend.get_service_request(filed.request_number)
    assert fetched.request_number == filed.request_number and fetched.category == "graffiti"


@pytest.mark.asyncio
async def test_demo_request_and_unknown_request(running_backend):
    demo = await running_backend.get_service_request("SR-100231")
    assert (demo.category, demo.status) == ("pothole", "in_progress")
    assert await running_backend.get_service_request("SR-900001") is None


@pytest.mark.asyncio
async def test_start_handoff_queues_once_per_conversation(running_backend):
    packet = {
        "conversation_id": "test-handoff",
        "channel": "webchat",
        "reason": "citizen_asked_for_human",
        "topic": "report_issue",
        "intent": "request_human",
        "transcript": [{"sender": "citizen", "text": "a person please", "sent_at": "2026-11-20T09:00:00+00:00"}],
    }
    queued = await running_backend.start_handoff(packet)
    again = await running_backend.start_handoff(packet)
    assert isinstance(queued, HandoffQueued) and queued.reference.startswith("HO-")
    assert (queued.team, queued.team_name) == ("streets", "Streets and environment")
    assert again.reference == queued.reference
    assert await running_backend.open_handoff("test-handoff") == queued.reference
    assert await running_backend.open_handoff("nobody") is None


@pytest.mark.asyncio
async def test_closed_centre_queues_nothing(closed_backend):
    closed = await closed_backend.start_handoff(
        {"conversation_id": "late", "channel": "webchat", "reason": "citizen_asked_for_human"}
    )
    assert isinstance(closed, CentreClosed) and "T10:00:00" in closed.opens_at


@pytest.mark.asyncio
async def test_rating_is_recorded(running_backend):
    await running_backend.record_rating(conversation_id="rated", channel="webchat", rating=5, comment=None)


@pytest.mark.asyncio
async def test_a_wrong_token_is_a_rejection_not_a_crash(running_backend):
    stranger = BackendClient(running_backend.base_url, "not-the-token", timeout_seconds=3)
    with pytest.raises(BackendRejected) as rejected:
        await stranger.get_service_request("SR-100231")
    assert rejected.value.status_code in (401, 403)


@pytest.mark.asyncio
async def test_closed_port_is_unavailable_at_once(down_backend):
    started = time.monotonic()
    with pytest.raises(BackendUnavailable):
        await down_backend.get_service_request("SR-100231")
    assert time.monotonic() - started < 1.0


@pytest.mark.asyncio
async def test_a_backend_slower_than_the_timeout_is_unavailable_after_the_timeout(slow_backend):
    started = time.monotonic()
    with pytest.raises(BackendUnavailable):
        await slow_backend.lookup_application("APP-204817", pin="482913")
    assert 0.9 <= time.monotonic() - started < 2.0


def test_client_is_built_from_the_environment(monkeypatch):
    monkeypatch.setenv("BACKEND_URL", "http://backend.internal:8000/")
    monkeypatch.setenv("BACKEND_SERVICE_TOKEN", "secret-token")
    monkeypatch.setenv("BACKEND_TIMEOUT_SECONDS", "1.5")
    client = BackendClient.from_settings()
    assert (client.base_url, client.timeout_seconds) == ("http://backend.internal:8000", 1.5)


def test_settings_defaults_and_nonsense_timeouts(monkeypatch):
    settings = Settings.from_environment()
    assert (settings.backend_url, settings.backend_service_token, settings.backend_timeout_seconds) == (
        "http://127.0.0.1:8000",
        "dev-service-token",
        3.0,
    )
    monkeypatch.setenv("BACKEND_TIMEOUT_SECONDS", "600")
    with pytest.raises(ValueError):
        Settings.from_environment()


@pytest.mark.parametrize(
    "given,sent",
    [("socketio", "socketio"), ("twilio_voice", "twilio_voice"), (None, "unknown"), ("Bad Name!", "unknown")],
)
def test_channel_names_fit_the_backend_format(given, sent):
    assert channel_name(given) == sent
