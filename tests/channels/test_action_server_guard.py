"""A failing or hanging action server gets the citizen an apology, fast, instead of silence."""

from __future__ import annotations

import asyncio
import socket
import time
from pathlib import Path

import pytest
from rasa.core.actions.action import RemoteAction
from rasa.core.channels.channel import CollectingOutputChannel
from rasa.core.nlg import TemplatedNaturalLanguageGenerator
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import BotUttered
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.utils.endpoints import EndpointConfig

from channels import action_server_guard
from channels.health import HealthInput

HealthInput()  # installs the guard, as the Rasa server does when it builds its channels

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def domain() -> Domain:
    return Domain.load(str(ROOT / "bot" / "domain"))


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


async def _run(url: str, domain: Domain) -> list:
    action = RemoteAction("action_check_application_status", EndpointConfig(url))
    tracker = DialogueStateTracker.from_events("guard-test", [], domain.slots)
    return await action.run(
        CollectingOutputChannel(), TemplatedNaturalLanguageGenerator(domain.responses), tracker, domain
    )


@pytest.mark.asyncio
async def test_unreachable_action_server_gets_the_apology(domain: Domain) -> None:
    events = await _run(f"http://127.0.0.1:{_closed_port()}/webhook", domain)
    assert len(events) == 1 and isinstance(events[0], BotUttered)
    assert events[0].text == domain.responses["utter_technical_difficulty"][0]["text"]


@pytest.mark.asyncio
async def test_a_hanging_action_server_is_given_up_on_after_the_timeout(
    domain: Domain, monkeypatch: pytest.MonkeyPatch
) -> None:
    async def never_answer(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await asyncio.sleep(60)

    server = await asyncio.start_server(never_answer, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    monkeypatch.setattr("rasa.core.actions.action.DEFAULT_REQUEST_TIMEOUT", 1.0)
    started = time.monotonic()
    try:
        events = await _run(f"http://127.0.0.1:{port}/webhook", domain)
    finally:
        server.close()
    assert time.monotonic() - started < 5
    assert events[0].text.startswith("Sorry, something went wrong")


def test_timeout_is_read_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ACTION_TIMEOUT_SECONDS", "4")
    assert action_server_guard.action_timeout_seconds() == 4
    monkeypatch.setenv("ACTION_TIMEOUT_SECONDS", "0")
    with pytest.raises(ValueError):
        action_server_guard.action_timeout_seconds()
