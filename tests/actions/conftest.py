"""Fixtures for the action tests: real domain, tracker snapshots, dispatcher, backends (real, down, slow)."""

from __future__ import annotations

import asyncio
import json
import os
import socket
import subprocess
import threading
import time
from pathlib import Path
from typing import Any, Callable, Dict, Iterator, List

import httpx
import pytest
from rasa.shared.core.domain import Domain
from rasa.shared.core.trackers import DialogueStateTracker, EventVerbosity
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.backend_client import BackendClient
from actions.knowledge_base import KnowledgeBase, load_knowledge_base
from actions.settings import DEFAULT_KNOWLEDGE_BASE_DIR

REPO = Path(__file__).resolve().parents[2]
SNAPSHOTS = Path(__file__).resolve().parent / "trackers"
BACKEND_DIR = REPO / "backend"
BACKEND_PYTHON = REPO / ".venvs" / "backend" / "bin" / "python"
SERVICE_TOKEN = "actions-test-service-token"

# Only what the actions read, for a checkout where bot/domain/ is not there yet.
MINIMAL_DOMAIN: Dict[str, Any] = {
    "version": "3.1",
    "slots": {
        name: {"type": kind, "influence_conversation": False, "mappings": [{"type": "custom"}]}
        for name, kind in [
            ("application_number", "text"),
            ("identity_proof", "text"),
            ("request_number", "text"),
            ("issue_category", "text"),
            ("issue_location", "text"),
            ("issue_description", "text"),
            ("report_confirmed", "bool"),
            ("service", "text"),
        ]
    },
    "forms": {
        "application_status_form": {"required_slots": ["application_number", "identity_proof"]},
        "report_issue_form": {
            "required_slots": ["issue_category", "issue_location", "issue_description", "report_confirmed"]
        },
        "request_status_form": {"required_slots": ["request_number"]},
    },
}


@pytest.fixture(scope="session")
def rasa_domain() -> Domain:
    domain_dir = REPO / "bot" / "domain"
    return Domain.load(str(domain_dir)) if domain_dir.is_dir() else Domain.from_dict(MINIMAL_DOMAIN)


@pytest.fixture(scope="session")
def domain(rasa_domain: Domain) -> Dict[str, Any]:
    """The domain as the action server receives it (DomainDict)."""
    return rasa_domain.as_dict()


@pytest.fixture
def dispatcher() -> CollectingDispatcher:
    return CollectingDispatcher()


def responses(dispatcher: CollectingDispatcher) -> List[str]:
    """The names of the responses sent, in order."""
    return [message["response"] for message in dispatcher.messages]


@pytest.fixture(scope="session")
def knowledge_base() -> KnowledgeBase:
    return load_knowledge_base(DEFAULT_KNOWLEDGE_BASE_DIR)


@pytest.fixture
def tracker_from(rasa_domain: Domain) -> Callable[..., Tracker]:
    """A snapshot from trackers/, optionally continued with more events (replayed by Rasa itself)."""

    def load(
        name: str, *more_events: Dict[str, Any], slots: Dict[str, Any] | None = None, sender: str | None = None
    ) -> Tracker:
        state = json.loads((SNAPSHOTS / f"{name}.json").read_text(encoding="utf-8"))
        if sender is not None:
            state["sender_id"] = sender
        if more_events:
            replayed = DialogueStateTracker.from_dict(
                state["sender_id"], state["events"] + list(more_events), rasa_domain.slots
            )
            state = replayed.current_state(EventVerbosity.AFTER_RESTART)
        if slots:
            state["slots"].update(slots)
        return Tracker.from_dict(state)

    return load


# --- backends ---------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def down_backend() -> BackendClient:
    """A client pointed at a port nobody listens on."""
    return BackendClient(f"http://127.0.0.1:{_free_port()}", SERVICE_TOKEN, timeout_seconds=1.0)


@pytest.fixture
def slow_backend() -> Iterator[BackendClient]:
    """A client pointed at a server that accepts the request and answers only after 30 s.

    The server runs in its own thread and loop, so it stalls the same way whichever loop the test uses.
    """
    loop = asyncio.new_event_loop()
    ready = threading.Event()
    address: Dict[str, int] = {}

    async def stall(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            await reader.readuntil(b"\r\n\r\n")
            await asyncio.sleep(30)
            writer.write(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n{}")
            await writer.drain()
        except (ConnectionError, asyncio.IncompleteReadError):
            pass
        finally:
            writer.close()

    def serve() -> None:
        asyncio.set_event_loop(loop)
        server = loop.run_until_complete(asyncio.start_server(stall, "127.0.0.1", 0))
        address["port"] = server.sockets[0].getsockname()[1]
        ready.set()
        loop.run_forever()
        server.close()
        pending = asyncio.all_tasks(loop)
        for task in pending:
            task.cancel()
        loop.run_until_complete(asyncio.gather(*pending, return_exceptions=True))
        loop.run_until_complete(server.wait_closed())
        loop.close()

    thread = threading.Thread(target=serve, name="slow-backend", daemon=True)
    thread.start()
    assert ready.wait(10), "the slow backend did not start"
    yield BackendClient(f"http://127.0.0.1:{address['port']}", SERVICE_TOKEN, timeout_seconds=1.0)
    loop.call_soon_threadsafe(loop.stop)
    thread.join(10)


@pytest.fixture(params=["down_backend", "slow_backend"])
def troubled_backend(request: pytest.FixtureRequest) -> BackendClient:
    """Each way the backend can fail the citizen: not listening, or slower than the timeout."""
    return request.getfixturevalue(request.param)


def _missing_backend(reason: str) -> None:
    # In CI the backend is part of the submission: its absence is a failure, not a skip.
    if os.environ.get("CI") == "true":
        pytest.fail(f"running-backend tests need the backend: {reason}")
    pytest.skip(f"running-backend tests skipped: {reason}")


def _serve_backend(workdir: Path, **settings: str) -> Iterator[BackendClient]:
    """The real backend (migrated, demo data seeded) on a free port, with its own SQLite file."""
    if not BACKEND_PYTHON.exists():
        _missing_backend(f"no backend venv at {BACKEND_PYTHON}")
    if not (BACKEND_DIR / "app" / "main.py").exists():
        _missing_backend(f"no {BACKEND_DIR / 'app' / 'main.py'}")
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{workdir / 'backend.db'}",
        "BACKEND_SERVICE_TOKEN": SERVICE_TOKEN,
        "ENVIRONMENT": "development",
        # Handoffs queue whatever the hour the tests run at, unless a test asks for closing time.
        "CALL_CENTRE_HOURS": "always",
        # No Rasa server here: deliveries to citizens fail fast instead of waiting.
        "RASA_URL": f"http://127.0.0.1:{_free_port()}",
        **settings,
    }
    env.pop("VIRTUAL_ENV", None)
    for command in (["-m", "app.manage", "migrate"], ["-m", "app.manage", "seed-demo"]):
        done = subprocess.run(
            [str(BACKEND_PYTHON), *command], cwd=BACKEND_DIR, env=env, capture_output=True, text=True, timeout=300
        )
        if done.returncode != 0:
            _missing_backend(f"`python {' '.join(command)}` failed:\n{done.stderr[-2000:]}")
    port = _free_port()
    log = open(workdir / "uvicorn.log", "w")
    process = subprocess.Popen(
        [str(BACKEND_PYTHON), "-m", "uvicorn", "app.main:app", "--host", "127.0.0.1", "--port", str(port)],
        cwd=BACKEND_DIR,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if httpx.get(f"http://127.0.0.1:{port}/health", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                _missing_backend(f"backend did not become healthy:\n{(workdir / 'uvicorn.log').read_text()[-2000:]}")
            time.sleep(0.3)
        yield BackendClient(f"http://127.0.0.1:{port}", SERVICE_TOKEN, timeout_seconds=3.0)
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log.close()


@pytest.fixture(scope="session")
def running_backend(tmp_path_factory: pytest.TempPathFactory) -> Iterator[BackendClient]:
    yield from _serve_backend(tmp_path_factory.mktemp("backend"))


@pytest.fixture(scope="session")
def closed_backend(tmp_path_factory: pytest.TempPathFactory) -> Iterator[BackendClient]:
    """The real backend while its contact centre is closed (open one hour, on a day that is not today)."""
    today = time.gmtime().tm_wday
    other_day = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"][(today + 3) % 7]
    yield from _serve_backend(
        tmp_path_factory.mktemp("closed-backend"),
        CALL_CENTRE_HOURS=f"{other_day} 10:00-11:00",
        CALL_CENTRE_TIMEZONE="UTC",
    )


@pytest.fixture(autouse=True)
def _no_backend_settings_leak(monkeypatch: pytest.MonkeyPatch) -> None:
    # Actions built without a client read the environment: keep a developer's BACKEND_URL out of the tests.
    for name in ("BACKEND_URL", "BACKEND_SERVICE_TOKEN", "BACKEND_TIMEOUT_SECONDS", "KNOWLEDGE_BASE_DIR"):
        monkeypatch.delenv(name, raising=False)


def pytest_configure(config: pytest.Config) -> None:
    # Rasa 3.6 and its pinned dependencies warn on import about things only they can fix;
    # our own code's warnings still show.
    for line in (
        "ignore::DeprecationWarning:pkg_resources",
        "ignore::DeprecationWarning:rasa.shared.utils.validation",
        "ignore:the load_module\\(\\) method is deprecated:DeprecationWarning",
        "ignore:Slot auto-fill has been removed:UserWarning",
    ):
        config.addinivalue_line("filterwarnings", line)
