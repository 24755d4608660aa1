"""Outbound texts through the real twilio client library, pointed at the Twilio stand-in (tests/twilio_standin.py)."""

from typing import Iterator

import pytest
from twilio.base.exceptions import TwilioRestException

from channels.twilio_rest import TwilioMessages
from channels.twilio_settings import TwilioChannelSettings
from tests.twilio_standin import TwilioStandIn

ACCOUNT_SID = "AC" + "1f" * 16
AUTH_TOKEN = "outbound-test-token"


@pytest.fixture
def standin() -> Iterator[TwilioStandIn]:
    running = TwilioStandIn(ACCOUNT_SID, AUTH_TOKEN).start()
    yield running
    running.stop()


def settings_for(standin: TwilioStandIn, token: str = AUTH_TOKEN) -> TwilioChannelSettings:
    return TwilioChannelSettings(
        account_sid=ACCOUNT_SID, auth_token=token, api_base_url=standin.url, sms_from="+447700900000"
    )


@pytest.mark.asyncio
async def test_message_reaches_the_standin_as_twilio_would_receive_it(standin: TwilioStandIn) -> None:
    sid = await TwilioMessages(settings_for(standin)).send("+447700900123", "Hello from Northbridge 申请 🙂")
    [message] = standin.messages()
    assert message["sid"] == sid and sid.startswith("SM")
    assert (message["to"], message["from"]) == ("+447700900123", "+447700900000")
    assert message["body"] == "Hello from Northbridge 申请 🙂"
    assert message["num_segments"] == "1"


@pytest.mark.asyncio
async def test_wrong_credentials_are_refused_like_twilio_does(standin: TwilioStandIn) -> None:
    with pytest.raises(TwilioRestException) as refused:
        await TwilioMessages(settings_for(standin, token="wrong")).send("+447700900123", "Hello")
    assert refused.value.status == 401 and refused.value.code == 20003
    assert standin.messages() == []


@pytest.mark.asyncio
@pytest.mark.parametrize(("to", "body", "code"), [("07700900123", "Hi", 21211), ("+447700900123", "x" * 1601, 21617)])
async def test_twilio_errors_come_back_as_the_library_raises_them(
    standin: TwilioStandIn, to: str, body: str, code: int
) -> None:
    with pytest.raises(TwilioRestException) as refused:
        await TwilioMessages(settings_for(standin)).send(to, body)
    assert refused.value.code == code


def test_standin_lists_and_clears(standin: TwilioStandIn) -> None:
    from twilio.rest import Client

    # The library's synchronous client too, with its base URL swapped in the same way as ours.
    client = Client(ACCOUNT_SID, AUTH_TOKEN)
    client.api.base_url = standin.url
    client.messages.create(to="+447700900001", from_="+447700900000", body="one")
    client.messages.create(to="+447700900002", from_="+447700900000", body="two")
    assert [m.body for m in client.messages.list()] == ["two", "one"]
    assert len(standin.wait_for_messages(1, to="+447700900002")) == 1
    standin.clear()
    assert standin.messages() == []
    with pytest.raises(TimeoutError):
        standin.wait_for_messages(1, timeout=0.2)
