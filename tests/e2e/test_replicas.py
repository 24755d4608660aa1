"""The production topology without Docker: two Rasa servers and two back-office processes on PostgreSQL and Redis.

One conversation's messages spread over both Rasa replicas are processed one
turn at a time and none is lost (Redis lock store + the shared SQL tracker
store); a handoff and the console work across the two back-office processes
(a live update published by one reaches a console connected to the other,
through Redis). Started once for the module (scripts/start_replicas).
"""

from __future__ import annotations

import json
import os
import queue
import re
import shutil
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Iterator

import httpx
import pytest
from prometheus_client.parser import text_string_to_metric_families

from tests.e2e.conftest import personal_data_in_logs
from tests.e2e.hotline_process import Conversation
from tests.e2e.replicas_process import ReplicatedHotline, start_replicas

pytestmark = pytest.mark.e2e

DEMO_PASSWORD = "northbridge-demo"


@pytest.fixture(scope="module")
def replicas(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ReplicatedHotline]:
    if not (shutil.which("nginx") or Path("/usr/sbin/nginx").exists()):
        message = "nginx is not installed: the replicas need it as their load balancer (scripts/test installs it)"
        if os.environ.get("CI") == "true":
            pytest.fail(message + "; required because CI=true", pytrace=False)
        pytest.skip(message)
    running = start_replicas(Path(tmp_path_factory.mktemp("replicas")))
    try:
        yield running
    finally:
        running.stop()
        running.drop_database()
    leaks = personal_data_in_logs(running)
    assert not leaks, f"citizens' personal data in the replicas' logs: {leaks}"


def say(base_url: str, sender: str, text: str) -> list[dict]:
    reply = httpx.post(f"{base_url}/webhooks/rest/webhook", json={"sender": sender, "message": text}, timeout=120)
    reply.raise_for_status()
    return reply.json()


def reply_text(messages: list[dict]) -> str:
    return "\n".join(message.get("text", "") for message in messages)


def tracker_events(replicas: ReplicatedHotline, rasa_url: str, sender: str) -> list[dict]:
    reply = httpx.get(f"{rasa_url}/conversations/{sender}/tracker", params={"token": replicas.rasa_token}, timeout=30)
    reply.raise_for_status()
    return reply.json()["events"]


def turns_of(events: list[dict]) -> list[list[dict]]:
    """The events from each user message up to the next one."""
    turns: list[list[dict]] = []
    for event in events:
        if event["event"] == "user":
            turns.append([])
        if turns:
            turns[-1].append(event)
    return turns


def test_a_conversation_goes_on_whichever_replica_takes_the_turn(replicas: ReplicatedHotline) -> None:
    first, second = replicas.rasa_urls
    sender = f"replicas-{uuid.uuid4().hex}"
    # The form started on one replica is continued on the other, each step where the last left it.
    asked_number = reply_text(say(first, sender, "hi, where is my business licence application at?"))
    assert "application number" in asked_number.lower()
    asked_proof = reply_text(say(second, sender, "APP-204817"))
    assert "date of birth" in asked_proof.lower()
    status = reply_text(say(first, sender, "14 March 1985"))
    assert "APP-204817" in status
    # Both replicas read the same conversation from PostgreSQL.
    assert tracker_events(replicas, first, sender) == tracker_events(replicas, second, sender)


def test_concurrent_messages_of_one_conversation_over_both_replicas_are_taken_one_turn_at_a_time(
    replicas: ReplicatedHotline,
) -> None:
    sender = f"replicas-{uuid.uuid4().hex}"
    say(replicas.rasa_urls[0], sender, "hello")  # the session has started before the burst
    # Two kinds of message with recognisably different answers, so a reply given to the wrong turn shows.
    # Ten at once: all must be taken within Rasa's lock ticket lifetime (60 s) even on a busy machine.
    messages = [
        f"hello there {n}" if n % 2 == 0 else f"when is the citizen service centre open? ({n})" for n in range(10)
    ]

    def send(n: int) -> tuple[int, list[dict]]:
        return n, say(replicas.rasa_urls[n % 2], sender, messages[n])

    with ThreadPoolExecutor(max_workers=len(messages)) as pool:
        replies = dict(pool.map(send, range(len(messages))))

    for n, reply in replies.items():
        text = reply_text(reply)
        if n % 2 == 0:
            assert "hi" in text.lower() or "hello" in text.lower(), (n, text)
        else:
            assert re.search(r"\d{1,2}[:.]\d{2}", text), (n, text)

    events = tracker_events(replicas, replicas.rasa_urls[1], sender)
    burst = [turn for turn in turns_of(events) if turn[0]["text"] in messages]
    # None lost, none twice.
    assert sorted(turn[0]["text"] for turn in burst) == sorted(messages)
    for turn in burst:
        # Each turn is whole: its own answer, then the assistant listens before the next message.
        assert [e for e in turn if e["event"] == "bot"], turn[0]["text"]
        assert turn[-1] == {**turn[-1], "event": "action", "name": "action_listen"}, turn[0]["text"]
    # And no turn overlaps another: every event of a turn happened before the next turn's message.
    timestamps = [event["timestamp"] for event in events]
    assert timestamps == sorted(timestamps)


class ConsoleStream:
    """The console's live stream (Server-Sent Events) of one member of staff, read in the background."""

    def __init__(self, client: httpx.Client) -> None:
        self.events: queue.Queue[tuple[str, dict]] = queue.Queue()
        self.ready = threading.Event()
        self._client = client
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        event = "message"
        try:
            with self._client.stream("GET", "/stream", timeout=httpx.Timeout(10, read=None)) as response:
                for line in response.iter_lines():
                    if line.startswith("event:"):
                        event = line.split(":", 1)[1].strip()
                    elif line.startswith("data:"):
                        self.events.put((event, json.loads(line.split(":", 1)[1])))
                        if event == "ready":
                            self.ready.set()
        except httpx.HTTPError:
            pass  # the back office stopped at the end of the module; wait_for reports what was missing

    def wait_for(self, reference: str, kind: str, sender: str | None = None, timeout: float = 20) -> dict:
        """The next handoff event of this kind (and message sender) about the conversation; others are passed over."""
        deadline = time.monotonic() + timeout
        while (left := deadline - time.monotonic()) > 0:
            try:
                name, data = self.events.get(timeout=left)
            except queue.Empty:
                break
            if name == "handoff" and data.get("reference") == reference and data.get("kind") == kind:
                if sender is None or data.get("message", {}).get("sender") == sender:
                    return data
        raise AssertionError(f"no {kind} event for {reference} within {timeout} s")


def sign_in(backend_url: str, username: str) -> tuple[httpx.Client, dict[str, str]]:
    client = httpx.Client(base_url=f"{backend_url}/console/api", timeout=20)
    signed_in = client.post("/login", json={"username": username, "password": DEMO_PASSWORD})
    signed_in.raise_for_status()
    return client, {"X-CSRF-Token": signed_in.json()["csrf_token"]}


def test_handoff_and_console_across_two_back_office_processes(replicas: ReplicatedHotline) -> None:
    first_backend, second_backend = replicas.backend_urls
    # Sam, a supervisor, watches the queues on one process; Alice works on the other.
    sam, _ = sign_in(second_backend, "sam")
    watching = ConsoleStream(sam)
    assert watching.ready.wait(20)
    alice, alice_csrf = sign_in(first_backend, "alice")
    alice.put("/me/presence", json={"presence": "available"}, headers=alice_csrf).raise_for_status()

    # The citizen goes through the load balancer, as every citizen does.
    citizen = Conversation(replicas.proxy_url)
    citizen.say_text("I want to check my business licence application")
    queued = citizen.say_text("can I talk to a person please")
    reference = re.search(r"HO-\d{6}", queued).group(0)
    watching.wait_for(reference, "queued")

    # Alice claims it on her process; Sam's screen on the other process hears of it.
    claimed = alice.post(f"/conversations/{reference}/claim", headers=alice_csrf)
    assert claimed.status_code == 200, claimed.text
    assert watching.wait_for(reference, "claimed")["agent_id"] is not None

    sent = alice.post(f"/conversations/{reference}/messages", json={"text": "Hi, I'm Alice."}, headers=alice_csrf)
    assert sent.json()["delivery"] == "delivered", sent.text
    for rasa_url in replicas.rasa_urls:
        told = [e for e in tracker_events(replicas, rasa_url, citizen.sender) if e["event"] == "bot"]
        assert told[-1]["text"] == "Hi, I'm Alice."

    # The citizen's next message reaches Alice through whichever Rasa replica and back office takes it.
    assert citizen.say("is my licence ready?") == []
    relayed = watching.wait_for(reference, "message", sender="citizen")
    assert relayed["message"]["text"] == "is my licence ready?"
    detail = alice.get(f"/conversations/{reference}").json()
    assert detail["messages"][-1]["text"] == "is my licence ready?"


def test_metrics_of_every_replica_count_the_turns_they_took(replicas: ReplicatedHotline) -> None:
    def turns_counted() -> list[float]:
        counted = []
        for rasa_url in replicas.rasa_urls:
            families = text_string_to_metric_families(httpx.get(f"{rasa_url}/metrics", timeout=10).text)
            counted.append(
                sum(
                    sample.value
                    for family in families
                    if family.name == "hotline_turns"
                    for sample in family.samples
                    if sample.name == "hotline_turns_total" and sample.labels["channel"] == "rest"
                )
            )
        return counted

    before = turns_counted()
    sender = f"replicas-{uuid.uuid4().hex}"
    for n in range(4):
        say(replicas.rasa_urls[n % 2], sender, "hello")
    after = turns_counted()
    assert [a - b for a, b in zip(after, before, strict=True)] == [2, 2]
    # The proxy does not publish the metrics.
    assert httpx.get(f"{replicas.proxy_url}/metrics", timeout=10).status_code == 404
