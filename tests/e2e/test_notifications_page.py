"""A web chat citizen who asked for updates sees them on their next visit, and rates the resolved request.

Real processes: the report is filed through the web chat channel, the department
works it through the work-order API, the notification job runs as the operator
command (the clock is not waited for), and the page is a real Chromium.
"""

from __future__ import annotations

import os
import re
import subprocess
import uuid

import httpx
import pytest
from playwright.sync_api import expect
from sqlalchemy import create_engine, text

from tests.e2e.browser import system_chromium
from tests.e2e.hotline_process import ROOT, Hotline

pytestmark = [pytest.mark.e2e, pytest.mark.browser]

STORAGE_KEY = "northbridge-12345-conversation"


def say(hotline: Hotline, sender: str, message: str) -> str:
    reply = httpx.post(
        f"{hotline.rasa_url}/webhooks/webchat/webhook", json={"sender": sender, "message": message}, timeout=30
    )
    reply.raise_for_status()
    return "\n".join(m.get("text") or "" for m in reply.json())


def work_order(hotline: Hotline, number: str, action: str, **body: str) -> None:
    reply = httpx.post(
        f"{hotline.backend_url}/api/v1/work-orders/{number}/{action}",
        json={"actor": "Dana Reid", "department": "roads", **body},
        headers={"Authorization": f"Bearer {hotline.service_token}"},
        timeout=10,
    )
    assert reply.status_code == 200, reply.text


def send_notifications(hotline: Hotline, **twilio: str) -> str:
    """`python -m app.manage send-notifications` against the running hotline's database and Rasa server.

    Texts go nowhere unless Twilio settings are given (the session's stand-in).
    """
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith("TWILIO_")},
        "DATABASE_URL": f"sqlite:///{hotline.var_dir}/backend.db",
        "RASA_URL": hotline.rasa_url,
        "RASA_AUTH_TOKEN": hotline.rasa_token,
        "BACKEND_SERVICE_TOKEN": hotline.service_token,
        **twilio,
    }
    done = subprocess.run(
        [str(ROOT / ".venvs" / "backend" / "bin" / "python"), "-m", "app.manage", "send-notifications"],
        cwd=ROOT / "backend",
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout


def rating_of(hotline: Hotline, number: str) -> int | None:
    engine = create_engine(f"sqlite:///{hotline.var_dir}/backend.db")
    try:
        with engine.connect() as connection:
            return connection.execute(
                text(
                    "SELECT r.rating FROM satisfaction_rating r JOIN service_request s ON s.id = r.service_request_id"
                    " WHERE s.request_number = :number"
                ),
                {"number": number},
            ).scalar()
    finally:
        engine.dispose()


def test_web_chat_citizen_sees_updates_and_rates_the_resolved_request(hotline: Hotline) -> None:
    sender = uuid.uuid4().hex
    say(hotline, sender, "I need to report a pothole")
    say(hotline, sender, "Corner of Elm Road and Station Street")
    say(hotline, sender, "Deep hole in the left lane, cars swerving around it")
    offer = say(hotline, sender, "yes")
    assert "next time you open this chat" in offer, offer
    filed = say(hotline, sender, "yes please")
    number = re.search(r"SR-\d{6}", filed)
    assert number and "We'll let you know" in filed, filed
    number = number.group(0)

    work_order(hotline, number, "accept")
    work_order(hotline, number, "resolve", resolution="The pothole was filled and the lane reopened.")
    # The back office's own periodic run may have been first; either way both steps are recorded now.
    assert "new notifications" in send_notifications(hotline)

    with system_chromium() as browser:
        context = browser.new_context()
        page = context.new_page()
        try:
            page.goto(f"{hotline.rasa_url}/webhooks/webchat/")
            page.evaluate("([key, id]) => localStorage.setItem(key, id)", [STORAGE_KEY, sender])
            page.reload()
            updates = page.locator("#updates")
            expect(updates).to_be_visible(timeout=15_000)
            expect(updates).to_contain_text("Updates on your requests")
            expect(page.locator("#updates-list li")).to_have_count(2)
            expect(updates).to_contain_text(f"{number} (Pothole or damaged road): Accepted by the department")
            expect(updates).to_contain_text("Resolved. The pothole was filled and the lane reopened.")

            # The assistant's question waits in the conversation; the answer goes to its survey.
            question = page.locator('li[data-sender="assistant"]').last
            expect(question).to_contain_text(f"How happy are you with how we handled your report {number}")
            question.get_by_role("button", name="4").click()
            expect(page.locator('li[data-sender="assistant"]').last).to_contain_text(
                "anything you'd like to tell us", timeout=20_000
            )
            page.locator('li[data-sender="assistant"]').last.get_by_role("button", name="No comment").click()
            expect(page.locator('li[data-sender="assistant"]').last).to_contain_text(
                "Thanks for your feedback", timeout=20_000
            )
            assert rating_of(hotline, number) == 4

            # Handed over once by the back office; the page keeps them until the citizen dismisses them.
            again = httpx.get(f"{hotline.rasa_url}/webhooks/webchat/updates", params={"sender": sender}, timeout=10)
            assert again.json() == {"updates": []}
            page.reload()
            expect(page.locator("#updates-list li")).to_have_count(2, timeout=15_000)
            page.get_by_role("button", name="Got it").click()
            expect(updates).to_be_hidden()
        finally:
            context.close()
    assert "recorded 0 new notifications; nothing due" in send_notifications(hotline)
