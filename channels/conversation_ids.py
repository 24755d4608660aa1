"""Conversation ids (Rasa sender ids) for phone channels, derived so no phone number reaches Rasa's keys or logs."""

from __future__ import annotations

import hashlib
import hmac


def _keyed_digest(secret: str, value: str) -> str:
    # 128 bits of an HMAC: no collisions in practice, and without the secret
    # nobody can tell which number (or call) an id belongs to.
    return hmac.new(secret.encode("utf-8"), value.encode("utf-8"), hashlib.sha256).hexdigest()[:32]


def sms_conversation_id(phone: str, secret: str) -> str:
    """One conversation per phone number: texts days apart continue it (within Rasa's session rules)."""
    return "sms-" + _keyed_digest(secret, "sms:" + phone)


def voice_conversation_id(call_sid: str, secret: str) -> str:
    """One conversation per call: a new call never lands in the middle of an old call's form."""
    return "voice-" + _keyed_digest(secret, "voice:" + call_sid)
