"""What the conversation-facts broker costs a turn: Rasa's tracker save with the broker beside without it.

Rasa hands new events to the broker while it saves a turn's tracker
(TrackerStore.stream_events), so that save is where a broker can slow a
turn. This runs Rasa's own SQL tracker store (SQLite, as on the embedded
defaults) twice side by side, one without a broker (the baseline) and one
with channels.conversation_facts.ConversationFactsBroker posting to the real
back office (uvicorn on a free port, its own SQLite file), and saves the same
turns into both, alternating, so that a busy machine slows both alike. It
prints p50/p95 of a save in each and their ratio, and checks that every fact
reached the back office.

    .venvs/rasa/bin/python -m bench.conversation_facts [--conversations 100] [--turns 6]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("RASA_TELEMETRY_ENABLED", "false")

from rasa.core.tracker_store import SQLTrackerStore  # noqa: E402
from rasa.shared.core.domain import Domain  # noqa: E402
from rasa.shared.core.events import ActionExecuted, BotUttered, SessionStarted, UserUttered  # noqa: E402
from rasa.shared.core.trackers import DialogueStateTracker  # noqa: E402

from channels.back_office import BackOfficeClient  # noqa: E402
from channels.conversation_facts import ConversationFactsBroker  # noqa: E402

BACKEND_PYTHON = ROOT / ".venvs" / "backend" / "bin" / "python"
TOKEN = "bench-conversation-facts-token"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start_back_office(workdir: Path) -> tuple[subprocess.Popen, str]:
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{workdir / 'backend.db'}", "BACKEND_SERVICE_TOKEN": TOKEN}
    env.pop("VIRTUAL_ENV", None)
    subprocess.run([str(BACKEND_PYTHON), "-m", "app.manage", "migrate"], cwd=ROOT / "backend", env=env, check=True)
    port = free_port()
    process = subprocess.Popen(
        [str(BACKEND_PYTHON), "-m", "uvicorn", "app.main:app", "--port", str(port), "--no-access-log"],
        cwd=ROOT / "backend",
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{url}/health", timeout=2).status_code == 200:
                return process, url
        except httpx.HTTPError:
            time.sleep(0.3)
    process.terminate()
    raise SystemExit("the back office did not start")


def turn_events(index: int) -> list:
    return [
        UserUttered(
            f"message {index} with a date of birth 14 March 1985",
            intent={"name": "inform", "confidence": 0.9},
            input_channel="webchat",
            metadata={"language": "en"},
        ),  # fmt: skip
        ActionExecuted("utter_ask_identity_proof"),
        BotUttered("Thanks. What is your date of birth?"),
        ActionExecuted("action_listen"),
    ]


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))]


async def run(conversations: int, turns: int, workdir: Path, back_office_url: str) -> None:
    domain = Domain.load(str(ROOT / "bot" / "domain"))
    broker = ConversationFactsBroker(BackOfficeClient(back_office_url, TOKEN, 3.0), flush_seconds=2.0)
    stores = {
        "without broker (baseline)": SQLTrackerStore(domain, dialect="sqlite", db=str(workdir / "plain.db")),
        "with conversation facts": SQLTrackerStore(
            domain, dialect="sqlite", db=str(workdir / "facts.db"), event_broker=broker
        ),
    }
    timings: dict[str, list[float]] = {name: [] for name in stores}
    senders = [uuid.uuid4().hex for _ in range(conversations)]
    for turn in range(turns):
        for sender in senders:
            for name, store in stores.items():
                tracker = await store.retrieve(sender) or DialogueStateTracker(sender, domain.slots)
                if turn == 0:
                    tracker.update(ActionExecuted("action_session_start"))
                    tracker.update(SessionStarted())
                    tracker.update(ActionExecuted("action_listen"))
                for event in turn_events(turn):
                    tracker.update(event)
                started = time.perf_counter()
                await store.save(tracker)
                timings[name].append(time.perf_counter() - started)
    await broker.close()
    print(f"tracker save per turn, {conversations} conversations x {turns} turns (SQLite tracker store):")
    baseline = None
    for name, seconds in timings.items():
        p50, p95 = percentile(seconds, 0.5) * 1000, percentile(seconds, 0.95) * 1000
        baseline = baseline or (p50, p95)
        ratios = f"ratio p50 {p50 / baseline[0]:.2f}  p95 {p95 / baseline[1]:.2f}"
        print(f"  {name:<28} p50={p50:6.2f} ms  p95={p95:6.2f} ms  {ratios}")
    facts = recorded_facts(workdir / "backend.db")
    expected = conversations * (turns + 1)
    print(f"  facts in the back office: {facts} of {expected} (sessions + citizen turns); left queued: {broker.queued}")


def recorded_facts(database: Path) -> int:
    """Sessions plus citizen turns the back office recorded (read from its SQLite file)."""
    with sqlite3.connect(database) as connection:
        sessions = connection.execute("SELECT count(*) FROM conversation_session").fetchone()[0]
        turns = connection.execute("SELECT count(*) FROM conversation_turn").fetchone()[0]
    return sessions + turns


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--conversations", type=int, default=100)
    parser.add_argument("--turns", type=int, default=6)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-facts-") as tmp:
        workdir = Path(tmp)
        process, url = start_back_office(workdir)
        try:
            asyncio.run(run(args.conversations, args.turns, workdir, url))
        finally:
            process.terminate()
            process.wait(timeout=20)


if __name__ == "__main__":
    main()
