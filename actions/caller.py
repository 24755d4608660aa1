"""What a channel vouches for about the person writing or calling: their number and their language."""

from __future__ import annotations

import re
from typing import Optional

from rasa_sdk import Tracker

# Where a channel that knows the caller's number (SMS, voice) puts it: the signed request's sender.
PHONE_METADATA_KEY = "phone"
_E164 = re.compile(r"\+[1-9][0-9]{6,14}")


# The channels that put the number there from a signed Twilio webhook; any other channel's
# metadata is whatever its client sent (Rasa's REST channel passes a request's metadata on).
PHONE_CHANNELS = ("sms", "voice")


def caller_phone(tracker: Tracker) -> Optional[str]:
    """The number of the latest message's sender when the channel vouches for it (a signed Twilio webhook)."""
    if tracker.get_latest_input_channel() not in PHONE_CHANNELS:
        return None
    metadata = tracker.latest_message.get("metadata") or {}
    phone = metadata.get(PHONE_METADATA_KEY) if isinstance(metadata, dict) else None
    return phone if isinstance(phone, str) and _E164.fullmatch(phone) else None


# The languages the hotline answers in; the `language` slot holds one of them.
LANGUAGES = ("en", "zh")


def conversation_language(tracker: Tracker) -> str:
    """The language the citizen last wrote in (the slot the NLU's language detector fills).

    Before the citizen has written anything that shows a language, a channel
    may say which one it expects (metadata `language`, e.g. a Chinese phone line).
    """
    slot = tracker.get_slot("language")
    metadata = tracker.latest_message.get("metadata") or {}
    hinted = metadata.get("language") if isinstance(metadata, dict) else None
    if isinstance(hinted, str):
        hinted = hinted.split("-")[0].lower()
    for language in (slot, hinted):
        if isinstance(language, str) and language in LANGUAGES:
            return language
    return "en"
