"""The channels' back-office client when the back office is not there (channels/back_office.py)."""

import socket

import pytest

from channels.back_office import BackOfficeClient, BackOfficeUnavailable


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.mark.asyncio
async def test_a_back_office_that_is_down_is_reported_not_guessed() -> None:
    client = BackOfficeClient(f"http://127.0.0.1:{free_port()}", "token", timeout_seconds=1.0)
    with pytest.raises(BackOfficeUnavailable):
        await client.sms_opted_out("+447700900010")
    with pytest.raises(BackOfficeUnavailable):
        await client.record_sms_consent("+447700900010", opted_out=True, keyword="STOP")
