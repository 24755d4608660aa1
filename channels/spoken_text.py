"""The assistant's written answers rewritten for the ear: no emoji or links, short, references spelt out."""

from __future__ import annotations

import re
import unicodedata
from typing import Any, Dict, Iterable, List

# Spoken answers longer than this are cut at a sentence end; a caller cannot scroll back.
MAX_SPOKEN_CHARS = 450
_URL = re.compile(r"\b(?:https?://|www\.)\S+", re.IGNORECASE)
_EMAIL = re.compile(r"\b[\w.+-]+@[\w-]+\.[\w.]+\b")
# Case numbers, references and PIN-like codes are clearer digit by digit: "A P P, 2 0 4 8 1 7".
# Lookarounds, not \b: in Chinese a reference follows a character without a space ("编号是APP-204817").
_REFERENCE = re.compile(r"(?<![A-Za-z0-9])(APP|SR|HO)-?(\d{6})(?![0-9])", re.IGNORECASE)
_LONG_NUMBER = re.compile(r"(?<![\d:/.,])\d{5,}(?![\d:/.,])")
_MARKUP = re.compile(r"[*_`#>]+")
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+|(?<=[。！？])")
_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff]")


def _spell(characters: str) -> str:
    return " ".join(characters)


def _is_spoken(character: str) -> bool:
    # Emoji, pictographs and other symbols (So/Sk/Cs/Co) have no sound; letters, digits, punctuation do.
    return unicodedata.category(character) not in ("So", "Sk", "Cs", "Co", "Cn") and character not in "\u200d\ufe0f"


def speakable(text: str) -> str:
    """One written message as a sentence or two to be read out by text-to-speech."""
    chinese = bool(_HAN.search(text))
    text = _URL.sub("市政府网站上" if chinese else "on the council's website", text)
    text = _EMAIL.sub("通过电子邮件" if chinese else "by email", text)
    text = _REFERENCE.sub(lambda m: f"{_spell(m.group(1).upper())}, {_spell(m.group(2))}", text)
    text = _LONG_NUMBER.sub(lambda m: _spell(m.group(0)), text)
    text = _MARKUP.sub("", text)
    text = "".join(character for character in text if _is_spoken(character))
    # Line breaks are pauses: make each line a sentence of its own.
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    if chinese:
        return "".join(line if line[-1] in "。！？：；，.!?:;," else line + "。" for line in lines)
    text = " ".join(line if line[-1] in ".!?:;," else line + "." for line in lines)
    return re.sub(r"\s{2,}", " ", text).strip()


def shortened(text: str, limit: int = MAX_SPOKEN_CHARS) -> str:
    """At most `limit` characters, ending at a sentence; a single very long sentence is cut at a word."""
    if len(text) <= limit:
        return text
    kept = ""
    for sentence in _SENTENCE_END.split(text):
        if len(kept) + len(sentence) + 1 > limit:
            break
        kept = f"{kept} {sentence}".strip()
    if not kept:
        kept = text[:limit].rsplit(" ", 1)[0].rstrip(",;:") + "."
    return kept


def spoken_menu(buttons: List[Dict[str, Any]]) -> str:
    """Buttons as a short menu: 'Press 1 for Yes, please. Press 2 for No, thanks.' (in Chinese for Chinese titles)."""
    if any(_HAN.search(str(button.get("title", ""))) for button in buttons):
        chinese_choices = [
            f"按{number}选择{speakable(button.get('title', '')).rstrip('。')}"
            for number, button in enumerate(buttons, start=1)
        ]
        return "请说出您的选择，或" + "；".join(chinese_choices) + "。"
    choices = [
        f"press {number} for {speakable(button.get('title', '')).rstrip('.')}"
        for number, button in enumerate(buttons, start=1)
    ]
    if not choices:
        return ""
    return "Say your answer, or " + "; ".join(choices) + "."


def spoken_reply(messages: Iterable[Dict[str, Any]]) -> tuple[str, List[Dict[str, Any]]]:
    """A turn's messages as what the caller hears, and the buttons its keypad digits select."""
    sentences: List[str] = []
    buttons: List[Dict[str, Any]] = []
    for message in messages:
        if message.get("text"):
            sentences.append(speakable(message["text"]))
        buttons.extend(message.get("buttons") or [])
    joined = " ".join(sentence for sentence in sentences if sentence)
    if _HAN.search(joined):
        joined = "".join(sentence for sentence in sentences if sentence)  # Chinese has no spaces between sentences
    spoken = shortened(joined)
    menu = spoken_menu(buttons)
    separator = "" if _HAN.search(spoken + menu) else " "
    return (f"{spoken}{separator}{menu}".strip(), buttons)
