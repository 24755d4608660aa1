"""Trainers' review, end to end: a real conversation's unsure messages reach the review page, tara annotates
one in a real browser, agents are refused, and the export is Rasa training data without the citizen's data."""

import os
import re
import subprocess
import time
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import expect

from tests.e2e.browser import system_chromium
from tests.e2e.hotline_process import Conversation, Hotline
from tests.e2e.test_console_page import sign_in

pytestmark = [pytest.mark.e2e, pytest.mark.browser]

ROOT = Path(__file__).resolve().parents[2]
# What the citizen wrote that is theirs (also searched for in every log when the session ends).
CITIZEN_NAME = "Margaret Okafor"
CITIZEN_EMAIL = "m.okafor@example.net"
# Half-questions and word salads the assistant is unsure of (a confident out_of_scope for gibberish is
# not a doubt); at least one of them must be picked whatever the model.
UNSURE_REASONS = {"low_confidence", "fallback", "out_of_scope"}
UNSURE = ["it's about the thing from before", "application fees opening", "and the bins and my application"]


def review_rows(hotline: Hotline, status: str = "pending") -> list[dict]:
    with httpx.Client(base_url=hotline.backend_url, timeout=10) as console:
        login = console.post("/console/api/login", json={"username": "tara", "password": "northbridge-demo"})
        assert login.status_code == 200, login.text
        reply = console.get("/console/api/review/messages", params={"status": status})
        assert reply.status_code == 200, reply.text
        return reply.json()


def wait_for_rows(hotline: Hotline, conversation_id: str, count: int) -> list[dict]:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        rows = [row for row in review_rows(hotline) if row["conversation_id"] == conversation_id]
        if len(rows) >= count:
            return rows
        time.sleep(0.5)
    raise AssertionError(f"{conversation_id}: the messages did not reach the review table")


@pytest.fixture(scope="module")
def reviewed_conversation(hotline: Hotline) -> dict[str, dict]:
    """A citizen who is not understood, then gives their name and e-mail and asks for a person."""
    citizen = Conversation(hotline.rasa_url, sender=f"e2e-review-{os.getpid()}")
    for text in UNSURE:
        citizen.say(text)
    citizen.say(f"hello, my name is {CITIZEN_NAME} and my email is {CITIZEN_EMAIL}")
    assert re.search(r"HO-\d{6}", citizen.say_text("can I talk to a person please")), "queued for an agent"
    rows = wait_for_rows(hotline, citizen.sender, 3)
    return {row["text"]: row for row in rows}


def test_unsure_and_handed_off_messages_reach_the_review_table(reviewed_conversation: dict[str, dict]) -> None:
    unsure = [row for row in reviewed_conversation.values() if UNSURE_REASONS & set(row["reasons"])]
    assert unsure and all(row["text"] in UNSURE for row in unsure), reviewed_conversation
    for row in unsure:
        assert set(row["reasons"]) - {"low_confidence"} or row["confidence"] < 0.9, row
        assert row["predicted_intent"], row
    introduced = reviewed_conversation.get(f"hello, my name is {CITIZEN_NAME} and my email is {CITIZEN_EMAIL}")
    assert introduced is not None and "handed_off" in introduced["reasons"]


def test_tara_annotates_in_the_review_page_and_agents_are_refused(
    hotline: Hotline, reviewed_conversation: dict[str, dict]
) -> None:
    unsure = next(row for row in reviewed_conversation.values() if UNSURE_REASONS & set(row["reasons"]))
    introduced = next(row for row in reviewed_conversation.values() if CITIZEN_NAME in row["text"])
    with system_chromium() as browser:
        trainer, agent = browser.new_context(), browser.new_context()
        try:
            page = trainer.new_page()
            sign_in(page, hotline, "tara")
            page.get_by_role("button", name="Review").click()
            item = page.locator(f'li.review__item[data-id="{unsure["id"]}"]')
            expect(item.get_by_label("Citizen's message")).to_have_text(unsure["text"], timeout=10_000)
            expect(item.locator(".review__predicted")).to_have_text(unsure["predicted_intent"])
            expect(item).to_contain_text(re.compile("low confidence|not understood|out of scope"))
            item.locator("select.review__intent").select_option("greet")
            item.get_by_role("button", name="Save").click()
            expect(page.locator(f'li.review__item[data-id="{unsure["id"]}"] .review__verdict')).to_contain_text(
                "Marked greet by Tara"
            )

            named = page.locator(f'li.review__item[data-id="{introduced["id"]}"]')
            named.locator("select.review__intent").select_option("greet")
            named.get_by_role("button", name="Out of scope").click()
            expect(page.locator(f'li.review__item[data-id="{introduced["id"]}"] .review__verdict')).to_contain_text(
                "Marked out_of_scope"
            )
            page.locator("#review-status").select_option("annotated")
            expect(page.locator(f'li.review__item[data-id="{unsure["id"]}"]')).to_be_visible()

            desk = agent.new_page()
            sign_in(desk, hotline, "alice")
            expect(desk.get_by_role("button", name="Review")).to_be_hidden()
            status = desk.evaluate("fetch('/console/api/review/messages').then((reply) => reply.status)")
            assert status == 403
        finally:
            trainer.close()
            agent.close()
    annotated = {row["id"]: row for row in review_rows(hotline, "annotated")}
    assert annotated[unsure["id"]]["annotated_intent"] == "greet"
    assert annotated[introduced["id"]]["annotated_intent"] == "out_of_scope"


def test_the_export_is_valid_training_data_without_the_citizens_data(
    hotline: Hotline, reviewed_conversation: dict[str, dict], tmp_path: Path
) -> None:
    introduced = next(row for row in reviewed_conversation.values() if CITIZEN_NAME in row["text"])
    with httpx.Client(base_url=hotline.backend_url, timeout=10) as console:
        login = console.post("/console/api/login", json={"username": "tara", "password": "northbridge-demo"})
        reply = console.put(f"/console/api/review/messages/{introduced['id']}/annotation", json={"out_of_scope": True},
                            headers={"X-CSRF-Token": login.json()["csrf_token"]})
        assert reply.status_code == 200, reply.text
    out = tmp_path / "nlu" / "reviewed.yml"
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{hotline.var_dir}/backend.db", "PYTHONPATH": str(ROOT)}
    command = [str(ROOT / ".venvs" / "backend" / "bin" / "python"), "-m", "app.manage", "export-annotations",
               "--out", str(out)]
    result = subprocess.run(command, cwd=ROOT / "backend", env=env, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    exported = out.read_text(encoding="utf-8")
    assert "- intent: out_of_scope" in exported
    for private in (CITIZEN_NAME, CITIZEN_EMAIL, "Okafor", "okafor"):
        assert private not in exported
    assert re.search(r"hello, my name is [A-Z][a-z]+ [A-Z][a-z]+ and my email is \S+@example\.org", exported)
    validate = subprocess.run(
        [str(ROOT / ".venvs" / "rasa" / "bin" / "python"), "-c",
         "import sys; from rasa.shared.nlu.training_data.formats.rasa_yaml import RasaYAMLReader; "
         "print(len(RasaYAMLReader().read(sys.argv[1]).intent_examples))", str(out)],
        capture_output=True, text=True, timeout=300, env={**os.environ, "RASA_TELEMETRY_ENABLED": "false"},
    )
    assert validate.returncode == 0, validate.stderr[-2000:]
    assert int(validate.stdout.strip().splitlines()[-1]) >= 2
