"""A citizen's markup reaches an agent's console as text and never runs; an agent's reaches the citizen the same way.

Real browsers (the system's Chromium): a citizen in the web chat page writes
an <img onerror> and a <script>, asks for a person; the agent's console shows
both in the queue and the transcript as literal text. Any script that ran
would set a mark on the page or open a dialog; neither happens.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.browser import system_chromium
from tests.e2e.hotline_process import Hotline
from tests.e2e.test_console_page import citizen_says, sign_in

pytestmark = [pytest.mark.e2e, pytest.mark.browser]

IMG = "<img src=x onerror=\"window.__xss='img';alert('img')\"> about my licence"
SCRIPT = "<script>window.__xss='script';alert('script')</script> still waiting"
AGENT_IMG = "<img src=x onerror=\"window.__xss='agent';alert('agent')\"> noted"


def watch_for_scripts(page: Page, dialogs: list[str]) -> None:
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))


def no_script_ran(page: Page) -> None:
    assert page.evaluate("() => window.__xss === undefined"), page.evaluate("() => window.__xss")


def test_a_citizens_markup_is_shown_as_text_in_the_console_and_never_runs(hotline: Hotline) -> None:
    dialogs: list[str] = []
    with system_chromium() as browser:
        agent_context, citizen_context = browser.new_context(), browser.new_context()
        agent, citizen = agent_context.new_page(), citizen_context.new_page()
        watch_for_scripts(agent, dialogs)
        watch_for_scripts(citizen, dialogs)
        try:
            sign_in(agent, hotline, "sam")  # a supervisor: sees and may take every team's conversations
            agent.locator("#presence").select_option("available")
            expect(agent.locator("#live")).to_have_class(re.compile("live--on"), timeout=10_000)

            citizen.goto(f"{hotline.rasa_url}/webhooks/webchat/")
            citizen_says(citizen, "I'd like to check the status of my application")
            citizen_says(citizen, IMG)
            citizen_says(citizen, "I want to speak to a person")
            reference = re.search(r"HO-\d{6}", citizen.locator('li[data-sender="assistant"]').last.inner_text())
            assert reference, "the citizen was given a reference"
            citizen_says(citizen, SCRIPT)

            ticket = agent.locator(f'li.ticket[data-reference="{reference.group(0)}"]')
            expect(ticket).to_be_visible(timeout=10_000)
            expect(ticket).to_contain_text("still waiting", timeout=10_000)  # the latest message, live
            ticket.click()
            transcript = agent.locator("#transcript")
            expect(transcript).to_contain_text(IMG, timeout=10_000)
            expect(transcript).to_contain_text(SCRIPT)
            assert agent.locator("#transcript img, #queue img, li.ticket img").count() == 0
            assert agent.locator("#transcript script").count() == 0

            agent.get_by_role("button", name="Take this conversation").click()
            agent.get_by_label("Reply to the citizen").fill(AGENT_IMG)
            agent.get_by_role("button", name="Send", exact=True).click()
            reply = citizen.locator('li[data-sender="agent"]').last
            expect(reply).to_contain_text(AGENT_IMG, timeout=10_000)
            assert citizen.locator("li img").count() == 0

            agent.wait_for_timeout(500)  # time for any handler that was going to fire
            no_script_ran(agent)
            no_script_ran(citizen)
            assert dialogs == []
        finally:
            agent_context.close()
            citizen_context.close()
