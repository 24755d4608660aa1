"""Which channels vouch for the caller's number (actions/caller.py)."""

import pytest
from rasa_sdk import Tracker

from actions.caller import caller_phone
from tests.actions.conversation_events import user


def tracker_with(channel: str, metadata: dict) -> Tracker:
    message = user("please ring me back", "request_human", channel=channel, metadata=metadata)
    return Tracker(
        "c1", {}, message["parse_data"] | {"metadata": metadata}, [message], False, None, {}, "action_listen"
    )


@pytest.mark.parametrize("channel", ["sms", "voice"])
def test_the_twilio_channels_vouch_for_the_number(channel: str) -> None:
    assert caller_phone(tracker_with(channel, {"phone": "+447700900123"})) == "+447700900123"


@pytest.mark.parametrize("channel", ["rest", "webchat", "socketio"])
def test_a_number_any_client_can_put_in_the_metadata_is_not_the_callers(channel: str) -> None:
    # Rasa's REST channel passes on whatever metadata the request carries.
    assert caller_phone(tracker_with(channel, {"phone": "+447700900123"})) is None


def test_a_malformed_number_is_nobodys() -> None:
    assert caller_phone(tracker_with("sms", {"phone": "07700 900123; DROP"})) is None
