"""The agent console and the web chat in two real browser contexts: a whole handoff, live both ways."""

import re

import httpx
import pytest
from playwright.sync_api import Page, expect

from tests.e2e.browser import system_chromium
from tests.e2e.hotline_process import Hotline

pytestmark = [pytest.mark.e2e, pytest.mark.browser]

DEMO_PASSWORD = "northbridge-demo"


def sign_in(page: Page, hotline: Hotline, username: str) -> None:
    page.goto(f"{hotline.backend_url}/console/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.locator("#me")).to_contain_text(username.capitalize(), ignore_case=True, timeout=10_000)


def citizen_says(page: Page, text: str) -> None:
    page.get_by_label("Your message").fill(text)
    page.get_by_role("button", name="Send").click()
    expect(page.locator("#send")).to_be_enabled(timeout=20_000)


def test_agent_takes_a_web_chat_conversation_live_and_hands_it_back(hotline: Hotline) -> None:
    with system_chromium() as browser:
        agent_context, citizen_context = browser.new_context(), browser.new_context()
        agent, citizen = agent_context.new_page(), citizen_context.new_page()
        try:
            sign_in(agent, hotline, "alice")
            agent.locator("#presence").select_option("available")
            expect(agent.locator("#live")).to_have_class(re.compile("live--on"), timeout=10_000)

            citizen.goto(f"{hotline.rasa_url}/webhooks/webchat/")
            citizen_says(citizen, "I'd like to check the status of my application")
            citizen_says(citizen, "I want to speak to a person")
            expect(citizen.locator("#queue")).to_contain_text("number", timeout=10_000)
            reference = re.search(r"HO-\d{6}", citizen.locator('li[data-sender="assistant"]').last.inner_text())
            assert reference, "the citizen was given a reference"

            # The waiting conversation appears on the agent's screen without a reload.
            ticket = agent.locator(f'li.ticket[data-reference="{reference.group(0)}"]')
            expect(ticket).to_be_visible(timeout=10_000)
            ticket.click()
            agent.get_by_role("button", name="Take this conversation").click()
            expect(citizen.locator('li[data-sender="hotline"]').last).to_contain_text("Alice Morgan", timeout=10_000)
            expect(citizen.locator("#queue")).to_be_hidden()

            citizen_says(citizen, "Hello, my licence is taking ages <b>really</b>")
            line = agent.locator('#transcript li[data-sender="citizen"]').last
            expect(line).to_have_text(re.compile("taking ages <b>really</b>"), timeout=10_000)  # shown as text

            agent.get_by_label("Reply to the citizen").fill("Hi, I'm Alice. Let me look at that for you.")
            agent.get_by_role("button", name="Send", exact=True).click()
            reply = citizen.locator('li[data-sender="agent"]').last
            expect(reply).to_contain_text("Let me look at that", timeout=10_000)
            expect(reply).to_contain_text("Alice Morgan")

            agent.locator("summary", has_text="Transfer, hand back or close").click()
            agent.get_by_placeholder("What the citizen and the assistant should know").fill(
                "Your review should be finished by Friday."
            )
            agent.get_by_role("button", name="Hand back to the assistant").click()
            back = citizen.locator('li[data-sender="assistant"]')
            expect(back.last).to_contain_text("anything else", ignore_case=True, timeout=10_000)
            expect(citizen.get_by_text("finished by Friday", exact=False)).to_be_visible()

            # The assistant answers the citizen's next message itself.
            before = back.count()
            citizen_says(citizen, "when is the citizen service centre open?")
            expect(back).not_to_have_count(before, timeout=20_000)
            expect(back.last).to_contain_text(re.compile(r"\d{1,2}[:.]\d{2}"))
        finally:
            agent_context.close()
            citizen_context.close()


def test_an_agent_of_another_team_does_not_see_it(hotline: Hotline) -> None:
    with system_chromium() as browser:
        context = browser.new_context()
        page = context.new_page()
        try:
            queued = httpx.post(
                f"{hotline.rasa_url}/webhooks/rest/webhook",
                json={"sender": "console-page-other-team", "message": "I need to talk to a human"},
                timeout=30,
            )
            reference = re.search(r"HO-\d{6}", queued.text)
            assert reference, queued.text
            sign_in(page, hotline, "dana")  # urgent team only
            expect(page.locator("#queue-title")).to_be_visible()
            page.wait_for_timeout(1000)  # the queue has loaded and the stream is open
            expect(page.locator(f'li.ticket[data-reference="{reference.group(0)}"]')).to_have_count(0)
            page.get_by_role("button", name="Sign out").click()
            expect(page.get_by_label("Username")).to_be_visible()
            sign_in(page, hotline, "bilal")  # general team: the same conversation is there
            expect(page.locator(f'li.ticket[data-reference="{reference.group(0)}"]')).to_be_visible(timeout=10_000)
        finally:
            context.close()
