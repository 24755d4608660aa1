"""The action server as Rasa talks to it: the real rasa-sdk endpoint over HTTP, against the running backend."""

import json
import os
import subprocess
import sys
import time

import httpx
import pytest

from tests.actions.conftest import REPO, SERVICE_TOKEN, SNAPSHOTS, _free_port
from tests.actions.test_domain_contract import CONTRACT_ACTIONS


@pytest.fixture(scope="module")
def action_server(running_backend, tmp_path_factory):
    """`python -m rasa_sdk --actions actions` (what `rasa run actions` runs, without importing all of Rasa)."""
    port = _free_port()
    log_path = tmp_path_factory.mktemp("action_server") / "server.log"
    env = {
        **os.environ,
        "BACKEND_URL": running_backend.base_url,
        "BACKEND_SERVICE_TOKEN": SERVICE_TOKEN,
        "BACKEND_TIMEOUT_SECONDS": "3",
    }
    with open(log_path, "w") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "rasa_sdk", "--actions", "actions", "--port", str(port)],
            cwd=REPO,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if httpx.get(f"{url}/health", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            assert process.poll() is None and time.monotonic() < deadline, log_path.read_text()[-3000:]
            time.sleep(0.2)
        yield url
    finally:
        process.terminate()
        process.wait(timeout=10)
    # Personal data stays out of the server's log.
    log = log_path.read_text()
    assert "1985-03-14" not in log and "482913" not in log


def run_action(url, action, snapshot, slots=None):
    state = json.loads((SNAPSHOTS / f"{snapshot}.json").read_text(encoding="utf-8"))
    state["slots"].update(slots or {})
    body = {"next_action": action, "sender_id": state["sender_id"], "tracker": state, "domain": {}, "version": "3.6.21"}
    response = httpx.post(f"{url}/webhook", json=body, timeout=10)
    assert response.status_code == 200, response.text
    return response.json()


def test_health_and_actions(action_server):
    assert httpx.get(f"{action_server}/health").json() == {"status": "ok"}
    assert {a["name"] for a in httpx.get(f"{action_server}/actions").json()} == CONTRACT_ACTIONS


def test_status_over_http(action_server):
    answer = run_action(action_server, "action_check_application_status", "application_status_ready")
    assert [r["response"] for r in answer["responses"]] == ["utter_application_status"]
    assert answer["responses"][0]["application_number"] == "APP-204817"
    assert answer["events"] == [
        {"event": "slot", "timestamp": None, "name": "identity_proof", "value": None},
        {"event": "slot", "timestamp": None, "name": "application_number", "value": None},
    ]


def test_wrong_pin_over_http_reveals_nothing(action_server):
    answer = run_action(
        action_server,
        "action_check_application_status",
        "application_status_ready",
        slots={"identity_proof": "pin:111111"},
    )
    assert [r["response"] for r in answer["responses"]] == ["utter_verification_failed"]
    assert "APP-204817" not in json.dumps(answer["responses"])


def test_faq_over_http(action_server):
    answer = run_action(action_server, "action_answer_faq", "faq_fees_without_service")
    assert [r["response"] for r in answer["responses"]] == ["utter_ask_service"]
    assert answer["events"] == []
