"""A citizen uses the web chat page in a real (headless) Chromium."""

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.browser import system_chromium
from tests.e2e.hotline_process import Hotline

pytestmark = [pytest.mark.e2e, pytest.mark.browser]


@pytest.fixture
def page(hotline: Hotline) -> Page:
    with system_chromium() as browser:
        context = browser.new_context()
        page = context.new_page()
        page.goto(f"{hotline.rasa_url}/webhooks/webchat/")
        yield page
        context.close()


def send(page: Page, text: str) -> None:
    page.get_by_label("Your message").fill(text)
    page.get_by_role("button", name="Send").click()


def answered(page: Page, before: int) -> None:
    """Wait until the assistant has replied (more assistant messages, nothing pending)."""
    expect(page.locator('li[data-sender="assistant"]')).not_to_have_count(before, timeout=20_000)
    expect(page.locator("#send")).to_be_enabled(timeout=20_000)


def test_citizen_chats_and_keeps_the_conversation_after_reload(page: Page) -> None:
    assistant = page.locator('li[data-sender="assistant"]')
    expect(assistant).to_have_count(1)  # the page's own welcome; not part of the conversation
    welcome_count = 1

    send(page, "Hello")
    expect(page.locator('li[data-sender="citizen"]')).to_have_text(["Hello"])
    answered(page, welcome_count)
    before = assistant.count()
    send(page, "when are you open?")
    answered(page, before)
    replies = assistant.all_inner_texts()[welcome_count:]
    assert replies

    page.reload()
    # After a reload the transcript comes back from the assistant's tracker store.
    expect(page.locator('li[data-sender="citizen"]')).to_have_text(["Hello", "when are you open?"])
    expect(assistant).to_have_text(replies)


def test_buttons_send_their_choice_and_show_its_title(page: Page) -> None:
    send(page, "what can you do?")
    first_choice = page.locator(".message__buttons button").first
    expect(first_choice).to_be_visible(timeout=20_000)
    title = first_choice.inner_text()
    first_choice.click()
    expect(page.locator('li[data-sender="citizen"]').last).to_have_text(title)
    expect(page.locator('li[data-sender="assistant"]').last).not_to_have_text("", timeout=20_000)


def test_citizen_text_is_shown_as_text_never_run_as_html(page: Page) -> None:
    send(page, '<img src=x onerror="document.title=\'pwned\'"> hello')
    expect(page.locator('li[data-sender="citizen"]').last).to_contain_text("<img src=x")
    page.wait_for_timeout(500)
    assert page.title() != "pwned"
    assert page.locator("li img").count() == 0
