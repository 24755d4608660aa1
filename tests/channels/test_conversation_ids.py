"""Conversation ids of the phone channels carry no phone number (channels/conversation_ids.py)."""

from channels.conversation_ids import sms_conversation_id, voice_conversation_id


def test_sms_id_is_stable_per_number_and_secret_and_hides_the_number() -> None:
    first = sms_conversation_id("+447700900010", "secret-one")
    assert first == sms_conversation_id("+447700900010", "secret-one")
    assert first != sms_conversation_id("+447700900011", "secret-one")
    assert first != sms_conversation_id("+447700900010", "secret-two")
    assert "7700900010" not in first and first.startswith("sms-") and len(first) == 36


def test_each_call_is_its_own_conversation() -> None:
    assert voice_conversation_id("CA" + "1" * 32, "s") != voice_conversation_id("CA" + "2" * 32, "s")
    assert voice_conversation_id("CA" + "1" * 32, "s").startswith("voice-")
