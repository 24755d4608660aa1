"""One real hotline per test session, shared by the end-to-end and browser tests.

Its outbound texts go to a local Twilio stand-in (tests/twilio_standin.py),
started first so that the hotline is configured with its URL.
"""

import dataclasses
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
    running = start_hotline(Path(tmp_path_factory.mktemp("hotline")), twilio=account)
    yield running
    running.stop()


@pytest.fixture(scope="session")
def twilio(hotline: Hotline) -> Iterator[TwilioWebhookClient]:
    """Acts as Twilio towards the session's hotline: signs for its public URL, sends to where it listens."""
    client = TwilioWebhookClient(
        hotline.rasa_url, hotline.twilio.public_url, hotline.twilio.auth_token, hotline.twilio.account_sid
    )
    yield client
    client.close()
