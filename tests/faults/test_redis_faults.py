"""Redis down while citizens talk and agents work: the hotline keeps answering, and uses Redis again once it is back.

Without Redis there is no fan-out of live updates between back-office
processes and no shared guessing-limit or webhook store; each process goes on
with what it has (its own screens, the database, this machine's store).
"""

from __future__ import annotations

import json
import re
import threading
import time

import httpx
import pytest
import redis

from simulator.twilio_client import TextingCitizen, TwilioWebhookClient, new_sid
from tests.e2e.hotline_process import Conversation
from tests.faults.helpers import DEMO_PASSWORD
from tests.faults.processes import HotlineProcesses, PrivateRedis, wait_until

pytestmark = pytest.mark.e2e

QUESTION = "when is the citizen service centre open?"
OPENING_TIME = re.compile(r"\d{1,2}[:.]\d{2}")


class LiveStream:
    """A supervisor's console screen: the events its live stream delivers."""

    def __init__(self, hotline: HotlineProcesses) -> None:
        self.client = httpx.Client(base_url=f"{hotline.backend_url}/console/api", timeout=None)
        self.client.post("/login", json={"username": "sam", "password": DEMO_PASSWORD}).raise_for_status()
        self.events: list[dict] = []
        self.ready = threading.Event()
        self._thread = threading.Thread(target=self._read, daemon=True)
        self._thread.start()
        assert self.ready.wait(10), "the live stream did not open"

    def _read(self) -> None:
        kind = None
        try:
            with self.client.stream("GET", "/stream") as stream:
                for line in stream.iter_lines():
                    if line.startswith("event:"):
                        kind = line.split(":", 1)[1].strip()
                    elif line.startswith("data:") and kind:
                        if kind == "ready":
                            self.ready.set()
                        self.events.append({"event": kind, **json.loads(line.split(":", 1)[1])})
        except httpx.HTTPError:
            return

    def presence_of(self, username: str) -> list[str]:
        return [event["presence"] for event in self.events if event.get("username") == username]

    def close(self) -> None:
        self.client.close()


def set_presence(hotline: HotlineProcesses, username: str, presence: str) -> None:
    with httpx.Client(base_url=f"{hotline.backend_url}/console/api", timeout=20) as agent:
        signed_in = agent.post("/login", json={"username": username, "password": DEMO_PASSWORD})
        signed_in.raise_for_status()
        changed = agent.put(
            "/me/presence", json={"presence": presence}, headers={"X-CSRF-Token": signed_in.json()["csrf_token"]}
        )
        assert changed.status_code == 200, changed.text


def test_redis_down_then_back(
    hotline: HotlineProcesses, redis_server: PrivateRedis, twilio: TwilioWebhookClient
) -> None:
    citizen = Conversation(hotline.rasa_url)
    texting = TextingCitizen(twilio, "+447700800321")
    assert OPENING_TIME.search(texting.text(QUESTION).text)
    screen = LiveStream(hotline)
    try:
        redis_server.stop()

        # Web chat / REST and SMS turns go on.
        assert OPENING_TIME.search(citizen.say_text(QUESTION))
        sid = new_sid("SM")
        assert OPENING_TIME.search(texting.text(QUESTION, message_sid=sid).text)
        # Twilio's retry of the same text: still one turn, guarded by this machine's store.
        assert texting.text(QUESTION, message_sid=sid).messages == []
        # Agents' screens of this back office still see changes as they happen.
        set_presence(hotline, "alice", "away")
        wait_until(lambda: "away" in screen.presence_of("alice"), 10, "alice's presence on the screen")
        assert httpx.get(f"{hotline.backend_url}/health", timeout=5).status_code == 200

        redis_server.start()
        # Redis is in use again: new claims are kept there, and the live stream still follows.
        later = new_sid("SM")
        assert OPENING_TIME.search(texting.text(QUESTION, message_sid=later).text)
        prefix = hotline.env["REDIS_KEY_PREFIX"] + "channels:"
        stored = redis.Redis.from_url(redis_server.url)
        assert stored.exists(f"{prefix}claim:sms:{later}"), "the SMS channel did not go back to Redis"
        assert texting.text(QUESTION, message_sid=sid).messages == []  # seen while Redis was away: still one turn
        set_presence(hotline, "alice", "available")
        wait_until(lambda: "available" in screen.presence_of("alice"), 10, "alice's presence on the screen")
        wait_until(lambda: stored.pubsub_numsub("hotline:console-events")[0][1] >= 1, 15, "the back office listening")
        set_presence(hotline, "alice", "busy")
        wait_until(lambda: "busy" in screen.presence_of("alice"), 10, "alice's presence through Redis")
        # The Rasa server's conversation locks were kept in memory meanwhile, and are in Redis again.
        assert OPENING_TIME.search(citizen.say_text(QUESTION))
        rasa_log = hotline.log("rasa")
        assert "lock store: Redis unavailable" in rasa_log and "lock store: Redis is back" in rasa_log
    finally:
        screen.close()
        if redis_server.process is None:
            redis_server.start()
    time.sleep(0)  # the stream's thread ends with its client
