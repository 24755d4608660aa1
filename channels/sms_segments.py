"""SMS encoding and segments: GSM-7 or UCS-2, how many segments a text costs, and splitting long replies.

A segment carries 160 GSM-7 characters or 70 UCS-2 (UTF-16) units; a message
of several segments loses a few to the concatenation header (153 / 67). One
character outside GSM-7 (an emoji, a Chinese character, a curly quote) turns
the whole message into UCS-2, so a reply is first rewritten with the GSM-7
equivalents of typographic characters our own texts use.
"""

from __future__ import annotations

import math
import re
import unicodedata
from typing import List

GSM7_BASIC = set(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞ\x1bÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
# Each costs two septets (escape + character).
GSM7_EXTENSION = set("^{}\\[~]|€\f")

SINGLE_SEGMENT = {"GSM-7": 160, "UCS-2": 70}
CONCATENATED_SEGMENT = {"GSM-7": 153, "UCS-2": 67}
# Twilio refuses bodies over 1,600 characters; carriers deliver long
# concatenated messages less reliably, so a part stays within 10 segments.
TWILIO_MAX_BODY_CHARS = 1600
MAX_SEGMENTS_PER_MESSAGE = 10

_TYPOGRAPHIC_TO_GSM = {
    "\u2018": "'", "\u2019": "'", "\u201a": "'", "\u201b": "'",
    "\u201c": '"', "\u201d": '"', "\u201e": '"',
    "\u2013": "-", "\u2014": "-", "\u2212": "-", "\u2010": "-", "\u2011": "-",
    "\u2026": "...", "\u00a0": " ", "\u202f": " ", "\u2009": " ", "\u2022": "-", "\u00b7": "-",
}  # fmt: skip
_ZERO_WIDTH_JOINERS = {"\u200d", "\ufe0f", "\ufe0e"}


def prefer_gsm7(text: str) -> str:
    """Our own texts with typographic quotes, dashes and spaces replaced by their GSM-7 equivalents."""
    return "".join(_TYPOGRAPHIC_TO_GSM.get(character, character) for character in text)


def encoding_of(text: str) -> str:
    if all(character in GSM7_BASIC or character in GSM7_EXTENSION for character in text):
        return "GSM-7"
    return "UCS-2"


def units_of(text: str, encoding: str) -> int:
    """Septets for GSM-7, UTF-16 code units for UCS-2 (an emoji outside the BMP takes two)."""
    if encoding == "GSM-7":
        return sum(2 if character in GSM7_EXTENSION else 1 for character in text)
    return len(text.encode("utf-16-le")) // 2


def segment_count(text: str) -> int:
    encoding = encoding_of(text)
    units = units_of(text, encoding)
    if units <= SINGLE_SEGMENT[encoding]:
        return 1
    return math.ceil(units / CONCATENATED_SEGMENT[encoding])


def fits_one_message(text: str) -> bool:
    utf16_units = len(text.encode("utf-16-le")) // 2
    return utf16_units <= TWILIO_MAX_BODY_CHARS and segment_count(text) <= MAX_SEGMENTS_PER_MESSAGE


def _words(text: str) -> List[str]:
    """Text cut after each whitespace run, and after each Chinese sentence or clause end (Chinese
    has no spaces), so that joining the pieces gives the text back."""
    return re.findall(r"[^\s。！？；]*[。！？；]\s*|\S+\s*|\s+", text)


def _cut_long_word(word: str, budget_check) -> List[str]:  # type: ignore[no-untyped-def]
    """A word too long for one message (a pasted link), cut between characters, never inside an emoji sequence."""
    pieces: List[str] = []
    current = ""
    safe = 0  # length of `current` up to the last place a cut is allowed
    for character in word:
        glued = character in _ZERO_WIDTH_JOINERS or unicodedata.combining(character) or current.endswith("\u200d")
        if not glued:
            safe = len(current)
        if current and not budget_check(current + character) and safe:
            pieces.append(current[:safe])
            current = current[safe:]
            safe = 0 if glued else len(current)
        current += character
    if current:
        pieces.append(current)
    return pieces


def split_for_sms(text: str) -> List[str]:
    """One reply as the messages to send: each within Twilio's limit and 10 segments.

    Cuts fall between paragraphs, lines or words where possible. Parts are
    numbered (1/3) so that a citizen can read them in order even when the
    network delivers them out of order.
    """
    text = text.strip()
    if not text:
        return []  # nothing to say (a paused conversation): no empty text message
    if fits_one_message(text):
        return [text]
    marker_room = "(99/99) "

    def fits(candidate: str) -> bool:
        return fits_one_message(marker_room + candidate.strip())

    parts: List[str] = []
    current = ""
    for word in _words(text):
        for piece in [word] if fits(word) else _cut_long_word(word, fits):
            if fits(current + piece):
                current += piece
                continue
            # Prefer to end the part at the last line break, if it is not too early in the part.
            cut = current.rfind("\n")
            if cut > len(current) // 2 and fits(current[cut + 1 :] + piece):
                parts.append(current[:cut])
                current = current[cut + 1 :] + piece
            else:
                parts.append(current)
                current = piece
    if current.strip():
        parts.append(current)
    parts = [part.strip() for part in parts if part.strip()]
    return [f"({index}/{len(parts)}) {part}" for index, part in enumerate(parts, start=1)]
