"""Cleaning of text typed by citizens before it reaches the assistant, shared by every channel."""

import re
import unicodedata

# Zero-width and bidi-control characters are invisible on screen but change what
# the NLU sees and what an agent reads; they never carry meaning in a message.
_INVISIBLE = re.compile("[\u200b\u200c\u200d\u200e\u200f\u2060\u2066-\u2069\u202a-\u202e\ufeff]")
# C0/C1 control characters except tab and newline.
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")

MAX_MESSAGE_CHARS = 2000


class RejectedText(ValueError):
    """The message cannot be passed to the assistant; the text says why, for the citizen."""


def clean_citizen_text(text: object, *, max_chars: int = MAX_MESSAGE_CHARS) -> str:
    """Return the message normalised (NFC, no control or invisible characters, trimmed).

    Raises RejectedText for anything that is not text, is empty once cleaned,
    or is longer than max_chars.
    """
    if not isinstance(text, str):
        raise RejectedText("The message must be text.")
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:  # lone surrogates smuggled in through JSON escapes
        raise RejectedText("The message contains invalid characters.") from None
    cleaned = unicodedata.normalize("NFC", text)
    cleaned = _INVISIBLE.sub("", cleaned)
    cleaned = _CONTROL.sub(" ", cleaned).strip()
    if not cleaned:
        raise RejectedText("The message is empty.")
    if len(cleaned) > max_chars:
        raise RejectedText(f"The message is too long (at most {max_chars} characters).")
    return cleaned
