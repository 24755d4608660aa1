"""Starts the real hotline (scripts/start) on free ports in a scratch directory, for tests and benchmarks."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import threading
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

import httpx

ROOT = Path(__file__).resolve().parents[2]
START_TIMEOUT_SECONDS = 900  # includes training the model on a fresh clone


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass(frozen=True)
class TwilioAccount:
    """The Twilio settings the hotline runs with: what a test acting as Twilio needs to sign and to check."""

    account_sid: str
    auth_token: str
    # What Twilio would call: deliberately not the address the server listens on,
    # as behind a TLS-terminating proxy, so signatures are checked against the public URL.
    public_url: str
    conversation_id_secret: str
    api_base_url: str

    def environment(self) -> dict[str, str]:
        return {
            "TWILIO_ACCOUNT_SID": self.account_sid,
            "TWILIO_AUTH_TOKEN": self.auth_token,
            "HOTLINE_PUBLIC_URL": self.public_url,
            "CONVERSATION_ID_SECRET": self.conversation_id_secret,
            "TWILIO_API_BASE_URL": self.api_base_url,
        }


def new_twilio_account(api_base_url: str = "https://api.twilio.com") -> TwilioAccount:
    return TwilioAccount(
        account_sid="AC" + uuid.uuid4().hex,
        auth_token=uuid.uuid4().hex,
        public_url="https://hotline.northbridge.example",
        conversation_id_secret=uuid.uuid4().hex,
        api_base_url=api_base_url,
    )


@dataclass
class Hotline:
    """A running hotline: its URLs, and a way to stop it."""

    process: subprocess.Popen
    var_dir: Path
    rasa_url: str
    backend_url: str
    actions_url: str
    service_token: str
    rasa_token: str
    twilio: TwilioAccount
    output: list[str] = field(default_factory=list)

    def stop(self) -> None:
        stop_process_group(self.process)

    def log(self, name: str) -> str:
        path = self.var_dir / "log" / f"{name}.log"
        return path.read_text(errors="replace") if path.exists() else ""


def start_hotline(var_dir: Path, twilio: TwilioAccount | None = None, **extra_env: str) -> Hotline:
    """Run scripts/start and return once it prints that the hotline is ready."""
    ports = {name: free_port() for name in ("BACKEND_PORT", "ACTIONS_PORT", "RASA_PORT")}
    token = uuid.uuid4().hex
    rasa_token = uuid.uuid4().hex
    twilio = twilio or new_twilio_account()
    env = {
        **os.environ,
        **{name: str(port) for name, port in ports.items()},
        "HOTLINE_VAR": str(var_dir),
        # Models are cached by fingerprint across test runs, in the project's var/.
        "RASA_MODEL_DIR": str(ROOT / "var" / "models"),
        "BACKEND_SERVICE_TOKEN": token,
        # Rasa's HTTP API is protected as it must be on any deployment.
        "RASA_AUTH_TOKEN": rasa_token,
        "DATABASE_URL": f"sqlite:///{var_dir}/backend.db",
        **twilio.environment(),
        **extra_env,
    }
    for inherited in (
        "BACKEND_URL",
        "ACTION_ENDPOINT_URL",
        "RASA_TRACKER_DB",
        "RASA_ENDPOINTS",
        "RASA_URL",
        "REDIS_URL",
    ):
        if inherited not in extra_env:
            env.pop(inherited, None)
    process = subprocess.Popen(
        [str(ROOT / "scripts" / "start"), "--skip-install"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    hotline = Hotline(
        process=process,
        var_dir=var_dir,
        rasa_url=f"http://127.0.0.1:{ports['RASA_PORT']}",
        backend_url=f"http://127.0.0.1:{ports['BACKEND_PORT']}",
        actions_url=f"http://127.0.0.1:{ports['ACTIONS_PORT']}",
        service_token=token,
        rasa_token=rasa_token,
        twilio=twilio,
    )
    wait_until_ready(process, hotline.output, "hotline ready", hotline.stop, "the hotline")
    return hotline


def stop_process_group(process: subprocess.Popen) -> None:
    """Stop a start script and every server it started (its process group): SIGTERM, SIGKILL after 30 s."""
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def wait_until_ready(
    process: subprocess.Popen, output: list[str], marker: str, clean_up: Callable[[], None], what: str
) -> None:
    """Collect a start script's output into `output` until a line starts with `marker`.

    If the script exits first or START_TIMEOUT_SECONDS pass, `clean_up` runs and
    RuntimeError carries the script's last lines.
    """
    ready = threading.Event()

    def follow_output() -> None:
        assert process.stdout is not None
        for line in process.stdout:
            output.append(line.rstrip("\n"))
            if line.startswith(marker):
                ready.set()

    threading.Thread(target=follow_output, daemon=True).start()
    deadline = time.monotonic() + START_TIMEOUT_SECONDS
    while not ready.wait(timeout=1):
        if process.poll() is not None or time.monotonic() > deadline:
            clean_up()
            raise RuntimeError(f"{what} did not start:\n" + "\n".join(output[-60:]))


class Conversation:
    """One citizen talking to the assistant over Rasa's REST channel."""

    def __init__(self, rasa_url: str, sender: str | None = None) -> None:
        self.url = f"{rasa_url}/webhooks/rest/webhook"
        self.sender = sender or f"e2e-{uuid.uuid4().hex}"

    def say(self, text: str) -> list[dict]:
        reply = httpx.post(self.url, json={"sender": self.sender, "message": text}, timeout=30)
        reply.raise_for_status()
        return reply.json()

    def say_text(self, text: str) -> str:
        """The assistant's reply as one string (all its messages, button titles included)."""
        parts = []
        for message in self.say(text):
            parts.append(message.get("text", ""))
            parts.extend(button["title"] for button in message.get("buttons", []))
        return "\n".join(part for part in parts if part)
