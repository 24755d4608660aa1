"""One real hotline per test session, shared by the end-to-end and browser tests.

When the session ends, every process's log is searched for the personal data
the tests sent (dates of birth, PINs, phone numbers): finding any fails the run.

Its outbound texts go to a local Twilio stand-in (tests/twilio_standin.py),
started first so that the hotline is configured with its URL.
"""

import dataclasses
import re
from pathlib import Path
from typing import Iterator

import pytest

from simulator.twilio_client import TwilioWebhookClient
from tests.e2e.hotline_process import Hotline, new_twilio_account, start_hotline
from tests.twilio_standin import TwilioStandIn


@pytest.fixture(scope="session")
def twilio_standin() -> Iterator[TwilioStandIn]:
    account = new_twilio_account()
    standin = TwilioStandIn(account.account_sid, account.auth_token).start()
    yield standin
    standin.stop()


@pytest.fixture(scope="session")
def hotline(tmp_path_factory: pytest.TempPathFactory, twilio_standin: TwilioStandIn) -> Iterator[Hotline]:
    # The hotline authenticates to the stand-in with the account's own credentials, as with Twilio.
    account = dataclasses.replace(
        new_twilio_account(api_base_url=twilio_standin.url),
        account_sid=twilio_standin.account_sid,
        auth_token=twilio_standin.auth_token,
    )
    # The product's 3 s back-office timeout is for a quiet server; on a loaded test machine an
    # ordinary lookup can take longer, and these tests are about conversations, not timeouts.
    running = start_hotline(
        Path(tmp_path_factory.mktemp("hotline")), twilio=account, BACKEND_TIMEOUT_SECONDS="8"
    )
    yield running
    running.stop()
    leaks = personal_data_in_logs(running)
    assert not leaks, f"citizens' personal data in the hotline's logs: {leaks}"


# What the session's citizens type or send that is theirs: dates of birth, receipt PINs, the
# demo applicants' phones and the test senders' numbers (tests/e2e/test_sms_channel.py), in
# the spellings the tests use. None of it may appear in any process's log.
PERSONAL_DATA = [
    r"1985-03-14",
    r"14 March 1985",
    r"14/03/1985",
    r"30/06/1978",
    r"\b482913\b",
    r"\b731055\b",
    r"\+?44\s?7700\s?8\d{5}",
    r"\+?447700900(?!000)\d{3}",  # the demo applicants' phones (+447700900000 is the hotline's own)
    r"\b07700\s?8\d{5}",
    r"Margaret Okafor",  # the review page's citizen (tests/e2e/test_review_page.py)
    r"m\.okafor@example\.net",
]


def personal_data_in_logs(hotline: Hotline) -> list[str]:
    """Which patterns of personal data each process logged (file name: pattern)."""
    found = []
    for log in sorted((hotline.var_dir / "log").glob("*.log")):
        text = log.read_text(errors="replace")
        found += [f"{log.name}: {pattern}" for pattern in PERSONAL_DATA if re.search(pattern, text)]
    return found


@pytest.fixture(scope="session")
def twilio(hotline: Hotline) -> Iterator[TwilioWebhookClient]:
    """Acts as Twilio towards the session's hotline: signs for its public URL, sends to where it listens."""
    client = TwilioWebhookClient(
        hotline.rasa_url, hotline.twilio.public_url, hotline.twilio.auth_token, hotline.twilio.account_sid
    )
    yield client
    client.close()
