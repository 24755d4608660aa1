"""Cleaning of free text citizens send (locations, descriptions, transcripts)."""

import unicodedata

# Invisible characters that survive str.strip() and can hide content or make
# two identical-looking texts differ; removed wherever they appear.
_INVISIBLE = {"\u200b", "\u200c", "\u200d", "\u2060", "\ufeff", "\u00ad"}
_KEPT_WHITESPACE = {"\n", "\t"}


def clean_free_text(text: str, *, multiline: bool = False) -> str:
    """Drop control, format and zero-width characters and trim surrounding whitespace.

    Line breaks and tabs are kept only in `multiline` texts (descriptions,
    transcripts); in one-line fields they become spaces.
    """
    cleaned = []
    for char in unicodedata.normalize("NFC", text):
        if char in _KEPT_WHITESPACE:
            cleaned.append(char if multiline else " ")
        elif char == "\r" or char in _INVISIBLE or unicodedata.category(char) in {"Cc", "Cf", "Cs", "Co"}:
            continue
        else:
            cleaned.append(char)
    return "".join(cleaned).strip()
