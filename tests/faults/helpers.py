"""What the fault tests share: timed turns, the console as an agent uses it, the tracker as Rasa keeps it."""

from __future__ import annotations

import re
import time
from typing import Any

import httpx

from tests.e2e.hotline_process import Conversation
from tests.faults.processes import HotlineProcesses

DEMO_PASSWORD = "northbridge-demo"
BACK_OFFICE_DOWN = "can't reach the council's systems"
TECHNICAL_DIFFICULTY = "something went wrong on our side"


def timed(citizen: Conversation, text: str) -> tuple[str, float]:
    """The assistant's reply and how many seconds the citizen waited for it."""
    started = time.monotonic()
    reply = citizen.say_text(text)
    return reply, time.monotonic() - started


def hand_off(citizen: Conversation) -> str:
    """Start an application check and ask for a person; the handoff's reference."""
    citizen.say_text("I want to check my business licence application")
    citizen.say_text("APP-204817")
    queued = citizen.say_text("actually can I talk to a person please")
    match = re.search(r"HO-\d{6}", queued)
    assert match, queued
    return match.group(0)


def tracker(hotline: HotlineProcesses, sender: str) -> dict[str, Any]:
    reply = httpx.get(
        f"{hotline.rasa_url}/conversations/{sender}/tracker", params={"token": hotline.rasa_token}, timeout=10
    )
    reply.raise_for_status()
    return reply.json()


def citizen_texts(hotline: HotlineProcesses, sender: str) -> list[str]:
    return [event["text"] for event in tracker(hotline, sender)["events"] if event["event"] == "user"]


class ConsoleSession:
    """A member of staff signed in to the console API."""

    def __init__(self, hotline: HotlineProcesses, username: str) -> None:
        self.client = httpx.Client(base_url=f"{hotline.backend_url}/console/api", timeout=20)
        signed_in = self.client.post("/login", json={"username": username, "password": DEMO_PASSWORD})
        signed_in.raise_for_status()
        self.csrf = {"X-CSRF-Token": signed_in.json()["csrf_token"]}

    def get(self, path: str) -> httpx.Response:
        return self.client.get(path)

    def post(self, path: str, body: Any = None) -> httpx.Response:
        return self.client.post(path, json=body, headers=self.csrf)

    def put(self, path: str, body: Any) -> httpx.Response:
        return self.client.put(path, json=body, headers=self.csrf)

    def close(self) -> None:
        self.client.close()
