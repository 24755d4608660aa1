"""What SMS citizens type and read: STOP/START/HELP keywords, numbered choices, replies as plain text."""

from __future__ import annotations

import re
import unicodedata
from typing import Any, Dict, Iterable, List, Optional

# The carrier keywords (CTIA, and what Twilio itself honours on long codes). They
# are whole messages: "cancel my report" is a sentence for the assistant, "CANCEL" is not.
OPT_OUT_KEYWORDS = {"STOP", "STOPALL", "UNSUBSCRIBE", "CANCEL", "END", "QUIT"}
# Not YES, which Twilio also accepts: here "yes" answers the assistant's questions.
OPT_IN_KEYWORDS = {"START", "UNSTOP"}
HELP_KEYWORDS = {"HELP", "INFO"}

HELP_REPLY = (
    "Northbridge City Council 12345 hotline: ask about applications, report problems such as potholes, "
    "check a report, or ask about opening hours and fees. Text 'agent' to reach a member of staff, "
    "or call 12345. Reply STOP to opt out, START to opt back in."
)
OPTED_OUT_REPLY = (
    "You have been unsubscribed from Northbridge 12345 text messages and will get no more. "
    "Reply START to subscribe again."
)
OPTED_IN_REPLY = "You are subscribed to Northbridge 12345 text messages again. How can we help? Reply HELP for help."
UNREADABLE_REPLY = (
    "Sorry, we could only read text messages of up to 1,600 characters. Please send your question as text."
)
CHOOSE_BY_NUMBER = "Reply with a number to choose."

_KEYWORD = re.compile(r"^\s*([A-Za-z]+)\s*[.!]*\s*$")
_CHOICE = re.compile(r"^\s*(\d{1,2})\s*[.)]?\s*$")


def sms_keyword(body: str) -> Optional[str]:
    """'stop', 'start' or 'help' if the whole message is one of their keywords, else None."""
    match = _KEYWORD.match(unicodedata.normalize("NFKC", body))
    if not match:
        return None
    word = match.group(1).upper()
    if word in OPT_OUT_KEYWORDS:
        return "stop"
    if word in OPT_IN_KEYWORDS:
        return "start"
    if word in HELP_KEYWORDS:
        return "help"
    return None


def keyword_of(body: str) -> str:
    """The keyword as the back office records it (STOP, UNSUBSCRIBE...)."""
    match = _KEYWORD.match(unicodedata.normalize("NFKC", body))
    return match.group(1).upper() if match else ""


def chosen_button(text: str, buttons: List[Dict[str, Any]]) -> Optional[Dict[str, Any]]:
    """The button a reply like '2' picks (full-width digits count), or None."""
    match = _CHOICE.match(unicodedata.normalize("NFKC", text))
    if not match or not buttons:
        return None
    index = int(match.group(1))
    return buttons[index - 1] if 1 <= index <= len(buttons) else None


def sms_text(messages: Iterable[Dict[str, Any]]) -> str:
    """The assistant's messages of one turn as one SMS text; buttons become numbered choices.

    One text rather than one SMS per message: separate messages can arrive in
    any order on the network.
    """
    paragraphs: List[str] = []
    number = 0
    for message in messages:
        text = (message.get("text") or "").strip()
        buttons = message.get("buttons") or []
        if image := message.get("image"):
            text = f"{text}\n{image}".strip()
        lines = [text] if text else []
        for button in buttons:
            number += 1
            lines.append(f"{number}. {button.get('title', '')}")
        if lines:
            paragraphs.append("\n".join(lines))
    if number:
        paragraphs.append(CHOOSE_BY_NUMBER)
    return "\n\n".join(paragraphs)
