"""The baseline of bench/assistant_throughput.py: a stock Rasa 3.6.21 `rasa init` assistant.

`rasa init --no-prompt` creates Rasa's default project (its config, domain,
NLU data, stories and rules) and trains it, once: the project and its model
are kept under var/bench/rasa-init/<fingerprint of Rasa's template>/ and
reused while the template is the same. It then runs as `rasa run` would run
it out of the box: its REST channel, in-memory tracker and lock stores, one
Sanic worker.

    .venvs/backend/bin/python -m bench.stock_rasa   # prepares it (trains if needed), prints the model
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

import httpx

from tests.e2e.hotline_process import ROOT, free_port

RASA = ROOT / ".venvs" / "rasa" / "bin" / "rasa"
RASA_PYTHON = ROOT / ".venvs" / "rasa" / "bin" / "python"
CACHE = ROOT / "var" / "bench" / "rasa-init"
# What a stock `rasa init` conversation says: its stories' intents, six turns.
STOCK_CONVERSATION = ("hello", "I am feeling sad", "yes", "are you a bot?", "great, thanks", "bye")


def template_dir() -> Path:
    found = subprocess.run(
        [str(RASA_PYTHON), "-c", "import rasa.cli, os; print(os.path.dirname(rasa.cli.__file__))"],
        capture_output=True,
        text=True,
        check=True,
    )
    return Path(found.stdout.strip()) / "initial_project"


def fingerprint(template: Path) -> str:
    digest = hashlib.sha256(b"rasa 3.6.21\n")
    for path in sorted(template.rglob("*")):
        if path.is_file() and "__pycache__" not in path.parts:
            digest.update(str(path.relative_to(template)).encode() + b"\n" + path.read_bytes())
    return digest.hexdigest()[:16]


def stock_project() -> Path:
    """The `rasa init` project with its trained model, made once per Rasa template."""
    project = CACHE / fingerprint(template_dir())
    if list((project / "models").glob("*.tar.gz")):
        return project
    scratch = project.with_name(project.name + ".partial")
    shutil.rmtree(scratch, ignore_errors=True)
    scratch.mkdir(parents=True)
    print(f"stock rasa: `rasa init --no-prompt` in {project} (trains Rasa's default project, a few minutes)")
    subprocess.run(
        [str(RASA), "init", "--no-prompt", "--init-dir", str(scratch)],
        cwd=scratch,
        env={**os.environ, "RASA_TELEMETRY_ENABLED": "false"},
        stdout=subprocess.DEVNULL,
        check=True,
    )
    shutil.rmtree(project, ignore_errors=True)
    scratch.rename(project)
    return project


@dataclass
class StockRasa:
    process: subprocess.Popen
    url: str

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()


def start_stock_rasa(log_path: Path) -> StockRasa:
    """`rasa run` in the stock project, as it comes: REST channel, in-memory stores, one worker."""
    project = stock_project()
    port = free_port()
    log = log_path.open("w")
    process = subprocess.Popen(
        [str(RASA), "run", "--model", "models", "--port", str(port), "--interface", "127.0.0.1"],
        cwd=project,
        env={**os.environ, "RASA_TELEMETRY_ENABLED": "false"},
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    stock = StockRasa(process, f"http://127.0.0.1:{port}")
    deadline = time.monotonic() + 600
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"stock rasa exited; see {log_path}")
        try:
            # Out of the box there is no HTTP API (no /status); an answered turn proves the model is loaded.
            reply = httpx.post(
                f"{stock.url}/webhooks/rest/webhook", json={"sender": "warm-up", "message": "hello"}, timeout=30
            )
            if reply.status_code == 200 and reply.json():
                return stock
        except httpx.HTTPError:
            pass
        time.sleep(1)
    stock.stop()
    raise RuntimeError(f"stock rasa did not start; see {log_path}")


if __name__ == "__main__":
    print(next((stock_project() / "models").glob("*.tar.gz")))
