"""Cleaning the free text citizens type, and formatting dates for what they read."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from typing import Any, Optional

# Work on a bounded prefix so that a pasted novel costs nothing; validators then reject what is too long.
_MAX_INPUT = 20_000


def as_text(value: Any) -> str:
    """A slot value as text; a list (an entity found twice) is joined so that the parsers judge it whole."""
    if isinstance(value, list):
        return " ".join(str(v) for v in value if v is not None)
    return value if isinstance(value, str) else ""


def clean_citizen_text(text: Any, max_length: Optional[int] = None) -> str:
    """Text without control, zero-width or bidi-override characters, whitespace collapsed.

    Citizen text ends up in the back office's agent console and in case records:
    invisible characters there can hide or reorder what an agent reads.
    """
    if not isinstance(text, str):
        return ""
    text = unicodedata.normalize("NFC", text[:_MAX_INPUT])
    kept = []
    for ch in text:
        category = unicodedata.category(ch)
        if ch.isspace():
            kept.append(" ")
        elif category not in ("Cc", "Cf", "Cs", "Co"):
            kept.append(ch)
    cleaned = re.sub(r" {2,}", " ", "".join(kept)).strip()
    return cleaned[:max_length] if max_length is not None else cleaned


def format_citizen_date(value: Optional[str]) -> str:
    """'2025-05-12' or '2025-05-12T09:30:00Z' -> '12 May 2025'; unparseable input comes back unchanged."""
    if not value:
        return ""
    try:
        date = dt.date.fromisoformat(str(value)[:10])
    except ValueError:
        return str(value)
    return f"{date.day} {date:%B %Y}"
