"""Handoff delivery latency: citizen message to the agent's screen, agent reply to the citizen's page.

Starts the real hotline (scripts/start, embedded defaults) on free ports,
hands N web chat conversations to agents, and then runs rounds in which every
citizen writes (timed until the message arrives on the agent's console
stream) and every agent answers (timed until the reply arrives on the
citizen's web chat stream), all conversations at once. In the same run it
times an ordinary assistant turn ("hello", answered by the assistant) at the
same concurrency, as the baseline the ratios are taken against.

    .venvs/backend/bin/python -m bench.handoff_latency [--conversations 20] [--rounds 10] [--postgres URL]

With --postgres the back office keeps its records in a scratch schema of that
PostgreSQL database (dropped afterwards) instead of the embedded SQLite file;
the Rasa server's tracker store stays on SQLite.

Goal (issue "Human handoff and the agent console"): p95 under 300 ms each way
with 20 concurrent conversations on this machine.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import re
import subprocess
import sys
import tempfile
import time
import uuid
from collections import defaultdict
from pathlib import Path
from typing import Any, AsyncIterator, Iterator

import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.e2e.hotline_process import Hotline, start_hotline  # noqa: E402

PASSWORD = "bench-agent-password"
CAPACITY = 3
SLOW_REQUEST_MS = 100  # the back office logs requests slower than this during the run


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))]


def summary(name: str, seconds: list[float]) -> dict[str, float]:
    ms = [s * 1000 for s in seconds]
    figures = {"n": len(ms), "p50": percentile(ms, 0.5), "p95": percentile(ms, 0.95), "max": max(ms)}
    print(
        f"  {name:<34} n={figures['n']:<5} p50={figures['p50']:7.1f} ms  p95={figures['p95']:7.1f} ms  "
        f"max={figures['max']:7.1f} ms"
    )
    return figures


async def sse_events(client: httpx.AsyncClient, url: str, **params: str) -> AsyncIterator[tuple[str, Any]]:
    """(event name, data) pairs of a Server-Sent Events stream."""
    async with client.stream("GET", url, params=params, timeout=None) as response:
        response.raise_for_status()
        name, data = "message", ""
        async for line in response.aiter_lines():
            if line.startswith("event:"):
                name = line[6:].strip()
            elif line.startswith("data:"):
                data += line[5:].strip()
            elif line == "":
                if data:
                    yield name, json.loads(data)
                name, data = "message", ""


class Agent:
    """A signed-in agent with an open console stream, noting when each citizen message arrives."""

    def __init__(self, hotline: Hotline, username: str) -> None:
        self.client = httpx.AsyncClient(base_url=f"{hotline.backend_url}/console/api", timeout=30)
        self.username = username
        self.csrf: dict[str, str] = {}
        self.arrivals: dict[str, asyncio.Queue] = defaultdict(asyncio.Queue)
        self.ready = asyncio.Event()

    async def sign_in(self) -> None:
        reply = await self.client.post("/login", json={"username": self.username, "password": PASSWORD})
        reply.raise_for_status()
        self.csrf = {"X-CSRF-Token": reply.json()["csrf_token"]}
        (await self.client.put("/me/presence", json={"presence": "available"}, headers=self.csrf)).raise_for_status()

    async def watch(self) -> None:
        async for name, data in sse_events(self.client, "/stream"):
            if name == "ready":
                self.ready.set()
            message = data.get("message") if isinstance(data, dict) else None
            if name == "handoff" and message and message["sender"] == "citizen":
                self.arrivals[data["reference"]].put_nowait((time.perf_counter(), message["text"]))

    async def post(self, path: str, body: Any = None) -> httpx.Response:
        reply = await self.client.post(path, json=body, headers=self.csrf)
        reply.raise_for_status()
        return reply


class Citizen:
    """A web chat page: turns over the webhook, everything else over the live stream."""

    def __init__(self, hotline: Hotline) -> None:
        self.client = httpx.AsyncClient(base_url=f"{hotline.rasa_url}/webhooks/webchat", timeout=60)
        self.sender = uuid.uuid4().hex
        self.arrivals: asyncio.Queue = asyncio.Queue()
        self.ready = asyncio.Event()

    async def say(self, text: str) -> list[dict]:
        reply = await self.client.post("/webhook", json={"sender": self.sender, "message": text})
        reply.raise_for_status()
        return reply.json()

    async def watch(self) -> None:
        async for name, data in sse_events(self.client, "/stream", sender=self.sender):
            if name == "ready":
                self.ready.set()
            elif data.get("sender") == "agent":
                self.arrivals.put_nowait((time.perf_counter(), data["text"]))


def create_agents(hotline: Hotline, count: int, database_url: str) -> list[str]:
    env = {**os.environ, "DATABASE_URL": database_url, "STAFF_PASSWORD": PASSWORD}
    names = [f"bench{number:02d}" for number in range(count)]
    for name in names:
        subprocess.run(
            [
                str(ROOT / ".venvs/backend/bin/python"),
                "-m",
                "app.manage",
                "create-staff",
                name,
                "--name",
                f"Bench Agent {name[-2:]}",
                "--role",
                "agent",
                "--teams",
                "general,permits,streets,urgent",
                "--capacity",
                str(CAPACITY),
            ],
            cwd=ROOT / "backend",
            env=env,
            check=True,
            capture_output=True,
        )
    return names


async def baseline_turns(hotline: Hotline, conversations: int, rounds: int) -> list[float]:
    """An ordinary turn the assistant answers itself, at the same concurrency."""
    citizens = [Citizen(hotline) for _ in range(conversations)]
    timings: list[float] = []

    async def talk(citizen: Citizen) -> None:
        for _ in range(rounds):
            started = time.perf_counter()
            assert await citizen.say("hello")
            timings.append(time.perf_counter() - started)

    await asyncio.gather(*(talk(c) for c in citizens))
    return timings


async def handoff_rounds(hotline: Hotline, agent_names: list[str], conversations: int, rounds: int):
    agents = [Agent(hotline, name) for name in agent_names]
    await asyncio.gather(*(a.sign_in() for a in agents))
    watchers = [asyncio.create_task(a.watch()) for a in agents]
    await asyncio.gather(*(a.ready.wait() for a in agents))

    citizens = [Citizen(hotline) for _ in range(conversations)]
    watchers += [asyncio.create_task(c.watch()) for c in citizens]
    await asyncio.gather(*(c.ready.wait() for c in citizens))
    pairs = []
    for index, citizen in enumerate(citizens):
        reply = await citizen.say("I'd like to talk to a person please")
        reference = next(m["custom"]["handoff"]["reference"] for m in reply if "custom" in m)
        agent = agents[index // CAPACITY]
        await agent.post(f"/conversations/{reference}/claim")
        pairs.append((citizen, agent, reference))
    await asyncio.sleep(1)  # the "you're now chatting with" notices have arrived
    for citizen, _agent, _ref in pairs:
        while not citizen.arrivals.empty():
            citizen.arrivals.get_nowait()

    to_agent: list[float] = []
    to_citizen: list[float] = []

    async def exchange(citizen: Citizen, agent: Agent, reference: str) -> None:
        for number in range(rounds):
            text = f"message {number} from {citizen.sender[:6]}"
            started = time.perf_counter()
            spoken = await citizen.say(text)
            assert spoken == [], f"the assistant spoke during a handoff: {spoken}"
            arrived, seen = await asyncio.wait_for(agent.arrivals[reference].get(), 30)
            assert seen == text
            to_agent.append(arrived - started)

            answer = f"reply {number} to {citizen.sender[:6]}"
            started = time.perf_counter()
            await agent.post(f"/conversations/{reference}/messages", {"text": answer})
            arrived, seen = await asyncio.wait_for(citizen.arrivals.get(), 30)
            assert seen == answer
            to_citizen.append(arrived - started)

    await asyncio.gather(*(exchange(*pair) for pair in pairs))
    for task in watchers:
        task.cancel()
    return to_agent, to_citizen


async def measure(hotline: Hotline, agent_names: list[str], conversations: int, rounds: int) -> None:
    baseline = await baseline_turns(hotline, conversations, rounds)
    to_agent, to_citizen = await handoff_rounds(hotline, agent_names, conversations, rounds)
    print(f"\nHandoff delivery, {conversations} concurrent conversations, {rounds} rounds each:")
    base = summary("baseline: assistant answers a turn", baseline)
    citizen_to_agent = summary("citizen message -> agent screen", to_agent)
    agent_to_citizen = summary("agent reply -> citizen page", to_citizen)
    print("\nRatios to the baseline turn (p95):")
    print(f"  citizen -> agent  {citizen_to_agent['p95'] / base['p95']:.2f}x")
    print(f"  agent -> citizen  {agent_to_citizen['p95'] / base['p95']:.2f}x")
    for name, figures in (("citizen -> agent", citizen_to_agent), ("agent -> citizen", agent_to_citizen)):
        verdict = "met" if figures["p95"] < 300 else "NOT met"
        print(f"Goal p95 < 300 ms, {name}: {verdict} ({figures['p95']:.0f} ms)")


SLOW_REQUEST = re.compile(r"slow request: (\S+) (\S+) (.+?) after (\d+) ms")


def report_slow_requests(backend_log: str) -> None:
    """The back office's slow requests of the run (app/core/request_timing.py), by route."""
    by_route: dict[tuple[str, str], list[int]] = defaultdict(list)
    for method, route, _outcome, ms in SLOW_REQUEST.findall(backend_log):
        by_route[(method, route)].append(int(ms))
    print(f"\nBack-office requests slower than {SLOW_REQUEST_MS} ms: {sum(map(len, by_route.values()))}")
    for (method, route), times in sorted(by_route.items(), key=lambda item: -max(item[1])):
        print(f"  {method:<5} {route:<60} n={len(times):<4} max={max(times)} ms")


@contextlib.contextmanager
def back_office_database(scratch: Path, postgres_url: str | None) -> Iterator[str]:
    """The back office's database URL: the embedded SQLite file, or a scratch PostgreSQL schema."""
    if not postgres_url:
        yield f"sqlite:///{scratch}/backend.db"
        return
    from sqlalchemy import create_engine, text

    schema = f"bench_handoff_{uuid.uuid4().hex[:10]}"
    admin = create_engine(postgres_url.replace("postgresql://", "postgresql+psycopg://", 1))
    with admin.begin() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    try:
        yield f"{postgres_url}?options=-csearch_path%3D{schema}"
    finally:
        with admin.begin() as connection:
            connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--conversations", type=int, default=20)
    parser.add_argument("--rounds", type=int, default=10)
    parser.add_argument("--postgres", metavar="URL", help="e.g. postgresql://postgres@127.0.0.1:5432/test")
    args = parser.parse_args()
    with (
        tempfile.TemporaryDirectory(prefix="bench-handoff-") as scratch,
        back_office_database(Path(scratch), args.postgres) as database_url,
    ):
        hotline = start_hotline(Path(scratch), SLOW_REQUEST_MS=str(SLOW_REQUEST_MS), DATABASE_URL=database_url)
        print(f"back office database: {'PostgreSQL' if args.postgres else 'SQLite'}")
        try:
            agents = create_agents(hotline, -(-args.conversations // CAPACITY), database_url)
            asyncio.run(measure(hotline, agents, args.conversations, args.rounds))
        except Exception:
            # What the processes said about the failed delivery (their logs go with the scratch directory).
            for name in ("rasa", "backend"):
                print(f"--- end of {name}.log ---\n{hotline.log(name)[-4000:]}", file=sys.stderr)
            raise
        finally:
            report_slow_requests(hotline.log("backend"))
            hotline.stop()


if __name__ == "__main__":
    main()
